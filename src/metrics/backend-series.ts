// Event-driven per-backend series (probes, durations, transitions) kept as plain numbers in one
// record per backend. Forgetting a backend is deleting its record, so every one of its series
// disappears together and label sets stay bounded by the config. The probe path (onProbeDone,
// thousands of times a second) does two map lookups and a few additions: no label hashing, no
// string building, no allocation once a backend's codes have been seen.

import type { MaglevConfig } from '../config/types.js';
import type { BackendState, ProbeResult, Transition } from '../health/index.js';
import { HistogramCounts, PROBE_DURATION_BUCKETS } from './histogram.js';

export class BackendSeries {
  /** Health check type of the probes counted below ('' until known). */
  type = '';
  /** The config `type` was resolved against: a different object means a reload or weight change. */
  typeResolvedFor: MaglevConfig | undefined;
  readonly passed = new Map<ProbeResult['code'], number>();
  /** Checker faults are counted here too, under code `checker-fault`. */
  readonly failed = new Map<ProbeResult['code'], number>();
  duration = new HistogramCounts(PROBE_DURATION_BUCKETS);
  /** from → to → count. */
  readonly transitions = new Map<BackendState, Map<BackendState, number>>();

  recordProbe(result: ProbeResult): void {
    const byCode = result.ok ? this.passed : this.failed;
    byCode.set(result.code, (byCode.get(result.code) ?? 0) + 1);
    this.duration.observe(result.durationMs / 1000);
  }

  recordTransition(t: Transition): void {
    let byTo = this.transitions.get(t.from);
    if (!byTo) {
      byTo = new Map();
      this.transitions.set(t.from, byTo);
    }
    byTo.set(t.to, (byTo.get(t.to) ?? 0) + 1);
  }

  /**
   * Re-reads the backend's health check type from `cfg`. When it changed (a reload gave the
   * backend another kind of check), the probe series of the old type are dropped: they would
   * otherwise linger forever under a type label nothing feeds any more.
   */
  retype(cfg: MaglevConfig, backend: string): void {
    this.typeResolvedFor = cfg;
    const type = healthCheckTypeOf(cfg, backend);
    if (type === this.type) return;
    this.type = type;
    this.passed.clear();
    this.failed.clear();
    this.duration = new HistogramCounts(PROBE_DURATION_BUCKETS);
  }
}

/** '' for a backend without a health check (it is never probed) or one not in the config. */
export function healthCheckTypeOf(cfg: MaglevConfig, backend: string): string {
  const hc = cfg.backends.get(backend)?.healthcheck;
  return (hc === undefined ? undefined : cfg.healthchecks.get(hc)?.type) ?? '';
}
