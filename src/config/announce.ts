// Which frontends are announced over BGP (docs/fleet.md): the one reading of maglev.announce and
// frontends.<name>.announce, so the announcer, the API and the metrics agree.

import type { FrontendConfig, MaglevConfig } from './types.js';

/** maglev.announce is set and the frontend does not opt out (`announce: false`). */
export function announcesFrontend(config: Pick<MaglevConfig, 'announce'>, frontend: FrontendConfig): boolean {
  return config.announce !== undefined && frontend.announce !== false;
}
