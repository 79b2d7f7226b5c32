// A metric family whose samples are built afresh at every scrape from the state that owns them
// (the checker, the per-backend probe accumulators, the VPP snapshots). Nothing is kept between
// scrapes, so a label set can never go stale: a backend that left the config is simply not
// emitted any more. prom-client's own classes keep every label set they ever saw until told
// otherwise, and their labelled `inc`/`observe` hash the label values on every call, which is
// what the probe hot path must avoid; so the registry gets this small collector instead.
//
// These families are also formatted here (ScrapeRegistry), straight from their samples into
// text: at 10 000 backends a scrape has over 200 000 lines, and prom-client's formatter built
// about ten objects per line, which cost seconds of CPU and a few hundred MB of heap per scrape.
// The text is the same as prom-client's, byte for byte (a test holds them to it).

import { Registry, type Metric } from 'prom-client';

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

export class CollectedMetric {
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

  /** prom-client's shape of the family (getMetricsAsJSON and anything else that asks). */
  get(): Promise<{
    name: string;
    help: string;
    type: MetricType;
    aggregator: string;
    values: SampleValue[];
  }> {
    const values: SampleValue[] = [];
    this.collect((metricName, labels, value, le) =>
      values.push({ metricName, labels: le === undefined ? labels : { ...labels, le }, value }),
    );
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, aggregator, values });
  }

  /** Writes the family in the text exposition format, as prom-client does (no final newline). */
  render(out: TextWriter): void {
    const name = escapeString(this.name);
    out.write(`# HELP ${name} ${escapeString(this.help)}\n# TYPE ${name} ${this.type}`);
    this.collect((metricName, labels, value, le) => {
      let text = '';
      for (const key in labels) text += `${text === '' ? '' : ','}${key}="${escapeLabelValue(labels[key])}"`;
      if (le !== undefined) text += `${text === '' ? '' : ','}le="${le}"`;
      out.write(`\n${metricName}${text === '' ? '' : `{${text}}`} ${valueText(value)}`);
    });
  }

  /** Every sample of one scrape; `le` is a histogram bucket's bound, set apart from `labels`. */
  private collect(
    emit: (metricName: string, labels: Labels, value: number, le?: number | string) => void,
  ): void {
    const name = this.name;
    this.spec.collect({
      sample: (labels, value) => emit(name, labels, value),
      histogram: (labels, h) => {
        let cumulative = 0;
        for (let i = 0; i < h.bounds.length; i++) {
          cumulative += h.counts[i] ?? 0;
          emit(this.bucketName, labels, cumulative, h.bounds[i] ?? 0);
        }
        emit(this.bucketName, labels, h.count, '+Inf');
        emit(this.sumName, labels, h.sum);
        emit(this.countName, labels, h.count);
      },
    });
  }

  /** Registry.resetMetrics() calls this; the state lives with its owners, so there is nothing to reset. */
  reset(): void {}
}

/** prom-client's escaping: backslash and newline in names and help, and quotes in label values. */
function escapeString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

const NEEDS_ESCAPE = /[\\\n"]/;

function escapeLabelValue(value: string | number | undefined): string | number | undefined {
  if (typeof value !== 'string' || !NEEDS_ESCAPE.test(value)) return value;
  return escapeString(value).replace(/"/g, '\\"');
}

/** Gathers text and hands it on in pieces of about CHUNK characters. */
export class TextWriter {
  private text = '';

  constructor(private readonly out: (chunk: string) => void) {}

  write(text: string): void {
    this.text += text;
    if (this.text.length >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.text !== '') this.out(this.text);
    this.text = '';
  }
}

/** 64 K characters: big enough to cost little per write, small enough to die young. */
const CHUNK = 64 * 1024;

function valueText(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

/**
 * A prom-client Registry that writes its scrape-time families itself (CollectedMetric.render),
 * in pieces as they are made, and leaves any other metric (Node's process metrics) to
 * prom-client. The /metrics server turns each piece into bytes at once, so a scrape of 10 000
 * backends never holds its 16 MB of text, or the lines it is made of, in the heap.
 */
export class ScrapeRegistry extends Registry {
  /** The exposition text, handed to `out` in pieces, in order. */
  async writeMetrics(out: (chunk: string) => void): Promise<void> {
    const writer = new TextWriter(out);
    let first = true;
    // The array's declared element type is prom-client's own metric shape.
    for (const metric of this.getMetricsAsArray() as unknown[]) {
      if (!first) writer.write('\n\n');
      first = false;
      if (metric instanceof CollectedMetric) {
        metric.render(writer);
      } else {
        // One metric through prom-client's own formatting: a registry of its own, read at once.
        const one = new Registry();
        one.registerMetric(metric as Metric);
        writer.write((await one.metrics()).slice(0, -1));
      }
    }
    writer.write('\n');
    writer.flush();
  }

  override async metrics(): Promise<string> {
    const chunks: string[] = [];
    await this.writeMetrics((chunk) => chunks.push(chunk));
    return chunks.join('');
  }
}

/**
 * Registers a scrape-time family. The registry only reads name, help, type and get() of what it
 * holds; its type declaration lists prom-client's own classes, hence the one cast.
 */
export function registerCollected(registry: Registry, spec: CollectedSpec): void {
  registry.registerMetric(new CollectedMetric(spec) as unknown as Metric);
}
