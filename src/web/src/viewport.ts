// Where things are on screen, for the tables that draw only their visible rows (PoolTable with
// model/row-window.ts). One signal for the whole page that moves, at most once a frame, when the
// window scrolls or resizes or the page's layout changes (a card opening above a table moves it
// without any scroll); and the row height measured from drawn rows, shared by every table.

import { createSignal } from 'solid-js';

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

/**
 * Takes the height of a drawn row. Layout heights are fractional, and a spacer stands for up to
 * thousands of rows, so even a hundredth of a pixel counts.
 */
export function measuredRow(px: number): void {
  if (px > 0 && Math.abs(px - rowPx()) >= 0.01) setRowPx(px);
}
