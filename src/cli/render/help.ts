// The `?` listing: each word that may come next with its one line of help.

import type { Style } from '../style.js';
import type { NextChoice } from '../walk.js';

export function renderChoices(choices: readonly NextChoice[], style: Style): string[] {
  const width = Math.max(0, ...choices.map((c) => c.word.length));
  return choices.map((c) => {
    const word =
      c.kind === 'keyword' || c.kind === 'option' ? style.bold(c.word.padEnd(width)) : c.word.padEnd(width);
    return `  ${word}  ${style.dim(c.help)}`.trimEnd();
  });
}
