// Number and time formats shared by the TUI, the --once table and the anomaly details: short,
// fixed-ish width, and precise where it matters (sub-millisecond loopback latencies).

/** `0.42ms`, `12.3ms`, `245ms`, `1.20s`, `12.5s`. */
export function formatLatency(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)}ms`;
  if (ms < 100) return `${ms.toFixed(1)}ms`;
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(ms / 1_000).toFixed(2)}s`;
  return `${(ms / 1_000).toFixed(1)}s`;
}

/** A ratio 0..1 as `99.9%` (never rounded up to 100% while anything failed). */
export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  if (ratio < 1 && pct >= 99.95) return '99.9%';
  return `${pct.toFixed(1)}%`;
}

/** Time since an event, for the tally's last-seen column: `0.3s`, `12s`, `4m05s`, `2h03m`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, ms) / 1_000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.floor(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Wall-clock time of day, local, to the millisecond: `14:03:07.125`. */
export function formatClock(at: number): string {
  const d = new Date(at);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Pads or cuts text to exactly `width` columns (cut text ends in `…`). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}
