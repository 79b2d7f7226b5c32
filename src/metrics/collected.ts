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
//
// The text is streamed: it goes out in pieces of about 64 K characters as it is made, and a
// family with a line or more per backend pauses between backends while the reader is behind.
// A scrape of 10 000 backends (16 MB) therefore never holds more than a piece or two of it, and
// the event loop runs probes' results in between instead of waiting for the whole text.

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
  /**
   * Hands the family's samples to `sink`. A family with samples per backend is a generator that
   * yields between backends: the places where a streamed scrape may wait for its reader. It never
   * yields inside one label set's samples (a histogram goes whole), so each series is consistent.
   */
  collect: (sink: SampleSink) => Iterable<unknown> | void;
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
    const push = (metricName: string, labels: Labels, value: number): void => {
      values.push({ metricName, labels, value });
    };
    const steps = this.spec.collect({
      sample: (labels, value) => push(this.name, labels, value),
      histogram: (labels, h) => {
        forEachBucket(h, (le, cumulative) => push(this.bucketName, { ...labels, le }, cumulative));
        push(this.sumName, labels, h.sum);
        push(this.countName, labels, h.count);
      },
    });
    if (steps) for (const _ of steps);
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, aggregator, values });
  }

  /**
   * Writes the family in the text exposition format, as prom-client does (no final newline),
   * waiting for `out` to drain between backends. A label set's text is made once per call of the
   * sink, however many lines it labels (a histogram has 15).
   */
  async render(out: TextWriter): Promise<void> {
    const name = escapeString(this.name);
    const { bucketName, sumName, countName } = this;
    out.write(`# HELP ${name} ${escapeString(this.help)}\n# TYPE ${name} ${this.type}`);
    const steps = this.spec.collect({
      sample: (labels, value) => {
        out.write(`\n${name}${braced(labelText(labels))} ${valueText(value)}`);
      },
      histogram: (labels, h) => {
        const text = labelText(labels);
        const bucket = `\n${bucketName}{${text}${text === '' ? '' : ','}le="`;
        forEachBucket(h, (le, cumulative) => out.write(`${bucket}${le}"} ${valueText(cumulative)}`));
        const braces = braced(text);
        out.write(`\n${sumName}${braces} ${valueText(h.sum)}\n${countName}${braces} ${valueText(h.count)}`);
      },
    });
    if (!steps) return;
    for (const _ of steps) if (out.backedUp) await out.drained();
  }

  /** Registry.resetMetrics() calls this; the state lives with its owners, so there is nothing to reset. */
  reset(): void {}
}

/** A histogram's bucket lines in order: each bound with the count at or below it, then +Inf. */
function forEachBucket(h: HistogramReading, each: (le: number | string, cumulative: number) => void): void {
  let cumulative = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    cumulative += h.counts[i] ?? 0;
    each(h.bounds[i] ?? 0, cumulative);
  }
  each('+Inf', h.count);
}

/** `key="value",...` in the labels' own order, values escaped. */
function labelText(labels: Labels): string {
  let text = '';
  for (const key in labels) text += `${text === '' ? '' : ','}${key}="${escapeLabelValue(labels[key])}"`;
  return text;
}

const braced = (text: string): string => (text === '' ? '' : `{${text}}`);

/** prom-client's escaping: backslash and newline in names and help, and quotes in label values. */
function escapeString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

const NEEDS_ESCAPE = /[\\\n"]/;

function escapeLabelValue(value: string | number | undefined): string | number | undefined {
  if (typeof value !== 'string' || !NEEDS_ESCAPE.test(value)) return value;
  return escapeString(value).replace(/"/g, '\\"');
}

/**
 * Where the pieces of a scrape go. It returns a promise when its reader is behind: the scrape
 * writes nothing more until that settles (and stops if it rejects: the reader went away).
 */
export type ChunkSink = (chunk: string) => Promise<void> | void;

/** Gathers text and hands it on in pieces of about CHUNK characters. */
export class TextWriter {
  private text = '';
  private waiting: Promise<void> | undefined;

  constructor(private readonly out: ChunkSink) {}

  write(text: string): void {
    this.text += text;
    if (this.text.length >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.text === '') return;
    const text = this.text;
    this.text = '';
    const wait = this.out(text);
    if (wait) {
      this.waiting = wait;
      // Observed at the next pause; a rejection must not go unhandled in the meantime.
      wait.catch(() => {});
    }
  }

  /** The sink asked the scrape to wait. */
  get backedUp(): boolean {
    return this.waiting !== undefined;
  }

  /** Settles when the sink has taken what it was given; rejects when it went away. */
  async drained(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = undefined;
    await waiting;
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
 * prom-client. The /metrics server sends each piece as it comes, so a scrape of 10 000 backends
 * never holds its 16 MB of text in memory.
 */
export class ScrapeRegistry extends Registry {
  private streaming = 0;
  private afterStreaming: (() => void)[] = [];

  /**
   * The exposition text, handed to `out` in pieces, in order. The promise settles when the last
   * piece was handed over (and rejects with what a collector threw or `out`'s rejection).
   */
  async writeMetrics(out: ChunkSink): Promise<void> {
    const writer = new TextWriter(out);
    this.streaming++;
    try {
      let first = true;
      // The array's declared element type is prom-client's own metric shape.
      for (const metric of this.getMetricsAsArray() as unknown[]) {
        if (!first) writer.write('\n\n');
        first = false;
        if (metric instanceof CollectedMetric) {
          await metric.render(writer);
        } else {
          // One metric through prom-client's own formatting: a registry of its own, read at once.
          const one = new Registry();
          one.registerMetric(metric as Metric);
          writer.write((await one.metrics()).slice(0, -1));
        }
        if (writer.backedUp) await writer.drained();
      }
      writer.write('\n');
      writer.flush();
      if (writer.backedUp) await writer.drained();
    } finally {
      if (--this.streaming === 0) {
        const callbacks = this.afterStreaming;
        this.afterStreaming = [];
        for (const callback of callbacks) callback();
      }
    }
  }

  /**
   * Calls `release` once no scrape is under way: at the end of the last streamed scrape, or at
   * the next microtask outside one. What the families of a scrape share (one view of the
   * checker) lives exactly that long, although a streamed scrape pauses for its reader.
   */
  afterScrape(release: () => void): void {
    if (this.streaming > 0) this.afterStreaming.push(release);
    else queueMicrotask(release);
  }

  override async metrics(): Promise<string> {
    const chunks: string[] = [];
    await this.writeMetrics((chunk) => {
      chunks.push(chunk);
    });
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
