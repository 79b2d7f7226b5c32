// Reconnect delays for the WatchEvents stream: exponential from `initialMs` up to `maxMs`, with
// ±20 % jitter so several dashboards do not reconnect to a restarted maglevd in lockstep.

import type { Random } from '../clock/index.js';

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly random: Random,
    private readonly initialMs = 500,
    private readonly maxMs = 15_000,
  ) {}

  /** The delay before the next attempt; each call doubles the following one. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
