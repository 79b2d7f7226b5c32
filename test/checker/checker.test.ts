import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, settle } from '../../src/clock/index.js';
import type { MaglevConfig } from '../../src/config/types.js';
import {
  Checker,
  NotFoundError,
  ProbeFeed,
  type CheckerEvent,
  type FrontendEvent,
} from '../../src/checker/index.js';
import type { ProbeResult } from '../../src/health/index.js';
import { backend, config, frontend, healthcheck } from '../helpers/config.js';
import { FAIL, ScriptedProbe } from '../helpers/scripted-probe.js';
import { RecordingLogger } from '../helpers/logger.js';

function setup(cfg: MaglevConfig, debug = true) {
  const clock = new FakeClock();
  const probe = new ScriptedProbe(clock);
  const logger = new RecordingLogger({ debug });
  const done: Array<{ backend: string; result: ProbeResult; lagMs: number }> = [];
  const checker = new Checker({
    config: cfg,
    probe: probe.fn,
    clock,
    random: () => 0.5, // jitter factor exactly 1.0
    logger,
    observeProbes: (b) => ({ probeDone: (result, lagMs) => done.push({ backend: b, result, lagMs }) }),
  });
  const events: CheckerEvent[] = [];
  checker.subscribe((e) => {
    events.push(e);
  });
  const backendEvents = () =>
    events.flatMap((e) => (e.kind === 'backend' ? [`${e.frontend}:${e.backend}:${e.transition.to}`] : []));
  const frontendEvents = () =>
    events.flatMap((e) => (e.kind === 'frontend' ? [`${e.frontend}:${e.from}->${e.to}`] : []));
  const finish = async () => {
    await checker.stop();
    assert.equal(clock.pendingTimers(), 0, 'stop() leaves no timers');
  };
  return { clock, probe, logger, done, checker, events, backendEvents, frontendEvents, finish };
}

/** Four backends in one frontend, interval 2 s, rise 2 / fall 3. */
function fourBackends(): MaglevConfig {
  return config({
    backends: [
      backend('a', '10.0.0.1'),
      backend('b', '10.0.0.2'),
      backend('c', '10.0.0.3'),
      backend('d', '10.0.0.4'),
    ],
    frontends: [frontend('web', { pools: [{ a: 100, b: 100, c: 100, d: 100 }] })],
  });
}

/** One backend 'a' in frontend 'web', with health check settings as given. */
function single(hc: Parameters<typeof healthcheck>[0] = {}, over: Parameters<typeof backend>[2] = {}) {
  return config({
    healthchecks: [healthcheck(hc)],
    backends: [backend('a', '10.0.0.1', over)],
    frontends: [frontend('web', { pools: [{ a: 100 }] })],
  });
}

void describe('Checker scheduling', () => {
  void test('first probes are spread evenly over one interval', async () => {
    const s = setup(fourBackends());
    s.checker.start();
    await s.clock.advance(1999);
    assert.deepEqual(
      s.probe.calls.map((c) => [c.address, c.at]),
      [
        ['10.0.0.1', 0],
        ['10.0.0.2', 500],
        ['10.0.0.3', 1000],
        ['10.0.0.4', 1500],
      ],
    );
    await s.finish();
  });

  void test('interval, fast-interval and down-interval follow the counter', async () => {
    const s = setup(
      single({ intervalMs: 2000, fastIntervalMs: 500, downIntervalMs: 10_000, rise: 2, fall: 2 }),
    );
    // unknown→up, degraded, down, recovering, up, steady
    s.probe.script('10.0.0.1', 'pffppp');
    s.checker.start();
    await s.clock.advance(20_000);
    assert.deepEqual(
      s.probe.callsTo('10.0.0.1').slice(0, 7),
      [0, 2000, 2500, 12_500, 13_000, 15_000, 17_000],
    );
    const t = s.checker
      .backend('a')
      ?.transitions.map((x) => `${x.from}->${x.to}@${x.at - s.clock.now() + 20_000}`);
    assert.deepEqual(t, ['down->up@13000', 'up->down@2500', 'unknown->up@0']);
    await s.finish();
  });

  void test('rise and fall timing with the default 2 s interval', async () => {
    const s = setup(single({ rise: 3, fall: 2 }));
    s.probe.script('10.0.0.1', 'fppp' + 'ff');
    s.checker.start();
    await s.clock.advance(0);
    assert.equal(s.checker.stateOf('a'), 'down', 'any failure while unknown is down at once');
    await s.clock.advance(4000);
    assert.equal(s.checker.stateOf('a'), 'down', 'two passes are not enough for rise=3');
    await s.clock.advance(2000);
    assert.equal(s.checker.stateOf('a'), 'up');
    await s.clock.advance(2000);
    assert.equal(s.checker.stateOf('a'), 'up', 'one failure is not enough for fall=2');
    await s.clock.advance(2000);
    assert.equal(s.checker.stateOf('a'), 'down');
    await s.finish();
  });

  void test('probe requests carry the health check, address, family, netns and a signal', async () => {
    const cfg = config({
      backends: [backend('v6', '2001:db8::1')],
      frontends: [frontend('web', { pools: [{ v6: 100 }] })],
      netns: 'probe-ns',
    });
    const s = setup(cfg);
    s.checker.start();
    await s.clock.advance(0);
    const req = s.probe.calls[0]?.req;
    assert.equal(req?.address, '2001:db8::1');
    assert.equal(req?.family, 6);
    assert.equal(req?.netns, 'probe-ns');
    assert.equal(req?.healthcheck.name, 'hc');
    assert.ok(req?.signal instanceof AbortSignal);
    await s.finish();
  });

  void test('the probe observer is told each probe with its scheduling lag; probe logs only at debug', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(4000);
    assert.equal(s.done.length, 3);
    assert.ok(s.done.every((d) => d.backend === 'a' && d.lagMs === 0 && d.result.ok));
    assert.equal(s.logger.attrsOf('probe-start').length, 3);
    const doneLog = s.logger.attrsOf('probe-done')[0];
    assert.deepEqual(Object.keys(doneLog ?? {}).sort(), [
      'backend',
      'code',
      'detail',
      'durationMs',
      'ok',
      'type',
    ]);
    await s.finish();

    const quiet = setup(single(), false);
    quiet.checker.start();
    await quiet.clock.advance(4000);
    assert.equal(quiet.logger.attrsOf('probe-start').length + quiet.logger.attrsOf('probe-done').length, 0);
    await quiet.finish();
  });

  void test('backend-transition is logged at info with backend, from, to, code, detail', async () => {
    const s = setup(single());
    s.probe.script('10.0.0.1', 'f');
    s.checker.start();
    await s.clock.advance(0);
    const rec = s.logger.records.find((r) => r.event === 'backend-transition');
    assert.equal(rec?.level, 'info');
    assert.deepEqual(rec?.attrs, {
      backend: 'a',
      from: 'unknown',
      to: 'down',
      code: 'L4CON',
      detail: 'connect ECONNREFUSED',
    });
    await s.finish();
  });

  void test('a backend without a health check gets one synthetic pass and no traffic', async () => {
    const s = setup(single({}, { healthcheck: undefined }));
    s.checker.start();
    await s.clock.advance(0);
    const snap = s.checker.backend('a');
    assert.equal(snap?.state, 'up');
    assert.equal(snap?.rise, 1);
    assert.equal(snap?.fall, 1);
    assert.equal(snap?.transitions[0]?.code, 'L7OK');
    assert.equal(snap?.transitions[0]?.detail, 'no healthcheck');
    assert.equal(s.clock.pendingTimers(), 0, 'no repeating timer for a synthetic pass');
    assert.equal(s.probe.calls.length, 0);
    // An operator round trip re-runs it.
    s.checker.disable('a');
    s.checker.enable('a');
    assert.equal(s.checker.stateOf('a'), 'unknown');
    await s.clock.advance(0);
    assert.equal(s.checker.stateOf('a'), 'up');
    assert.equal(s.probe.calls.length, 0);
    await s.finish();
  });

  void test('backends used by no frontend are neither probed nor listed', async () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1'), backend('spare', '10.0.0.9')],
      frontends: [frontend('web', { pools: [{ a: 100 }] })],
    });
    const s = setup(cfg);
    s.checker.start();
    await s.clock.advance(10_000);
    assert.deepEqual(s.checker.backendNames(), ['a']);
    assert.equal(s.checker.backend('spare'), undefined);
    assert.equal(s.probe.callsTo('10.0.0.9').length, 0);
    assert.throws(() => s.checker.pause('spare'), NotFoundError);
    await s.finish();
  });

  void test('a backend used by several frontends is probed once', async () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1')],
      frontends: [frontend('web', { pools: [{ a: 100 }] }), frontend('api', { pools: [{ a: 50 }] })],
    });
    const s = setup(cfg);
    s.checker.start();
    await s.clock.advance(6000);
    assert.deepEqual(s.probe.callsTo('10.0.0.1'), [0, 2000, 4000, 6000]);
    await s.finish();
  });
});

void describe('Checker lifecycle', () => {
  void test('stop() aborts a probe in flight, which then records nothing', async () => {
    const s = setup(single());
    s.probe.hold('10.0.0.1');
    s.checker.start();
    await s.clock.advance(0);
    assert.equal(s.probe.calls.length, 1);
    await s.checker.stop();
    assert.equal(s.probe.calls[0]?.req.signal?.aborted, true);
    assert.equal(s.checker.stateOf('a'), 'unknown', 'the aborted probe did not count as a failure');
    assert.equal(s.clock.pendingTimers(), 0);
    assert.equal(s.done.length, 0);
  });

  void test('a probe that rejects despite the contract counts as a failure and the loop goes on', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const checker = new Checker({
      config: single(),
      probe: () => {
        calls++;
        return Promise.reject(new Error('boom'));
      },
      clock,
      random: () => 0.5,
      logger: new RecordingLogger(),
    });
    checker.start();
    await clock.advance(4000);
    assert.equal(checker.stateOf('a'), 'down');
    assert.equal(checker.backend('a')?.transitions[0]?.detail, 'probe error: boom');
    assert.equal(calls, 3);
    await checker.stop();
    assert.equal(clock.pendingTimers(), 0);
  });
});

void describe('Checker hooks', () => {
  void test('a throwing probe observer is logged and probing goes on', async () => {
    const clock = new FakeClock();
    const logger = new RecordingLogger();
    const probe = new ScriptedProbe(clock);
    const checker = new Checker({
      config: single(),
      probe: probe.fn,
      clock,
      random: () => 0.5,
      logger,
      observeProbes: () => ({
        probeDone: () => {
          throw new Error('metrics bug');
        },
      }),
    });
    checker.start();
    await clock.advance(4000);
    assert.equal(probe.calls.length, 3);
    assert.equal(logger.attrsOf('probe-worker-error').length, 3);
    assert.equal(checker.stateOf('a'), 'up');
    await checker.stop();
    assert.equal(clock.pendingTimers(), 0);
  });

  void test("the probe feed hears each real probe with its backend's name, after the observer", async () => {
    const clock = new FakeClock();
    const probe = new ScriptedProbe(clock);
    probe.script('10.0.0.2', 'f');
    const heard: string[] = [];
    const probes = new ProbeFeed();
    probes.subscribe((backend, result) => heard.push(`feed ${backend} ${result.code}`));
    const checker = new Checker({
      config: config({
        backends: [
          backend('a', '10.0.0.1'),
          backend('b', '10.0.0.2'),
          backend('s', '10.0.0.3', { healthcheck: undefined }),
        ],
        frontends: [frontend('web', { pools: [{ a: 100, b: 100, s: 100 }] })],
      }),
      probe: probe.fn,
      clock,
      random: () => 0.5,
      logger: new RecordingLogger(),
      observeProbes: (b) => ({ probeDone: (result) => heard.push(`observer ${b} ${result.code}`) }),
      probeFeed: probes,
    });
    checker.start();
    await clock.advance(1999);
    // One round: a passes, b fails; s has only its synthetic pass, which neither hears.
    assert.deepEqual(heard, ['observer a L4OK', 'feed a L4OK', 'observer b L4CON', 'feed b L4CON']);
    assert.equal(checker.stateOf('s'), 'up');
    await checker.stop();
  });
});

void describe('Checker operator actions', () => {
  void test('pause stops probing entirely; resume gives unknown, then up after one pass', async () => {
    const s = setup(single({ rise: 3 }));
    s.checker.start();
    await s.clock.advance(0);
    assert.equal(s.checker.stateOf('a'), 'up');
    const snap = s.checker.pause('a');
    assert.equal(snap.state, 'paused');
    assert.equal(snap.transitions[0]?.code, 'paused');
    const before = s.probe.calls.length;
    await s.clock.advance(60_000);
    assert.equal(s.probe.calls.length, before, 'no ProbeFn calls while paused');
    assert.equal(s.clock.pendingTimers(), 0);
    assert.equal(s.checker.pause('a').transitions.length, 2, 'pausing again emits nothing');

    const resumed = s.checker.resume('a');
    assert.equal(resumed.state, 'unknown');
    assert.equal(resumed.counter, 2);
    assert.equal(resumed.transitions[0]?.code, 'resumed');
    await s.clock.advance(2000);
    assert.equal(s.checker.stateOf('a'), 'up');
    assert.deepEqual(s.backendEvents(), ['web:a:up', 'web:a:paused', 'web:a:unknown', 'web:a:up']);
    await s.finish();
  });

  void test('pause while a probe is in flight: the late result is not recorded', async () => {
    const s = setup(single());
    s.probe.hold('10.0.0.1');
    s.checker.start();
    await s.clock.advance(0);
    s.checker.pause('a');
    s.probe.release('10.0.0.1', FAIL);
    await settle();
    assert.equal(s.checker.stateOf('a'), 'paused');
    assert.equal(s.probe.calls[0]?.req.signal?.aborted, true);
    await s.finish();
  });

  void test('disable and enable: idempotent by state, flag synced', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(0);
    const d = s.checker.disable('a');
    assert.equal(d.state, 'disabled');
    assert.equal(d.enabled, false);
    assert.equal(d.transitions[0]?.code, 'disabled');
    const calls = s.probe.calls.length;
    await s.clock.advance(10_000);
    assert.equal(s.probe.calls.length, calls, 'disabled backends are not probed');
    assert.equal(s.checker.disable('a').transitions.length, d.transitions.length, 'no second transition');
    assert.equal(s.checker.pause('a').state, 'disabled', 'a disabled backend cannot be paused');

    const e = s.checker.enable('a');
    assert.equal(e.state, 'unknown');
    assert.equal(e.enabled, true);
    assert.equal(e.transitions[0]?.code, 'enabled');
    const again = s.checker.enable('a');
    assert.equal(
      again.transitions.length,
      e.transitions.length,
      'enable of a non-disabled backend: no transition',
    );
    await s.clock.advance(2000);
    assert.equal(s.checker.stateOf('a'), 'up');
    await s.finish();
  });

  void test('disable from paused, then enable restarts probing', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(0);
    s.checker.pause('a');
    assert.equal(s.checker.disable('a').state, 'disabled');
    assert.equal(s.checker.resume('a').state, 'disabled', 'resume only from paused');
    s.checker.enable('a');
    const calls = s.probe.calls.length;
    await s.clock.advance(2000);
    assert.equal(s.probe.calls.length, calls + 1);
    await s.finish();
  });

  void test('a backend disabled in the file starts disabled and is not probed', async () => {
    const s = setup(single({}, { enabled: false }));
    s.checker.start();
    await s.clock.advance(10_000);
    const snap = s.checker.backend('a');
    assert.equal(snap?.state, 'disabled');
    assert.equal(snap?.enabled, false);
    assert.equal(snap?.transitions.length, 0);
    assert.equal(s.probe.calls.length, 0);
    s.checker.enable('a');
    await s.clock.advance(2000);
    assert.equal(s.checker.stateOf('a'), 'up');
    await s.finish();
  });

  void test('unknown names throw a typed NotFoundError', () => {
    const s = setup(single());
    for (const op of ['pause', 'resume', 'enable', 'disable'] as const) {
      assert.throws(
        () => s.checker[op]('nope'),
        (err: unknown) => err instanceof NotFoundError && err.kind === 'backend' && err.key === 'nope',
      );
    }
    assert.throws(() => s.checker.frontend('nope'), NotFoundError);
    assert.throws(() => s.checker.healthcheck('nope'), NotFoundError);
    assert.throws(() => s.checker.setWeight('web', 'nope', 'a', 1), NotFoundError);
    assert.throws(() => s.checker.setWeight('web', 'pool0', 'nope', 1), NotFoundError);
    assert.throws(() => s.checker.setWeight('web', 'pool0', 'a', 101), RangeError);
  });

  void test('snapshots are immutable copies', async () => {
    const s = setup(single());
    s.checker.start();
    const before = s.checker.backend('a');
    await s.clock.advance(0);
    assert.equal(before?.state, 'unknown');
    assert.equal(before?.transitions.length, 0);
    assert.ok(Object.isFrozen(before) && Object.isFrozen(before?.transitions));
    assert.equal(s.checker.backend('a')?.state, 'up');
    await s.finish();
  });
});

void describe('Checker reload', () => {
  void test('unchanged backend keeps probing without a gap, keeps counter and history', async () => {
    const s = setup(single({ rise: 2, fall: 3 }));
    s.probe.script('10.0.0.1', 'pf');
    s.checker.start();
    await s.clock.advance(3000); // probes at 0 (up), 2000 (fail: counter 3 of 4)
    const before = s.checker.backend('a');
    assert.equal(before?.counter, 3);
    s.checker.reload(single({ rise: 2, fall: 3 })); // equal, but new objects
    const after = s.checker.backend('a');
    assert.equal(after?.counter, 3);
    assert.deepEqual(after?.transitions, before?.transitions);
    await s.clock.advance(3000);
    assert.deepEqual(s.probe.callsTo('10.0.0.1'), [0, 2000, 4000, 6000], 'same cadence across the reload');
    assert.ok(s.logger.attrsOf('backend-restart').length === 0);
    await s.finish();
  });

  void test('renaming a health check without changing it keeps the worker', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(1000);
    const renamed = config({
      healthchecks: [healthcheck({ name: 'tcp80' })],
      backends: [backend('a', '10.0.0.1', { healthcheck: 'tcp80' })],
      frontends: [frontend('web', { pools: [{ a: 100 }] })],
    });
    s.checker.reload(renamed);
    assert.equal(s.checker.backend('a')?.healthcheck, 'tcp80');
    assert.equal(s.checker.stateOf('a'), 'up');
    await s.clock.advance(1000);
    assert.deepEqual(s.probe.callsTo('10.0.0.1'), [0, 2000]);
    assert.equal(s.probe.calls[1]?.req.healthcheck.name, 'tcp80');
    await s.finish();
  });

  void test('a changed health check restarts from a fresh state', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(1000);
    assert.equal(s.checker.stateOf('a'), 'up');
    s.checker.reload(single({ port: 8080 }));
    const snap = s.checker.backend('a');
    assert.equal(snap?.state, 'unknown');
    assert.equal(snap?.counter, 1);
    assert.equal(snap?.transitions.length, 0);
    assert.equal(s.logger.attrsOf('backend-restart').length, 1);
    await s.clock.advance(0);
    const calls = s.probe.calls;
    assert.equal(calls.length, 2, 'the restarted worker probes at once');
    assert.equal(calls[1]?.at, 1000);
    assert.equal(calls[1]?.req.healthcheck.port, 8080);
    await s.clock.advance(1000);
    assert.equal(s.probe.callsTo('10.0.0.1').includes(2000), false, "the old worker's timer is gone");
    await s.finish();
  });

  void test("a reload that adds or removes a backend's health check restarts it; one without a check stays put", async () => {
    const withCheck = (healthcheck: string | undefined) =>
      config({
        backends: [backend('a', '10.0.0.1', { healthcheck })],
        frontends: [frontend('web', { pools: [{ a: 100 }] })],
      });
    const restarts = () => s.logger.attrsOf('backend-restart').length;
    const s = setup(withCheck(undefined));
    s.checker.start();
    await s.clock.advance(0);
    // No check: one synthetic pass makes it up, and nothing is ever sent to it.
    assert.equal(s.checker.stateOf('a'), 'up');
    const upSince = s.checker.backend('a')?.transitions;
    assert.equal(upSince?.length, 1);

    s.checker.reload(withCheck(undefined)); // still no check: nothing to redo
    await s.clock.advance(1000);
    assert.deepEqual([restarts(), s.checker.stateOf('a')], [0, 'up']);
    assert.deepEqual(s.checker.backend('a')?.transitions, upSince);

    s.checker.reload(withCheck('hc')); // a check appears: probed from a fresh state, at once
    assert.deepEqual([restarts(), s.checker.stateOf('a')], [1, 'unknown']);
    await s.clock.advance(0);
    assert.deepEqual(s.probe.callsTo('10.0.0.1'), [1000]);
    await s.clock.advance(2000);
    assert.deepEqual(s.probe.callsTo('10.0.0.1'), [1000, 3000]);

    s.checker.reload(withCheck(undefined)); // the check goes: fresh again, and no more probes
    assert.deepEqual([restarts(), s.checker.stateOf('a')], [2, 'unknown']);
    await s.clock.advance(0);
    assert.equal(s.checker.stateOf('a'), 'up');
    await s.clock.advance(10_000);
    assert.deepEqual(s.probe.callsTo('10.0.0.1'), [1000, 3000]);
    await s.finish();
  });

  void test('address or netns changes restart; the runtime address is refreshed', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(0);
    s.checker.reload(single({}, { address: '10.0.0.99' }));
    assert.equal(s.checker.backend('a')?.address, '10.0.0.99');
    assert.equal(s.checker.stateOf('a'), 'unknown');
    await s.clock.advance(0);
    assert.deepEqual(s.probe.callsTo('10.0.0.99'), [0]);
    const withNs = config({
      healthchecks: [healthcheck()],
      backends: [backend('a', '10.0.0.99')],
      frontends: [frontend('web', { pools: [{ a: 100 }] })],
      netns: 'other',
    });
    s.checker.reload(withNs);
    assert.equal(s.checker.stateOf('a'), 'unknown');
    await s.clock.advance(0);
    assert.equal(s.probe.calls.at(-1)?.req.netns, 'other');
    await s.finish();
  });

  void test('a backend gone from the config goes removed, once per frontend, and is forgotten', async () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')],
      frontends: [frontend('web', { pools: [{ a: 100, b: 100 }] }), frontend('api', { pools: [{ b: 100 }] })],
    });
    const s = setup(cfg);
    s.checker.start();
    await s.clock.advance(2000);
    s.events.length = 0;
    const next = config({
      backends: [backend('a', '10.0.0.1')],
      frontends: [frontend('web', { pools: [{ a: 100 }] })],
    });
    s.checker.reload(next);
    await settle();
    assert.deepEqual(s.backendEvents(), ['web:b:removed', 'api:b:removed']);
    const removed = s.events.find((e) => e.kind === 'backend');
    assert.equal(removed?.kind === 'backend' && removed.transition.code, 'removed');
    assert.equal(s.checker.backend('b'), undefined);
    assert.deepEqual(s.checker.frontendNames(), ['web']);
    assert.equal(s.checker.frontendState('api'), undefined);
    const calls = s.probe.callsTo('10.0.0.2').length;
    await s.clock.advance(10_000);
    assert.equal(s.probe.callsTo('10.0.0.2').length, calls, 'no probes after removal');
    await s.finish();
  });

  void test('new backends start on reload, spread over one interval', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(1000);
    const next = config({
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')],
      frontends: [frontend('web', { pools: [{ a: 100, b: 100, c: 100 }] })],
    });
    s.checker.reload(next);
    await s.clock.advance(1999);
    assert.deepEqual(s.probe.callsTo('10.0.0.2'), [1000]);
    assert.deepEqual(s.probe.callsTo('10.0.0.3'), [2000]);
    assert.deepEqual(s.probe.callsTo('10.0.0.1'), [0, 2000]);
    await s.finish();
  });

  void test('an operator disable survives a reload on the unchanged path', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(0);
    s.checker.disable('a');
    s.checker.reload(single());
    const snap = s.checker.backend('a');
    assert.equal(snap?.state, 'disabled');
    assert.equal(snap?.enabled, false);
    await s.clock.advance(10_000);
    assert.equal(s.probe.calls.length, 1);
    // A pause survives too.
    s.checker.enable('a');
    await s.clock.advance(2000);
    s.checker.pause('a');
    s.checker.reload(single());
    assert.equal(s.checker.stateOf('a'), 'paused');
    await s.finish();
  });

  void test("on the changed path the file's enabled applies", async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(0);
    s.checker.disable('a');
    s.checker.reload(single({ port: 8080 }));
    assert.equal(s.checker.stateOf('a'), 'unknown');
    assert.equal(s.checker.backend('a')?.enabled, true);
    s.checker.reload(single({ port: 8081 }, { enabled: false }));
    assert.equal(s.checker.stateOf('a'), 'disabled');
    assert.equal(s.checker.backend('a')?.enabled, false);
    await s.finish();
  });

  void test("a change of the file's own enabled applies on the unchanged path", async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(0);
    s.checker.reload(single({}, { enabled: false }));
    assert.equal(s.checker.stateOf('a'), 'disabled');
    assert.equal(s.checker.backend('a')?.transitions[0]?.detail, 'disabled in config');
    s.checker.reload(single({}, { enabled: true }));
    assert.equal(s.checker.stateOf('a'), 'unknown');
    await s.clock.advance(2000);
    assert.equal(s.checker.stateOf('a'), 'up');
    await s.finish();
  });

  void test('frontend states are judged once against the new config', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(0);
    s.events.length = 0;
    const next = config({
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')],
      frontends: [frontend('web', { pools: [{ a: 0, b: 100 }] }), frontend('api', { pools: [{ a: 100 }] })],
    });
    s.checker.reload(next);
    await settle();
    // web: a's weight went to 0 and b is still unknown; api is new and a is up.
    assert.deepEqual(s.frontendEvents(), ['web:up->down', 'api:unknown->up']);
    assert.deepEqual(s.backendEvents(), []);
    await s.finish();
  });

  void test('transition-history changes apply on reload', async () => {
    const s = setup(
      config({ backends: [backend('a', '10.0.0.1')], frontends: [frontend('web', { pools: [{ a: 100 }] })] }),
    );
    s.checker.start();
    await s.clock.advance(0);
    s.checker.pause('a');
    s.checker.resume('a');
    assert.equal(s.checker.backend('a')?.transitions.length, 3);
    s.checker.reload(
      config({
        backends: [backend('a', '10.0.0.1')],
        frontends: [frontend('web', { pools: [{ a: 100 }] })],
        history: 1,
      }),
    );
    assert.equal(s.checker.backend('a')?.transitions.length, 1);
    await s.finish();
  });
});

void describe('Checker events', () => {
  void test('one backend event per referencing frontend, even if a frontend lists it twice', async () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')],
      frontends: [
        frontend('web', { pools: [{ a: 100 }, { a: 50, b: 100 }] }),
        frontend('api', { pools: [{ a: 100 }] }),
      ],
    });
    const s = setup(cfg);
    s.checker.start();
    await s.clock.advance(0);
    assert.deepEqual(s.backendEvents(), ['web:a:up', 'api:a:up']);
    const e = s.events[0];
    assert.ok(e?.kind === 'backend');
    assert.equal(e.address, '10.0.0.1');
    assert.equal(e.transition.code, 'L4OK');
    await s.finish();
  });

  void test('frontend state events follow the aggregate state', async () => {
    const cfg = config({
      healthchecks: [healthcheck({ rise: 1, fall: 1 })],
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')],
      frontends: [frontend('web', { pools: [{ a: 100 }, { b: 100 }] })],
    });
    const s = setup(cfg);
    s.probe.script('10.0.0.1', 'pf');
    s.probe.script('10.0.0.2', 'ff');
    s.checker.start();
    assert.equal(s.checker.frontendState('web'), 'unknown');
    await s.clock.advance(1000); // a up at 0, b down at 1000
    assert.equal(s.checker.frontendState('web'), 'up');
    await s.clock.advance(1000); // a down at 2000
    assert.equal(s.checker.frontendState('web'), 'down');
    assert.deepEqual(s.frontendEvents(), ['web:unknown->up', 'web:up->down']);
    const fe = s.events.find((e): e is FrontendEvent => e.kind === 'frontend');
    assert.equal(fe?.at, s.clock.now() - 2000);
    // Backend event comes before the frontend event it caused.
    const kinds = s.events.map((e) => e.kind);
    assert.deepEqual(kinds.slice(0, 2), ['backend', 'frontend']);
    await s.finish();
  });

  void test('replayFrontends gives current frontend states with from == to', async () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1')],
      frontends: [frontend('web', { pools: [{ a: 100 }] }), frontend('api', { pools: [{ a: 0 }] })],
    });
    const s = setup(cfg);
    s.checker.start();
    await s.clock.advance(0);
    const got: CheckerEvent[] = [];
    s.checker.subscribe((e) => void got.push(e), { replayFrontends: true });
    await settle();
    assert.deepEqual(
      got.map((e) => (e.kind === 'frontend' ? `${e.frontend}:${e.from}->${e.to}` : '?')),
      ['web:up->up', 'api:down->down'],
    );
    await s.finish();
  });

  void test('setWeight emits a frontend event but no backend event', async () => {
    const s = setup(single());
    s.checker.start();
    await s.clock.advance(0);
    s.events.length = 0;
    const fe = s.checker.setWeight('web', 'pool0', 'a', 0);
    assert.equal(fe.pools[0]?.backends.get('a')?.weight, 0);
    assert.equal(s.checker.config().frontends.get('web')?.pools[0]?.backends.get('a')?.weight, 0);
    await settle();
    assert.deepEqual(s.frontendEvents(), ['web:up->down']);
    assert.deepEqual(s.backendEvents(), []);
    s.checker.setWeight('web', 'pool0', 'a', 10);
    assert.equal(s.checker.frontendState('web'), 'up');
    await s.finish();
  });

  void test('a slow subscriber is dropped while the others get everything', async () => {
    const cfg = config({
      healthchecks: [healthcheck({ rise: 1, fall: 1 })],
      backends: [backend('a', '10.0.0.1')],
      frontends: [frontend('web', { pools: [{ a: 100 }] })],
    });
    const s = setup(cfg);
    s.probe.script('10.0.0.1', 'pfpfpfpfpf');
    let dropped = 0;
    let slowGot = 0;
    const slow = s.checker.subscribe(
      () => {
        slowGot++;
        return new Promise<void>(() => {}); // never finishes: a stalled consumer
      },
      { maxQueue: 3, onDropped: () => dropped++ },
    );
    // A listener that throws is isolated from the others.
    s.checker.subscribe(() => {
      throw new Error('listener bug');
    });
    s.checker.start();
    await s.clock.advance(18_000);
    assert.equal(s.probe.calls.length, 10);
    assert.equal(s.backendEvents().length, 10, 'the healthy subscriber got every backend event');
    assert.equal(s.frontendEvents().length, 10);
    assert.equal(dropped, 1);
    assert.equal(slow.closed, true);
    assert.equal(slowGot, 1);
    assert.equal(s.checker.droppedSubscribers(), 1);
    assert.equal(s.logger.attrsOf('event-subscriber-dropped').length, 1);
    assert.ok(s.logger.attrsOf('event-listener-error').length >= 20);
    await s.finish();
  });

  void test('unsubscribe stops delivery', async () => {
    const s = setup(single());
    let n = 0;
    const sub = s.checker.subscribe(() => void n++);
    sub.unsubscribe();
    s.checker.start();
    await s.clock.advance(0);
    assert.equal(n, 0);
    assert.equal(s.backendEvents().length, 1);
    await s.finish();
  });
});

void describe('Checker.whatIf (dry runs)', () => {
  /** Two frontends sharing b; a up, b up, c down (fails every probe). */
  function shared() {
    return config({
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')],
      frontends: [
        frontend('web', { pools: [{ a: 100, b: 50 }] }),
        frontend('api', { address: '192.0.2.2', pools: [{ b: 100 }, { c: 100 }] }),
      ],
    });
  }

  async function running() {
    const s = setup(shared());
    s.probe.script('10.0.0.3', 'f');
    s.checker.start();
    await s.clock.advance(2000);
    await settle();
    s.events.length = 0;
    return s;
  }

  const states = (
    s: ReturnType<typeof setup>,
    names: string[],
    stateOf = s.checker.stateOf.bind(s.checker),
  ) => Object.fromEntries(names.map((n) => [n, stateOf(n)]));

  void test('an action: the same transition on a copy, its events per frontend; nothing changes', async () => {
    const s = await running();
    const h = s.checker.whatIf({ kind: 'backend-action', action: 'disable', backend: 'b' });
    assert.deepEqual(states(s, ['a', 'b', 'c'], h.stateOf), { a: 'up', b: 'disabled', c: 'down' });
    assert.deepEqual(
      h.events.map((e) => `${e.frontend}:${e.backend}:${e.transition.from}->${e.transition.to}`),
      ['web:b:up->disabled', 'api:b:up->disabled'],
    );
    assert.deepEqual(h.backends, [
      { backend: 'b', from: 'up', to: 'disabled', detail: 'disabled by operator' },
    ]);
    assert.deepEqual(h.frontends, [{ frontend: 'api', from: 'up', to: 'down' }]);
    // Nothing happened: same states, no events, b still probed.
    await settle();
    assert.deepEqual(s.events, []);
    assert.deepEqual(states(s, ['a', 'b', 'c']), { a: 'up', b: 'up', c: 'down' });
    assert.equal(s.checker.backend('b')?.enabled, true);
    const calls = s.probe.callsTo('10.0.0.2').length;
    await s.clock.advance(2000);
    assert.equal(s.probe.callsTo('10.0.0.2').length, calls + 1);
    // What the action then does is what the dry run said.
    s.checker.disable('b');
    assert.deepEqual(states(s, ['a', 'b', 'c']), states(s, ['a', 'b', 'c'], h.stateOf));
    await s.finish();
  });

  void test('a no-op action and a weight change: no transition; the weight edit is the real one', async () => {
    const s = await running();
    const noop = s.checker.whatIf({ kind: 'backend-action', action: 'resume', backend: 'a' });
    assert.deepEqual([noop.events, noop.backends, noop.frontends], [[], [], []]);
    const h = s.checker.whatIf({
      kind: 'set-weight',
      frontend: 'api',
      pool: 'pool0',
      backend: 'b',
      weight: 0,
    });
    assert.equal(h.config.frontends.get('api')?.pools[0]?.backends.get('b')?.weight, 0);
    assert.equal(s.checker.config().frontends.get('api')?.pools[0]?.backends.get('b')?.weight, 100);
    assert.deepEqual(h.frontends, [{ frontend: 'api', from: 'up', to: 'down' }]);
    s.checker.setWeight('api', 'pool0', 'b', 0);
    assert.deepEqual(s.checker.config().frontends.get('api'), h.config.frontends.get('api'));
    assert.throws(
      () => s.checker.whatIf({ kind: 'set-weight', frontend: 'api', pool: 'nope', backend: 'b', weight: 1 }),
      NotFoundError,
    );
    assert.throws(
      () =>
        s.checker.whatIf({ kind: 'set-weight', frontend: 'api', pool: 'pool0', backend: 'b', weight: 101 }),
      RangeError,
    );
    assert.throws(
      () => s.checker.whatIf({ kind: 'backend-action', action: 'pause', backend: 'x' }),
      NotFoundError,
    );
    await s.finish();
  });

  void test('a reload: removed, new, restarted and re-enabled backends, as the reload then does', async () => {
    const s = await running();
    s.checker.disable('a');
    await settle();
    s.events.length = 0;
    const next = config({
      healthchecks: [healthcheck(), healthcheck({ name: 'other', port: 8080 })],
      backends: [
        backend('a', '10.0.0.1', { enabled: false }),
        backend('b', '10.0.0.2', { healthcheck: 'other' }),
        backend('d', '10.0.0.4'),
      ],
      frontends: [frontend('web', { pools: [{ a: 100, b: 50, d: 10 }] })],
    });
    const h = s.checker.whatIf({ kind: 'reload', config: next });
    assert.deepEqual(
      h.backends.map((b) => `${b.backend}:${b.from ?? '-'}->${b.to ?? '-'}`),
      ['c:down->-', 'b:up->unknown', 'd:-->unknown'],
    );
    assert.deepEqual(
      h.events.map((e) => `${e.frontend}:${e.backend}:${e.transition.to}`),
      ['api:c:removed'],
    );
    // web keeps only a disabled and two unknown backends: down; api goes with the config.
    assert.deepEqual(h.frontends, [
      { frontend: 'web', from: 'up', to: 'down' },
      { frontend: 'api', from: 'up', to: undefined },
    ]);
    await settle();
    assert.deepEqual(s.events, [], 'the dry run emitted nothing');
    s.checker.reload(next);
    assert.deepEqual(states(s, ['a', 'b', 'd']), states(s, ['a', 'b', 'd'], h.stateOf));
    assert.equal(h.stateOf('c'), 'removed');
    assert.equal(s.checker.stateOf('c'), undefined, 'forgotten once removed');
    assert.deepEqual(s.checker.frontendState('web'), h.frontends[0]?.to);
    await s.finish();
  });
});
