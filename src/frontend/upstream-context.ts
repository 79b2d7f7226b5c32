// What every part of an upstream shares: which maglevd it is, the clock, the log, the picture the
// parts keep current, where they publish, and the in-flight count behind idle(). Each part gets
// this plus the few calls its own loop makes, and nothing of the other parts.

import type { Clock } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import type { UpstreamView } from './upstream-view.js';
import type { SsePayloads, SseEventType } from './wire.js';

export type Publish = <T extends SseEventType>(type: T, payload: SsePayloads[T]) => void;

/** Counts a fetch as in flight until it settles (so tests can wait for quiet instead of sleeping). */
export type Track = <T>(p: Promise<T>) => Promise<T>;

export interface UpstreamContext {
  /** The maglevd's --server address, its name on the page. */
  name: string;
  clock: Clock;
  logger: Logger;
  view: UpstreamView;
  publish: Publish;
  track: Track;
}

/** The fetches an upstream has started and not yet seen settle. */
export class InFlight {
  private count = 0;
  private readonly waiters = new Set<() => void>();

  readonly track: Track = (p) => {
    this.count++;
    return p.finally(() => {
      this.count--;
      if (this.count === 0) {
        for (const w of [...this.waiters]) w();
        this.waiters.clear();
      }
    });
  };

  /** Resolves once nothing tracked is still running. */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }
}
