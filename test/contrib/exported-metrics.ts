// What the monitoring kit may name: the series maglevd really exports, taken from a real
// registry (src/metrics, with the process metrics on, as the daemon runs it), and the metric
// names a PromQL expression uses, so a test can hold one against the other.

import { createMetrics } from '../../src/metrics/index.js';

/** Every series name a scrape of maglevd can contain (histograms with their three suffixes). */
export function exportedSeriesNames(): Set<string> {
  const names = new Set<string>();
  for (const family of createMetrics({ vpp: true, processMetrics: true }).registry.getMetricsAsArray()) {
    const { name, type } = family as unknown as { name: string; type: string };
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
  'inf',
  'nan',
]);

/**
 * The metric names an expression selects. Strings, label matchers, grouping clauses, ranges,
 * Grafana variables and numbers are taken out first; of the identifiers left, those followed
 * by "(" are functions and the rest, keywords aside, are metric names.
 */
export function metricNamesIn(expr: string): string[] {
  let e = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  // Durations (offset 1h, 1h30m) before plain numbers (0.99, 1e3).
  e = e.replace(/\b(?:\d+(?:ms|[smhdwy]))+\b/g, ' ').replace(/\b\d+(\.\d+)?([eE][+-]?\d+)?\b/g, ' ');
  const names = new Set<string>();
  for (const m of e.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, id, call] = m;
    if (call !== undefined || id === undefined || KEYWORDS.has(id.toLowerCase())) continue;
    names.add(id);
  }
  return [...names].sort();
}
