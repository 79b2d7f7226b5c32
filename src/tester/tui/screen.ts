// The whole TUI screen as plain data: exactly `rows - 1` lines of coloured segments, from a
// MonitorView and the terminal size. Pure, so layout and resizing are tested without a
// terminal; the ink layer only paints these lines. The last terminal row stays empty because
// ink redraws the whole terminal (flicker) once its output reaches the terminal's height.

import { formatGoDuration } from '../../config/index.js';
import type { AnomalyGroup } from '../error-panel.js';
import { fit, formatAge, formatClock, formatLatency, formatPercent } from '../format.js';
import type { MonitorView, VipView } from '../monitor.js';
import { targetAddress } from '../targets.js';
import { ANOMALY_KINDS, type SkippedVip } from '../types.js';
import { ANOMALY_COLOUR, COLOUR } from './palette.js';

export interface Segment {
  text: string;
  /** ANSI 256 index; undefined: the terminal's default. */
  colour?: number;
  bold?: boolean;
}

export type Line = Segment[];

export interface ScreenSettings {
  fqdn: string;
  intervalMs: number;
  timeoutMs: number;
  keepalive: boolean;
  uri: string;
  header: string;
  host: string | undefined;
  skipped: readonly SkippedVip[];
}

export interface ScreenSize {
  columns: number;
  rows: number;
}

const seg = (text: string, colour?: number, bold?: boolean): Segment => ({ text, colour, bold });

/** Left and right parts on one line, the right part pushed to the edge when it fits. */
function spread(left: Line, right: Line, columns: number): Line {
  const used = [...left, ...right].reduce((n, s) => n + s.text.length, 0);
  if (used + 1 > columns) return left;
  return [...left, seg(' '.repeat(columns - used)), ...right];
}

function headerLines(view: MonitorView, s: ScreenSettings, size: ScreenSize): Line[] {
  const title = spread(
    [seg('maglevt', COLOUR.title, true), seg(' on ', COLOUR.hint), seg(s.fqdn, COLOUR.text, true)],
    [seg(formatClock(view.now).slice(0, 8), COLOUR.hint)],
    size.columns,
  );
  const n = view.vips.length;
  const facts = [
    `${n} VIP${n === 1 ? '' : 's'}`,
    `every ${formatGoDuration(s.intervalMs)} ±10%`,
    `timeout ${formatGoDuration(s.timeoutMs)}`,
    s.keepalive ? 'keep-alive' : 'new connection per probe',
    `GET ${s.uri}${s.host === undefined ? '' : ` Host ${s.host}`}`,
  ];
  const lines: Line[] = [title, [seg(facts.join(' · '), COLOUR.hint)]];
  if (s.skipped.length > 0) {
    const names = s.skipped.map((k) => `${k.name} (${k.reason})`).join(', ');
    lines.push([seg(`not probed: ${names}`, COLOUR.dim)]);
  }
  return lines;
}

function statusColour(vip: VipView): { colour: number; bold: boolean } {
  const last = vip.stats.last;
  if (!last) return { colour: COLOUR.dim, bold: false };
  if (last.ok) return { colour: COLOUR.ok, bold: true };
  return { colour: ANOMALY_COLOUR[last.failure?.kind ?? 'net-err'], bold: true };
}

function label(text: string): Segment {
  return seg(text, COLOUR.hint);
}

/** One VIP: title, figures, and the header tally (HTTP VIPs). */
function vipLines(vip: VipView, view: MonitorView, s: ScreenSettings, size: ScreenSize): Line[] {
  const { target, stats } = vip;
  const scheme = target.kind === 'tcp' ? 'tcp connect' : `${target.kind}://${targetAddress(target)}${s.uri}`;
  const lines: Line[] = [
    [
      seg(target.names.join(' / '), COLOUR.title, true),
      seg(`  ${target.kind === 'tcp' ? `${targetAddress(target)} ` : ''}${scheme}`, COLOUR.text),
      seg(`  (${target.reason})`, COLOUR.dim),
    ],
  ];
  const lat = stats.latency;
  const sc = statusColour(vip);
  const okRatio = stats.okRatio;
  lines.push([
    seg('  '),
    label('N '),
    seg(fit(String(stats.total), 8), COLOUR.text),
    label('FAIL '),
    seg(fit(String(stats.failed), 7), stats.failed > 0 ? COLOUR.bad : COLOUR.text),
    label('OK '),
    seg(
      fit(okRatio === undefined ? '-' : formatPercent(okRatio), 8),
      okRatio === undefined || okRatio === 1 ? COLOUR.text : COLOUR.bad,
    ),
    label('LAST '),
    seg(fit(stats.last?.status ?? '-', 9), sc.colour, sc.bold),
    label('p50 '),
    seg(fit(lat ? formatLatency(lat.p50) : '-', 9), COLOUR.text),
    label('p95 '),
    seg(fit(lat ? formatLatency(lat.p95) : '-', 9), COLOUR.text),
    label('p99 '),
    seg(fit(lat ? formatLatency(lat.p99) : '-', 9), COLOUR.text),
    label('max '),
    seg(lat ? formatLatency(lat.max) : '-', COLOUR.text),
  ]);
  if (target.kind === 'tcp') return lines;

  const valueWidth = Math.max(s.header.length, 12, ...stats.tally.map((r) => r.value.length));
  const width = Math.min(valueWidth, Math.max(12, size.columns - 40));
  lines.push([
    seg('  '),
    seg(fit(s.header, width), COLOUR.hint),
    seg(`  ${fit('count', 9, 'right')}  ${fit('share', 6, 'right')}  ${'last'}`, COLOUR.hint),
  ]);
  if (stats.tally.length === 0) {
    lines.push([seg('  (no answers yet)', COLOUR.dim)]);
  }
  for (const row of stats.tally) {
    const colour = row.fresh ? COLOUR.fresh : COLOUR.drained;
    lines.push([
      seg('  '),
      seg(
        `${fit(row.value, width)}  ${fit(String(row.count), 9, 'right')}  ${fit(formatPercent(row.share), 6, 'right')}  ${formatAge(view.now - row.lastSeenAt)}`,
        colour,
        row.fresh,
      ),
    ]);
  }
  return lines;
}

function errorTitle(view: MonitorView): Line {
  const line: Line = [seg('Errors', COLOUR.title, true)];
  for (const kind of ANOMALY_KINDS) {
    const n = view.errorCounts[kind];
    line.push(seg('  '), seg(kind, n > 0 ? ANOMALY_COLOUR[kind] : COLOUR.dim), seg(` ${n}`, COLOUR.hint));
  }
  return line;
}

function errorLine(g: AnomalyGroup, vipWidth: number): Line {
  // A spike's or a timeout's code would only repeat its kind.
  const code = g.code === g.kind ? '' : g.code;
  const repeat = g.count > 1 ? `×${g.count} until ${formatClock(g.lastAt)}` : '';
  const what = [code, repeat].filter((x) => x !== '');
  return [
    seg('  '),
    seg(formatClock(g.firstAt), COLOUR.hint),
    seg('  '),
    seg(fit(g.vip, vipWidth), COLOUR.text),
    seg('  '),
    seg(fit(g.kind, 8), ANOMALY_COLOUR[g.kind], true),
    seg(what.length > 0 ? `  ${code}` : '', COLOUR.text),
    seg(repeat === '' ? '' : `${code === '' ? '' : ' '}${repeat}`, COLOUR.text, true),
    seg(`  ${g.detail}`, COLOUR.dim),
  ];
}

const FOOTER: Line = [seg('q', COLOUR.text, true), seg(' quit', COLOUR.hint)];

/** The screen: header, one block per VIP, the error panel in the rows left, and a footer. */
export function screenLines(view: MonitorView, s: ScreenSettings, size: ScreenSize): Line[] {
  const height = Math.max(1, size.rows - 1);
  const top: Line[] = [...headerLines(view, s, size)];
  for (const vip of view.vips) {
    top.push([]);
    top.push(...vipLines(vip, view, s, size));
  }
  top.push([]);
  const vipWidth = Math.min(24, Math.max(4, ...view.vips.map((v) => v.target.name.length)));
  const bodyRows = height - 1;
  const room = bodyRows - top.length - 1;
  const errors: Line[] = [errorTitle(view)];
  if (view.errors.length === 0 && room > 0) errors.push([seg('  none', COLOUR.dim)]);
  for (const g of view.errors.slice(0, Math.max(0, room))) errors.push(errorLine(g, vipWidth));

  const body = [...top, ...errors].slice(0, Math.max(0, bodyRows));
  while (body.length < bodyRows) body.push([]);
  return height === 1 ? [FOOTER] : [...body, FOOTER];
}

/** A line as plain text (tests, and the width check). */
export function plainText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/**
 * A line as one string with SGR escapes (ANSI 256 colours, bold). The UI hands ink one string
 * per line rather than an element per segment: a few dozen text nodes to lay out per frame
 * instead of a thousand, which keeps the tester's own CPU use (and so its latency readings)
 * low.
 */
export function ansiText(line: Line): string {
  let out = '';
  for (const s of line) {
    if (s.text === '') continue;
    if (s.colour === undefined && !s.bold) {
      out += s.text;
      continue;
    }
    const codes = [...(s.bold ? ['1'] : []), ...(s.colour === undefined ? [] : [`38;5;${s.colour}`])];
    out += `\u001b[${codes.join(';')}m${s.text}\u001b[0m`;
  }
  return out === '' ? ' ' : out;
}
