// Where things are on screen, for the tables that draw only their visible rows (PoolTable with
// model/row-window.ts). One signal for the whole page that moves, at most once a frame, when the
// window scrolls or resizes or the page's layout changes (a card opening above a table moves it
// without any scroll); and the row height measured from drawn rows, once a frame over every table
// that drew some, shared by all of them.

import { createSignal } from 'solid-js';
import { rowPitch } from './model/row-window.js';

/** A first guess until a row has been drawn and measured. */
const GUESSED_ROW_PX = 31;

const [tick, setTick] = createSignal(0);
const [rowPx, setRowPx] = createSignal(GUESSED_ROW_PX);
let listening = false;
let pending = false;

/** Asks every windowed table to look at the screen again, on the next frame. */
export function relayout(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    setTick((t) => t + 1);
  });
}

/** Read in a computation to re-run it whenever positions on screen may have changed. */
export function viewportChanges(): number {
  if (!listening) {
    listening = true;
    window.addEventListener('scroll', relayout, { passive: true });
    window.addEventListener('resize', relayout);
    new ResizeObserver(relayout).observe(document.body);
  }
  return tick();
}

/** The height of one backend row (px). */
export function rowHeight(): number {
  return rowPx();
}

/** Tables whose drawn rows the next frame's measurement looks at. */
const toMeasure = new Set<HTMLTableSectionElement>();

/**
 * Measures the row height from BODY's drawn rows on the next frame, outside the computation that
 * asked, so a new height cannot feed back into the window it came from. One measurement a frame
 * for the whole page, over every table that asked: tables never take turns setting the height,
 * and a table asking again cannot add work to the frame. Layout heights are fractional, and a
 * spacer stands for up to thousands of rows, so even a hundredth of a pixel counts.
 */
export function measureRows(body: HTMLTableSectionElement): void {
  const scheduled = toMeasure.size > 0;
  toMeasure.add(body);
  if (scheduled) return;
  requestAnimationFrame(() => {
    const tables = [...toMeasure]
      .filter((b) => b.isConnected)
      .map((b) =>
        [...b.rows].filter((tr) => tr.dataset['backend']).map((tr) => tr.getBoundingClientRect().top),
      );
    // Before the new height re-runs the windows: a table that asks again asks for the next frame.
    toMeasure.clear();
    const px = rowPitch(tables);
    if (px !== undefined && Math.abs(px - rowPx()) >= 0.01) setRowPx(px);
  });
}
