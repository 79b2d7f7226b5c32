// The pure core of maglevt: probe outcomes in, a view of every VIP and the error panel out.
// It owns no timers and no sockets; the scheduler feeds it and the screens read it.

import { ErrorPanel, type AnomalyGroup } from './error-panel.js';
import { formatLatency } from './format.js';
import type { AnomalyKind, ProbeOutcome, Sample, Target } from './types.js';
import { VipStats, type VipSnapshot } from './vip-stats.js';

export interface VipView {
  target: Target;
  stats: VipSnapshot;
}

export interface MonitorView {
  now: number;
  vips: VipView[];
  /** Newest first. */
  errors: AnomalyGroup[];
  errorCounts: Record<AnomalyKind, number>;
}

export class Monitor {
  private readonly stats = new Map<string, VipStats>();
  private readonly panel: ErrorPanel;

  constructor(
    readonly targets: readonly Target[],
    options: { maxErrorGroups?: number } = {},
  ) {
    for (const t of targets) this.stats.set(t.key, new VipStats());
    this.panel = new ErrorPanel(options.maxErrorGroups);
  }

  /** Takes one probe outcome for `target`, finished at wall time `at`. */
  record(target: Target, outcome: ProbeOutcome, at: number): Sample {
    const stats = this.stats.get(target.key);
    if (!stats) throw new Error(`unknown VIP ${target.key}`);
    const sample: Sample = { ...outcome, at };
    const spike = stats.record(sample);
    const base = { at, vipKey: target.key, vip: target.name };
    if (outcome.failure) {
      this.panel.add({ ...base, ...outcome.failure });
    } else if (spike) {
      this.panel.add({
        ...base,
        kind: 'spike',
        code: 'spike',
        detail: `${formatLatency(spike.latencyMs)} (p50 ${formatLatency(spike.baselineP50)})`,
      });
    } else {
      this.panel.recovered(target.key);
    }
    return sample;
  }

  view(now: number): MonitorView {
    return {
      now,
      vips: this.targets.map((target) => ({ target, stats: this.stats.get(target.key)!.snapshot(now) })),
      errors: this.panel.groups(),
      errorCounts: this.panel.counts(),
    };
  }
}
