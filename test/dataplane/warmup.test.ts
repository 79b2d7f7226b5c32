import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import { WarmupGate } from '../../src/dataplane/index.js';

function gate(minDelayMs: number, maxDelayMs: number, withFinalCallback = true) {
  const clock = new FakeClock();
  const events: string[] = [];
  const g = new WarmupGate({
    clock,
    minDelayMs,
    maxDelayMs,
    onReleaseWindow: () => events.push(`window@${clock.monotonic()}`),
    ...(withFinalCallback ? { onFinalSync: () => events.push(`final@${clock.monotonic()}`) } : {}),
  });
  return { clock, events, g };
}

void describe('WarmupGate (min 5s, max 30s)', () => {
  void test('nothing may touch VPP before startup-min-delay', async () => {
    const { clock, events, g } = gate(5_000, 30_000);
    assert.equal(g.phase, 'holding');
    assert.equal(g.allows('web'), false);
    assert.equal(g.allowsFull(), false);
    assert.equal(g.tryRelease('web', true), false, 'no release before min, even if all known');
    await clock.advance(4_999);
    assert.equal(g.phase, 'holding');
    assert.equal(g.allows('web'), false);
    assert.deepEqual(events, []);
    g.stop();
  });

  void test('between min and max each frontend is released once, when all its backends are known', async () => {
    const { clock, events, g } = gate(5_000, 30_000);
    await clock.advance(5_000);
    assert.deepEqual(events, ['window@5000']);
    assert.equal(g.phase, 'releasing');
    assert.equal(g.allowsFull(), false);

    assert.equal(g.tryRelease('web', false), false);
    assert.equal(g.allows('web'), false);
    assert.equal(g.tryRelease('web', true), true, 'released: caller runs one per-VIP sync');
    assert.equal(g.tryRelease('web', true), false, 'exactly once');
    assert.equal(g.allows('web'), true);
    assert.equal(g.allows('dns'), false, 'other frontends stay held');
    assert.equal(g.allowsFull(), false, 'periodic full syncs stay suppressed');

    await clock.advance(10_000);
    assert.equal(g.tryRelease('dns', true), true);
    assert.deepEqual(g.snapshot().released, ['web', 'dns']);
    g.stop();
  });

  void test('at max one final full sync is due, then everything is allowed', async () => {
    const { clock, events, g } = gate(5_000, 30_000);
    await clock.advance(29_999);
    assert.equal(g.allowsFull(), false);
    await clock.advance(1);
    assert.deepEqual(events, ['window@5000', 'final@30000']);
    assert.equal(g.phase, 'done');
    assert.equal(g.allowsFull(), true);
    assert.equal(g.allows('never-released'), true);
    assert.equal(g.tryRelease('late', true), false, 'no release after max: everything is allowed');
    assert.equal(g.takeFinalSync(), false, 'the callback took the final sync');
    await clock.advance(120_000);
    assert.deepEqual(events, ['window@5000', 'final@30000'], 'nothing fires again');
    assert.equal(clock.pendingTimers(), 0);
  });

  void test('without onFinalSync the final sync is polled, exactly once', async () => {
    const { clock, g } = gate(5_000, 30_000, false);
    assert.equal(g.takeFinalSync(), false);
    await clock.advance(30_000);
    assert.equal(g.takeFinalSync(), true);
    assert.equal(g.takeFinalSync(), false);
  });

  void test('a reload does not restart the clock: the gate is created once, new frontends follow its phase', async () => {
    const { clock, g } = gate(5_000, 30_000);
    await clock.advance(20_000);
    // Reload at 20 s brings frontend "new": it is released on the same schedule.
    assert.equal(g.tryRelease('new', true), true);
    await clock.advance(10_000);
    assert.equal(g.phase, 'done');
    // Reload after max: a frontend never seen before is simply allowed.
    assert.equal(g.allows('newer'), true);
    assert.equal(g.snapshot().elapsedMs, 30_000);
  });

  void test("elapsed time counts from the gate, not from the clock's origin", async () => {
    const clock = new FakeClock();
    await clock.advance(7_000); // the daemon read its config first
    const g = new WarmupGate({ clock, minDelayMs: 5_000, maxDelayMs: 30_000 });
    await clock.advance(1_000);
    assert.equal(g.snapshot().elapsedMs, 1_000);
    g.stop();
  });

  void test('stop cancels the timers', async () => {
    const { clock, events, g } = gate(5_000, 30_000);
    g.stop();
    await clock.advance(60_000);
    assert.deepEqual(events, []);
    assert.equal(g.phase, 'holding');
  });
});

void describe('WarmupGate edge settings', () => {
  void test('0/0 disables the gate entirely', async () => {
    const { clock, events, g } = gate(0, 0);
    assert.equal(g.disabled, true);
    assert.equal(g.phase, 'done');
    assert.equal(g.allowsFull(), true);
    assert.equal(g.allows('web'), true);
    assert.equal(g.tryRelease('web', true), false);
    assert.equal(clock.pendingTimers(), 0);
    await clock.advance(60_000);
    assert.deepEqual(events, []);
    assert.equal(g.takeFinalSync(), false);
  });

  void test('min 0: release window opens at once (after construction), final at max', async () => {
    const { clock, events, g } = gate(0, 10_000);
    assert.equal(g.phase, 'releasing');
    assert.deepEqual(events, [], 'no callback inside the constructor');
    await clock.advance(0);
    assert.deepEqual(events, ['window@0']);
    assert.equal(g.tryRelease('web', true), true);
    await clock.advance(10_000);
    assert.deepEqual(events, ['window@0', 'final@10000']);
  });

  void test('min == max: no release window, straight to the final full sync', async () => {
    const { clock, events, g } = gate(5_000, 5_000);
    await clock.advance(4_999);
    assert.equal(g.tryRelease('web', true), false);
    await clock.advance(1);
    assert.deepEqual(events, ['final@5000']);
    assert.equal(g.allowsFull(), true);
  });

  void test('max below min is taken as min', async () => {
    const { clock, events, g } = gate(5_000, 1_000);
    assert.equal(g.snapshot().maxDelayMs, 5_000);
    await clock.advance(5_000);
    assert.deepEqual(events, ['final@5000']);
    assert.equal(g.phase, 'done');
  });
});
