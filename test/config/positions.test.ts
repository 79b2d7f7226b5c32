// YamlLocator: from a path into the config back to the YAML node, for file:line:col.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { YamlLocator } from '../../src/config/positions.js';

function locator(...lines: string[]): YamlLocator {
  const counter = new LineCounter();
  const doc = parseDocument(lines.join('\n') + '\n', { lineCounter: counter, uniqueKeys: false });
  return new YamlLocator(doc, counter);
}

describe('YamlLocator.position', () => {
  test('a value points at the value, a key-level finding at the key', () => {
    const l = locator('maglev:', '  port: 80');
    assert.deepEqual(l.position(['maglev', 'port'], 'value'), { line: 2, col: 9 });
    assert.deepEqual(l.position(['maglev', 'port'], 'key'), { line: 2, col: 3 });
    assert.deepEqual(l.position(['maglev', 'port'], 'parent'), { line: 1, col: 1 });
  });

  test('an empty value (`key:` and nothing) points at its key', () => {
    const l = locator('maglev:', '  port:', '  host: x');
    assert.deepEqual(l.position(['maglev', 'port'], 'value'), { line: 2, col: 3 });
  });

  test('a bad value on a path the document lacks points at the nearest key, not at its value', () => {
    // ['maglev', 'port'] is not in the file (defaulted): the finding goes to `maglev:` itself,
    // not to the first key of its map.
    const l = locator('maglev:', '  host: x');
    assert.deepEqual(l.position(['maglev', 'port'], 'value'), { line: 1, col: 1 });
  });

  test('an alias is followed to its anchor', () => {
    const l = locator('base: &b {port: 80}', 'web: *b');
    assert.deepEqual(l.position(['web', 'port'], 'value'), { line: 1, col: 17 });
  });

  test('a path past a scalar or a sequence end stops at the last node the document has', () => {
    const l = locator('a: 1', 'list: [x, y]');
    assert.deepEqual(l.position(['a', 'b'], 'value'), { line: 1, col: 1 });
    assert.deepEqual(l.position(['a', 0], 'value'), { line: 1, col: 1 });
    assert.deepEqual(l.position(['list', 1], 'value'), { line: 2, col: 11 });
    assert.deepEqual(l.position(['list', 5], 'value'), { line: 2, col: 1 });
    assert.deepEqual(l.position(['missing'], 'value'), { line: 1, col: 1 });
  });

  test('the first of two equal keys, and only scalar keys, answer to a name', () => {
    const l = locator('a: 1', 'a: 2', '[undefined]: 3', 'undefined: 4');
    assert.deepEqual(l.position(['a'], 'value'), { line: 1, col: 4 });
    assert.deepEqual(l.position(['undefined'], 'value'), { line: 4, col: 12 });
  });
});

describe('YamlLocator.keyOrder', () => {
  test('scalar keys in file order, without merge keys or keys that are not scalars', () => {
    const l = locator('m:', '  z: 1', '  "10": 2', '  [x]: 3', '  <<: {q: 1}', '  a: 4');
    assert.deepEqual(l.keyOrder(['m']), ['z', '10', 'a']);
    assert.deepEqual(l.keyOrder(['m', 'z']), []);
    assert.deepEqual(l.keyOrder(['nope']), []);
  });
});
