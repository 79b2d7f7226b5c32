// maglevc against the API in front of a real Checker (FakeClock, scripted probe results): what
// the operator sees follows probes, operator actions and weight changes through the real
// health, effective-weight and Maglev prediction code.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createCheckerBackend,
  startApiServer,
  type ApiEvent,
  type ApiServer,
  type CheckerBackend,
} from '../../src/api/index.js';
import { Checker, ProbeFeed } from '../../src/checker/index.js';
import { FakeClock } from '../../src/clock/index.js';
import { parseConfig } from '../../src/config/index.js';
import type { MaglevConfig } from '../../src/config/types.js';
import type { ProbeResult } from '../../src/health/index.js';
import { LogBroadcaster } from '../../src/log/index.js';
import type { ProbeFn } from '../../src/probe/types.js';
import { maglevc, startInProcess, type CliRun } from './fixtures.js';
import { broadcastOnlyLogger } from '../helpers/logger.js';

process.env.TZ = 'UTC';

const YAML = `
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
    c: { address: 192.0.2.3, healthcheck: http }
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
        - name: fallback
          backends:
            c: {}
`;

function load(): MaglevConfig {
  const r = parseConfig(YAML, 'maglev.yaml');
  if (!r.ok) throw new Error(`test config invalid: ${JSON.stringify(r.errors)}`);
  return r.config;
}

function ok(r: CliRun): string {
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  return r.stdout;
}

describe('maglevc over a real Checker', () => {
  const clock = new FakeClock();
  const passing = new Map([
    ['192.0.2.1', true],
    ['192.0.2.2', true],
    ['192.0.2.3', false],
  ]);
  const probe: ProbeFn = (req) => {
    const pass = passing.get(req.address) ?? false;
    const result: ProbeResult = pass
      ? { ok: true, layer: 'L7', code: 'L7OK', detail: 'status 200', durationMs: 1 }
      : { ok: false, layer: 'L7', code: 'L7STS', detail: 'status 503 not in 200-399', durationMs: 1 };
    return Promise.resolve(result);
  };
  const logs = new LogBroadcaster();
  const logger = broadcastOnlyLogger(logs);
  const probes = new ProbeFeed();
  const checker = new Checker({
    config: load(),
    probe,
    clock,
    random: () => 0.5,
    logger,
    probeFeed: probes,
  });
  let backend: CheckerBackend;
  let server: ApiServer;
  let run: (line: string) => Promise<CliRun>;
  const subscribed: (() => void)[] = [];

  before(async () => {
    backend = createCheckerBackend({
      checker,
      logs,
      probes,
      check: () => Promise.resolve({ ok: true, errors: [], warnings: [], config: load() }),
      reload: () =>
        Promise.resolve({
          ok: false,
          kind: 'semantic',
          errors: ['maglev.yaml:9:5: backend "x" not defined'],
          warnings: [],
        }),
    });
    const subscribe = backend.subscribe.bind(backend);
    backend.subscribe = (listener: (e: ApiEvent) => void) => {
      const unsubscribe = subscribe(listener);
      subscribed.shift()?.();
      return unsubscribe;
    };
    server = await startApiServer({ backend, address: '127.0.0.1:0', logger, clock });
    run = (line) => maglevc(['--server', server.target, ...line.split(' ')]);
    checker.start();
  });

  after(async () => {
    await server.shutdown(2000);
    backend.close();
    await checker.stop();
  });

  test('before any probe result: everything unknown', async () => {
    const out = ok(await run('show backends'));
    assert.match(out, /^a\s+192\.0\.2\.1\s+unknown\s+1\/3\s+-\s+-\s+http\s+web$/m);
    assert.match(
      ok(await run('show frontends')),
      /^web\s+198\.51\.100\.1\s+tcp\/80\s+unknown\s+-\s+-\s+0\/3\s+the website$/m,
    );
  });

  test('probe results: states, effective weights, Maglev buckets for the active pool', async () => {
    await clock.advance(2000);
    const list = ok(await run('sh ba'));
    assert.match(list, /^a\s+192\.0\.2\.1\s+up\s+[23]\/3\s+\S+\s+L7OK\s+http\s+web$/m);
    assert.match(list, /^c\s+192\.0\.2\.3\s+down\s+0\/3\s+\S+\s+L7STS\s+http\s+web$/m);

    const web = ok(await run('show frontend web'));
    assert.match(web, /^state\s+up for \S+$/m);
    assert.match(web, /^pool primary \(active\)$/m);
    const row = (name: string) =>
      new RegExp(`^ {2}${name}\\s+\\S+\\s+(\\w+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+|-)\\s+(yes|no)\\s`, 'm');
    const a = row('a').exec(web);
    const b = row('b').exec(web);
    const c = row('c').exec(web);
    assert.deepEqual(a?.slice(1, 4), ['up', '100', '100']);
    assert.deepEqual(b?.slice(1, 4), ['up', '50', '50']);
    assert.deepEqual(c?.slice(1, 4), ['down', '100', '0']);
    assert.equal(c?.[5], 'yes', 'a down backend is flushed (flush-on-down)');
    // The whole table goes to the active pool: weights 100/50 in 1024 buckets are 674/350
    // (docs/vpp-lb.md §Properties).
    assert.deepEqual([a?.[4], b?.[4], c?.[4]], ['674', '350', '0']);
  });

  test('a weight dry run: the buckets before are the ones shown now, those after the ones shown once set', async () => {
    const buckets = async () => {
      const web = ok(await run('show frontend web'));
      return ['a', 'b'].map((name) =>
        Number(new RegExp(`^ {2}${name}\\s+\\S+\\s+\\w+\\s+\\d+\\s+\\d+\\s+(\\d+)\\s`, 'm').exec(web)?.[1]),
      );
    };
    const [a, b] = await buckets();
    const out = ok(await run('set frontend web pool primary backend b weight 100 dry-run'));
    const moved = /^vip 198\.51\.100\.1\/32 tcp\/80 web: (\d+) of 1024 buckets move/m.exec(out);
    assert.ok(moved, out);
    const rowOf = (address: string) =>
      new RegExp(`^ {2}${address.replaceAll('.', '\\.')}\\s+\\S+\\s+(.+?)\\s{2,}(\\d+) -> (\\d+)$`, 'm').exec(
        out,
      );
    const ra = rowOf('192.0.2.1');
    const rb = rowOf('192.0.2.2');
    assert.deepEqual([ra?.[1], Number(ra?.[2]), rb?.[1], Number(rb?.[2])], ['100', a, '50 -> 100', b]);
    assert.match(out, /^note: VPP integration is off: nothing would be sent to VPP$/m);
    assert.match(ok(await run('show frontend web')), /^ {2}b\s+192\.0\.2\.2\s+up\s+50\s+50\s/m, 'unchanged');
    ok(await run('set frontend web pool primary backend b weight 100'));
    assert.deepEqual(await buckets(), [Number(ra?.[3]), Number(rb?.[3])]);
    ok(await run('set frontend web pool primary backend b weight 50'));
    assert.deepEqual(await buckets(), [a, b]);
  });

  test('a failing backend: its history shows the transition with the probe code', async () => {
    passing.set('192.0.2.1', false);
    await clock.advance(5000);
    const out = ok(await run('show backend a'));
    assert.match(out, /^state\s+down for \S+$/m);
    assert.match(out, /^ {2}\S+ \S+\s+\S+\s+up -> down\s+L7STS\s+status 503 not in 200-399$/m);
    assert.match(out, /^ {2}\S+ \S+\s+\S+\s+unknown -> up\s+L7OK\s+status 200$/m);
  });

  test('operator actions and weights go through the checker', async () => {
    assert.equal(ok(await run('set backend b pause')), 'backend b is paused\n');
    assert.match(ok(await run('show frontend web')), /^ {2}b\s+192\.0\.2\.2\s+paused\s+50\s+0\s/m);
    assert.equal(ok(await run('set ba b res')), 'backend b is unknown\n');
    const weighted = ok(await run('set frontend web pool fallback backend c weight 10'));
    assert.match(weighted, /^ {2}c\s+192\.0\.2\.3\s+down\s+10\s+0\s/m);
    const refused = await run('set frontend web pool nosuch backend c weight 10');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^maglevc: pool .*"nosuch" not found\n$/);
    // Let b come back up from unknown before the next test watches transitions.
    await clock.advance(5000);
    assert.match(ok(await run('show backend b')), /^state\s+up for /m);
  });

  test('watch events shows the transitions as the checker makes them', async () => {
    const ready = new Promise<void>((resolve) => subscribed.push(resolve));
    const watch = startInProcess(['--server', server.target, 'watch', 'events', 'backend', 'num', '1']);
    await ready;
    passing.set('192.0.2.1', true);
    await clock.advance(5000);
    const out = ok(await watch.done);
    assert.match(
      out,
      /^\d\d:\d\d:\d\d\.\d{3} backend a 192\.0\.2\.1 \(frontend web\) down -> up \[L7OK\] status 200\n$/,
    );
  });

  test('config check and a refused reload', async () => {
    assert.equal(
      ok(await run('config check')),
      'configuration is valid\nreloading it would change nothing\n',
    );
    const r = await run('config reload');
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      'configuration not reloaded; the running one stays in force\n  semantic error: maglev.yaml:9:5: backend "x" not defined\n',
    );
  });
});
