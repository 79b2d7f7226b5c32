// The page's reading of a frontend from live backend states and configured weights, so a
// transition shows at once instead of after the next fetch. The rules themselves (active pool,
// panic threshold, effective weight, frontend state) are maglevd's own, imported from
// src/health: the page only adapts its JSON to them. (An older dashboard showed "up" for a frontend whose backends all had
// weight 0: this is why the state is derived from the effective weights, not copied.)

import type { FrontendJson } from '../../../frontend/wire.js';
import {
  frontendStatus,
  isBackendState,
  type BackendState,
  type FrontendPools,
  type FrontendState,
} from '../../../health/index.js';

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
  state: FrontendState;
  activePool: number | null;
  /** Set while the frontend serves in panic (docs/safety.md): the pool and its count. */
  panic: { pool: string; up: number; eligible: number; threshold: number } | null;
  pools: DerivedPool[];
}

/** stateOf(name) gives the live state of a backend (falling back to the frontend's copy). */
export function deriveFrontend(
  f: FrontendJson,
  stateOf: (backend: string) => string | undefined,
): DerivedFrontend {
  const shown = new Map<string, string>();
  for (const p of f.pools)
    for (const b of p.backends) if (!shown.has(b.name)) shown.set(b.name, stateOf(b.name) ?? b.state);
  const stateOfShown = (name: string): string => shown.get(name) ?? 'unknown';
  const ruleState = (name: string): BackendState => asRuleState(stateOfShown(name));
  const pools: FrontendPools & { flushOnDown: boolean } = {
    pools: f.pools.map((p) => ({ backends: new Map(p.backends.map((b) => [b.name, b])) })),
    panicThreshold: f.panicThreshold ?? undefined,
    flushOnDown: f.flushOnDown,
  };
  const { state, plan, pools: weights } = frontendStatus(pools, ruleState);
  const active = plan.active;
  const panic = plan.panic;
  return {
    state,
    activePool: active < 0 ? null : active,
    panic:
      panic === undefined
        ? null
        : {
            pool: f.pools[panic.pool]?.name ?? '',
            up: panic.up,
            eligible: panic.eligible,
            threshold: panic.threshold,
          },
    pools: f.pools.map((p, i) => ({
      name: p.name,
      active: i === active,
      backends: p.backends.map((b) => ({
        name: b.name,
        state: stateOfShown(b.name),
        weight: b.weight,
        effectiveWeight: weights[i]?.get(b.name)?.weight ?? 0,
      })),
    })),
  };
}

/**
 * A state this page does not know (a newer maglevd) says nothing good about the backend: it
 * carries no weight, and it is not "unknown" either, so the rules read it as down. The page
 * still shows the string as sent.
 */
function asRuleState(state: string): BackendState {
  return isBackendState(state) ? state : 'down';
}
