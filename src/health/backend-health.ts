// One backend's health: HAProxy's single rise/fall counter, the state it implies, operator
// actions, and a bounded history of transitions (newest first). Pure: the caller passes the
// time in, so the checker decides when things happen and tests replay sequences exactly.

import {
  isCheckerFault,
  type BackendState,
  type ProbeResult,
  type Transition,
  type TransitionCode,
} from './types.js';

/** States in which probe results are ignored and no probes should run (docs/health.md §States). */
const INACTIVE: ReadonlySet<BackendState> = new Set(['paused', 'disabled', 'removed']);

export interface BackendHealthInit {
  name: string;
  address: string;
  rise: number;
  fall: number;
  /** How many transitions to keep (healthchecker.transition-history). */
  historyLimit: number;
  /** 'disabled' for a backend with `enabled: false` in the file; default 'unknown'. */
  initialState?: 'unknown' | 'disabled';
}

/**
 * The counter follows HAProxy (src/check.c), including its two jumps:
 * - pass: counter + 1, and at or above `rise` it jumps to max (= rise + fall - 1);
 * - fail: counter - 1, and below `rise` it drops to 0.
 * Up iff counter >= rise. The jumps are what make `rise` and `fall` mean "consecutive":
 * a backend that has just come up needs `fall` straight failures to go down, one that has
 * just gone down needs `rise` straight passes to come back, and alternating pass/fail never
 * flaps (docs/health.md §The rise/fall counter). A plain ±1 counter without them would let a backend that
 * just came up go down on a single failure, and flap on every probe when it alternates at the boundary.
 *
 * Entering `unknown` (new, resumed, enabled) sets the counter to rise - 1, so one pass
 * means up; any failure while unknown means down at once (docs/health.md §Leaving unknown), with the counter
 * at 0 like every other down: the backend then needs `rise` passes and is probed at down-interval, as if it
 * had failed `fall` times. We would rather take a new backend's first failure seriously than half-trust it.
 */
export class BackendHealth {
  readonly name: string;
  readonly rise: number;
  readonly fall: number;
  /** Runtime address; the checker refreshes it on reload. */
  address: string;
  private currentState: BackendState;
  private currentCounter: number;
  private history: Transition[] = [];
  private limit: number;

  constructor(init: BackendHealthInit) {
    if (!Number.isInteger(init.rise) || init.rise < 1)
      throw new RangeError(`rise must be >= 1, got ${init.rise}`);
    if (!Number.isInteger(init.fall) || init.fall < 1)
      throw new RangeError(`fall must be >= 1, got ${init.fall}`);
    this.name = init.name;
    this.address = init.address;
    this.rise = init.rise;
    this.fall = init.fall;
    this.limit = Math.max(0, Math.floor(init.historyLimit));
    this.currentState = init.initialState ?? 'unknown';
    this.currentCounter = this.rise - 1;
  }

  get state(): BackendState {
    return this.currentState;
  }

  get counter(): number {
    return this.currentCounter;
  }

  /** Highest counter value: rise + fall - 1. */
  get max(): number {
    return this.rise + this.fall - 1;
  }

  /** Transitions, newest first, at most historyLimit of them. */
  get transitions(): readonly Transition[] {
    return this.history;
  }

  get historyLimit(): number {
    return this.limit;
  }

  /** Paused, disabled and removed backends are not probed and ignore results. */
  get active(): boolean {
    return !INACTIVE.has(this.currentState);
  }

  /**
   * A copy with the same state and counter and no history, for asking "what would this do"
   * (a dry run applies the very same methods to the copy and leaves this one alone).
   */
  fork(): BackendHealth {
    const copy = new BackendHealth({
      name: this.name,
      address: this.address,
      rise: this.rise,
      fall: this.fall,
      historyLimit: 0,
    });
    copy.currentState = this.currentState;
    copy.currentCounter = this.currentCounter;
    return copy;
  }

  /** Changes the history bound (a reload may change transition-history); trims at once. */
  setHistoryLimit(limit: number): void {
    this.limit = Math.max(0, Math.floor(limit));
    if (this.history.length > this.limit) this.history.length = this.limit;
  }

  /**
   * Applies one probe result. Returns the transition it caused, if any. A checker fault says
   * nothing about the backend (docs/safety.md §What happens to the backend): state, counter and
   * history stay exactly as they were, as if the probe had not run.
   */
  record(result: ProbeResult, now: number): Transition | undefined {
    if (!this.active || isCheckerFault(result)) return undefined;
    if (result.ok) {
      if (this.currentCounter < this.max) {
        this.currentCounter++;
        if (this.currentCounter >= this.rise) this.currentCounter = this.max;
      }
    } else if (this.currentState === 'unknown') {
      this.currentCounter = 0;
    } else if (this.currentCounter > 0) {
      this.currentCounter--;
      if (this.currentCounter < this.rise) this.currentCounter = 0;
    }
    let next: BackendState;
    if (this.currentCounter >= this.rise) next = 'up';
    else if (this.currentState === 'unknown' && result.ok) next = 'unknown';
    else next = 'down';
    return this.moveTo(next, now, result.code, result.detail);
  }

  /** Operator pause: stops probing. Only from unknown/up/down; a disabled backend stays disabled. */
  pause(now: number, detail = 'paused by operator'): Transition | undefined {
    if (!this.active) return undefined;
    return this.moveTo('paused', now, 'paused', detail);
  }

  /** Operator resume: only from paused; back to unknown with the counter at rise - 1. */
  resume(now: number, detail = 'resumed by operator'): Transition | undefined {
    if (this.currentState !== 'paused') return undefined;
    this.currentCounter = this.rise - 1;
    return this.moveTo('unknown', now, 'resumed', detail);
  }

  /** Operator disable: from any state but disabled and removed. */
  disable(now: number, detail = 'disabled by operator'): Transition | undefined {
    if (this.currentState === 'disabled' || this.currentState === 'removed') return undefined;
    return this.moveTo('disabled', now, 'disabled', detail);
  }

  /** Operator enable: only from disabled; back to unknown with the counter at rise - 1. */
  enable(now: number, detail = 'enabled by operator'): Transition | undefined {
    if (this.currentState !== 'disabled') return undefined;
    this.currentCounter = this.rise - 1;
    return this.moveTo('unknown', now, 'enabled', detail);
  }

  /** The backend left the config: final state. */
  remove(now: number, detail = 'removed from config'): Transition | undefined {
    if (this.currentState === 'removed') return undefined;
    return this.moveTo('removed', now, 'removed', detail);
  }

  private moveTo(
    to: BackendState,
    now: number,
    code: TransitionCode,
    detail: string,
  ): Transition | undefined {
    const from = this.currentState;
    if (from === to) return undefined;
    this.currentState = to;
    const t: Transition = Object.freeze({ from, to, at: now, code, detail });
    if (this.limit > 0) {
      // A new array of exactly the right length: unshift would reserve room for 16 more, in
      // every backend's history (bench/README.md, "RSS at 10 000 tcp backends: malloc arenas").
      this.history = [t].concat(this.history);
      if (this.history.length > this.limit) this.history.length = this.limit;
    }
    return t;
  }
}
