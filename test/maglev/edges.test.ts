// Edges that the main maglev tests pass by: each test here was written for a change to the code
// that every other test let through (docs/testing.md §Mutation testing).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressIdentity,
  bucketCounts,
  clibXxhash,
  clibXxhashParts,
  ip46FromText,
  ipFromIp46,
  lbHashHash,
  StickyTable,
  xxhashOut,
} from '../../src/maglev/index.js';

void describe('addresses', () => {
  void test('the identity is the 32 hex digits of the ip46 bytes, two per byte', () => {
    assert.equal(addressIdentity(ip46FromText('10.0.0.1')), '0000000000000000000000000a000001');
    // Two digits per byte, or 01:11 and 11:01 would both read "111".
    assert.notEqual(
      addressIdentity(ip46FromText('2001:111::')),
      addressIdentity(ip46FromText('2001:1101::')),
    );
  });

  void test('ipFromIp46 gives a copy: changing it leaves the ip46 bytes as they were', () => {
    for (const [text, family] of [
      ['10.0.0.1', 4],
      ['2001:db8::1', 6],
    ] as const) {
      const bytes = ip46FromText(text);
      const ip = ipFromIp46(bytes, family);
      ip.bytes[0] = 0xff;
      assert.deepEqual(bytes, ip46FromText(text), text);
    }
  });
});

void describe('clib_xxhash', () => {
  void test('the u32-pair form carries into the high word when the add of P4 reaches exactly 2^32', () => {
    // Worked back from the mix: rotl27(h64) * P1 has the low word 2^32 − low(P4) for this key.
    const key = 0x76b0a62dee14b274n;
    assert.equal(clibXxhash(key), 0x13fb5ec2a2b90993n);
    clibXxhashParts(Number(key & 0xffffffffn), Number(key >> 32n));
    assert.equal((BigInt(xxhashOut.hi) << 32n) | BigInt(xxhashOut.lo), 0x13fb5ec2a2b90993n);
  });
});

void describe('lbHashHash', () => {
  void test('reads five u64 words and nothing after them, in both variants', () => {
    const words = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (const variant of ['crc32c', 'xxhash'] as const)
      assert.equal(lbHashHash([...words, 11, 12], variant), lbHashHash(words, variant), variant);
  });
});

void describe('bucketCounts', () => {
  void test('an owner equal to the AS count is out of range (the array keeps its length)', () => {
    assert.deepEqual(bucketCounts(Int32Array.from([0, 2, 1]), 2), [1, 1]);
  });
});

void describe('StickyTable edges', () => {
  const VIP = 3;
  const T0 = 10000;

  void test('of two live entries with one key, the lowest slot is the hit, and only it is refreshed', () => {
    const t = new StickyTable(1, 10);
    t.put(5, 7, VIP, 0, T0);
    t.put(5, 8, VIP, 1, T0 + 5);
    assert.equal(t.lookup(5, VIP, T0 + 9).value, 7);
    // Slot 1 (expiry T0 + 15) was not refreshed; slot 0 now lives until T0 + 19.
    assert.equal(t.liveEntries(T0 + 16), 1);
    assert.equal(t.lookup(5, VIP, T0 + 16).availableIndex, 1);
  });

  void test('u32 time: an entry that expired 2^31 − 1 s ago reads live again (VPP compares in u32)', () => {
    const t = new StickyTable(1, 0);
    t.put(5, 7, VIP, 0, T0);
    assert.equal(t.lookup(5, VIP, T0 + 0x7ffffffe).value, 0, 'expired');
    assert.equal(t.lookup(5, VIP, T0 + 0x7fffffff).value, 7, 'the difference wraps negative');
  });

  void test('the placeholder AS 0 has no flow count, even when stored', () => {
    const t = new StickyTable(1, 10);
    t.put(5, 0, VIP, 0, T0);
    t.put(6, 0, VIP, 1, T0);
    assert.equal(t.flows(0), 0);
    t.put(5, 9, VIP, 0, T0);
    assert.equal(t.flows(0), 0);
    assert.equal(t.flows(9), 1);
  });
});
