// Every finished probe, to whoever listens right now: the WatchEvents subscribers that asked for
// probe summaries. The observer the checker's observeProbes hook gives each worker (observer())
// publishes synchronously, once per probe, so a listener must be cheap (note and return); with
// nobody listening it costs one size check.

import type { ProbeResult } from '../health/types.js';
import type { ProbeObserver } from './worker.js';

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

  /** The observer of one backend's probes that tells `first` (the metrics), then publishes here. */
  observer(backend: string, first: ProbeObserver): ProbeObserver {
    return new FedProbes(backend, first, this);
  }
}

class FedProbes implements ProbeObserver {
  constructor(
    private readonly backend: string,
    private readonly first: ProbeObserver,
    private readonly feed: ProbeFeed,
  ) {}

  probeDone(result: ProbeResult, lagMs: number): void {
    this.first.probeDone(result, lagMs);
    this.feed.publish(this.backend, result);
  }
}
