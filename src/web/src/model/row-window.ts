// Which rows of a long table to put in the DOM: those on screen plus a margin. A pool of 10 000
// backends, or "Expand all" over a hundred cards, would otherwise build every row at once (ten
// seconds and hundreds of MiB in the browser); with this the page builds only the rows the screen
// can show, and spacers of the right height stand in for the rest, so the scroll bar, scrolling
// and anchors behave as if every row were there. Rows are assumed equally tall (the table's
// layout is fixed); the height is measured from the rows drawn.

export interface RowWindow {
  /** First row in the DOM. */
  first: number;
  /** One past the last row in the DOM. */
  end: number;
}

/** Rows beyond the screen's edges kept drawn, so a scroll by a wheel notch shows no gap. */
export const OVERSCAN_ROWS = 10;

/** Tables this short are drawn whole: nothing to gain, and every row stays findable. */
export const WINDOW_FROM_ROWS = 80;

/**
 * The rows of a table whose first row's top is `top` px from the viewport's top (negative once
 * scrolled past), in a viewport `viewportHeight` px high.
 */
export function rowWindow(
  count: number,
  top: number,
  viewportHeight: number,
  rowHeight: number,
  overscan = OVERSCAN_ROWS,
): RowWindow {
  if (count < WINDOW_FROM_ROWS) return { first: 0, end: count };
  const h = Math.max(1, rowHeight);
  const first = Math.floor(-top / h) - overscan;
  const end = Math.ceil((viewportHeight - top) / h) + overscan;
  const clampedFirst = Math.min(count, Math.max(0, first));
  const clampedEnd = Math.min(count, Math.max(clampedFirst, end));
  return { first: clampedFirst, end: clampedEnd };
}

/**
 * The height a spacer gives each row it stands for, from the tops (px) of the rows each table
 * draws, in order: the most common distance from one drawn row to the next, leaving out each
 * table's first drawn row. That row sits under a spacer without a border, and borders collapse,
 * so it is half a border shorter than the others; a mean over first to last shares that half
 * pixel among however many rows a table draws, so each table measured another height. Every new
 * height moves every spacer, which moves the windows and has the tables measure again: two
 * tables on screen took turns without end. The most common distance also ignores a row that is
 * taller for its content. Undefined while no table draws three rows.
 */
export function rowPitch(tables: readonly (readonly number[])[]): number | undefined {
  // Distances are compared to a thousandth of a pixel: layout positions are exact fractions,
  // but a page zoom can leave the last bits of two equal distances apart.
  const seen = new Map<number, { px: number; count: number }>();
  for (const tops of tables)
    for (let i = 2; i < tops.length; i++) {
      const px = tops[i]! - tops[i - 1]!;
      const key = Math.round(px * 1000);
      const s = seen.get(key);
      if (s) s.count++;
      else seen.set(key, { px, count: 1 });
    }
  let best: { px: number; count: number } | undefined;
  for (const s of seen.values())
    if (!best || s.count > best.count || (s.count === best.count && s.px < best.px)) best = s;
  return best && best.px > 0 ? best.px : undefined;
}
