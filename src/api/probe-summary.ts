// Probe heartbeats for one WatchEvents subscriber, coalesced. Every finished probe is noted
// against its backend (a count and the latest result); at most every `intervalMs` the backends
// probed since the last flush go out as one batch. A dashboard watching 10 000 backends then
// costs maglevd one small message per interval instead of two log records per probe. flush()
// sends what is pending now: the watch session calls it before a transition, so a transition is
// never held back and never overtakes the probes that led to it.

import type { Clock, TimerHandle } from '../clock/index.js';
import type { ProbeResult } from '../health/types.js';

/** One backend's probes since the previous batch. */
export interface ProbeSummaryEntry {
  backend: string;
  /** Probes finished in the window (≥ 1). */
  count: number;
  /** The latest result. */
  ok: boolean;
  code: string;
  detail: string;
  /** Wall time (ms) the latest one finished. */
  at: number;
}

export class ProbeCoalescer {
  /** Insertion order is the order backends were first probed in this window. */
  private pending = new Map<string, ProbeSummaryEntry>();
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly emit: (batch: ProbeSummaryEntry[]) => void,
  ) {}

  /** Notes one finished probe; the first note of a window starts the window's timer. */
  probeDone(backend: string, result: ProbeResult): void {
    if (this.stopped) return;
    const at = this.clock.now();
    const entry = this.pending.get(backend);
    if (entry) {
      entry.count++;
      entry.ok = result.ok;
      entry.code = result.code;
      entry.detail = result.detail;
      entry.at = at;
    } else {
      this.pending.set(backend, {
        backend,
        count: 1,
        ok: result.ok,
        code: result.code,
        detail: result.detail,
        at,
      });
    }
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.intervalMs);
  }

  /** Sends what is pending now (nothing when nothing is). */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.emit(batch);
  }

  /** Drops what is pending and never sends again. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.pending.clear();
  }
}
