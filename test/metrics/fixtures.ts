// Shared by the metrics tests: a small reader of the Prometheus text format (enough to look up
// samples by name and labels), and a real Checker on a FakeClock wired to a fresh Metrics.

import { FakeClock } from '../../src/clock/index.js';
import { Checker } from '../../src/checker/index.js';
import type { MaglevConfig } from '../../src/config/types.js';
import { createMetrics, type Metrics, type MetricsOptions } from '../../src/metrics/index.js';
import { ScriptedProbe } from '../helpers/scripted-probe.js';
import type { ProbeFn } from '../../src/probe/types.js';
import { RecordingLogger } from '../helpers/logger.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses sample lines; HELP/TYPE comments and blank lines are skipped. */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    for (const l of (m[2] ?? '').matchAll(re)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = m[3] as string;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    out.push({ name: m[1] as string, labels, value });
  }
  return out;
}

export class Scrape {
  constructor(readonly samples: Sample[]) {}

  static async of(metrics: Metrics): Promise<Scrape> {
    return new Scrape(parseExposition(await metrics.scrape()));
  }

  /** Samples of one metric name whose labels include `match`. */
  find(name: string, match: Record<string, string> = {}): Sample[] {
    return this.samples.filter(
      (s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
    );
  }

  /** The single value for name+labels; undefined when absent, throws when ambiguous. */
  value(name: string, match: Record<string, string> = {}): number | undefined {
    const found = this.find(name, match);
    if (found.length > 1) throw new Error(`${name} ${JSON.stringify(match)} matches ${found.length} samples`);
    return found[0]?.value;
  }

  /** Sorted distinct values of one label over a metric's samples. */
  labelValues(name: string, label: string): string[] {
    return [...new Set(this.find(name).map((s) => s.labels[label] ?? ''))].sort();
  }

  /** Every sample, of any metric, whose `label` has this value. */
  mentioning(label: string, value: string): Sample[] {
    return this.samples.filter((s) => s.labels[label] === value);
  }
}

export function harness(cfg: MaglevConfig, opts: MetricsOptions & { probe?: ProbeFn } = {}) {
  const clock = new FakeClock();
  const probe = new ScriptedProbe(clock);
  const logger = new RecordingLogger({ debug: false });
  const metrics = createMetrics({
    clock,
    processMetrics: false,
    build: { version: '9.9.9', commit: 'abc123' },
    ...opts,
  });
  const checker = new Checker({
    config: cfg,
    probe: opts.probe ?? probe.fn,
    clock,
    random: () => 0.5,
    logger,
    ...metrics.hooks,
  });
  metrics.setChecker(checker);
  return {
    clock,
    probe,
    logger,
    metrics,
    checker,
    scrape: () => Scrape.of(metrics),
    finish: () => checker.stop(),
  };
}
