import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock, settle } from '../../src/clock/index.js';
import { ProbeScheduler, jittered, type ProbeOutcome, type Target } from '../../src/tester/index.js';
import { connected, target } from './fixtures.js';

/** A probe that takes `latency(target)` ms of fake time and logs its start and end. */
function fakeProbe(clock: FakeClock, latency: (t: Target) => number) {
  const log: { vip: string; start: number; end?: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const probe = (t: Target): Promise<ProbeOutcome> => {
    const entry: { vip: string; start: number; end?: number } = { vip: t.name, start: clock.monotonic() };
    log.push(entry);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve) => {
      const ms = latency(t);
      clock.setTimeout(() => {
        entry.end = clock.monotonic();
        inFlight--;
        resolve(connected(ms));
      }, ms);
    });
  };
  return { probe, log, maxInFlight: () => maxInFlight };
}

/** Stops the scheduler while letting fake time run, so a probe in flight can finish. */
async function stopRunning(s: ProbeScheduler, clock: FakeClock): Promise<void> {
  const stopping = s.stop();
  while (await clock.tick());
  await stopping;
}

describe('ProbeScheduler', () => {
  test('jitter is ±10 % of the interval', () => {
    assert.equal(jittered(100, 0), 90);
    assert.equal(jittered(100, 0.5), 100);
    assert.ok(Math.abs(jittered(100, 0.999999) - 110) < 1e-3);
  });

  test('first probes are spread over one interval, then each VIP keeps its own jittered pace', async () => {
    const clock = new FakeClock();
    const a = target('a', 'tcp', '192.0.2.1');
    const b = target('b', 'tcp', '192.0.2.2');
    const { probe, log } = fakeProbe(clock, () => 1);
    const results: string[] = [];
    // Start offsets 0.25 and 0.75 of the interval, then jitter r = 0 (90 ms) for every probe.
    const offsets = [0.25, 0.75];
    const random = () => offsets.shift() ?? 0;
    const s = new ProbeScheduler({
      targets: [a, b],
      intervalMs: 100,
      probe,
      onResult: (t, o, at) => results.push(`${t.name}@${at - clock.now() + clock.monotonic()}:${o.status}`),
      clock,
      random,
    });
    s.start();
    await clock.advance(400);
    await stopRunning(s, clock);
    const starts = (vip: string) => log.filter((e) => e.vip === vip).map((e) => Math.round(e.start));
    assert.deepEqual(starts('a'), [25, 115, 205, 295, 385]);
    assert.deepEqual(starts('b'), [75, 165, 255, 345]);
    assert.equal(results.length, log.length);
    assert.ok(results.every((r) => r.endsWith(':open')));
  });

  test('a probe slower than the interval delays the next one; never two at once per VIP', async () => {
    const clock = new FakeClock();
    const a = target('a', 'tcp');
    const { probe, log, maxInFlight } = fakeProbe(clock, () => 250);
    const s = new ProbeScheduler({
      targets: [a],
      intervalMs: 100,
      probe,
      onResult: () => undefined,
      clock,
      random: () => 0.5,
    });
    s.start();
    await clock.advance(1_000);
    await stopRunning(s, clock);
    assert.deepEqual(
      log.map((e) => e.start),
      [50, 300, 550, 800],
    );
    assert.equal(maxInFlight(), 1);
  });

  test('stop() waits for the probe in flight, reports it, and schedules nothing more', async () => {
    const clock = new FakeClock();
    const a = target('a', 'tcp');
    const { probe, log } = fakeProbe(clock, () => 30);
    let reported = 0;
    const s = new ProbeScheduler({
      targets: [a],
      intervalMs: 100,
      probe,
      onResult: () => reported++,
      clock,
      random: () => 0,
    });
    s.start();
    await clock.advance(10);
    assert.equal(log.length, 1);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false);
    await clock.advance(30);
    await stopping;
    assert.equal(reported, 1);
    assert.equal(clock.pendingTimers(), 0);
    await clock.advance(1_000);
    assert.equal(log.length, 1);
  });
});
