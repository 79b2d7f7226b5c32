import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addressKey, clibXxhash, clibXxhashParts, permutationOf, xxhashOut } from '../../src/maglev/index.js';

const parts = (key: bigint): bigint => {
  clibXxhashParts(Number(key & 0xffffffffn), Number(key >> 32n));
  return (BigInt(xxhashOut.hi) << 32n) | BigInt(xxhashOut.lo);
};

void describe('clib_xxhash', () => {
  // docs/vpp-lb.md §Test vectors (cross-checked there against VPP's own xxhash.h).
  const vectors: [bigint, bigint][] = [
    [0n, 0x6f06f901bfa27892n],
    [1n, 0x4a67795370639ba2n],
    [0x0100000a00000000n, 0xbc30f861da483441n], // 10.0.0.1
    [0x0200000a00000000n, 0x3153f4209ed2373en], // 10.0.0.2
    [0x01000000b80d0120n, 0x766f90983a5d80e8n], // 2001:db8::1
  ];

  void test('BigInt reference matches the documented vectors', () => {
    for (const [key, hash] of vectors) assert.equal(clibXxhash(key), hash, `key 0x${key.toString(16)}`);
  });

  void test('u32-pair implementation matches the documented vectors', () => {
    for (const [key, hash] of vectors) assert.equal(parts(key), hash, `key 0x${key.toString(16)}`);
  });

  void test('u32-pair implementation is bit-exact with the reference for any u64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (key) => parts(key) === clibXxhash(key)),
      { numRuns: 5000 },
    );
  });

  void test('keys wider than 64 bits are taken mod 2^64, like a u64 argument', () => {
    assert.equal(clibXxhash((1n << 64n) + 1n), clibXxhash(1n));
  });
});

void describe('AS key and permutation', () => {
  void test('the key is the two little-endian halves of the ip46 address XORed', () => {
    assert.equal(addressKey('10.0.0.1'), 0x0100000a00000000n);
    assert.equal(addressKey('10.0.0.2'), 0x0200000a00000000n);
    assert.equal(addressKey('2001:db8::1'), 0x01000000b80d0120n);
    assert.equal(addressKey('::a00:1'), addressKey('10.0.0.1'), 'ip46 form: ::a.b.c.d is the same bytes');
  });

  void test('offset is the high word and skip the odd low word, masked to the table', () => {
    // 10.0.0.1 → 0xbc30f861da483441
    assert.deepEqual(permutationOf('10.0.0.1', 1024), {
      offset: 0xbc30f861 & 1023,
      skip: (0xda483441 | 1) & 1023,
      seed: 0xbc30f861da483441n,
    });
    assert.deepEqual(permutationOf('10.0.0.1', 1), { offset: 0, skip: 0, seed: 0xbc30f861da483441n });
  });

  void test('master XORs the replica number into the key', () => {
    assert.equal(permutationOf('10.0.0.1', 65536, 7).seed, clibXxhash(0x0100000a00000000n ^ 7n));
    assert.equal(permutationOf('2001:db8::1', 65536, 3).seed, clibXxhash(0x01000000b80d0120n ^ 3n));
  });

  void test('bad lengths and replicas are refused', () => {
    assert.throws(() => permutationOf('10.0.0.1', 1000), RangeError);
    assert.throws(() => permutationOf('10.0.0.1', 1024, -1), RangeError);
  });
});
