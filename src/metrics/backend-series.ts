// Event-driven per-backend series (probes, durations, transitions) kept as plain numbers in one
// record per backend. Forgetting a backend is deleting its record, so every one of its series
// disappears together and label sets stay bounded by the config. The record is the checker's
// observer of the backend's probes (probeDone, thousands of times a second): handed to the
// backend's worker once, it counts a result with a property lookup and a few additions: no
// look-up by name, no label hashing, no string building, no allocation once a backend's codes
// have been seen.
//
// The record is small because there are as many as backends (10 000 and more): plain objects and
// arrays, not a Map per code set and a typed array per histogram, which cost about 1 KB of heap
// per backend (bench/README.md, "maglevd against HAProxy": RSS).

import type { ProbeObserver } from '../checker/index.js';
import type { MaglevConfig } from '../config/types.js';
import {
  CHECKER_FAULT_REASONS,
  isCheckerFault,
  type BackendState,
  type CheckerFaultReason,
  type ProbeResult,
  type Transition,
} from '../health/index.js';
import { HistogramCounts, PROBE_DURATION_BUCKETS, SCHEDULE_LAG_BUCKETS } from './histogram.js';

/** What every backend's probes add to, besides their own series. */
export class ProbeTotals {
  /** How late probes started. */
  readonly lag = new HistogramCounts(SCHEDULE_LAG_BUCKETS);
  /** Checker faults by reason, since start. */
  readonly faults = new Map<CheckerFaultReason, number>(CHECKER_FAULT_REASONS.map((r) => [r, 0]));

  /** `config`: the checker's config now (undefined before there is a checker). */
  constructor(readonly config: () => MaglevConfig | undefined) {}
}

/** Probes by result code, in the order the codes were first seen. */
export type CodeCounts = { [code in ProbeResult['code']]?: number };

/** One from → to pair's count. */
export interface TransitionCount {
  readonly from: BackendState;
  readonly to: BackendState;
  n: number;
}

const NO_TRANSITIONS: readonly TransitionCount[] = Object.freeze([]);

export class BackendSeries implements ProbeObserver {
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
   * new array of exactly the right length (concat: push and spread would reserve room for 16
   * more).
   */
  transitions: readonly TransitionCount[] = NO_TRANSITIONS;

  constructor(
    readonly backend: string,
    private readonly totals: ProbeTotals,
  ) {}

  probeDone(result: ProbeResult, lagMs: number): void {
    const totals = this.totals;
    totals.lag.observe(lagMs / 1000);
    const cfg = totals.config();
    if (cfg !== undefined && this.typeResolvedFor !== cfg) this.retype(cfg);
    this.recordProbe(result);
    if (isCheckerFault(result)) totals.faults.set(result.reason, (totals.faults.get(result.reason) ?? 0) + 1);
  }

  private recordProbe(result: ProbeResult): void {
    const byCode = result.ok ? this.passed : this.failed;
    byCode[result.code] = (byCode[result.code] ?? 0) + 1;
    this.duration.observe(result.durationMs / 1000);
  }

  recordTransition(t: Transition): void {
    const seen = this.transitions.find((c) => c.from === t.from && c.to === t.to);
    if (seen) seen.n++;
    else this.transitions = this.transitions.concat([{ from: t.from, to: t.to, n: 1 }]);
  }

  /**
   * Re-reads the backend's health check type from `cfg`. When it changed (a reload gave the
   * backend another kind of check), the probe series of the old type are dropped: they would
   * otherwise linger forever under a type label nothing feeds any more.
   */
  retype(cfg: MaglevConfig): void {
    this.typeResolvedFor = cfg;
    const type = healthCheckTypeOf(cfg, this.backend);
    if (type === this.type) return;
    this.type = type;
    this.clearProbes();
  }

  /** Empties every series: until the next probe or transition, the backend shows none. */
  clear(): void {
    this.clearProbes();
    this.transitions = NO_TRANSITIONS;
  }

  private clearProbes(): void {
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
