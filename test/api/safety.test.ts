// docs/safety.md through the API, in front of a real Checker (FakeClock, scripted probes): a
// backend held by a checker fault shows the fault, a frontend in panic shows its pool and count
// with the configured weights as effective, and WatchEvents streams both kinds of event with
// the same filters as backend and frontend events.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import {
  MaglevClient,
  createCheckerBackend,
  startApiServer,
  type ApiServer,
  type CheckerBackend,
  type Event,
} from '../../src/api/index.js';
import { Checker } from '../../src/checker/index.js';
import { FakeClock } from '../../src/clock/index.js';
import { parseConfig } from '../../src/config/index.js';
import type { ProbeResult } from '../../src/health/index.js';
import { JsonLogger, LogBroadcaster } from '../../src/log/index.js';
import type { ProbeFn } from '../../src/probe/types.js';
import { StreamReader, rpc } from '../helpers/api-server.js';

const YAML = `
maglev:
  healthchecks:
    tcp: { type: tcp, port: 80, interval: 1s, timeout: 500ms, rise: 1, fall: 1 }
  backends:
    a: { address: 192.0.2.1, healthcheck: tcp }
    b: { address: 192.0.2.2, healthcheck: tcp }
    c: { address: 192.0.2.3, healthcheck: tcp }
  frontends:
    web:
      address: 198.51.100.1
      port: 80
      panic-threshold: 50%
      pools:
        - name: primary
          backends: { a: {}, b: { weight: 30 } }
    other:
      address: 198.51.100.2
      port: 80
      pools:
        - name: only
          backends: { c: {} }
`;

type Outcome = 'pass' | 'fail' | 'fault';
const RESULTS: Record<Outcome, ProbeResult> = {
  pass: { ok: true, layer: 'L4', code: 'L4OK', detail: 'connected', durationMs: 1 },
  fail: { ok: false, layer: 'L4', code: 'L4CON', detail: 'connect ECONNREFUSED', durationMs: 1 },
  fault: {
    ok: false,
    layer: 'L4',
    code: 'checker-fault',
    reason: 'no-route',
    detail: 'connect ENETUNREACH: no route to 192.0.2.3 in netns "dp"',
    durationMs: 0,
  },
};

function kind(e: Event): string {
  const ev = e.event;
  if (ev?.$case === 'checkerFault')
    return `fault ${ev.value.frontend}/${ev.value.backend} ${ev.value.active ? 'on' : 'off'} ${ev.value.reason}`;
  if (ev?.$case === 'panic')
    return `panic ${ev.value.frontend} ${ev.value.active ? 'on' : 'off'} ${ev.value.pool} ${ev.value.up}/${ev.value.eligible} ${ev.value.threshold}`;
  if (ev?.$case === 'backend') return `backend ${ev.value.backend} ${ev.value.transition?.to}`;
  if (ev?.$case === 'frontend') return `frontend ${ev.value.frontend} ${ev.value.to}`;
  return ev?.$case ?? 'empty';
}

void describe('checker faults and panics through the API', () => {
  const clock = new FakeClock();
  const outcome = new Map<string, Outcome>();
  const probe: ProbeFn = (req) => Promise.resolve(RESULTS[outcome.get(req.address) ?? 'pass']);
  const logs = new LogBroadcaster();
  const logger = new JsonLogger({
    level: 'error',
    broadcaster: logs,
    destination: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  const parsed = parseConfig(YAML, 'maglev.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const checker = new Checker({ config: parsed.config, probe, clock, random: () => 0.5, logger });
  let backend: CheckerBackend;
  let server: ApiServer;
  let client: MaglevClient;
  let backends: StreamReader<Event>;
  let webOnly: StreamReader<Event>;

  const watch = (req: { backend?: boolean; frontend?: boolean; frontendNames?: string[] }) =>
    StreamReader.started(
      client.watchEvents({
        log: false,
        logLevel: '',
        backend: req.backend ?? false,
        frontend: req.frontend ?? false,
        announcement: false,
        backendNames: [],
        frontendNames: req.frontendNames ?? [],
        probeSummaryMs: 0,
      }),
    );

  before(async () => {
    backend = createCheckerBackend({
      checker,
      logs,
      check: () => Promise.resolve({ ok: true, errors: [], warnings: [] }),
      reload: () => Promise.resolve({ ok: true, errors: [], warnings: [] }),
    });
    server = await startApiServer({ backend, address: '127.0.0.1:0', logger, clock });
    client = new MaglevClient(server.target, credentials.createInsecure());
    backends = await watch({ backend: true });
    webOnly = await watch({ frontend: true, frontendNames: ['web'] });
    checker.start();
    await clock.advance(1000);
  });

  after(async () => {
    backends.stream.cancel();
    webOnly.stream.cancel();
    client.close();
    await server.shutdown(2000);
    backend.close();
    await checker.stop();
  });

  void test('a checker fault: the backend stays up, and says why it is not being judged', async () => {
    outcome.set('192.0.2.3', 'fault');
    await clock.advance(3000);
    const c = await rpc(client.getBackend.bind(client), { name: 'c' });
    assert.equal(c.state, 'up');
    assert.deepEqual([c.checkerFault?.reason, c.checkerFault?.detail], ['no-route', RESULTS.fault.detail]);
    assert.ok(c.checkerFault?.since instanceof Date);
    const other = await rpc(client.getFrontend.bind(client), { name: 'other' });
    assert.deepEqual(
      other.pools[0]?.backends.map((b) => [b.name, b.effectiveWeight, b.checkerFault]),
      [['c', 100, 'no-route']],
    );
    await backends.until(
      () => backends.items.map(kind).includes('fault other/c on no-route'),
      'the fault event',
    );

    outcome.set('192.0.2.3', 'pass');
    await clock.advance(1000);
    await backends.until(() => backends.items.map(kind).includes('fault other/c off no-route'), 'its end');
    assert.equal((await rpc(client.getBackend.bind(client), { name: 'c' })).checkerFault, undefined);
    assert.deepEqual(
      backends.items.map(kind).filter((k) => k.startsWith('backend c')),
      ['backend c up'],
      'no transition of c but its first',
    );
  });

  void test('panic: the pool and its count, configured weights as effective, events on the frontend filter', async () => {
    let web = await rpc(client.getFrontend.bind(client), { name: 'web' });
    assert.equal(web.panicThreshold, 50);
    assert.equal(web.panic, undefined);
    outcome.set('192.0.2.1', 'fail');
    outcome.set('192.0.2.2', 'fail');
    await clock.advance(1000);
    web = await rpc(client.getFrontend.bind(client), { name: 'web' });
    assert.deepEqual(web.panic, { pool: 'primary', up: 0, eligible: 2 });
    assert.equal(web.state, 'up');
    assert.equal(web.activePool, 0);
    assert.deepEqual(
      web.pools[0]?.backends.map((b) => [b.name, b.state, b.effectiveWeight, b.flush]),
      [
        ['a', 'down', 100, false],
        ['b', 'down', 30, false],
      ],
    );
    const other = await rpc(client.getFrontend.bind(client), { name: 'other' });
    assert.equal(other.panicThreshold, undefined);
    await webOnly.until(
      () => webOnly.items.map(kind).includes('panic web on primary 0/2 50'),
      'the panic event',
    );

    outcome.set('192.0.2.1', 'pass');
    outcome.set('192.0.2.2', 'pass');
    await clock.advance(1000);
    await webOnly.until(() => webOnly.items.map(kind).includes('panic web off primary 0/2 50'), 'its end');
    assert.ok(
      webOnly.items.every((e) => !kind(e).includes('other')),
      'the frontend filter applies to panic events',
    );
    assert.ok(
      backends.items.every((e) => !kind(e).startsWith('panic')),
      'panic events come with frontend events only',
    );
  });
});
