// The API in front of a real Checker (FakeClock, scripted probes) through the generated client:
// states and effective weights follow probe results, operator actions and weight changes go
// through the checker, events stream out, reloads use the daemon-style check/reload functions.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { credentials, status } from '@grpc/grpc-js';
import {
  MaglevClient,
  createCheckerBackend,
  startApiServer,
  type ApiServer,
  type CheckerBackend,
  type ConfigOutcomeLike,
  type Event,
  type SetWeightInput,
} from '../../src/api/index.js';
import { Checker, ProbeFeed } from '../../src/checker/index.js';
import { FakeClock } from '../../src/clock/index.js';
import { parseConfig } from '../../src/config/index.js';
import type { MaglevConfig } from '../../src/config/types.js';
import type { ProbeResult } from '../../src/health/index.js';
import { LogBroadcaster } from '../../src/log/index.js';
import type { ProbeFn } from '../../src/probe/types.js';
import { StreamReader, expectStatus, rpc } from '../helpers/api-server.js';
import { broadcastOnlyLogger } from '../helpers/logger.js';

function yaml(withC: boolean): string {
  return `
maglev:
  healthchecks:
    http:
      type: http
      port: 80
      interval: 2s
      fast-interval: 1s
      timeout: 500ms
      rise: 2
      fall: 2
  backends:
    a: { address: 192.0.2.1, healthcheck: http }
    b: { address: 192.0.2.2, healthcheck: http }
${withC ? '    c: { address: 192.0.2.3, healthcheck: http }' : ''}
    d: { address: 192.0.2.4 }
  frontends:
    web:
      description: the website
      address: 198.51.100.1
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends:
            a: {}
            b: { weight: 50 }
${withC ? '        - name: fallback\n          backends:\n            c: {}' : ''}
    other:
      address: 198.51.100.2
      protocol: udp
      port: 53
      pools:
        - name: only
          backends:
            d: {}
`;
}

function load(withC: boolean): MaglevConfig {
  const r = parseConfig(yaml(withC), 'maglev.yaml');
  if (!r.ok) throw new Error(`test config invalid: ${JSON.stringify(r.errors)}`);
  return r.config;
}

function kind(e: Event): string {
  const ev = e.event;
  if (ev?.$case === 'backend')
    return `backend ${ev.value.frontend}/${ev.value.backend} ${ev.value.transition?.to}`;
  if (ev?.$case === 'frontend') return `frontend ${ev.value.frontend} ${ev.value.from}->${ev.value.to}`;
  if (ev?.$case === 'log') return `log ${ev.value.msg}`;
  return 'empty';
}

void describe('API over a real Checker', () => {
  const clock = new FakeClock();
  const passing = new Map<string, boolean>([
    ['192.0.2.1', true],
    ['192.0.2.2', true],
    ['192.0.2.3', false],
  ]);
  const probe: ProbeFn = (req) => {
    const ok = passing.get(req.address) ?? false;
    const result: ProbeResult = ok
      ? { ok, layer: 'L7', code: 'L7OK', detail: 'status 200', durationMs: 1 }
      : { ok, layer: 'L7', code: 'L7STS', detail: 'status 503 not in 200-399', durationMs: 1 };
    return Promise.resolve(result);
  };
  const logs = new LogBroadcaster();
  const logger = broadcastOnlyLogger(logs);
  const probes = new ProbeFeed();
  const checker = new Checker({
    config: load(true),
    probe,
    clock,
    random: () => 0.5,
    logger,
    probeFeed: probes,
  });
  const weightHook: SetWeightInput[] = [];
  let reloadOutcome: () => ConfigOutcomeLike = () => {
    checker.reload(load(false));
    return { ok: true, errors: [], warnings: [] };
  };
  let backend: CheckerBackend;
  let server: ApiServer;
  let client: MaglevClient;
  let watch: StreamReader<Event>;

  before(async () => {
    backend = createCheckerBackend({
      checker,
      logs,
      probes,
      check: () => Promise.resolve({ ok: true, errors: [], warnings: ['maglev.yaml:20:7: a warning'] }),
      reload: () => Promise.resolve(reloadOutcome()),
      afterSetWeight: (input) => {
        weightHook.push(input);
      },
    });
    server = await startApiServer({ backend, address: '127.0.0.1:0', logger, clock });
    client = new MaglevClient(server.target, credentials.createInsecure());
    watch = await StreamReader.started(
      client.watchEvents({
        log: true,
        logLevel: 'info',
        backend: true,
        frontend: true,
        backendNames: [],
        frontendNames: [],
        probeSummaryMs: 0,
        announcement: false,
      }),
    );
    checker.start();
  });

  after(async () => {
    watch.stream.cancel();
    client.close();
    await server.shutdown(2000);
    backend.close();
    await checker.stop();
  });

  void test('before any probe: everything unknown, replayed on subscribe', async () => {
    assert.deepEqual((await watch.next(2)).map(kind), [
      'frontend web unknown->unknown',
      'frontend other unknown->unknown',
    ]);
    const web = await rpc(client.getFrontend.bind(client), { name: 'web' });
    assert.equal(web.state, 'unknown');
    assert.equal(web.activePool, undefined);
    assert.deepEqual(
      web.pools.flatMap((p) => p.backends.map((b) => [b.name, b.state, b.weight, b.effectiveWeight])),
      [
        ['a', 'unknown', 100, 0],
        ['b', 'unknown', 50, 0],
        ['c', 'unknown', 100, 0],
      ],
    );
  });

  void test('probe results drive states, events, effective weights and bucket predictions', async () => {
    await clock.advance(2000);
    const b = await rpc(client.listBackends.bind(client), { namesOnly: false });
    assert.deepEqual(
      b.backends.map((x) => [x.name, x.state, x.counter]),
      [
        ['a', 'up', 3],
        ['b', 'up', 3],
        ['c', 'down', 0],
        ['d', 'up', 1],
      ],
    );
    const c = await rpc(client.getBackend.bind(client), { name: 'c' });
    assert.equal(c.transitions[0]?.code, 'L7STS');
    assert.ok((c.transitions[0]?.time?.getTime() ?? 0) <= clock.now());
    assert.deepEqual(c.frontends, ['web']);
    assert.equal(c.healthcheck, 'http');

    const web = await rpc(client.getFrontend.bind(client), { name: 'web' });
    assert.equal(web.state, 'up');
    assert.equal(web.activePool, 0);
    assert.ok(web.stateSince, 'the frontend change was tracked');
    const rows = web.pools.flatMap((p) =>
      p.backends.map((x) => [x.name, x.effectiveWeight, x.flush, x.predictedBuckets]),
    );
    // Weights 100/50 in 1024 buckets: 674/350 (the lb plugin's weighted table, docs/vpp-lb.md), a
    // fixed figure rather than src/maglev asked again.
    assert.deepEqual(rows, [
      ['a', 100, false, 674],
      ['b', 50, false, 350],
      ['c', 0, true, 0],
    ]);

    // Streamed: the transitions (per frontend) and the frontend changes, plus the checker's logs.
    const wanted = [
      'backend web/a up',
      'backend web/b up',
      'backend web/c down',
      'backend other/d up',
      'frontend web unknown->up',
      'frontend other unknown->up',
      'log backend-transition',
    ];
    await watch.until(() => {
      const seen = watch.items.map(kind);
      return wanted.every((w) => seen.includes(w));
    }, wanted.join(', '));
  });

  void test('a weight change goes through the checker and the after-hook, with new predictions', async () => {
    const web = await rpc(client.setFrontendPoolBackendWeight.bind(client), {
      frontend: 'web',
      pool: 'primary',
      backend: 'a',
      weight: 0,
      flush: true,
    });
    const primary = web.pools[0]?.backends ?? [];
    assert.deepEqual(
      primary.map((x) => [x.name, x.weight, x.effectiveWeight, x.predictedBuckets]),
      [
        ['a', 0, 0, 0],
        ['b', 50, 50, 1024],
      ],
    );
    assert.deepEqual(weightHook, [
      { frontend: 'web', pool: 'primary', backend: 'a', weight: 0, flush: true },
    ]);
    assert.equal(checker.config().frontends.get('web')?.pools[0]?.backends.get('a')?.weight, 0);
    await expectStatus(
      rpc(client.setFrontendPoolBackendWeight.bind(client), {
        frontend: 'web',
        pool: 'primary',
        backend: 'c',
        weight: 1,
        flush: false,
      }),
      status.NOT_FOUND,
    );
    await rpc(client.setFrontendPoolBackendWeight.bind(client), {
      frontend: 'web',
      pool: 'primary',
      backend: 'a',
      weight: 100,
      flush: false,
    });
  });

  void test('operator actions: disable/enable, pause/resume, and the refusals a disabled backend gets', async () => {
    // Bucket predictions follow every state change, however often they are read in between.
    const predicted = async () =>
      (await rpc(client.getFrontend.bind(client), { name: 'web' })).pools[0]?.backends.map((x) => [
        x.name,
        x.predictedBuckets,
      ]);
    assert.deepEqual(await predicted(), [
      ['a', 674],
      ['b', 350],
    ]);
    assert.deepEqual(await predicted(), [
      ['a', 674],
      ['b', 350],
    ]);
    const disabled = await rpc(client.disableBackend.bind(client), { name: 'b' });
    assert.equal(disabled.state, 'disabled');
    assert.equal(disabled.enabled, false);
    await expectStatus(
      rpc(client.pauseBackend.bind(client), { name: 'b' }),
      status.FAILED_PRECONDITION,
      /enable it/,
    );
    await expectStatus(rpc(client.resumeBackend.bind(client), { name: 'b' }), status.FAILED_PRECONDITION);
    const again = await rpc(client.disableBackend.bind(client), { name: 'b' });
    assert.equal(again.transitions.length, disabled.transitions.length, 'disable is idempotent by state');
    const enabled = await rpc(client.enableBackend.bind(client), { name: 'b' });
    assert.equal(enabled.state, 'unknown');
    assert.equal(enabled.enabled, true);

    const paused = await rpc(client.pauseBackend.bind(client), { name: 'a' });
    assert.equal(paused.state, 'paused');
    const web = await rpc(client.getFrontend.bind(client), { name: 'web' });
    assert.equal(web.pools[0]?.backends[0]?.effectiveWeight, 0);
    assert.deepEqual(await predicted(), [
      ['a', 0],
      ['b', 0],
    ]);
    const resumed = await rpc(client.resumeBackend.bind(client), { name: 'a' });
    assert.equal(resumed.state, 'unknown');
    await expectStatus(rpc(client.pauseBackend.bind(client), { name: 'ghost' }), status.NOT_FOUND);

    await clock.advance(2000);
    const back = await rpc(client.listBackends.bind(client), { namesOnly: true });
    assert.deepEqual(back.names, ['a', 'b', 'c', 'd']);
    assert.equal((await rpc(client.getBackend.bind(client), { name: 'a' })).state, 'up');
    assert.equal((await rpc(client.getBackend.bind(client), { name: 'b' })).state, 'up');
    assert.deepEqual(await predicted(), [
      ['a', 674],
      ['b', 350],
    ]);
  });

  void test('health checks are listed with their backends', async () => {
    const list = await rpc(client.listHealthChecks.bind(client), { namesOnly: false });
    assert.deepEqual(list.names, ['http']);
    assert.deepEqual(list.healthchecks[0]?.backends, ['a', 'b', 'c']);
    assert.equal(list.healthchecks[0]?.fastInterval?.seconds, 1n);
    await expectStatus(rpc(client.getHealthCheck.bind(client), { name: 'icmp' }), status.NOT_FOUND);
  });

  void test('CheckConfig and ReloadConfig use the given check/reload; failures land in their fields', async () => {
    const check = await rpc(client.checkConfig.bind(client), { candidateYaml: '', candidateName: '' });
    assert.deepEqual(check, {
      ok: true,
      parseError: '',
      semanticError: '',
      preview: undefined,
      warnings: ['maglev.yaml:20:7: a warning'],
    });

    const ok = await rpc(client.reloadConfig.bind(client), {});
    assert.equal(ok.ok, true);
    assert.deepEqual((await rpc(client.listBackends.bind(client), { namesOnly: true })).names, [
      'a',
      'b',
      'd',
    ]);
    await expectStatus(rpc(client.getBackend.bind(client), { name: 'c' }), status.NOT_FOUND);
    const web = await rpc(client.getFrontend.bind(client), { name: 'web' });
    assert.deepEqual(
      web.pools.map((p) => p.name),
      ['primary'],
    );
    await watch.until(() => watch.items.map(kind).includes('backend web/c removed'), 'c removed');

    reloadOutcome = () => ({
      ok: false,
      kind: 'parse',
      errors: ['maglev.yaml:3:1: bad indentation'],
      warnings: [],
    });
    const parse = await rpc(client.reloadConfig.bind(client), {});
    assert.deepEqual(parse, {
      ok: false,
      parseError: 'maglev.yaml:3:1: bad indentation',
      semanticError: '',
      applyError: '',
      warnings: [],
    });
    reloadOutcome = () => ({ ok: false, kind: 'semantic', errors: ['e1', 'e2'], warnings: ['w'] });
    const semantic = await rpc(client.reloadConfig.bind(client), {});
    assert.equal(semantic.semanticError, 'e1\ne2');
    assert.deepEqual(semantic.warnings, ['w']);
    reloadOutcome = () => {
      throw new Error('checker refused');
    };
    const apply = await rpc(client.reloadConfig.bind(client), {});
    assert.equal(apply.ok, false);
    assert.equal(apply.applyError, 'checker refused');
  });

  void test('without VPP integration the VPP RPCs are UNAVAILABLE', async () => {
    await expectStatus(rpc(client.getVppInfo.bind(client), {}), status.UNAVAILABLE, /not connected/);
    await expectStatus(rpc(client.syncVpplbState.bind(client), { frontend: 'web' }), status.UNAVAILABLE);
  });
});
