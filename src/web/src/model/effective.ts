// The page's own reading of a frontend, from live backend states and configured weights
// (docs/health.md §Active pool, §Effective weight, §Frontend state), so a transition shows at once instead of
// after the next fetch:
//   - the active pool is the first with a backend that is up and has weight > 0;
//   - a backend's effective weight is its weight while up in the active pool, else 0;
//   - the frontend is up when some effective weight is > 0, unknown while every backend is
//     still unknown, and down otherwise.
// (An older dashboard showed "up" for a frontend whose backends all had weight 0: this is why
// the state is derived here from the effective weights, not copied.)

import type { FrontendJson } from '../../../frontend/wire.js';

export interface DerivedBackend {
  name: string;
  state: string;
  weight: number;
  effectiveWeight: number;
}

export interface DerivedPool {
  name: string;
  active: boolean;
  backends: DerivedBackend[];
}

export interface DerivedFrontend {
  state: 'unknown' | 'up' | 'down';
  activePool: number | null;
  pools: DerivedPool[];
}

/** stateOf(name) gives the live state of a backend (falling back to the frontend's copy). */
export function deriveFrontend(
  f: FrontendJson,
  stateOf: (backend: string) => string | undefined,
): DerivedFrontend {
  const states = f.pools.map((p) => p.backends.map((b) => stateOf(b.name) ?? b.state));
  const activeIndex = f.pools.findIndex((p, i) =>
    p.backends.some((b, j) => states[i]![j] === 'up' && b.weight > 0),
  );
  const activePool = activeIndex < 0 ? null : activeIndex;
  const pools = f.pools.map((p, i) => ({
    name: p.name,
    active: i === activePool,
    backends: p.backends.map((b, j) => {
      const state = states[i]![j]!;
      return {
        name: b.name,
        state,
        weight: b.weight,
        effectiveWeight: i === activePool && state === 'up' ? b.weight : 0,
      };
    }),
  }));
  const all = pools.flatMap((p) => p.backends);
  const state = all.some((b) => b.effectiveWeight > 0)
    ? 'up'
    : all.every((b) => b.state === 'unknown')
      ? 'unknown'
      : 'down';
  return { state, activePool, pools };
}
