// Everything maglevt knows about one VIP: lifetime counts, a rolling window for percentiles,
// OK % and header shares, the last result, the header tally, and latency-spike detection.

import { HeaderTally, isFresh } from './header-tally.js';
import { summariseLatencies, type LatencySummary } from './percentiles.js';
import { RollingWindow } from './rolling-window.js';
import type { Sample } from './types.js';

export const WINDOW_SAMPLES = 1_000;
export const WINDOW_MS = 60_000;

/** A successful probe is a spike when it is this many times the rolling p50... */
export const SPIKE_FACTOR = 5;
/** ...and slower than this (so 0.2 ms against a 0.03 ms median is not news). */
export const SPIKE_MIN_MS = 50;
/** The median is only trusted as a baseline once this many answers are in the window. */
export const SPIKE_MIN_SAMPLES = 20;
/** The baseline median is refreshed every this many answers, not on every sample. */
const BASELINE_REFRESH = 10;

interface WindowSample {
  at: number;
  ok: boolean;
  /** Latency when a server answered; undefined for timeouts and network errors. */
  latencyMs: number | undefined;
  /** Tally label for HTTP answers. */
  label: string | undefined;
}

export interface TallyRow {
  value: string;
  count: number;
  /** Share of the HTTP answers in the rolling window that carried this value, 0..1. */
  share: number;
  lastSeenAt: number;
  /** Seen within FRESH_MS. */
  fresh: boolean;
}

export interface VipSnapshot {
  /** Probes since start. */
  total: number;
  /** Failed probes since start (timeouts, network errors, HTTP errors). */
  failed: number;
  /** OK share over the rolling window, 0..1; undefined before the first probe. */
  okRatio: number | undefined;
  windowSize: number;
  /** Percentiles over the answered probes in the window. */
  latency: LatencySummary | undefined;
  last: Sample | undefined;
  tally: TallyRow[];
}

export interface SpikeInfo {
  latencyMs: number;
  baselineP50: number;
}

/** The figures over the window: recomputed only when the window changed, not every frame. */
interface WindowFigures {
  okRatio: number | undefined;
  windowSize: number;
  latency: LatencySummary | undefined;
  shares: ReadonlyMap<string, number>;
  labelled: number;
}

export class VipStats {
  private figures: WindowFigures | undefined;
  private total = 0;
  private failed = 0;
  private last: Sample | undefined;
  private readonly window: RollingWindow<WindowSample>;
  private readonly tally = new HeaderTally();
  private baseline: number | undefined;
  private answersSinceBaseline = 0;

  constructor(windowSamples = WINDOW_SAMPLES, windowMs = WINDOW_MS) {
    this.window = new RollingWindow(windowSamples, windowMs);
  }

  /** Counts a sample; returns spike details when a successful probe was abnormally slow. */
  record(sample: Sample): SpikeInfo | undefined {
    this.total++;
    if (!sample.ok) this.failed++;
    this.last = sample;
    this.figures = undefined;
    this.window.prune(sample.at);
    const spike = sample.ok ? this.spikeCheck(sample.latencyMs) : undefined;
    const label = sample.httpStatus !== undefined ? this.tally.record(sample.header, sample.at) : undefined;
    this.window.push({
      at: sample.at,
      ok: sample.ok,
      latencyMs: sample.answered ? sample.latencyMs : undefined,
      label,
    });
    if (sample.answered) this.answersSinceBaseline++;
    return spike;
  }

  private spikeCheck(latencyMs: number): SpikeInfo | undefined {
    if (this.baseline === undefined || this.answersSinceBaseline >= BASELINE_REFRESH) {
      const latencies = this.answeredLatencies();
      this.baseline = latencies.length >= SPIKE_MIN_SAMPLES ? summariseLatencies(latencies)?.p50 : undefined;
      this.answersSinceBaseline = 0;
    }
    const p50 = this.baseline;
    if (p50 === undefined) return undefined;
    if (latencyMs > SPIKE_MIN_MS && latencyMs > SPIKE_FACTOR * p50) return { latencyMs, baselineP50: p50 };
    return undefined;
  }

  private answeredLatencies(): number[] {
    const out: number[] = [];
    for (const s of this.window.values()) if (s.latencyMs !== undefined) out.push(s.latencyMs);
    return out;
  }

  private windowFigures(): WindowFigures {
    if (this.figures) return this.figures;
    const samples = this.window.values();
    const latencies: number[] = [];
    const shares = new Map<string, number>();
    let ok = 0;
    let labelled = 0;
    for (const s of samples) {
      if (s.ok) ok++;
      if (s.latencyMs !== undefined) latencies.push(s.latencyMs);
      if (s.label !== undefined) {
        labelled++;
        shares.set(s.label, (shares.get(s.label) ?? 0) + 1);
      }
    }
    this.figures = {
      okRatio: samples.length === 0 ? undefined : ok / samples.length,
      windowSize: samples.length,
      latency: summariseLatencies(latencies),
      shares,
      labelled,
    };
    return this.figures;
  }

  snapshot(now: number): VipSnapshot {
    if (this.window.prune(now) > 0) this.figures = undefined;
    const f = this.windowFigures();
    return {
      total: this.total,
      failed: this.failed,
      okRatio: f.okRatio,
      windowSize: f.windowSize,
      latency: f.latency,
      last: this.last,
      tally: this.tally.list().map((e) => ({
        value: e.value,
        count: e.count,
        share: f.labelled === 0 ? 0 : (f.shares.get(e.value) ?? 0) / f.labelled,
        lastSeenAt: e.lastSeenAt,
        fresh: isFresh(e.lastSeenAt, now),
      })),
    };
  }
}
