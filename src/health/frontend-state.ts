// Desired dataplane view of a frontend, derived purely from backend states and pool weights
// (docs/health.md §Active pool, §Effective weight, §Frontend state) and the panic threshold
// (docs/safety.md §The panic threshold). The dataplane syncer, the API, the metrics and the
// dashboard's page all use these, so the answer to "which pool serves, with what weights, in
// panic or not, and is the VIP up" is computed in one place. The page bundles this file for the
// browser: it imports types only.

import type { BackendState } from './types.js';

export type FrontendState = 'unknown' | 'up' | 'down';

/**
 * What the rules read of a frontend: its pools in failover order, each backend with its
 * configured pool weight. The config's FrontendConfig is one; the dashboard's page builds one
 * from the JSON it is sent, so the page shows the same answer maglevd computes.
 */
export interface FrontendPools {
  readonly pools: readonly { readonly backends: ReadonlyMap<string, { readonly weight: number }> }[];
  /**
   * Percent (0..100) of the serving pool's backends that must be up; below it, with no
   * fallback pool up either, the pool serves on all its enabled backends (panic). Undefined:
   * no panic mode (the default).
   */
  readonly panicThreshold?: number | undefined;
}

/**
 * States that take part in the panic count: the ones whose only word on the backend is its
 * health. Paused, disabled and removed backends were taken out by the operator (or the config):
 * panic never brings them back, and they do not count in the share either.
 */
const PANIC_ELIGIBLE: ReadonlySet<BackendState> = new Set(['up', 'down', 'unknown']);

/** A frontend serving in panic: which pool, and the count that put it there. */
export interface PanicState {
  /** Index of the pool that serves on all its eligible backends. */
  readonly pool: number;
  /** Eligible backends of that pool that are up. */
  readonly up: number;
  /** Backends of that pool with pool weight > 0 that are up, down or unknown. */
  readonly eligible: number;
  /** The frontend's panic-threshold, percent. */
  readonly threshold: number;
}

/** Which pool serves, and whether it serves in panic. */
export interface ServingPlan {
  /** The serving pool; -1 when none. In panic it is the panic pool. */
  readonly active: number;
  readonly panic: PanicState | undefined;
}

/**
 * Index of the first pool with a backend that is up AND has pool weight > 0; -1 when none
 * qualifies. A pool whose weights were all set to 0 by hand must fail over to the next pool
 * (docs/health.md §Active pool), so "up" alone is not enough. With -1 no pool is active: every backend gets
 * effective weight 0 and the frontend is down (or unknown).
 */
export function activePoolIndex(frontend: FrontendPools, stateOf: (backend: string) => BackendState): number {
  return frontend.pools.findIndex((pool) => {
    for (const [name, settings] of pool.backends) {
      if (settings.weight > 0 && stateOf(name) === 'up') return true;
    }
    return false;
  });
}

/**
 * The pool that serves and whether it does so in panic (docs/safety.md §The panic threshold):
 * - Without panic-threshold: the active pool (activePoolIndex), never panic.
 * - The candidate is the active pool, or when no pool is active the first pool with an eligible
 *   backend (pool weight > 0, and up, down or unknown).
 * - Panic when fewer than panic-threshold percent of the candidate's eligible backends are up
 *   and no later (fallback) pool has a backend that is up with pool weight > 0.
 */
export function servingPlan(
  frontend: FrontendPools,
  stateOf: (backend: string) => BackendState,
): ServingPlan {
  const active = activePoolIndex(frontend, stateOf);
  const threshold = frontend.panicThreshold;
  if (threshold === undefined) return { active, panic: undefined };
  const pools = frontend.pools;
  let candidate = active;
  if (candidate < 0) candidate = pools.findIndex((pool) => countPool(pool.backends, stateOf).eligible > 0);
  const pool = pools[candidate];
  if (pool === undefined) return { active, panic: undefined };
  // activePoolIndex picked the first pool with an up backend, so a later one only has one when
  // the candidate is the active pool itself.
  for (let i = candidate + 1; i < pools.length; i++) {
    if (countPool((pools[i] as (typeof pools)[number]).backends, stateOf).up > 0)
      return { active, panic: undefined };
  }
  const { up, eligible } = countPool(pool.backends, stateOf);
  if (eligible === 0 || up * 100 >= threshold * eligible) return { active, panic: undefined };
  return { active: candidate, panic: { pool: candidate, up, eligible, threshold } };
}

function countPool(
  backends: ReadonlyMap<string, { readonly weight: number }>,
  stateOf: (backend: string) => BackendState,
): { up: number; eligible: number } {
  let up = 0;
  let eligible = 0;
  for (const [name, settings] of backends) {
    if (settings.weight <= 0) continue;
    const state = stateOf(name);
    if (!PANIC_ELIGIBLE.has(state)) continue;
    eligible++;
    if (state === 'up') up++;
  }
  return { up, eligible };
}

export interface EffectiveWeight {
  weight: number;
  flush: boolean;
}

/**
 * The (weight, flush) pair VPP should carry for one backend in one pool (docs/health.md §Effective weight).
 * Flush tears down flows pinned to the backend: done when it is really gone (down with
 * flush-on-down, disabled, removed), never for states that say nothing about the backend's
 * health (unknown, paused) or for a healthy backend that is merely in a standby pool.
 */
export function effectiveWeight(a: {
  state: BackendState;
  poolWeight: number;
  inActivePool: boolean;
  flushOnDown: boolean;
  /**
   * The active pool serves in panic: its up, down and unknown backends with pool weight > 0
   * (the ones counted as eligible) all carry their weight, and nothing is flushed.
   */
  panic?: boolean;
}): EffectiveWeight {
  if (a.panic === true && a.inActivePool && a.poolWeight > 0 && PANIC_ELIGIBLE.has(a.state))
    return { weight: a.poolWeight, flush: false };
  switch (a.state) {
    case 'up':
      return { weight: a.inActivePool ? a.poolWeight : 0, flush: false };
    case 'down':
      return { weight: 0, flush: a.flushOnDown };
    case 'disabled':
      return { weight: 0, flush: true };
    // A removed backend has left the config on purpose, like a disable: its flows go too.
    case 'removed':
      return { weight: 0, flush: true };
    case 'unknown':
    case 'paused':
      return { weight: 0, flush: false };
  }
}

/** Every backend's effective weight in every pool, with the plan they follow. */
export interface FrontendWeights {
  readonly plan: ServingPlan;
  /** Per pool (config order): backend name → its effective weight there. */
  readonly pools: readonly ReadonlyMap<string, EffectiveWeight>[];
}

/**
 * The effective weights of a whole frontend under its serving plan: what the dataplane, the API,
 * the metrics and the page all show. Use this rather than calling activePoolIndex and
 * effectiveWeight separately, so the panic threshold can never be left out.
 */
export function frontendWeights(
  frontend: FrontendPools & { readonly flushOnDown: boolean },
  stateOf: (backend: string) => BackendState,
): FrontendWeights {
  const pools = frontend.pools.map(() => new Map<string, EffectiveWeight>());
  const plan = forEachEffectiveWeight(frontend, stateOf, (pool, backend, weight) =>
    pools[pool]?.set(backend, weight),
  );
  return { plan, pools };
}

/**
 * frontendWeights without its maps: each backend's effective weight in each pool, handed to
 * `visit` in pool order (and within a pool in config order); returns the plan they follow. The
 * dataplane's desired state reads each weight once, for every backend on every full sync (10 000
 * at scale), and building a map per pool only to read it back cost a good part of that sync.
 */
export function forEachEffectiveWeight(
  frontend: FrontendPools & { readonly flushOnDown: boolean },
  stateOf: (backend: string) => BackendState,
  visit: (pool: number, backend: string, weight: EffectiveWeight) => void,
): ServingPlan {
  const plan = servingPlan(frontend, stateOf);
  const panic = plan.panic !== undefined;
  const pools = frontend.pools;
  for (let i = 0; i < pools.length; i++) {
    const inActivePool = i === plan.active;
    for (const [name, settings] of (pools[i] as (typeof pools)[number]).backends) {
      visit(
        i,
        name,
        effectiveWeight({
          state: stateOf(name),
          poolWeight: settings.weight,
          inActivePool,
          flushOnDown: frontend.flushOnDown,
          panic,
        }),
      );
    }
  }
  return plan;
}

/**
 * up: some backend has effective weight > 0 (in panic too: the VIP serves); unknown: all
 * backends unknown; else down. "All unknown" is taken literally (docs/health.md §Frontend state):
 * one backend with a real state (down, disabled, paused...) while the others are still unknown
 * makes the frontend down, not unknown. A frontend with no backends at all is unknown (nothing
 * has told us anything).
 */
export function frontendState(
  frontend: FrontendPools & { readonly flushOnDown: boolean },
  stateOf: (backend: string) => BackendState,
): FrontendState {
  return frontendStateAndPlan(frontend, stateOf).state;
}

/** The frontend's aggregate state together with the weights and plan it follows (in panic or not). */
export function frontendStatus(
  frontend: FrontendPools & { readonly flushOnDown: boolean },
  stateOf: (backend: string) => BackendState,
): FrontendWeights & { state: FrontendState } {
  const weights = frontendWeights(frontend, stateOf);
  return { ...weights, state: stateUnder(frontend, weights.plan, stateOf) };
}

/**
 * The aggregate state and the plan without the per-backend weights: what the checker recomputes
 * for a backend's frontends on every transition (10 000 of them when 10 000 backends come up at
 * start), where building a map of every backend's weight each time cost more than the rest of
 * the transition.
 */
export function frontendStateAndPlan(
  frontend: FrontendPools,
  stateOf: (backend: string) => BackendState,
): { state: FrontendState; plan: ServingPlan } {
  const plan = servingPlan(frontend, stateOf);
  return { state: stateUnder(frontend, plan, stateOf), plan };
}

/**
 * frontendState's rule under the plan. Some backend has effective weight > 0 exactly when a pool
 * serves: effectiveWeight gives weight only in the serving pool, and the serving pool has an up
 * backend with pool weight > 0 (or, in panic, an eligible one, which carries its weight too).
 */
function stateUnder(
  frontend: FrontendPools,
  plan: ServingPlan,
  stateOf: (backend: string) => BackendState,
): FrontendState {
  if (plan.active >= 0) return 'up';
  for (const pool of frontend.pools) {
    for (const name of pool.backends.keys()) if (stateOf(name) !== 'unknown') return 'down';
  }
  return 'unknown';
}
