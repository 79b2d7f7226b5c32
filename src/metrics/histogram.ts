// A histogram's running counts as plain numbers: observe() is a short scan over the bounds and
// three additions, with no label hashing and no allocation, so it can sit on the probe hot path.
// The collector reads it at scrape time (see collected.ts).

import type { HistogramReading } from './collected.js';

/** maglev_probe_duration_seconds (docs/metrics.md §Probes and transitions). */
export const PROBE_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
]);

/**
 * maglev_probe_schedule_lag_seconds: how late a probe started against its plan. A healthy event
 * loop stays in the first buckets; seconds mean the process cannot keep up with its probes.
 */
export const SCHEDULE_LAG_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

export class HistogramCounts implements HistogramReading {
  /** A plain array of small integers: a third of a Float64Array's heap, with one per backend. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = Array.from({ length: bounds.length + 1 }, () => 0);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}
