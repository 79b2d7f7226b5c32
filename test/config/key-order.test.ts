// The file order of a map's keys (key-order.ts): own-key order for plain-YAML documents, and for
// any other document the keys yaml lists at the path first, then those a merge brought in.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { listedKeyOrder, ownKeyOrder } from '../../src/config/key-order.js';
import { YamlLocator } from '../../src/config/positions.js';

describe('ownKeyOrder', () => {
  test('is the map’s own keys in insertion order, whatever the path', () => {
    assert.deepEqual(ownKeyOrder({ z: 1, a: 2, m: 3 }, ['anywhere']), ['z', 'a', 'm']);
    assert.deepEqual(ownKeyOrder({}, []), []);
  });
});

describe('listedKeyOrder', () => {
  test('keeps the file’s order where JS would put index keys first', () => {
    const text = 'm:\n  z: 1\n  10: 2\n  a: 3\n';
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const locator = new YamlLocator(doc, lines);
    const order = listedKeyOrder((path) => locator.keyOrder(path));
    const m = (doc.toJS() as { m: Record<string, unknown> }).m;
    assert.deepEqual(Object.keys(m), ['10', 'z', 'a']);
    assert.deepEqual(order(m, ['m']), ['z', '10', 'a']);
  });

  test('puts keys the document does not list at the path (merged ones) last, once', () => {
    const order = listedKeyOrder(() => ['b', 'gone', 'a']);
    assert.deepEqual(order({ a: 1, merged: 2, b: 3 }, ['x']), ['b', 'a', 'merged']);
  });

  test('asks for the path it is given', () => {
    const asked: (readonly (string | number)[])[] = [];
    const order = listedKeyOrder((path) => {
      asked.push(path);
      return [];
    });
    assert.deepEqual(order({ k: 1 }, ['maglev', 'backends']), ['k']);
    assert.deepEqual(asked, [['maglev', 'backends']]);
  });
});
