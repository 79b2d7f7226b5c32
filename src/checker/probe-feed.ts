// Every finished probe, to whoever listens right now: the WatchEvents subscribers that asked for
// probe summaries. One feed for all of a checker's workers (its probeFeed option): each worker
// publishes its real probes here itself, synchronously, once per probe, so a listener must be
// cheap (note and return); with nobody listening it costs one size check.

import type { ProbeResult } from '../health/types.js';

export type ProbeListener = (backend: string, result: ProbeResult) => void;

export class ProbeFeed {
  private readonly listeners = new Set<ProbeListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: ProbeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(backend: string, result: ProbeResult): void {
    if (this.listeners.size === 0) return;
    for (const l of this.listeners) l(backend, result);
  }

  listenerCount(): number {
    return this.listeners.size;
  }
}
