// Aligned text tables and label/value blocks. Widths are measured without colour escapes, so
// coloured and plain output line up the same way.

import { visibleWidth, type Style } from './style.js';

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleWidth(text))) + text;
}

export interface TableOptions {
  /** Columns (by index) aligned to the right: numbers. */
  right?: readonly number[];
  /** Prefix of every line, e.g. two spaces under a heading. */
  indent?: string;
}

/** Header row plus rows, columns two spaces apart, no trailing spaces. */
export function table(
  style: Style,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TableOptions = {},
): string[] {
  const right = new Set(opts.right ?? []);
  const indent = opts.indent ?? '';
  const widths = headers.map((h, i) =>
    Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((cell, i) => {
        const w = widths[i] ?? 0;
        if (right.has(i)) return padStart(cell, w);
        return i === cells.length - 1 ? cell : padEnd(cell, w);
      })
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => style.label(h))), ...rows.map(line)];
}

/** `label  value` lines with the values aligned. */
export function fields(style: Style, pairs: readonly (readonly [string, string])[], indent = ''): string[] {
  const width = Math.max(0, ...pairs.map(([l]) => l.length));
  return pairs.map(([label, value]) => `${indent}${style.label(label.padEnd(width))}  ${value}`.trimEnd());
}
