// The checker's side of docs/safety.md, on the FakeClock: a checker fault holds the backend as it
// was and is announced (event, log) when it starts, changes reason and ends; a frontend's panic
// is announced when it starts and ends; the suspect detector flags most backends of one health
// check failing alike at once.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, settle } from '../../src/clock/index.js';
import type { MaglevConfig } from '../../src/config/types.js';
import {
  Checker,
  MassFailureDetector,
  failureSignature,
  type CheckerEvent,
  type SuspectEpisode,
} from '../../src/checker/index.js';
import type { ProbeResult } from '../../src/health/index.js';
import { backend, config, frontend, healthcheck } from '../helpers/config.js';
import { RecordingLogger } from '../helpers/logger.js';
import { FAIL, FAULT, PASS, ScriptedProbe } from '../helpers/scripted-probe.js';

function setup(cfg: MaglevConfig) {
  const clock = new FakeClock();
  const probe = new ScriptedProbe(clock);
  const logger = new RecordingLogger({ debug: false });
  const suspects: SuspectEpisode[] = [];
  const done: ProbeResult[] = [];
  const checker = new Checker({
    config: cfg,
    probe: probe.fn,
    clock,
    random: () => 0.5,
    logger,
    observeProbes: () => ({ probeDone: (result) => done.push(result) }),
    onSuspect: (e) => suspects.push(e),
  });
  const events: CheckerEvent[] = [];
  checker.subscribe((e) => void events.push(e));
  const faultEvents = () =>
    events.flatMap((e) =>
      e.kind === 'checker-fault' ? [`${e.frontend}:${e.backend}:${e.active ? 'on' : 'off'}:${e.reason}`] : [],
    );
  const panicEvents = () =>
    events.flatMap((e) =>
      e.kind === 'panic'
        ? [`${e.frontend}:${e.active ? 'on' : 'off'}:${e.pool}:${e.panic.up}/${e.panic.eligible}`]
        : [],
    );
  const transitions = () =>
    events.flatMap((e) => (e.kind === 'backend' ? [`${e.backend}:${e.transition.to}`] : []));
  return { clock, probe, logger, checker, events, faultEvents, panicEvents, transitions, suspects, done };
}

/** 'a' in frontends web and api; rise 2, fall 3, every 2 s. */
function shared(): MaglevConfig {
  return config({
    backends: [backend('a', '10.0.0.1')],
    frontends: [frontend('web', { pools: [{ a: 100 }] }), frontend('api', { pools: [{ a: 100 }] })],
  });
}

void describe('checker faults hold the backend (docs/safety.md §What happens to the backend)', () => {
  void test('up stays up through any number of faults; start and end told once per frontend', async () => {
    const s = setup(shared());
    s.probe.script('10.0.0.1', 'pxxxxxxxxp');
    s.checker.start();
    await s.clock.advance(0);
    assert.equal(s.checker.stateOf('a'), 'up');
    const counter = s.checker.backend('a')?.counter;
    await s.clock.advance(2000 * 3);
    // Three faults, more than fall: a backend fault would have taken it down.
    assert.equal(s.checker.stateOf('a'), 'up');
    assert.equal(s.checker.backend('a')?.counter, counter);
    const fault = s.checker.backend('a')?.checkerFault;
    assert.deepEqual(fault, {
      reason: 'netns',
      detail: FAULT.detail,
      since: s.clock.now() - 3 * 2000 + 2000,
    });
    assert.deepEqual(s.faultEvents(), ['web:a:on:netns', 'api:a:on:netns']);
    await s.clock.advance(2000 * 7);
    assert.equal(s.checker.backend('a')?.checkerFault, undefined);
    assert.deepEqual(s.faultEvents(), [
      'web:a:on:netns',
      'api:a:on:netns',
      'web:a:off:netns',
      'api:a:off:netns',
    ]);
    assert.deepEqual(s.transitions(), ['a:up', 'a:up'], 'only the first pass moved it (once per frontend)');
    assert.equal(s.logger.attrsOf('checker-fault').length, 1);
    assert.deepEqual(s.logger.attrsOf('checker-fault')[0], {
      backend: 'a',
      healthcheck: 'hc',
      reason: 'netns',
      detail: FAULT.detail,
      state: 'up',
    });
    const cleared = s.logger.attrsOf('checker-fault-cleared');
    assert.equal(cleared.length, 1);
    assert.deepEqual([cleared[0]?.reason, cleared[0]?.lastedMs], ['netns', 8 * 2000]);
    // Every probe is still reported (metrics count faults by reason).
    assert.equal(s.done.filter((r) => r.code === 'checker-fault').length, 8);
    await s.checker.stop();
  });

  void test('down stays down and unknown stays unknown; the verdicts around the faults decide', async () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')],
      frontends: [frontend('web', { pools: [{ a: 100, b: 100 }] })],
    });
    const s = setup(cfg);
    s.probe.script('10.0.0.1', 'fxxxxpxp');
    s.probe.script('10.0.0.2', 'xxxxxxxxxx');
    s.checker.start();
    await s.clock.advance(0);
    assert.equal(s.checker.stateOf('a'), 'down');
    await s.clock.advance(1000);
    assert.equal(s.checker.stateOf('b'), 'unknown');
    await s.clock.advance(2000 * 4);
    assert.deepEqual([s.checker.stateOf('a'), s.checker.stateOf('b')], ['down', 'unknown']);
    // Rise 2 counts the two passes, not the fault between them.
    await s.clock.advance(2000 * 3);
    assert.equal(s.checker.stateOf('a'), 'up');
    await s.checker.stop();
  });

  void test('a new reason is a new start; pausing ends the fault (nothing probes any more)', async () => {
    const s = setup(shared());
    s.probe.script('10.0.0.1', 'pxsss');
    s.checker.start();
    await s.clock.advance(2000 * 2);
    s.checker.pause('a');
    await settle();
    assert.equal(s.checker.backend('a')?.checkerFault, undefined);
    assert.deepEqual(s.faultEvents(), [
      'web:a:on:netns',
      'api:a:on:netns',
      'web:a:on:source-address',
      'api:a:on:source-address',
      'web:a:off:source-address',
      'api:a:off:source-address',
    ]);
    assert.equal(s.logger.attrsOf('checker-fault-cleared')[0]?.detail, 'probing stopped');
    await s.checker.stop();
  });

  void test('a reload that drops the backend ends its fault on the frontends that had it', async () => {
    const s = setup(shared());
    s.probe.script('10.0.0.1', 'px');
    s.checker.start();
    await s.clock.advance(2000);
    s.checker.reload(
      config({ backends: [backend('z', '10.0.0.9')], frontends: [frontend('web', { pools: [{ z: 100 }] })] }),
    );
    await settle();
    assert.deepEqual(s.faultEvents().slice(-2), ['web:a:off:netns', 'api:a:off:netns']);
    await s.checker.stop();
  });
});

void describe('panic events (docs/safety.md §The panic threshold)', () => {
  void test('start and end of a panic, with the pool and the count', async () => {
    const cfg = config({
      healthchecks: [healthcheck({ rise: 1, fall: 1 })],
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')],
      frontends: [frontend('web', { pools: [{ a: 100, b: 100, c: 100 }], panicThreshold: 50 })],
    });
    const s = setup(cfg);
    s.probe.script('10.0.0.1', 'pp');
    s.probe.script('10.0.0.2', 'fp');
    s.probe.script('10.0.0.3', 'fp');
    // All unknown at the start is "nothing up": the pool would serve in panic at once.
    assert.deepEqual(s.checker.frontendPanic('web'), { pool: 0, up: 0, eligible: 3, threshold: 50 });
    s.checker.start();
    await s.clock.advance((2000 * 2) / 3 + 1);
    assert.deepEqual(s.checker.frontendPanic('web'), { pool: 0, up: 1, eligible: 3, threshold: 50 });
    assert.equal(s.checker.frontendState('web'), 'up');
    await s.clock.advance(2000);
    assert.equal(s.checker.frontendPanic('web'), undefined);
    // The end carries the last count before it (1 of 3 up).
    assert.deepEqual(s.panicEvents(), ['web:off:pool0:1/3']);
    assert.deepEqual(s.logger.attrsOf('frontend-panic-ended'), [{ frontend: 'web', pool: 'pool0' }]);
    await s.checker.stop();
  });

  void test('entering panic is logged at warn with the count', async () => {
    const cfg = config({
      healthchecks: [healthcheck({ rise: 1, fall: 1 })],
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')],
      frontends: [frontend('web', { pools: [{ a: 100, b: 100 }], panicThreshold: 60 })],
    });
    const s = setup(cfg);
    s.checker.start();
    await s.clock.advance(2000);
    assert.equal(s.checker.frontendPanic('web'), undefined);
    s.probe.script('10.0.0.2', 'f');
    await s.clock.advance(2000);
    assert.deepEqual(s.panicEvents(), ['web:off:pool0:1/2', 'web:on:pool0:1/2']);
    assert.deepEqual(s.logger.attrsOf('frontend-panic').at(-1), {
      frontend: 'web',
      pool: 'pool0',
      up: 1,
      eligible: 2,
      threshold: 60,
    });
    await s.checker.stop();
  });
});

void describe('suspect mass failures (docs/safety.md §Suspect mass failures)', () => {
  const TOUT: ProbeResult = {
    ok: false,
    layer: 'L4',
    code: 'L4TOUT',
    detail: 'connect timeout after 1000ms',
    durationMs: 1000,
  };
  const check = { name: 'hc', windowMs: 3000 };
  /** One result of `backend`, through its mark, as the checker feeds the detector. */
  const see = (d: MassFailureDetector, backend: string, result: ProbeResult, at: number) =>
    d.observe(d.mark(check, backend), result, at);

  void test('signatures: connection-level verdicts only', () => {
    assert.equal(failureSignature(FAIL), 'L4CON connect ECONNREFUSED');
    assert.equal(failureSignature(PASS), undefined);
    assert.equal(failureSignature(FAULT), undefined);
    assert.equal(
      failureSignature({
        ok: false,
        layer: 'L7',
        code: 'L7STS',
        detail: 'status 503 not in 200-399',
        durationMs: 1,
      }),
      undefined,
    );
  });

  void test('most backends failing alike within the window start an episode; recovery ends it', () => {
    const d = new MassFailureDetector();
    assert.equal(see(d, 'a', TOUT, 0), undefined);
    assert.equal(see(d, 'b', TOUT, 100), undefined, 'two is not enough');
    assert.equal(see(d, 'c', PASS, 200), undefined);
    assert.equal(see(d, 'd', PASS, 300), undefined);
    // 3 of 5 alike: most of them.
    assert.deepEqual(see(d, 'e', TOUT, 400), {
      kind: 'suspect',
      episode: { healthcheck: 'hc', signature: 'L4TOUT connect timeout after 1000ms', failing: 3, probed: 5 },
    });
    assert.equal(see(d, 'a', TOUT, 2000), undefined, 'still going: no second start');
    assert.equal(d.active().length, 1);
    assert.equal(see(d, 'b', PASS, 2100)?.kind, 'cleared');
    assert.deepEqual(d.active(), []);
  });

  void test('failures spread wider than the window, or with different errors, are not an episode', () => {
    const d = new MassFailureDetector();
    assert.equal(see(d, 'a', TOUT, 0), undefined);
    assert.equal(see(d, 'b', TOUT, 4000), undefined);
    assert.equal(see(d, 'c', TOUT, 8000), undefined);
    const e = new MassFailureDetector();
    see(e, 'a', TOUT, 0);
    see(e, 'b', FAIL, 10);
    assert.equal(see(e, 'c', { ...TOUT, detail: 'connect timeout after 900ms' }, 20), undefined);
  });

  void test('thousands of backends over many windows: the counts follow the latest result of each', () => {
    // 3 000 backends probed every second for 12 s, past the queue's first sizes and around its
    // ring many times. From second 6 on, b0..b1999 time out; the window (3 s) must hold exactly
    // the latest result of each backend.
    const d = new MassFailureDetector();
    const changes: string[] = [];
    let last: ReturnType<MassFailureDetector['observe']>;
    for (let second = 0; second < 12; second++) {
      for (let i = 0; i < 3000; i++) {
        const failing = second >= 6 && i < 2000;
        last = see(d, `b${i}`, failing ? TOUT : PASS, second * 1000 + i / 10);
        if (last) changes.push(`${second} ${i} ${last.kind} ${last.episode.failing}/${last.episode.probed}`);
      }
    }
    // Starts when 1 501 of 3 000 fail alike (more than half).
    assert.deepEqual(changes, ['6 1500 suspect 1501/3000']);
    assert.deepEqual(d.active(), [
      { healthcheck: 'hc', signature: 'L4TOUT connect timeout after 1000ms', failing: 2000, probed: 3000 },
    ]);
    // Everything older than the window expires: a single pass 10 s later is all that is left.
    assert.equal(see(d, 'b0', PASS, 22_000)?.kind, 'cleared');
    d.forget('b0');
    assert.equal(see(d, 'x', TOUT, 22_001), undefined);
    assert.equal(see(d, 'y', TOUT, 22_002), undefined);
    assert.deepEqual(see(d, 'z', TOUT, 22_003), {
      kind: 'suspect',
      episode: { healthcheck: 'hc', signature: 'L4TOUT connect timeout after 1000ms', failing: 3, probed: 3 },
    });
  });

  void test('forget() drops a backend from the count', () => {
    const d = new MassFailureDetector();
    see(d, 'a', TOUT, 0);
    see(d, 'b', TOUT, 0);
    d.forget('a');
    assert.equal(see(d, 'c', TOUT, 0), undefined, 'only b and c left');
  });

  void test('the checker logs and reports an episode, and the failures still count', async () => {
    const cfg = config({
      healthchecks: [healthcheck({ rise: 1, fall: 1 })],
      backends: [
        backend('a', '10.0.0.1'),
        backend('b', '10.0.0.2'),
        backend('c', '10.0.0.3'),
        backend('d', '10.0.0.4'),
      ],
      frontends: [frontend('web', { pools: [{ a: 100, b: 100, c: 100, d: 100 }] })],
    });
    const s = setup(cfg);
    s.checker.start();
    await s.clock.advance(2000);
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) s.probe.script(ip, 'f');
    await s.clock.advance(2000);
    assert.deepEqual(s.logger.attrsOf('checker-suspect'), [
      { healthcheck: 'hc', error: 'L4CON connect ECONNREFUSED', failing: 3, probed: 4 },
    ]);
    assert.equal(s.suspects.length, 1);
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((b) => s.checker.stateOf(b)),
      ['down', 'down', 'down', 'up'],
      'a real mass outage must still fail over',
    );
    await s.clock.advance(2000);
    assert.equal(s.logger.attrsOf('checker-suspect-cleared').length, 1);
    await s.checker.stop();
  });
});
