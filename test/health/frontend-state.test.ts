import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FrontendConfig } from '../../src/config/types.js';
import {
  activePoolIndex,
  effectiveWeight,
  frontendState,
  frontendStateAndPlan,
  frontendStatus,
  frontendWeights,
  servingPlan,
  type BackendState,
} from '../../src/health/index.js';
import { frontend } from '../helpers/config.js';

/** A frontend `fe` of these pools (pool0, pool1...), optionally with a panic threshold. */
function withPools(pools: Array<Record<string, number>>, panicThreshold?: number): FrontendConfig {
  return frontend('fe', { pools, panicThreshold });
}

const states =
  (m: Record<string, BackendState>) =>
  (name: string): BackendState =>
    m[name] ?? 'unknown';

void describe('activePoolIndex', () => {
  void test('first pool with an up backend of weight > 0', () => {
    const fe = frontend('fe', { pools: [{ a: 100, b: 100 }, { c: 100 }] });
    assert.equal(activePoolIndex(fe, states({ a: 'up', c: 'up' })), 0);
    assert.equal(activePoolIndex(fe, states({ a: 'down', b: 'paused', c: 'up' })), 1);
  });
  void test('a primary pool whose weights were all set to 0 fails over', () => {
    const fe = frontend('fe', { pools: [{ a: 0, b: 0 }, { c: 50 }] });
    assert.equal(activePoolIndex(fe, states({ a: 'up', b: 'up', c: 'up' })), 1);
  });
  void test('-1 when no pool qualifies', () => {
    const fe = frontend('fe', { pools: [{ a: 100 }, { c: 0 }] });
    assert.equal(activePoolIndex(fe, states({ a: 'down', c: 'up' })), -1);
  });
});

void describe('effectiveWeight', () => {
  const cases: Array<[BackendState, boolean, boolean, number, boolean]> = [
    // state, inActivePool, flushOnDown, weight, flush
    ['up', true, true, 70, false],
    ['up', false, true, 0, false],
    ['down', true, true, 0, true],
    ['down', true, false, 0, false],
    ['disabled', true, false, 0, true],
    ['removed', true, false, 0, true],
    ['unknown', true, true, 0, false],
    ['paused', true, true, 0, false],
  ];
  for (const [state, inActivePool, flushOnDown, weight, flush] of cases) {
    void test(`${state} active=${inActivePool} flushOnDown=${flushOnDown}`, () => {
      assert.deepEqual(effectiveWeight({ state, poolWeight: 70, inActivePool, flushOnDown }), {
        weight,
        flush,
      });
    });
  }
});

void describe('frontendState', () => {
  const fe = frontend('fe', { pools: [{ a: 100, b: 100 }, { c: 100 }] });
  void test('unknown while every backend is unknown', () => {
    assert.equal(frontendState(fe, states({})), 'unknown');
  });
  void test('up when some backend carries weight', () => {
    assert.equal(frontendState(fe, states({ a: 'down', b: 'down', c: 'up' })), 'up');
  });
  void test('down when some backend has a real state but nobody carries weight', () => {
    assert.equal(frontendState(fe, states({ a: 'down' })), 'down');
    assert.equal(frontendState(fe, states({ a: 'disabled', b: 'paused', c: 'down' })), 'down');
  });
  void test('up backends whose pool weights are all 0 leave the frontend down', () => {
    const zero = frontend('fe', { pools: [{ a: 0 }] });
    assert.equal(frontendState(zero, states({ a: 'up' })), 'down');
  });
});

const ALL_STATES: readonly BackendState[] = ['unknown', 'up', 'down', 'paused', 'disabled', 'removed'];

/** Effective weights as `name=weight` per pool, for compact assertions. */
function shown(fe: FrontendConfig, stateOf: (b: string) => BackendState): string[][] {
  return frontendWeights(fe, stateOf).pools.map((p) => [...p].map(([n, e]) => `${n}=${e.weight}`));
}

void describe('servingPlan and the panic threshold (docs/safety.md §The panic threshold)', () => {
  void test('no threshold: never panic, whatever the states', () => {
    const f = withPools([{ a: 100, b: 100 }]);
    assert.deepEqual(servingPlan(f, states({ a: 'down', b: 'down' })), { active: -1, panic: undefined });
  });

  void test('fewer up than the threshold, no fallback up: the pool serves on every eligible backend', () => {
    const f = withPools([{ a: 100, b: 50, c: 100, d: 100 }, { e: 100 }], 50);
    const s = states({ a: 'up', b: 'down', c: 'unknown', d: 'down', e: 'down' });
    assert.deepEqual(servingPlan(f, s), {
      active: 0,
      panic: { pool: 0, up: 1, eligible: 4, threshold: 50 },
    });
    assert.deepEqual(shown(f, s), [['a=100', 'b=50', 'c=100', 'd=100'], ['e=0']]);
    assert.equal(frontendState(f, s), 'up');
  });

  void test('at the threshold exactly: no panic', () => {
    const f = withPools([{ a: 100, b: 100, c: 100, d: 100 }], 50);
    const s = states({ a: 'up', b: 'up', c: 'down', d: 'down' });
    assert.equal(servingPlan(f, s).panic, undefined);
    assert.deepEqual(shown(f, s), [['a=100', 'b=100', 'c=0', 'd=0']]);
  });

  void test('a fallback pool with an up backend takes over instead: no panic', () => {
    const f = withPools([{ a: 100, b: 100, c: 100 }, { d: 100 }], 50);
    const s = states({ a: 'up', b: 'down', c: 'down', d: 'up' });
    assert.deepEqual(servingPlan(f, s), { active: 0, panic: undefined });
    // Nothing up in the primary: the fallback is active, and it is fully up.
    const s2 = states({ a: 'down', b: 'down', c: 'down', d: 'up' });
    assert.deepEqual(servingPlan(f, s2), { active: 1, panic: undefined });
  });

  void test('nothing up anywhere: the first pool with an eligible backend serves in panic', () => {
    const f = withPools([{ a: 100, b: 100 }, { c: 100 }], 10);
    const s = states({ a: 'disabled', b: 'paused', c: 'down' });
    assert.deepEqual(servingPlan(f, s), {
      active: 1,
      panic: { pool: 1, up: 0, eligible: 1, threshold: 10 },
    });
    assert.deepEqual(shown(f, s), [['a=0', 'b=0'], ['c=100']]);
  });

  void test('the primary has nothing up: the active fallback pool itself can serve in panic', () => {
    const f = withPools(
      [
        { a: 100, b: 100 },
        { c: 100, d: 100, e: 100 },
      ],
      50,
    );
    const s = states({ a: 'down', b: 'down', c: 'up', d: 'down', e: 'unknown' });
    // Pool 1 is active with 1 of 3 up (33 % < 50 %), and no pool after it.
    assert.deepEqual(servingPlan(f, s), { active: 1, panic: { pool: 1, up: 1, eligible: 3, threshold: 50 } });
    assert.deepEqual(shown(f, s), [
      ['a=0', 'b=0'],
      ['c=100', 'd=100', 'e=100'],
    ]);
  });

  void test('disabled, paused and weight-0 backends neither count nor come back', () => {
    const f = withPools([{ a: 100, b: 100, c: 100, d: 0 }], 60);
    const s = states({ a: 'up', b: 'down', c: 'disabled', d: 'down' });
    // 1 up of 2 eligible (c disabled, d weight 0): 50 % < 60 %.
    assert.deepEqual(servingPlan(f, s).panic, { pool: 0, up: 1, eligible: 2, threshold: 60 });
    assert.deepEqual(shown(f, s), [['a=100', 'b=100', 'c=0', 'd=0']]);
    const flushes = [...frontendWeights(f, s).pools[0]!].map(([n, e]) => `${n}:${e.flush}`);
    assert.deepEqual(flushes, ['a:false', 'b:false', 'c:true', 'd:true']);
  });

  void test('0% never panics; a pool of only disabled backends cannot panic', () => {
    assert.equal(servingPlan(withPools([{ a: 100 }], 0), states({ a: 'down' })).panic, undefined);
    assert.equal(servingPlan(withPools([{ a: 100 }], 100), states({ a: 'disabled' })).panic, undefined);
  });

  const arbFrontend = fc
    .record({
      pools: fc.array(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 }), {
        minLength: 1,
        maxLength: 3,
      }),
      threshold: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      states: fc.array(fc.constantFrom(...ALL_STATES), { minLength: 15, maxLength: 15 }),
    })
    .map(({ pools, threshold, states: list }) => {
      let n = 0;
      const byName: Record<string, BackendState> = {};
      const fe = withPools(
        pools.map((weights) =>
          Object.fromEntries(
            weights.map((w) => {
              const name = `b${n}`;
              byName[name] = list[n++] as BackendState;
              return [name, w];
            }),
          ),
        ),
        threshold,
      );
      return { fe, stateOf: states(byName) };
    });

  void test('property: without panic, weights are exactly the rules of docs/health.md', () => {
    fc.assert(
      fc.property(arbFrontend, ({ fe, stateOf }) => {
        const { plan, pools } = frontendWeights(fe, stateOf);
        if (plan.panic !== undefined) return;
        assert.equal(plan.active, activePoolIndex(fe, stateOf));
        fe.pools.forEach((pool, i) => {
          for (const [name, s] of pool.backends) {
            const want = effectiveWeight({
              state: stateOf(name),
              poolWeight: s.weight,
              inActivePool: i === plan.active,
              flushOnDown: true,
            });
            assert.deepEqual(pools[i]?.get(name), want);
          }
        });
      }),
    );
  });

  void test('property: panic only below the threshold, never with a fallback up; every eligible backend serves', () => {
    fc.assert(
      fc.property(arbFrontend, ({ fe, stateOf }) => {
        const { plan, pools } = frontendWeights(fe, stateOf);
        if (plan.panic === undefined) return;
        const threshold = fe.panicThreshold;
        assert.notEqual(threshold, undefined);
        const { pool, up, eligible } = plan.panic;
        assert.ok(eligible > 0 && up * 100 < (threshold as number) * eligible);
        for (let i = pool + 1; i < fe.pools.length; i++) {
          for (const [name, s] of fe.pools[i]!.backends) assert.ok(!(s.weight > 0 && stateOf(name) === 'up'));
        }
        for (const [name, s] of fe.pools[pool]!.backends) {
          const eligibleBackend = s.weight > 0 && ['up', 'down', 'unknown'].includes(stateOf(name));
          assert.equal(pools[pool]?.get(name)?.weight, eligibleBackend ? s.weight : 0);
        }
        assert.equal(frontendState(fe, stateOf), 'up');
      }),
    );
  });

  void test('property: the state without the weights is the state of the weights (docs/health.md §Frontend state)', () => {
    fc.assert(
      fc.property(arbFrontend, ({ fe, stateOf }) => {
        // The rule as written: up when some backend carries weight, unknown when every backend
        // is unknown, else down.
        const { plan, pools } = frontendWeights(fe, stateOf);
        const serving = pools.some((pool) => [...pool.values()].some((e) => e.weight > 0));
        const allUnknown = fe.pools.every((pool) =>
          [...pool.backends.keys()].every((n) => stateOf(n) === 'unknown'),
        );
        const want = serving ? 'up' : allUnknown ? 'unknown' : 'down';
        assert.deepEqual(frontendStateAndPlan(fe, stateOf), { state: want, plan });
        assert.equal(frontendStatus(fe, stateOf).state, want);
        assert.equal(frontendState(fe, stateOf), want);
      }),
      { numRuns: 500 },
    );
  });

  void test('property: no panic only for a reason the rule names', () => {
    fc.assert(
      fc.property(arbFrontend, ({ fe, stateOf }) => {
        const { plan } = frontendWeights(fe, stateOf);
        const threshold = fe.panicThreshold;
        if (plan.panic !== undefined || threshold === undefined) return;
        // The candidate: the active pool, else the first pool with an eligible backend.
        const counts = fe.pools.map((pool) => {
          const weighted = [...pool.backends].filter(([, s]) => s.weight > 0).map(([name]) => stateOf(name));
          const eligible = weighted.filter((st) => st === 'up' || st === 'down' || st === 'unknown').length;
          return { up: weighted.filter((st) => st === 'up').length, eligible };
        });
        const candidate = plan.active >= 0 ? plan.active : counts.findIndex((c) => c.eligible > 0);
        assert.equal(plan.active, activePoolIndex(fe, stateOf));
        if (candidate < 0) return; // nothing eligible anywhere
        const fallbackUp = counts.slice(candidate + 1).some((c) => c.up > 0);
        const { up, eligible } = counts[candidate]!;
        assert.ok(fallbackUp || up * 100 >= threshold * eligible, `pool ${candidate}: ${up}/${eligible} up`);
      }),
    );
  });

  void test('property: panic never takes weight from a backend that had it', () => {
    fc.assert(
      fc.property(arbFrontend, ({ fe, stateOf }) => {
        const without = frontendWeights({ ...fe, panicThreshold: undefined }, stateOf).pools;
        const withPanic = frontendWeights(fe, stateOf).pools;
        without.forEach((pool, i) => {
          for (const [name, e] of pool) assert.ok((withPanic[i]?.get(name)?.weight ?? 0) >= e.weight);
        });
      }),
    );
  });
});
