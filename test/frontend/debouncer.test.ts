// The lb-state debouncer (leading and trailing edge, 1 s window) and the reconnect backoff.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import { Backoff, Debouncer } from '../../src/frontend/index.js';

describe('Debouncer', () => {
  test('the first wake runs at once (leading edge)', () => {
    const clock = new FakeClock();
    let runs = 0;
    const d = new Debouncer(clock, 1000, () => runs++);
    d.wake();
    assert.equal(runs, 1);
    assert.equal(d.busy(), true);
  });

  test('wakes inside the window fold into one trailing run at its end', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    const d = new Debouncer(clock, 1000, () => at.push(clock.monotonic()));
    d.wake();
    await clock.advance(100);
    d.wake();
    d.wake();
    await clock.advance(500);
    d.wake();
    assert.deepEqual(at, [0]);
    await clock.advance(400);
    assert.deepEqual(at, [0, 1000], 'one trailing run when the window closes');
    // The trailing run opened a new window: a wake now waits for it.
    d.wake();
    assert.deepEqual(at, [0, 1000]);
    await clock.advance(1000);
    assert.deepEqual(at, [0, 1000, 2000]);
    // A quiet window ends without a run; the next wake is a leading edge again.
    await clock.advance(5000);
    assert.deepEqual(at, [0, 1000, 2000]);
    assert.equal(d.busy(), false);
    d.wake();
    assert.deepEqual(at, [0, 1000, 2000, 7000]);
  });

  test('a burst of N wakes costs at most two runs per window', async () => {
    const clock = new FakeClock();
    let runs = 0;
    const d = new Debouncer(clock, 1000, () => runs++);
    for (let i = 0; i < 100; i++) {
      d.wake();
      await clock.advance(9);
    }
    // 100 wakes over 900 ms: the leading run, then one trailing run at 1000 ms.
    assert.equal(runs, 1);
    await clock.advance(200);
    assert.equal(runs, 2);
  });

  test('stop cancels a pending trailing run', async () => {
    const clock = new FakeClock();
    let runs = 0;
    const d = new Debouncer(clock, 1000, () => runs++);
    d.wake();
    d.wake();
    d.stop();
    await clock.advance(2000);
    d.wake();
    assert.equal(runs, 1);
    assert.equal(clock.pendingTimers(), 0);
  });
});

describe('Backoff', () => {
  test('doubles from 500 ms to a 15 s cap, with ±20 % jitter; reset starts over', () => {
    const mid = new Backoff(() => 0.5);
    assert.deepEqual(
      Array.from({ length: 8 }, () => mid.next()),
      [500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000],
    );
    mid.reset();
    assert.equal(mid.next(), 500);
    assert.equal(new Backoff(() => 0).next(), 400);
    assert.equal(new Backoff(() => 0.999999).next(), 600);
  });
});
