// Output for scripts and for after the TUI: JSON lines per probe, the --once table and JSON
// summary, and the closing summary printed when the TUI quits.

import { formatLatency, formatPercent } from './format.js';
import type { MonitorView } from './monitor.js';
import { targetAddress } from './targets.js';
import type { ProbeOutcome, SkippedVip, Target } from './types.js';

/** One probe result as JSON (snake_case keys, null for what does not apply). */
export interface ProbeRecord {
  time: string;
  vip: string;
  address: string;
  protocol: string;
  port: number;
  kind: string;
  ok: boolean;
  status: string;
  latency_ms: number;
  http_status: number | null;
  header: string | null;
  error: { kind: string; code: string; detail: string } | null;
}

export function probeRecord(target: Target, outcome: ProbeOutcome, at: number): ProbeRecord {
  return {
    time: new Date(at).toISOString(),
    vip: target.name,
    address: target.address,
    protocol: target.protocol,
    port: target.port,
    kind: target.kind,
    ok: outcome.ok,
    status: outcome.status,
    latency_ms: Math.round(outcome.latencyMs * 1_000) / 1_000,
    http_status: outcome.httpStatus ?? null,
    header: outcome.header ?? null,
    error: outcome.failure ? { ...outcome.failure } : null,
  };
}

export interface OnceResult {
  target: Target;
  outcome: ProbeOutcome;
  at: number;
}

export function onceSummaryJson(results: readonly OnceResult[], skipped: readonly SkippedVip[]): string {
  return JSON.stringify({
    ok: results.every((r) => r.outcome.ok),
    vips: results.map((r) => probeRecord(r.target, r.outcome, r.at)),
    skipped: skipped.map((s) => ({ ...s })),
  });
}

export interface Paint {
  ok: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export const noPaint: Paint = { ok: (s) => s, bad: (s) => s, dim: (s) => s, bold: (s) => s };

interface Cell {
  text: string;
  paint?: (s: string) => string;
}

/** An aligned table, two spaces between columns; widths from the plain text, colour after. */
export function renderTable(
  headers: readonly string[],
  rows: readonly Cell[][],
  right: ReadonlySet<number>,
  paint: Paint,
): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.text.length ?? 0)));
  const line = (cells: readonly Cell[]): string =>
    cells
      .map((c, i) => {
        const w = widths[i] ?? 0;
        const last = i === cells.length - 1;
        const padded = right.has(i) ? c.text.padStart(w) : last ? c.text : c.text.padEnd(w);
        return c.paint ? c.paint(padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => ({ text: h, paint: paint.bold }))), ...rows.map(line)];
}

/** The --once table: one row per VIP with its one probe. */
export function onceTable(results: readonly OnceResult[], headerName: string, paint: Paint): string[] {
  const rows = results.map(({ target, outcome }) => [
    { text: target.name },
    { text: targetAddress(target) },
    { text: target.kind },
    { text: outcome.status, paint: outcome.ok ? paint.ok : paint.bad },
    { text: formatLatency(outcome.latencyMs) },
    {
      text: outcome.header ?? (outcome.failure ? outcome.failure.detail : '-'),
      paint: outcome.failure ? paint.dim : undefined,
    },
  ]);
  return renderTable(['VIP', 'ADDRESS', 'KIND', 'STATUS', 'LATENCY', headerName], rows, new Set([4]), paint);
}

/** What the TUI leaves on the terminal when it quits: lifetime figures per VIP. */
export function closingSummary(view: MonitorView, paint: Paint): string[] {
  const rows = view.vips.map(({ target, stats }) => [
    { text: target.name },
    { text: targetAddress(target) },
    { text: String(stats.total) },
    { text: String(stats.failed), paint: stats.failed > 0 ? paint.bad : undefined },
    { text: stats.okRatio === undefined ? '-' : formatPercent(stats.okRatio) },
    { text: stats.latency ? formatLatency(stats.latency.p50) : '-' },
    { text: stats.latency ? formatLatency(stats.latency.p99) : '-' },
    { text: stats.latency ? formatLatency(stats.latency.max) : '-' },
  ]);
  return renderTable(
    ['VIP', 'ADDRESS', 'N', 'FAIL', 'OK%', 'p50', 'p99', 'max'],
    rows,
    new Set([2, 3, 4, 5, 6, 7]),
    paint,
  );
}

export function skippedLine(s: SkippedVip): string {
  return `skipping ${s.name} (${s.address} ${s.protocol}/${s.port}): ${s.reason}`;
}
