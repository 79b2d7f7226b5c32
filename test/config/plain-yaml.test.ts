// parsePlainYaml, the fast path for plain configs, against the `yaml` package it stands in for:
// on random documents mixing the subset with everything it must leave alone, whatever it accepts
// yaml reads without error or warning to the same value with the same key order; and parseConfig
// gives the same result with and without the fast path, on the examples and on random edits of
// a generated config.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { ownKeyOrder } from '../../src/config/key-order.js';
import { parsePlainYaml } from '../../src/config/plain-yaml.js';
import { YamlLocator } from '../../src/config/positions.js';

// Scalars and keys in and out of the subset (numbers of every core-schema form, indicators,
// quotes, colons, comments), so the generator reaches both sides of every rule.
const SCALARS = [
  'b0',
  'web',
  '127.1.0.1',
  '2001:db8::6',
  '::1',
  '5s',
  '/healthz',
  'http://x',
  'a b',
  'a  b',
  '0',
  '12',
  '-3',
  '-0',
  '+1',
  '007',
  '1.5',
  '1.',
  '.5',
  '0x1F',
  '0o17',
  '1e3',
  '.inf',
  '-.Inf',
  '.nan',
  '9007199254740993',
  '1_000',
  'true',
  'False',
  'TRUE',
  'tRue',
  'null',
  'Null',
  '~',
  'yes',
  "'quoted'",
  "''",
  '"dq"',
  '""',
  "'it''s'",
  "'a\\s*b'",
  '"a\\tb"',
  "'a, b'",
  "'a #b'",
  'a: b',
  'x:',
  'a:b',
  '-',
  '- a',
  '-x',
  '&a x',
  '*a',
  '!!str x',
  '|',
  '>',
  '@x',
  '`x',
  '%x',
  '?',
  '? x',
  'a #c',
  'a#b',
  '#c',
  'a[1]',
  'a,b',
  'a}',
  '{}',
  '[]',
  '{a: b}',
  '[a, b]',
];
const KEYS = [
  'b0',
  'address',
  'a-b',
  'x.y',
  'a/b',
  '_',
  'true',
  'null',
  'Null',
  'yes',
  '1',
  '"q"',
  "'q'",
  '<<',
  '__proto__',
  'k k',
  '?',
  'a:b',
  'x'.repeat(1100),
];

type Doc =
  | { kind: 'scalar'; text: string }
  | { kind: 'map'; entries: [string, Doc][]; flow: boolean }
  | { kind: 'seq'; items: Doc[]; flow: boolean };

const arbScalar = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom('b0', 'web', '127.1.0.1', '2001:db8::6', '5s', '12', 'true', "'q'"),
    },
    { weight: 1, arbitrary: fc.constantFrom(...SCALARS) },
  )
  .map((text): Doc => ({ kind: 'scalar', text }));
const arbKey = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('b0', 'b1', 'address', 'pools', 'name', 'x.y') },
  { weight: 1, arbitrary: fc.constantFrom(...KEYS) },
);

const { doc: arbDoc } = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: arbScalar },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('map' as const),
        entries: fc.array(fc.tuple(arbKey, tie('doc')), { maxLength: 4 }),
        flow: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('seq' as const),
        items: fc.array(tie('doc'), { maxLength: 3 }),
        flow: fc.boolean(),
      }),
    },
  ),
}));

/** How a document is laid out: indent step, aligned sequences, spacing, comments, a stray indent. */
interface Style {
  step: number;
  alignSeq: boolean;
  space: string;
  comment: boolean;
  stray: number;
}
const arbStyle = fc.record({
  step: fc.integer({ min: 1, max: 3 }),
  alignSeq: fc.boolean(),
  space: fc.constantFrom(' ', '  '),
  comment: fc.boolean(),
  stray: fc.integer({ min: -1, max: 40 }),
});

function flowText(d: Doc, s: Style): string {
  if (d.kind === 'scalar') return d.text;
  if (d.kind === 'map')
    return `{${d.entries.map(([k, v]) => `${k}:${s.space}${flowText(v, s)}`).join(`,${s.space}`)}}`;
  return `[${d.items.map((v) => flowText(v, s)).join(`,${s.space}`)}]`;
}

/** Block lines of a node, at this indent; `inline` is what may follow `key:` on the same line. */
function blockLines(d: Doc, indent: number, s: Style): { inline: string | undefined; lines: string[] } {
  const pad = ' '.repeat(indent);
  if (d.kind === 'scalar' || d.flow || (d.kind === 'map' ? d.entries.length : d.items.length) === 0)
    return { inline: flowText(d, s), lines: [] };
  const lines: string[] = [];
  if (d.kind === 'map') {
    for (const [k, v] of d.entries) {
      const child = blockLines(v, indent + s.step, s);
      if (child.inline !== undefined) lines.push(`${pad}${k}:${s.space}${child.inline}`);
      else lines.push(`${pad}${k}:`, ...child.lines);
      if (s.comment) lines.push(`${pad}# a comment`);
    }
    return { inline: undefined, lines };
  }
  for (const v of d.items) {
    const child = blockLines(v, indent + 2, s);
    if (child.inline !== undefined) lines.push(`${pad}-${s.space}${child.inline}`);
    else if (v.kind === 'map') {
      // Compact: the map's first entry on the dash's line.
      const [first, ...rest] = child.lines;
      lines.push(`${pad}- ${(first ?? '').trimStart()}`, ...rest);
    } else lines.push(`${pad}-`, ...child.lines);
  }
  return { inline: undefined, lines };
}

function render(d: Doc, s: Style): string {
  const { inline, lines } = blockLines(d, 0, s);
  const out = inline !== undefined ? [inline] : lines;
  // Sequences under a key may sit at the key's indent; and one line may be knocked out of place.
  const shifted = out.map((line, i) => {
    let l = s.alignSeq ? line.replace(/^( *)( {2})- /, '$1- ') : line;
    if (i === s.stray) l = ` ${l}`;
    return l;
  });
  return shifted.join('\n') + '\n';
}

/** Every map path in a value, for comparing key orders. */
/** Every map in the value, with its path. */
function maps(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; map: Record<string, unknown> }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => maps(v, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  const map = value as Record<string, unknown>;
  return [{ path, map }, ...Object.entries(map).flatMap(([k, v]) => maps(v, [...path, k]))];
}

describe('parsePlainYaml', () => {
  test('what it accepts, yaml reads cleanly to the same value and key order', () => {
    let accepted = 0;
    let total = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbKey, arbDoc), { minLength: 1, maxLength: 4 }),
        arbStyle,
        (entries, style) => {
          const text = render({ kind: 'map', entries, flow: false }, style);
          total++;
          const plain = parsePlainYaml(text);
          if (!plain) return;
          accepted++;
          const lines = new LineCounter();
          const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, merge: true });
          assert.deepEqual(doc.errors, [], text);
          assert.deepEqual(doc.warnings, [], text);
          const expected: unknown = doc.toJS();
          assert.deepStrictEqual(plain.value, expected, text);
          // parse.ts takes a plain document's key order from its own keys (ownKeyOrder): that
          // must be the order the file lists them in.
          const locator = new YamlLocator(doc, lines);
          for (const { path, map } of maps(plain.value))
            assert.deepEqual(ownKeyOrder(map, path), locator.keyOrder(path), text);
        },
      ),
      { numRuns: 3000 },
    );
    // Not vacuous: a good share of the documents is in the subset.
    assert.ok(accepted > total / 5, `${accepted} of ${total} accepted`);
  });

  test('gives up on what only yaml can read right', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: |\n  text\n',
      'a: "x" # c\n',
      'a:\tb\n',
      '---\na: 1\n',
      'a: 1\na: 2\n',
      'a: {b: 1, b: 2}\n',
      'a: 0x10\n',
      'a: 1.5\n',
      'a: one\n  two\n',
      'a:\n    b: 1\n  c: 2\n',
      'a: [1,\n  2]\n',
      'true: 1\n',
      '',
    ])
      assert.equal(parsePlainYaml(text), undefined, JSON.stringify(text));
  });
});

/** A config in the shape of bench/scale.ts's, with some backends disabled or weighted. */
function scaleConfig(
  n: number,
  edits: { disabled: Set<number>; weights: Map<number, number>; gone: Set<number> },
): string {
  const lines = [
    'maglev:',
    "  vpp: { lb: { ipv4-src-address: 192.0.2.254, ipv6-src-address: '2001:db8::fe' } }",
    '  healthchecks: { h: { type: http, port: 8080, interval: 5s, timeout: 1s, params: { path: /healthz } } }',
    '  backends:',
  ];
  for (let i = 0; i < n; i++)
    if (!edits.gone.has(i))
      lines.push(
        `    b${i}: {address: ${i % 3 === 0 ? `2001:db8::${i + 1}` : `127.1.0.${i + 1}`}, healthcheck: h${edits.disabled.has(i) ? ', enabled: false' : ''}}`,
      );
  lines.push('  frontends:');
  for (let f = 0; f < 3; f++) {
    lines.push(
      `    fe${f}:`,
      `      address: 192.0.2.${f + 1}`,
      '      protocol: tcp',
      '      port: 80',
      '      pools:',
      '        - name: p',
      '          backends:',
    );
    for (let i = f; i < n; i += 3) {
      const w = edits.weights.get(i);
      lines.push(`            b${i}: {${w === undefined ? '' : `weight: ${w}`}} # backend ${i}`);
    }
  }
  return lines.join('\n') + '\n';
}

describe('parseConfig with and without the plain fast path', () => {
  test('the examples (every key) take the fast path and read the same', () => {
    for (const file of ['examples/maglev.yaml', 'examples/demo.yaml']) {
      const text = readFileSync(file, 'utf8');
      assert.ok(parsePlainYaml(text), `${file} is plain YAML`);
      assert.deepStrictEqual(parseConfig(text, file), parseConfig(text, file, { plainFastPath: false }));
    }
  });

  test('a generated config takes the fast path, and random edits of it read the same both ways', () => {
    const n = 30;
    assert.ok(parsePlainYaml(scaleConfig(n, { disabled: new Set(), weights: new Map(), gone: new Set() })));
    const arbIndexSet = fc.uniqueArray(fc.nat(n - 1), { maxLength: 4 }).map((xs) => new Set(xs));
    fc.assert(
      fc.property(
        arbIndexSet,
        fc.array(fc.tuple(fc.nat(n - 1), fc.integer({ min: -1, max: 101 })), { maxLength: 4 }),
        arbIndexSet, // a backend gone but still in a pool: an error, left to the full parse
        (disabled, weights, gone) => {
          const text = scaleConfig(n, { disabled, weights: new Map(weights), gone });
          assert.deepStrictEqual(
            parseConfig(text, 'x.yaml'),
            parseConfig(text, 'x.yaml', { plainFastPath: false }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
