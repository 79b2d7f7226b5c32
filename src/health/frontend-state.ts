// Desired dataplane view of a frontend, derived purely from backend states and pool weights
// (docs/health.md §Active pool, §Effective weight, §Frontend state). The dataplane syncer, the
// API, the metrics and the dashboard's page all use these, so the answer to "which pool serves,
// with what weights, and is the VIP up" is computed in one place. The page bundles this file for
// the browser: it imports types only.

import type { BackendState } from './types.js';

export type FrontendState = 'unknown' | 'up' | 'down';

/**
 * What the rules read of a frontend: its pools in failover order, each backend with its
 * configured pool weight. The config's FrontendConfig is one; the dashboard's page builds one
 * from the JSON it is sent, so the page shows the same answer maglevd computes.
 */
export interface FrontendPools {
  readonly pools: readonly { readonly backends: ReadonlyMap<string, { readonly weight: number }> }[];
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
}): EffectiveWeight {
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

/**
 * up: some backend has effective weight > 0; unknown: all backends unknown; else down.
 * "All unknown" is taken literally (docs/health.md §Frontend state): one backend with a real state (down,
 * disabled, paused...) while the others are still unknown makes the frontend down, not unknown. A frontend
 * with no backends at all is unknown (nothing has told us anything).
 */
export function frontendState(
  frontend: FrontendPools & { readonly flushOnDown: boolean },
  stateOf: (backend: string) => BackendState,
): FrontendState {
  const active = activePoolIndex(frontend, stateOf);
  let allUnknown = true;
  for (let i = 0; i < frontend.pools.length; i++) {
    const pool = frontend.pools[i];
    if (!pool) continue;
    for (const [name, settings] of pool.backends) {
      const state = stateOf(name);
      if (state !== 'unknown') allUnknown = false;
      const eff = effectiveWeight({
        state,
        poolWeight: settings.weight,
        inActivePool: i === active,
        flushOnDown: frontend.flushOnDown,
      });
      if (eff.weight > 0) return 'up';
    }
  }
  return allUnknown ? 'unknown' : 'down';
}
