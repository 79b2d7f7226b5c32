// Splitting a command line into words. Names in maglev.yaml carry no spaces, so whitespace is
// the only separator and there is no quoting.

export function tokenize(line: string): string[] {
  return line.split(/\s+/).filter((w) => w !== '');
}

/** The words before the cursor, split into the complete ones and the word being typed. */
export interface LineBeforeCursor {
  complete: string[];
  /** '' when the cursor follows whitespace (a new word starts). */
  partial: string;
}

export function splitAtCursor(lineBeforeCursor: string): LineBeforeCursor {
  const words = tokenize(lineBeforeCursor);
  if (lineBeforeCursor === '' || /\s$/.test(lineBeforeCursor)) return { complete: words, partial: '' };
  const partial = words.pop() ?? '';
  return { complete: words, partial };
}
