// Event-driven per-backend series (probes, durations, transitions) kept as plain numbers in one
// record per backend. Forgetting a backend is deleting its record, so every one of its series
// disappears together and label sets stay bounded by the config. The probe path (onProbeDone,
// thousands of times a second) does a property lookup and a few additions: no label hashing, no
// string building, no allocation once a backend's codes have been seen.
//
// The record is small because there are as many as backends (10 000 and more): plain objects and
// arrays, not a Map per code set and a typed array per histogram, which cost about 1 KB of heap
// per backend (bench/README.md, "maglevd against HAProxy": RSS).

import type { MaglevConfig } from '../config/types.js';
import type { BackendState, ProbeResult, Transition } from '../health/index.js';
import { HistogramCounts, PROBE_DURATION_BUCKETS } from './histogram.js';

/** Probes by result code, in the order the codes were first seen. */
export type CodeCounts = { [code in ProbeResult['code']]?: number };

/** One from → to pair's count. */
export interface TransitionCount {
  readonly from: BackendState;
  readonly to: BackendState;
  n: number;
}

const NO_TRANSITIONS: readonly TransitionCount[] = Object.freeze([]);

export class BackendSeries {
  /** Health check type of the probes counted below ('' until known). */
  type = '';
  /** The config `type` was resolved against: a different object means a reload or weight change. */
  typeResolvedFor: MaglevConfig | undefined;
  passed: CodeCounts = {};
  /** Checker faults are counted here too, under code `checker-fault`. */
  failed: CodeCounts = {};
  duration = new HistogramCounts(PROBE_DURATION_BUCKETS);
  /**
   * In the order the pairs were first seen; a backend has a handful at most. A new pair makes a
   * new array of exactly the right length (push would reserve room for 16 more).
   */
  transitions: readonly TransitionCount[] = NO_TRANSITIONS;

  recordProbe(result: ProbeResult): void {
    const byCode = result.ok ? this.passed : this.failed;
    byCode[result.code] = (byCode[result.code] ?? 0) + 1;
    this.duration.observe(result.durationMs / 1000);
  }

  recordTransition(t: Transition): void {
    const seen = this.transitions.find((c) => c.from === t.from && c.to === t.to);
    if (seen) seen.n++;
    else this.transitions = [...this.transitions, { from: t.from, to: t.to, n: 1 }];
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
    this.passed = {};
    this.failed = {};
    this.duration = new HistogramCounts(PROBE_DURATION_BUCKETS);
  }
}

/** Each code's count, in the order the codes were first seen. */
export function* codeCounts(counts: CodeCounts): Generator<[ProbeResult['code'], number]> {
  for (const code in counts) {
    const n = counts[code as ProbeResult['code']];
    if (n !== undefined) yield [code as ProbeResult['code'], n];
  }
}

/** '' for a backend without a health check (it is never probed) or one not in the config. */
export function healthCheckTypeOf(cfg: MaglevConfig, backend: string): string {
  const hc = cfg.backends.get(backend)?.healthcheck;
  return (hc === undefined ? undefined : cfg.healthchecks.get(hc)?.type) ?? '';
}
