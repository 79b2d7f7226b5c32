// The checker with a RepeatingProber (the probe engine's way of running a backend's whole probe
// loop): which backends it takes, what the worker answers after each result, and that a stopped
// worker hands nothing over. Then the real engine under a real Checker, on loopback.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Checker } from '../../src/checker/index.js';
import { FakeClock, systemClock, systemRandom } from '../../src/clock/index.js';
import type { HealthCheckConfig } from '../../src/config/types.js';
import type { ProbeResult } from '../../src/health/index.js';
import { silentLogger } from '../../src/log/index.js';
import {
  createProber,
  createRepeatingProber,
  type ProbeLoop,
  type ProbeRequest,
  type ResultReceiver,
  type RepeatingProber,
} from '../../src/probe/index.js';
import { startHttpServer, startTcpServer } from '../helpers/index.js';
import { backend, config, frontend, healthcheck } from '../helpers/config.js';
import { RecordingLogger } from '../helpers/logger.js';
import { FAIL, PASS, ScriptedProbe } from '../helpers/scripted-probe.js';

/** A RepeatingProber the test drives: it takes tcp checks only, and results come from deliver(). */
class DrivenLoops implements RepeatingProber {
  readonly loops: {
    req: ProbeRequest;
    firstDelayMs: number;
    receiver: ResultReceiver;
    stopped: boolean;
  }[] = [];

  repeat(req: ProbeRequest, firstDelayMs: number, receiver: ResultReceiver): ProbeLoop | undefined {
    if (req.healthcheck.type !== 'tcp') return undefined;
    const loop = { req, firstDelayMs, receiver, stopped: false };
    this.loops.push(loop);
    return { stop: () => void (loop.stopped = true) };
  }

  /** One probe's result for the loop of `address`; what the worker answered. */
  deliver(address: string, result: ProbeResult, lagMs = 0, ageMs = 0): number | undefined {
    const loop = this.loops.findLast((l) => l.req.address === address);
    assert.ok(loop, `a loop for ${address}`);
    return loop.receiver.onProbeResult(result, lagMs, ageMs);
  }
}

/** tcp checks (the ones DrivenLoops takes) every 2 s, 500 ms while changing. */
const tcpCheck = (name = 'hc'): HealthCheckConfig =>
  healthcheck({ name, type: 'tcp', intervalMs: 2000, fastIntervalMs: 500 });

function setup(hcs: HealthCheckConfig[] = [tcpCheck()]) {
  const clock = new FakeClock();
  const probe = new ScriptedProbe(clock);
  const loops = new DrivenLoops();
  const logger = new RecordingLogger({ debug: true });
  const done: { backend: string; result: ProbeResult; lagMs: number }[] = [];
  const transitions: { backend: string; to: string; at: number }[] = [];
  const checker = new Checker({
    config: config({
      healthchecks: hcs,
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2', { healthcheck: hcs.at(-1)?.name })],
      frontends: [frontend('web', { pools: [{ a: 100, b: 100 }] })],
    }),
    probe: probe.fn,
    repeat: loops,
    clock,
    random: () => 0.5,
    logger,
    observeProbes: (b) => ({ probeDone: (result, lagMs) => done.push({ backend: b, result, lagMs }) }),
    onTransition: (b, t) => transitions.push({ backend: b, to: t.to, at: t.at }),
  });
  return { clock, probe, loops, logger, done, transitions, checker };
}

void describe('Checker with a repeating prober', () => {
  void test('it takes the backends it can run; the others probe through the ProbeFn', async () => {
    const http = healthcheck({ name: 'web', type: 'http' });
    const s = setup([tcpCheck(), http]);
    s.checker.start();
    assert.deepEqual(
      s.loops.loops.map((l) => [l.req.address, l.req.healthcheck.name, l.firstDelayMs]),
      [['10.0.0.1', 'hc', 0]],
    );
    await s.clock.advance(1000);
    assert.deepEqual(
      s.probe.calls.map((c) => c.address),
      ['10.0.0.2'],
    );
    await s.checker.stop();
  });

  void test('each result is recorded and answered with the next interval', async () => {
    const s = setup();
    s.checker.start();
    // Up and steady: the interval; degraded: fast-interval (jitter factor exactly 1).
    assert.equal(s.loops.deliver('10.0.0.1', PASS, 3), 2000);
    assert.equal(s.checker.backend('a')?.state, 'up');
    assert.equal(s.loops.deliver('10.0.0.1', FAIL), 500);
    assert.equal(s.loops.deliver('10.0.0.1', PASS), 2000);
    assert.deepEqual(
      s.done.map((d) => [d.backend, d.result.code, d.lagMs]),
      [
        ['a', 'L4OK', 3],
        ['a', 'L4CON', 0],
        ['a', 'L4OK', 0],
      ],
    );
    assert.deepEqual(
      s.logger.records.filter((r) => r.level === 'debug').map((r) => r.event),
      ['probe-start', 'probe-done', 'probe-start', 'probe-done', 'probe-start', 'probe-done'],
    );
    await s.checker.stop();
  });

  void test('a result handed over late is dated when its probe ended', async () => {
    // The engine hands results over in batches: what a result causes is dated back by its age.
    const s = setup();
    s.checker.start();
    await s.clock.advance(5000);
    s.loops.deliver('10.0.0.1', PASS, 0, 80);
    // fall 3: the third failure takes it down.
    for (const ageMs of [50, 40, 30]) s.loops.deliver('10.0.0.1', FAIL, 0, ageMs);
    const now = s.clock.now();
    assert.deepEqual(
      s.transitions.filter((t) => t.backend === 'a'),
      [
        { backend: 'a', to: 'up', at: now - 80 },
        { backend: 'a', to: 'down', at: now - 30 },
      ],
    );
    await s.checker.stop();
  });

  void test('a stopped worker stops its loop and hands over nothing', async () => {
    const s = setup();
    s.checker.start();
    const loopsOfA = () => s.loops.loops.filter((l) => l.req.address === '10.0.0.1');
    s.checker.pause('a');
    assert.equal(loopsOfA()[0]?.stopped, true);
    assert.equal(s.loops.deliver('10.0.0.1', FAIL), undefined);
    assert.equal(s.done.length, 0);
    assert.equal(s.checker.backend('a')?.state, 'paused');
    s.checker.resume('a');
    assert.equal(loopsOfA().length, 2, 'resume starts a new loop');
    await s.checker.stop();
    assert.ok(s.loops.loops.every((l) => l.stopped));
  });

  void test('a hook that throws is logged and probing goes on after the fallback delay', async () => {
    const s = setup();
    const checker = new Checker({
      config: config({
        healthchecks: [tcpCheck()],
        backends: [backend('a', '10.0.0.1')],
        frontends: [frontend('web', { pools: [{ a: 100 }] })],
      }),
      probe: s.probe.fn,
      repeat: s.loops,
      clock: s.clock,
      random: () => 0.5,
      logger: s.logger,
      observeProbes: () => ({
        probeDone: () => {
          throw new Error('metrics bug');
        },
      }),
    });
    checker.start();
    assert.equal(s.loops.deliver('10.0.0.1', PASS), 2000);
    assert.deepEqual(s.logger.attrsOf('probe-worker-error'), [{ backend: 'a', error: 'metrics bug' }]);
    await checker.stop();
  });
});

void describe('Checker on the real probe engine', () => {
  void test('tcp (half-open) and http backends on loopback come up; stop() ends their loops', async (t) => {
    const tcpServer = await startTcpServer();
    const httpServer = await startHttpServer();
    t.after(async () => {
      await tcpServer.close();
      await httpServer.close();
    });
    const fast = { intervalMs: 50, fastIntervalMs: 20, downIntervalMs: 50, rise: 2 };
    const halfOpenCheck = healthcheck({
      ...fast,
      name: 'tcp',
      type: 'tcp',
      port: tcpServer.port,
      params: { halfOpen: true },
    });
    const httpCheck = healthcheck({ ...fast, name: 'http', type: 'http', port: httpServer.port });
    const repeat = createRepeatingProber();
    assert.ok(repeat, 'the probe engine is available');
    const checker = new Checker({
      config: config({
        healthchecks: [halfOpenCheck, httpCheck],
        backends: [
          backend('t', '127.0.0.1', { healthcheck: 'tcp' }),
          backend('h', '127.0.0.1', { healthcheck: 'http' }),
        ],
        frontends: [frontend('web', { pools: [{ t: 100, h: 100 }] })],
      }),
      probe: createProber(),
      repeat,
      clock: systemClock,
      random: systemRandom,
      logger: silentLogger,
    });
    const up = new Set<string>();
    const allUp = new Promise<void>((resolve) => {
      checker.subscribe((e) => {
        if (e.kind === 'backend' && e.transition.to === 'up') up.add(e.backend);
        if (up.size === 2) resolve();
      });
    });
    checker.start();
    await allUp;
    const requests = httpServer.requests.count;
    await checker.stop();
    assert.ok(requests >= 1, 'the http backend was asked');
    assert.equal(tcpServer.connections.count, 0, 'half-open: the application never saw a connection');
  });
});
