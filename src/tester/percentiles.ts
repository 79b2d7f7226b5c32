// Latency percentiles by the nearest-rank method: every figure shown is a latency that was
// actually measured, never an interpolation between two.

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The q-quantile (0 < q <= 1) of an ascending array by nearest rank; undefined when empty. */
export function nearestRank(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function summariseLatencies(values: readonly number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: nearestRank(sorted, 0.5)!,
    p95: nearestRank(sorted, 0.95)!,
    p99: nearestRank(sorted, 0.99)!,
    max: sorted[sorted.length - 1]!,
  };
}
