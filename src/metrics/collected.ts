// A metric family whose samples are built afresh at every scrape from the state that owns them
// (the checker, the per-backend probe accumulators, the VPP snapshots). Nothing is kept between
// scrapes, so a label set can never go stale: a backend that left the config is simply not
// emitted any more. prom-client's own classes keep every label set they ever saw until told
// otherwise, and their labelled `inc`/`observe` hash the label values on every call, which is
// what the probe hot path must avoid; so the registry gets this small collector instead, and
// prom-client still does the exposition formatting and escaping.

import type { Metric, Registry } from 'prom-client';

export type MetricType = 'gauge' | 'counter' | 'histogram';
export type Labels = Readonly<Record<string, string | number>>;

/** Receives the samples of one scrape. */
export interface SampleSink {
  /** One sample of the family itself. */
  sample(labels: Labels, value: number): void;
  /** One histogram: cumulative buckets with `le`, then _sum and _count. */
  histogram(labels: Labels, h: HistogramReading): void;
}

export interface HistogramReading {
  /** Upper bounds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Non-cumulative counts per bound, then one more for above the last bound. */
  readonly counts: ArrayLike<number>;
  readonly sum: number;
  readonly count: number;
}

export interface CollectedSpec {
  name: string;
  help: string;
  type: MetricType;
  collect: (sink: SampleSink) => void;
}

/** The sample shape prom-client's registry formats (name suffix per sample, labels, value). */
interface SampleValue {
  metricName: string;
  labels: Labels;
  value: number;
}

class CollectedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = 'sum';
  private readonly bucketName: string;
  private readonly sumName: string;
  private readonly countName: string;

  constructor(private readonly spec: CollectedSpec) {
    this.name = spec.name;
    this.help = spec.help;
    this.type = spec.type;
    this.bucketName = `${spec.name}_bucket`;
    this.sumName = `${spec.name}_sum`;
    this.countName = `${spec.name}_count`;
  }

  get(): Promise<{
    name: string;
    help: string;
    type: MetricType;
    aggregator: string;
    values: SampleValue[];
  }> {
    const values: SampleValue[] = [];
    const name = this.name;
    const sink: SampleSink = {
      sample: (labels, value) => {
        values.push({ metricName: name, labels, value });
      },
      histogram: (labels, h) => {
        let cumulative = 0;
        for (let i = 0; i < h.bounds.length; i++) {
          cumulative += h.counts[i] ?? 0;
          values.push({
            metricName: this.bucketName,
            labels: { ...labels, le: h.bounds[i] ?? 0 },
            value: cumulative,
          });
        }
        values.push({ metricName: this.bucketName, labels: { ...labels, le: '+Inf' }, value: h.count });
        values.push({ metricName: this.sumName, labels, value: h.sum });
        values.push({ metricName: this.countName, labels, value: h.count });
      },
    };
    this.spec.collect(sink);
    return Promise.resolve({ name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Registry.resetMetrics() calls this; the state lives with its owners, so there is nothing to reset. */
  reset(): void {}
}

/**
 * Registers a scrape-time family. The registry only reads name, help, type and get() of what it
 * holds; its type declaration lists prom-client's own classes, hence the one cast.
 */
export function registerCollected(registry: Registry, spec: CollectedSpec): void {
  registry.registerMetric(new CollectedMetric(spec) as unknown as Metric);
}
