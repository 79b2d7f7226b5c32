// The dry run of a change to what the checker owns: the runtime config and backend health as an
// operator action or a reload would leave them, and the events it would publish, computed by the
// same rules (the health state machine on a copy, the reload fates, the pool-weight edit) without
// touching anything. The dataplane plans VPP operations from it exactly as it would after the
// change.

import type { MaglevConfig } from '../config/types.js';
import type { BackendState, FrontendState } from '../health/index.js';
import type { BackendEvent } from './events.js';

export type BackendActionName = 'pause' | 'resume' | 'enable' | 'disable';

export type CheckerChange =
  | { readonly kind: 'backend-action'; readonly action: BackendActionName; readonly backend: string }
  | {
      readonly kind: 'set-weight';
      readonly frontend: string;
      readonly pool: string;
      readonly backend: string;
      readonly weight: number;
    }
  | { readonly kind: 'reload'; readonly config: MaglevConfig }
  /** Nothing changes (a sync on its own). */
  | { readonly kind: 'none' };

/** A backend whose state would change; `from` undefined: new, `to` undefined: gone. */
export interface BackendStateChange {
  readonly backend: string;
  readonly from: BackendState | undefined;
  readonly to: BackendState | undefined;
  readonly detail: string;
}

/** A frontend whose aggregate state would change; undefined: it is new, or gone. */
export interface FrontendStateChange {
  readonly frontend: string;
  readonly from: FrontendState | undefined;
  readonly to: FrontendState | undefined;
}

export interface Hypothesis {
  /** The runtime config after the change. */
  readonly config: MaglevConfig;
  /** Backend states after the change ('unknown' for a name it does not know). */
  readonly stateOf: (backend: string) => BackendState;
  /** The backend transitions the change would publish, once per frontend (as the checker does). */
  readonly events: readonly BackendEvent[];
  readonly backends: readonly BackendStateChange[];
  readonly frontends: readonly FrontendStateChange[];
}
