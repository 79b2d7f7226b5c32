// The per-subscriber probe coalescer on its own, driven by FakeClock: a window's probes become one
// entry per backend with the count and the latest result, nothing goes out before the window
// ends, flush() sends early, stop() drops what is pending.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProbeCoalescer, type ProbeSummaryEntry } from '../../src/api/probe-summary.js';
import { FakeClock } from '../../src/clock/index.js';
import type { ProbeResult } from '../../src/health/types.js';

const pass: ProbeResult = { ok: true, layer: 'L7', code: 'L7OK', detail: 'status 200', durationMs: 1 };
const fail: ProbeResult = {
  ok: false,
  layer: 'L4',
  code: 'L4CON',
  detail: 'connect ECONNREFUSED',
  durationMs: 1,
};

function coalescer(intervalMs = 1000) {
  const clock = new FakeClock();
  const batches: ProbeSummaryEntry[][] = [];
  const c = new ProbeCoalescer(clock, intervalMs, (b) => batches.push(b));
  return { clock, batches, c };
}

void describe('ProbeCoalescer', () => {
  void test('N probes in a window: one summary per backend with the count and the latest result', async () => {
    const { clock, batches, c } = coalescer();
    const t0 = clock.now();
    c.probeDone('a', pass);
    await clock.advance(100);
    c.probeDone('b', pass);
    await clock.advance(100);
    c.probeDone('a', pass);
    await clock.advance(100);
    c.probeDone('a', fail);
    await clock.advance(699);
    assert.equal(batches.length, 0, 'nothing before the window ends');
    await clock.advance(1);
    assert.deepEqual(batches, [
      [
        { backend: 'a', count: 3, ok: false, code: 'L4CON', detail: 'connect ECONNREFUSED', at: t0 + 300 },
        { backend: 'b', count: 1, ok: true, code: 'L7OK', detail: 'status 200', at: t0 + 100 },
      ],
    ]);
  });

  void test('a quiet window sends nothing and keeps no timer; the next probe opens a new window', async () => {
    const { clock, batches, c } = coalescer(500);
    c.probeDone('a', pass);
    await clock.advance(500);
    assert.equal(batches.length, 1);
    assert.equal(clock.pendingTimers(), 0);
    await clock.advance(5000);
    assert.equal(batches.length, 1);
    c.probeDone('a', fail);
    await clock.advance(499);
    assert.equal(batches.length, 1);
    await clock.advance(1);
    assert.deepEqual(
      batches.map((b) => b.map((e) => `${e.backend} ${e.count} ${e.code}`)),
      [['a 1 L7OK'], ['a 1 L4CON']],
    );
  });

  void test('flush() sends at once and restarts the window; with nothing pending it sends nothing', async () => {
    const { clock, batches, c } = coalescer();
    c.flush();
    assert.equal(batches.length, 0);
    c.probeDone('a', pass);
    await clock.advance(400);
    c.flush();
    assert.equal(batches.length, 1);
    assert.equal(clock.pendingTimers(), 0);
    c.probeDone('b', pass);
    await clock.advance(999);
    assert.equal(batches.length, 1, 'the window after a flush is a whole interval');
    await clock.advance(1);
    assert.deepEqual(
      batches.map((b) => b.map((e) => e.backend)),
      [['a'], ['b']],
    );
  });

  void test('stop() drops what is pending and ignores later probes', async () => {
    const { clock, batches, c } = coalescer();
    c.probeDone('a', pass);
    c.stop();
    c.probeDone('b', pass);
    await clock.advance(5000);
    assert.equal(batches.length, 0);
    assert.equal(clock.pendingTimers(), 0);
  });
});
