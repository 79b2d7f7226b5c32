// Mutated YAML for the config fuzzers (test/config/fuzz.test.ts in-process, and
// test/e2e/check-fuzz.test.ts through the maglevd binary): a valid seed file with a few edits of
// the kinds a person or a broken tool makes — bytes inserted or deleted, lines dropped,
// duplicated, swapped or re-indented, a value replaced by one of the wrong type or range, the
// file cut short. Every position is drawn by fast-check, so a failure shrinks to a small edit.

import fc from 'fast-check';

/** YAML's structure characters and a few troublemakers (tab, NUL, BOM, a lone surrogate's UTF-8). */
const TOKENS = [
  ':',
  ': ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '- ',
  '#',
  '&a ',
  '*a',
  '!!str ',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '\n',
  '\t',
  '  ',
  '\0',
  '\uFEFF',
  '\u00e9',
  '<<: ',
  '? ',
  '---\n',
  '...\n',
];

/** Values of the wrong type, sign, range or shape for any key. */
const VALUES = [
  '',
  '~',
  'null',
  'true',
  '-1',
  '0',
  '1.5',
  '1e400',
  '99999999999999999999',
  '0x10',
  '.nan',
  '-.inf',
  '[]',
  '{}',
  '[1, [2, {3: 4}]]',
  '"quoted"',
  "'single'",
  '-1s',
  '0ms',
  '10000h',
  '1m1m',
  '300.1.2.3',
  '::1::',
  '2001:db8::1/129',
  '127.0.0.1',
  'x'.repeat(300),
  '*undefined_alias',
  '&anchor value',
  '!!binary aGVsbG8=',
  '50%',
  '101%',
  'http',
  'icmp',
];

type Edit =
  | { kind: 'insert'; at: number; token: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'value'; line: number; value: string }
  | { kind: 'drop' | 'duplicate'; line: number }
  | { kind: 'swap'; line: number; other: number }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'truncate'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('value' as const), line: fc.nat(), value: fc.constantFrom(...VALUES) }),
  fc.record({ kind: fc.constantFrom('drop' as const, 'duplicate' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), line: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

/** One edit applied to text; positions wrap around the text's length. */
export function applyEdit(text: string, e: Edit): string {
  const lines = text.split('\n');
  const at = (n: number) => n % (text.length + 1);
  const line = (n: number) => n % lines.length;
  switch (e.kind) {
    case 'insert':
      return text.slice(0, at(e.at)) + e.token + text.slice(at(e.at));
    case 'delete':
      return text.slice(0, at(e.at)) + text.slice(at(e.at) + e.length);
    case 'truncate':
      return text.slice(0, at(e.at));
    case 'value': {
      const i = line(e.line);
      // The scalar after the first ': ' of the line (or the whole line when it has none).
      const old = lines[i] ?? '';
      const colon = old.indexOf(': ');
      lines[i] = colon < 0 ? e.value : `${old.slice(0, colon + 2)}${e.value}`;
      return lines.join('\n');
    }
    case 'drop':
      lines.splice(line(e.line), 1);
      return lines.join('\n');
    case 'duplicate':
      lines.splice(line(e.line), 0, lines[line(e.line)] ?? '');
      return lines.join('\n');
    case 'swap': {
      const [i, j] = [line(e.line), line(e.other)];
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 'indent': {
      const i = line(e.line);
      const old = lines[i] ?? '';
      lines[i] = e.by >= 0 ? ' '.repeat(e.by) + old : old.replace(new RegExp(`^ {0,${-e.by}}`), '');
      return lines.join('\n');
    }
  }
}

/** A seed file (chosen among seeds(), read once the test has loaded them) with 1 to 4 edits. */
export function mutatedYaml(seeds: () => readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([pick, edits]) => {
    const all = seeds();
    const seed = all[pick % all.length] ?? '';
    return edits.reduce(applyEdit, seed);
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One error or warning line of `maglevd --check`: file:line:col: message. */
export const PROBLEM_LINE = (path: string) => new RegExp(`^${escape(path)}:\\d+:\\d+: \\S`);

/** The last line of `maglevd --check`: file: ok|invalid|YAML parse error (counts). */
export const SUMMARY_LINE = (path: string) =>
  new RegExp(`^${escape(path)}: (ok|invalid|YAML parse error) \\(`);
