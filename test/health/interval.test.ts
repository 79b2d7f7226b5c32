import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { firstProbeDelayMs, nextIntervalMs, type BackendState } from '../../src/health/index.js';

const hc = { intervalMs: 2000, fastIntervalMs: 500, downIntervalMs: 10_000 };
const mid = () => 0.5; // factor exactly 1.0

void describe('nextIntervalMs', () => {
  const cases: Array<[BackendState, number, number]> = [
    ['up', 4, 2000], // fully healthy
    ['up', 3, 500], // degraded: counter below max
    ['down', 0, 10_000], // fully down
    ['down', 1, 500], // recovering
    ['unknown', 1, 500],
    ['unknown', 0, 500],
    // Only "up at max" is fully healthy and only "down at 0" fully down, whatever the counter
    // says in another state (a pure rule: the checker never gets there).
    ['unknown', 4, 500],
    ['paused', 4, 500],
    ['paused', 0, 500],
  ];
  for (const [state, counter, want] of cases) {
    void test(`${state} counter=${counter} → ${want}`, () => {
      assert.equal(nextIntervalMs({ state, counter, max: 4 }, hc, mid), want);
    });
  }

  void test('jitter stays within ±10 %', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 3_600_000 }),
        (r, base) => {
          const ms = nextIntervalMs(
            { state: 'up', counter: 4, max: 4 },
            { intervalMs: base, fastIntervalMs: base, downIntervalMs: base },
            () => r,
          );
          assert.ok(ms >= base * 0.9 - 1e-9 && ms < base * 1.1 + 1e-9, `${ms} vs ${base}`);
        },
      ),
    );
    assert.equal(
      nextIntervalMs({ state: 'up', counter: 4, max: 4 }, hc, () => 0),
      1800,
    );
  });
});

void describe('firstProbeDelayMs', () => {
  void test('spreads evenly over one interval', () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => firstProbeDelayMs(i, 4, 2000)),
      [0, 500, 1000, 1500],
    );
    assert.equal(firstProbeDelayMs(0, 1, 2000), 0);
    assert.equal(firstProbeDelayMs(0, 0, 2000), 0);
  });
});
