// Immutable views of a backend handed to readers (API, metrics, dataplane): a reader can keep
// one as long as it likes without seeing, or causing, later changes.

import type { IpFamily } from '../net/ip-address.js';
import type { BackendState, CheckerFaultReason, Transition } from '../health/index.js';

/** A checker fault in progress on one backend (docs/safety.md). */
export interface ActiveCheckerFault {
  readonly reason: CheckerFaultReason;
  readonly detail: string;
  /** Wall time (ms) the fault started (or last changed reason). */
  readonly since: number;
}

export interface BackendSnapshot {
  readonly name: string;
  readonly address: string;
  readonly family: IpFamily;
  readonly state: BackendState;
  readonly counter: number;
  readonly rise: number;
  readonly fall: number;
  /** The runtime Enabled flag (operator disable/enable; survives reloads on the unchanged path). */
  readonly enabled: boolean;
  /** Health check name; undefined for a backend with none (synthetic pass). */
  readonly healthcheck: string | undefined;
  /** Newest first. */
  readonly transitions: readonly Transition[];
  /** Set while the backend's latest probe was a checker fault: its state is then held as it was. */
  readonly checkerFault: ActiveCheckerFault | undefined;
}
