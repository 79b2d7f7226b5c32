// What the maglev module refuses, and what it says when it does: the message names the value and
// the rule, because a caller (vppsim's API handler, the CLI's predictor) passes it on as it is.
// The other test files check that bad input throws; these pin the edges and the words.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertTableLength,
  buildTable,
  flowHash,
  isValidTableLength,
  MAX_TABLE_LENGTH,
  permutationOf,
  StickyTable,
  toAsValueTable,
} from '../../src/maglev/index.js';
import type { Generation } from '../../src/maglev/index.js';

void describe('table lengths', () => {
  void test('a power of two from 1 to 2^30 is valid; 0, non-integers, other numbers and 2^31 are not', () => {
    assert.equal(MAX_TABLE_LENGTH, 2 ** 30);
    for (const ok of [1, 2, 1024, 2 ** 30]) {
      assert.equal(isValidTableLength(ok), true, String(ok));
      assert.doesNotThrow(() => assertTableLength(ok), String(ok));
    }
    for (const bad of [0, -1, -2, 3, 6, 1000, 1.5, 0.5, 2 ** 31, Number.NaN, Infinity]) {
      assert.equal(isValidTableLength(bad), false, String(bad));
      assert.throws(() => assertTableLength(bad), RangeError, String(bad));
    }
  });

  void test('the refusal names the rule and the length', () => {
    assert.throws(() => assertTableLength(1000), {
      name: 'RangeError',
      message: 'new-flow table length must be a power of two between 1 and 1073741824, got 1000',
    });
  });
});

void describe('permutationOf', () => {
  void test('a replica is a u32: 0 and 2^32 − 1 are taken, −1, 2^32 and 1.5 are refused with a message', () => {
    assert.doesNotThrow(() => permutationOf('10.0.0.1', 16, 0));
    assert.doesNotThrow(() => permutationOf('10.0.0.1', 16, 0xffffffff));
    for (const bad of [-1, 2 ** 32, 1.5]) {
      assert.throws(() => permutationOf('10.0.0.1', 16, bad), {
        name: 'RangeError',
        message: `replica must be a u32, got ${bad}`,
      });
    }
  });
});

void describe('buildTable refusals', () => {
  void test('an unknown generation is named in the message', () => {
    assert.throws(() => buildTable('v25' as Generation, [], 16), {
      name: 'RangeError',
      message: `generation must be 'release' or 'master', got "v25"`,
    });
  });

  void test('weights 0 and 255 are taken; the refusal of another names the AS and the weight', () => {
    assert.doesNotThrow(() => buildTable('master', [{ address: '10.0.0.1', weight: 0 }], 16));
    assert.doesNotThrow(() => buildTable('master', [{ address: '10.0.0.1', weight: 255 }], 16));
    assert.throws(() => buildTable('master', [{ address: '10.0.0.1', weight: 256 }], 16), {
      name: 'RangeError',
      message: 'AS 10.0.0.1: weight must be an integer 0..255, got 256',
    });
  });

  void test('a duplicate names both spellings', () => {
    assert.throws(
      () =>
        buildTable(
          'release',
          [
            { address: '10.0.0.1', weight: 1 },
            { address: '::a00:1', weight: 1 },
          ],
          16,
        ),
      { name: 'RangeError', message: 'AS ::a00:1 is listed twice (also as 10.0.0.1)' },
    );
  });
});

void describe('flow hash refusals', () => {
  void test('mixed families and each port that is not a u16 are named', () => {
    assert.throws(
      () => flowHash({ src: '10.0.0.1', dst: '2001:db8::1', protocol: 6, srcPort: 1, dstPort: 2 }),
      {
        name: 'RangeError',
        message: 'flow source and destination must be of the same address family',
      },
    );
    assert.throws(
      () => flowHash({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, srcPort: 1, dstPort: -1 }),
      {
        name: 'RangeError',
        message: 'dstPort must be a u16, got -1',
      },
    );
    assert.throws(
      () => flowHash({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, srcPort: 1.5, dstPort: 2 }),
      {
        name: 'RangeError',
        message: 'srcPort must be a u16, got 1.5',
      },
    );
  });

  void test('ports 0 and 65535 are u16s', () => {
    assert.doesNotThrow(() =>
      flowHash({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, srcPort: 0, dstPort: 65535 }),
    );
  });
});

void describe('sticky table refusals', () => {
  void test('bucket counts: the message names the count; 1 is the smallest taken', () => {
    assert.equal(new StickyTable(1, 40).buckets, 1);
    assert.throws(() => new StickyTable(1.5, 40), RangeError);
    assert.throws(() => new StickyTable(2 ** 27, 40), RangeError, 'above 2^26: refused before allocating');
    assert.throws(() => new StickyTable(12, 40), {
      name: 'RangeError',
      message: 'sticky buckets per core must be a power of two ≥ 1, got 12',
    });
  });

  void test('a slot index is 0..3: 0 and 3 are taken, −1 and 1.5 refused with a message', () => {
    const t = new StickyTable(4, 40);
    assert.doesNotThrow(() => t.put(1, 7, 0, 0, 10000));
    assert.doesNotThrow(() => t.put(1, 7, 0, 3, 10000));
    assert.throws(() => t.put(1, 7, 0, -1, 10000), RangeError);
    assert.throws(() => t.put(1, 7, 0, 1.5, 10000), {
      name: 'RangeError',
      message: 'availableIndex must be 0..3, got 1.5',
    });
  });

  void test('AS values: a missing, fractional or too large one is refused and named', () => {
    assert.throws(() => toAsValueTable(Int32Array.from([1]), [5]), {
      name: 'RangeError',
      message: 'AS #1 needs a non-zero u32 value, got undefined',
    });
    assert.throws(() => toAsValueTable(Int32Array.from([0]), [1.5]), RangeError);
    assert.throws(() => toAsValueTable(Int32Array.from([0]), [2 ** 32]), RangeError);
    assert.deepEqual([...toAsValueTable(Int32Array.from([0, -1]), [0xffffffff])], [0xffffffff, 0]);
  });
});
