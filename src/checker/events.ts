// What the checker tells its subscribers: backend transitions (once per frontend that uses the
// backend, as the original does), changes of a frontend's aggregate state, the start and end of
// checker faults (docs/safety.md), sent per frontend like transitions, and of a frontend's panic.

import type { CheckerFaultReason, FrontendState, PanicState, Transition } from '../health/index.js';

export interface BackendEvent {
  kind: 'backend';
  frontend: string;
  backend: string;
  /** The backend's runtime address when the transition happened. */
  address: string;
  transition: Transition;
}

export interface FrontendEvent {
  kind: 'frontend';
  frontend: string;
  /** Equal to `to` in the replay a subscriber can ask for on subscribe. */
  from: FrontendState;
  to: FrontendState;
  /** Wall time, ms since the epoch. */
  at: number;
}

/**
 * A backend's probes started failing on the checker's own side (active), or stopped doing so.
 * Nothing about the backend changed: its state, counter and weight stay as they were.
 */
export interface CheckerFaultEvent {
  kind: 'checker-fault';
  frontend: string;
  backend: string;
  address: string;
  healthcheck: string;
  /** True when the fault starts (or its reason changes), false when probing is sound again. */
  active: boolean;
  reason: CheckerFaultReason;
  detail: string;
  /** Wall time, ms since the epoch. */
  at: number;
}

/**
 * A frontend started (active) or stopped serving in panic (docs/safety.md §The panic threshold).
 * `panic` is the count that started it, or the last one before it ended.
 */
export interface PanicEvent {
  kind: 'panic';
  frontend: string;
  active: boolean;
  /** Name of the pool serving (or that was serving) in panic. */
  pool: string;
  panic: PanicState;
  /** Wall time, ms since the epoch. */
  at: number;
}

export type CheckerEvent = BackendEvent | FrontendEvent | CheckerFaultEvent | PanicEvent;
