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
