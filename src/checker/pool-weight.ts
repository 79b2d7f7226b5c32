// A pool weight changed at runtime (SetFrontendPoolBackendWeight): the runtime config with one
// backend's weight in one pool of one frontend replaced. Pure, so the action and its dry run
// build the very same config.

import type { FrontendConfig, MaglevConfig } from '../config/types.js';
import { NotFoundError } from '../errors.js';

/** Throws RangeError for a weight outside 0..100, NotFoundError for an unknown name. */
export function withPoolWeight(
  cfg: MaglevConfig,
  frontend: string,
  pool: string,
  backend: string,
  weight: number,
): MaglevConfig {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new RangeError(`weight must be an integer in 0..100, got ${weight}`);
  }
  const fe = cfg.frontends.get(frontend);
  if (!fe) throw new NotFoundError('frontend', frontend);
  const poolIndex = fe.pools.findIndex((p) => p.name === pool);
  const p = fe.pools[poolIndex];
  if (!p) throw new NotFoundError('pool', `${frontend}/${pool}`);
  if (!p.backends.has(backend)) throw new NotFoundError('backend', `${frontend}/${pool}/${backend}`);
  const backends = new Map([...p.backends].map(([n, s]) => [n, n === backend ? { ...s, weight } : s]));
  const pools = fe.pools.map((q, i) => (i === poolIndex ? { ...q, backends } : q));
  const updated: FrontendConfig = { ...fe, pools };
  const frontends = new Map([...cfg.frontends].map(([n, f]) => [n, n === frontend ? updated : f]));
  return { ...cfg, frontends };
}
