// The sparkline of a frontend's (or VPP's) rate over the last minutes, as an SVG path: time runs
// left to right ending at the newest point, the height is the value against the largest value in
// view. A point without a value (no rate yet, no bytes without the stats segment) breaks the line;
// a lone point between breaks is a dot (a zero-length segment, drawn by a round line cap).
// Until the history fills the window, the width spans the history itself (at least `minSpanMs`),
// so a page opened a few seconds ago shows a line, not a dot at the right edge.

import type { TrafficRateJson } from '../../../frontend/wire.js';

export interface SparklineBox {
  readonly width: number;
  readonly height: number;
  /** The most time the width spans. */
  readonly windowMs: number;
  /** The least time the width spans. */
  readonly minSpanMs: number;
}

/** The path's `d`; empty when there is nothing to draw. */
export function sparklinePath(
  points: readonly TrafficRateJson[],
  key: 'pps' | 'bps',
  box: SparklineBox,
): string {
  const newest = points.at(-1);
  if (!newest) return '';
  const oldest = points.find((p) => p.at >= newest.at - box.windowMs) ?? newest;
  const span = Math.min(box.windowMs, Math.max(box.minSpanMs, newest.at - oldest.at));
  const start = newest.at - span;
  const visible = points.filter((p) => p.at >= start);
  const max = Math.max(...visible.map((p) => p[key] ?? 0), 0);
  const round = (n: number) => Math.round(n * 10) / 10;
  const runs: string[][] = [[]];
  for (const p of visible) {
    const v = p[key];
    if (v === null) {
      if ((runs.at(-1) ?? []).length > 0) runs.push([]);
      continue;
    }
    const x = round(((p.at - start) / span) * box.width);
    // 1px of headroom at the top; an all-zero line lies on the bottom edge.
    const y = round(max > 0 ? box.height - (v / max) * (box.height - 1) : box.height);
    runs.at(-1)?.push(`${x} ${y}`);
  }
  return runs
    .filter((run) => run.length > 0)
    .map((run) => (run.length === 1 ? `M${run[0]}h0` : `M${run.join('L')}`))
    .join('');
}
