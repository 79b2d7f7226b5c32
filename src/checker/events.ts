// What the checker tells its subscribers: backend transitions (once per frontend that uses the
// backend, as the original does) and changes of a frontend's aggregate state.

import type { FrontendState, Transition } from '../health/index.js';

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

export type CheckerEvent = BackendEvent | FrontendEvent;
