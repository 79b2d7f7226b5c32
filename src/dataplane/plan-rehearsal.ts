// The sync's rehearsal: the desired state of a config and two plans of it, run for nothing but
// warming the code a reload's sync runs on the main thread. maglevd's config at start-up comes
// from a worker thread (config/load-isolated.ts), so the first sync after start meets objects
// of other shapes than a reloaded config's, which normalise builds on the main thread; until
// the rehearsal, the first reload's desiredState took two to three times its later CPU at
// 10 000 backends (bench/README.md §The first reload after start). The daemon rehearses on each
// round of the parser's warm-up config (config/warm-up.ts). Pure: nothing is sent anywhere.

import type { MaglevConfig } from '../config/types.js';
import type { BackendState } from '../health/index.js';
import { desiredState } from './desired.js';
import { planSync } from './plan.js';
import { assumeInSync } from './preview.js';

/** How many operations each rehearsed plan came to. */
export interface SyncRehearsal {
  /** The config planned against a VPP that holds it already: 0, or the planner is wrong. */
  readonly inSync: number;
  /** The same VPP, with the first backend of each frontend's first pool down since. */
  readonly firstBackendsDown: number;
}

export function rehearseSync(config: MaglevConfig): SyncRehearsal {
  const up = desiredState(config, () => 'up');
  const held = assumeInSync(up, '1.2');
  const firsts = new Set<string>();
  for (const frontend of config.frontends.values()) {
    const first = frontend.pools[0]?.backends.keys().next().value;
    if (first !== undefined) firsts.add(first);
  }
  const stateOf = (backend: string): BackendState => (firsts.has(backend) ? 'down' : 'up');
  const someDown = desiredState(config, stateOf);
  return {
    inSync: planSync(up, held, { scope: 'all', generation: '1.2' }).length,
    firstBackendsDown: planSync(someDown, held, { scope: 'all', generation: '1.2' }).length,
  };
}
