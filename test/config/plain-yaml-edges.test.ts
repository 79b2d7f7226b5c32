// parsePlainYaml at the edges of its subset, one case per rule: what it reads (the same value the
// `yaml` package gives) and what it leaves to yaml. The random documents of plain-yaml.test.ts
// cover the same ground statistically; these pin each rule with a fixed input.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { parsePlainYaml } from '../../src/config/plain-yaml.js';

const GIVES_UP = Symbol('gives up');
type Case = [text: string, expected: unknown];

function check(cases: readonly Case[]): void {
  for (const [text, expected] of cases) {
    const read = parsePlainYaml(text);
    if (expected === GIVES_UP) {
      assert.equal(read, undefined, `${JSON.stringify(text)} should be left to yaml`);
    } else {
      assert.ok(read !== undefined, `${JSON.stringify(text)} should be read`);
      assert.deepEqual(read.value, expected, JSON.stringify(text));
      assert.deepEqual(parseYaml(text), expected, `yaml reads ${JSON.stringify(text)} the same`);
    }
  }
}

describe('plain scalars: strings, or left to yaml when the core schema reads them otherwise', () => {
  test('null, booleans and decimal integers are read', () => {
    check([
      ['k: null\n', { k: null }],
      ['k: Null\n', { k: null }],
      ['k: NULL\n', { k: null }],
      ['k: ~\n', { k: null }],
      ['k: nULL\n', { k: 'nULL' }],
      ['k: true\n', { k: true }],
      ['k: True\n', { k: true }],
      ['k: TRUE\n', { k: true }],
      ['k: trueish\n', { k: 'trueish' }],
      ['k: ttrue\n', { k: 'ttrue' }],
      ['k: false\n', { k: false }],
      ['k: False\n', { k: false }],
      ['k: FALSE\n', { k: false }],
      ['k: falsey\n', { k: 'falsey' }],
      ['k: ffalse\n', { k: 'ffalse' }],
      ['k: 0\n', { k: 0 }],
      ['k: -12\n', { k: -12 }],
      ['k: 9007199254740991\n', { k: 9007199254740991 }],
      ['k: 9007199254740993\n', GIVES_UP],
      ['k: -0\n', GIVES_UP],
    ]);
  });

  test('every other number form is left to yaml', () => {
    check([
      ['k: 007\n', GIVES_UP],
      ['k: +1\n', GIVES_UP],
      ['k: -07\n', GIVES_UP],
      ['k: 0o17\n', GIVES_UP],
      ['k: 0o7\n', GIVES_UP],
      ['k: 0x1F\n', GIVES_UP],
      ['k: 0xF\n', GIVES_UP],
      ['k: .inf\n', GIVES_UP],
      ['k: -.inf\n', GIVES_UP],
      ['k: +.Inf\n', GIVES_UP],
      ['k: .NaN\n', GIVES_UP],
      ['k: 1e3\n', GIVES_UP],
      ['k: 1e33\n', GIVES_UP],
      ['k: 12e3\n', GIVES_UP],
      ['k: +1e3\n', GIVES_UP],
      ['k: -1e3\n', GIVES_UP],
      ['k: .5e3\n', GIVES_UP],
      ['k: .55e3\n', GIVES_UP],
      ['k: 1.e3\n', GIVES_UP],
      ['k: 1.5e3\n', GIVES_UP],
      ['k: 1.55e3\n', GIVES_UP],
      ['k: 1e+3\n', GIVES_UP],
      ['k: 1e-3\n', GIVES_UP],
      ['k: 1.5\n', GIVES_UP],
      ['k: +1.5\n', GIVES_UP],
      ['k: .5\n', GIVES_UP],
      ['k: .55\n', GIVES_UP],
      ['k: 1.\n', GIVES_UP],
    ]);
  });

  test('text that only contains or starts like a number is a string', () => {
    check([
      ['k: 10o17\n', { k: '10o17' }],
      ['k: 0o17x\n', { k: '0o17x' }],
      ['k: 10x1F\n', { k: '10x1F' }],
      ['k: 0x1Fg\n', { k: '0x1Fg' }],
      ['k: n.inf\n', { k: 'n.inf' }],
      ['k: .infinity\n', { k: '.infinity' }],
      ['k: n1e3\n', { k: 'n1e3' }],
      ['k: 1e3x\n', { k: '1e3x' }],
      ['k: 1.5.6\n', { k: '1.5.6' }],
      ['k: 5s\n', { k: '5s' }],
      ['k: 2001:db8::1\n', { k: '2001:db8::1' }],
    ]);
  });

  test('colons, flow indicators and commas', () => {
    check([
      ['k: a: b\n', GIVES_UP],
      ['k: a:\n', GIVES_UP],
      ['k: :a\n', GIVES_UP],
      ['k: a,b\n', { k: 'a,b' }],
      ['k: a]b\n', { k: 'a]b' }],
      ['k: [a[b]\n', GIVES_UP],
      ['k: [a{b]\n', GIVES_UP],
    ]);
  });
});

describe('quoted scalars', () => {
  test('single and double quotes with nothing to unescape are read; the rest is left to yaml', () => {
    check([
      ["k: 'sq'\n", { k: 'sq' }],
      ['k: "dq"\n', { k: 'dq' }],
      ["k: ''\n", { k: '' }],
      ['k: ""\n', { k: '' }],
      ["k: 'a'\n", { k: 'a' }],
      ["k: '\n", GIVES_UP],
      ['k: "\n', GIVES_UP],
      ["k: 'ab\n", GIVES_UP],
      ['k: \'ab"\n', GIVES_UP],
      ["k: 'it''s'\n", GIVES_UP],
      ['k: "a\\tb"\n', GIVES_UP],
      ["k: 'a\\b'\n", { k: 'a\\b' }],
      ['k: "a\'b"\n', { k: "a'b" }],
    ]);
  });
});

describe('keys', () => {
  test('plain names up to 1000 characters, never __proto__ or a non-string', () => {
    check([
      [`${'k'.repeat(1000)}: 1\n`, { ['k'.repeat(1000)]: 1 }],
      [`${'k'.repeat(1001)}: 1\n`, GIVES_UP],
      ['__proto__: 1\n', GIVES_UP],
      ['1a: 1\n', GIVES_UP],
      ['true: 1\n', GIVES_UP],
      ['a.b/c-d_e: 1\n', { 'a.b/c-d_e': 1 }],
      ['{__proto__: 1}\n', GIVES_UP],
    ]);
  });
});

describe('block structure', () => {
  test('sequences of scalars, bare dashes, and a sequence aligned under its key', () => {
    check([
      ['- a\n- b\n', ['a', 'b']],
      ['-\n- a\n', [null, 'a']],
      ['k:\n  -\n  - a\n', { k: [null, 'a'] }],
      ['k:\n- a\n- b\n', { k: ['a', 'b'] }],
      ['k:\n- a\nb: 1\n', { k: ['a'], b: 1 }],
      ['- - a\n  - b\n', [['a', 'b']]],
      ['-   a: 1\n    b: 2\n', [{ a: 1, b: 2 }]],
      ['- a: 1\n  b: 2\n- c\n', [{ a: 1, b: 2 }, 'c']],
    ]);
  });

  test('a key with nothing after it is null unless a deeper block follows', () => {
    check([
      ['a:\nb: 1\n', { a: null, b: 1 }],
      ['a:\n  b:\nc: 1\n', { a: { b: null }, c: 1 }],
      ['a:\n  b: 1\n', { a: { b: 1 } }],
      ['- a:\n    b:\n- c\n', [{ a: { b: null } }, 'c']],
    ]);
  });

  test('indentation that does not close properly is left to yaml', () => {
    check([
      ['  a: 1\nb: 2\n', GIVES_UP],
      ['a: 1\n  b: 2\n', GIVES_UP],
      ['- a\n  b\n', GIVES_UP],
      ['a: 1\n- b\n', GIVES_UP],
    ]);
  });
});

describe('comments, byte order marks and depth', () => {
  test('a comment ends a plain value; a # inside one, a BOM or a tab is left to yaml', () => {
    check([
      ['k: a   # c\n', { k: 'a' }],
      ['# top\nk: a\n', { k: 'a' }],
      ['k: a#b\n', GIVES_UP],
      ["k: 'a' # c\n", GIVES_UP],
      ['\uFEFFk: 1\n', GIVES_UP],
      ['k:\t1\n', GIVES_UP],
    ]);
  });

  test('nesting deeper than the stack is left to yaml, which reports it, instead of throwing', () => {
    const deep = 'maglev:\n  k: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n';
    assert.equal(parsePlainYaml(deep), undefined);
    const r = parseConfig(deep, 'deep.yaml');
    assert.ok(!r.ok);
    assert.equal(r.kind, 'parse');
  });
});

describe('key order', () => {
  test('each map has its keys in file order, as parse.ts takes them (ownKeyOrder)', () => {
    const read = parsePlainYaml('z: 1\nm:\n  b: 1\n  a: 2\nlist:\n  - y: 1\n    x: 2\n  - s\n');
    assert.ok(read);
    const value = read.value as { m: object; list: [object, string] };
    assert.deepEqual(Object.keys(value), ['z', 'm', 'list']);
    assert.deepEqual(Object.keys(value.m), ['b', 'a']);
    assert.deepEqual(Object.keys(value.list[0]), ['y', 'x']);
  });
});

describe('flow collections on one line', () => {
  test('maps and sequences, nested, and nothing after them', () => {
    check([
      ['k: [a, b]\n', { k: ['a', 'b'] }],
      ['k: {a: [b, c]}\n', { k: { a: ['b', 'c'] } }],
      ['k: [{a: 1}, []]\n', { k: [{ a: 1 }, []] }],
      ['k: {}\n', { k: {} }],
      ['k: [a] x\n', GIVES_UP],
      ['k: {a: 1} x\n', GIVES_UP],
      ['k: {a: 1, a: 2}\n', GIVES_UP],
      ['k: {a 1}\n', GIVES_UP],
      ['k: [a b\n', GIVES_UP],
      ['k: [a , b ]\n', { k: ['a', 'b'] }],
      ['k: {a}\n', GIVES_UP],
      ['k: {a: [b] xc: d}\n', GIVES_UP],
      ['k: [[a] xb]\n', GIVES_UP],
      ['k: {a: }\n', GIVES_UP],
      ['k: [a, , b]\n', GIVES_UP],
    ]);
  });
});

describe('blanks', () => {
  test('only the space is a blank, as in YAML: other white space is content, or left to yaml', () => {
    check([
      ['k: a\u00A0\n', { k: 'a\u00A0' }],
      ['k: a\u3000 # c\n', { k: 'a\u3000' }],
      ['k: a\u2028b\n', { k: 'a\u2028b' }],
      ['k: a\uFEFF\n', { k: 'a\uFEFF' }],
      ['- \u00A0a\n', ['\u00A0a']],
      ['k: {a: x\u00A0}\n', { k: { a: 'x\u00A0' } }],
      ['k: [x\u000B]\n', { k: ['x\u000B'] }],
      ['\u00A0k: 1\n', GIVES_UP],
      ['k:\n\u00A0 a: 1\n', GIVES_UP],
      ['k:\u00A0\n', GIVES_UP],
      ['k: {a: 1}\u00A0\n', GIVES_UP],
      ['k: 1\n \u00A0\n', GIVES_UP],
    ]);
  });
});

describe('comments and lines', () => {
  test('a comment on each of several lines, blank lines, and no newline at the end', () => {
    check([
      ['a: 1 # x\nb: 2 # y\n', { a: 1, b: 2 }],
      ['a: 1\n\n   \nb: 2 # y\nc: 3 # z', { a: 1, b: 2, c: 3 }],
      ['a: 1 # x\nb: c#d\n', GIVES_UP],
      ['a: [1, # x\n', GIVES_UP],
    ]);
  });
});

describe('flow map keys on consecutive lines', () => {
  test('the same keys in the same places, and keys that only start or end alike, read as written', () => {
    check([
      [
        'a: {address: x, healthcheck: h}\nb: {address: y, healthcheck: h}\n',
        { a: { address: 'x', healthcheck: 'h' }, b: { address: 'y', healthcheck: 'h' } },
      ],
      [
        'a: {address: x}\nb: {addresses: y}\nc: {addres: z}\n',
        { a: { address: 'x' }, b: { addresses: 'y' }, c: { addres: 'z' } },
      ],
      ['a: {address: x}\nb: {adDress: y}\n', { a: { address: 'x' }, b: { adDress: 'y' } }],
      ['a: {x: 1, y: 2}\nb: {y: 3, x: 4}\n', { a: { x: 1, y: 2 }, b: { y: 3, x: 4 } }],
      ['a: {x: 1, y: 2}\nb: {x: 3, x: 4}\n', GIVES_UP],
    ]);
  });
});
