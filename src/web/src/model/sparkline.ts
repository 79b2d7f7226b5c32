// The sparkline of a frontend's (or VPP's) rate over the last minutes, as an SVG path: time runs
// left to right ending at the newest point, the height is the value against the largest value in
// view. A point without a value (no rate yet, no bytes without the stats segment) breaks the line.

import type { TrafficRateJson } from '../../../frontend/wire.js';

export interface SparklineBox {
  readonly width: number;
  readonly height: number;
  /** The time the width spans. */
  readonly windowMs: number;
}

/** The path's `d`; empty when there is nothing to draw. */
export function sparklinePath(
  points: readonly TrafficRateJson[],
  key: 'pps' | 'bps',
  box: SparklineBox,
): string {
  const newest = points.at(-1);
  if (!newest) return '';
  const start = newest.at - box.windowMs;
  const visible = points.filter((p) => p.at >= start);
  const max = Math.max(...visible.map((p) => p[key] ?? 0), 0);
  const round = (n: number) => Math.round(n * 10) / 10;
  let d = '';
  let drawing = false;
  for (const p of visible) {
    const v = p[key];
    if (v === null) {
      drawing = false;
      continue;
    }
    const x = round(((p.at - start) / box.windowMs) * box.width);
    // 1px of headroom at the top; an all-zero line lies on the bottom edge.
    const y = round(max > 0 ? box.height - (v / max) * (box.height - 1) : box.height);
    d += `${drawing ? 'L' : 'M'}${x} ${y}`;
    drawing = true;
  }
  return d;
}
