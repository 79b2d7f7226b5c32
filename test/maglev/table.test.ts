import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bucketCounts, buildTable, NO_AS } from '../../src/maglev/index.js';
import type { Generation, MaglevAs } from '../../src/maglev/index.js';

/** Renders a table with one letter per AS index, '.' for no AS. */
const letters = (table: Int32Array, names: string) => Array.from(table, (i) => names[i] ?? '.').join('');
const ases = (list: [string, number][]): MaglevAs[] => list.map(([address, weight]) => ({ address, weight }));
const ABC = (weight: number) =>
  ases([
    ['10.0.0.1', weight],
    ['10.0.0.2', weight],
    ['10.0.0.3', weight],
  ]);

void describe('buildTable: the documented test vectors (docs/vpp-lb.md §Test vectors)', () => {
  void test('release, A/B/C, M=16', () => {
    assert.equal(letters(buildTable('release', ABC(100), 16), 'ABC'), 'BAAAACAACCBCCBBB');
  });

  void test('master with every weight 1 equals release, M=16', () => {
    assert.equal(letters(buildTable('master', ABC(1), 16), 'ABC'), 'BAAAACAACCBCCBBB');
  });

  void test('master, A/B/C weight 100, M=16', () => {
    assert.equal(letters(buildTable('master', ABC(100), 16), 'ABC'), 'BAAAABBBBCCCAACC');
  });

  void test('master, A weight 2, B weight 1, M=16', () => {
    const t = buildTable(
      'master',
      ases([
        ['10.0.0.1', 2],
        ['10.0.0.2', 1],
      ]),
      16,
    );
    assert.equal(letters(t, 'AB'), 'BAAAAAAAAAABBABB');
  });

  void test('release, IPv6 X=2001:db8::1, Y=2001:db8::2, M=8', () => {
    const t = buildTable(
      'release',
      ases([
        ['2001:db8::1', 1],
        ['2001:db8::2', 1],
      ]),
      8,
    );
    assert.equal(letters(t, 'XY'), 'XYXXYXYY');
  });

  void test('release, A/B/C, M=1024: 342/341/341', () => {
    assert.deepEqual(bucketCounts(buildTable('release', ABC(1), 1024), 3), [342, 341, 341]);
  });

  void test('release, A/B/C, M=65536: first 24 buckets', () => {
    const t = buildTable('release', ABC(1), 65536);
    assert.equal(letters(t.subarray(0, 24), 'ABC'), 'ABCAAABCACBAABCBBACBBCAC');
  });

  void test('the same for any insertion order', () => {
    const [a, b, c] = ABC(1) as [MaglevAs, MaglevAs, MaglevAs];
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, c, a],
    ]) {
      const t = buildTable('release', order, 16);
      const names = order.map((as) => 'ABC'[Number(as.address.slice(-1)) - 1]).join('');
      assert.equal(letters(t, names), 'BAAAACAACCBCCBBB');
    }
  });
});

void describe('buildTable: weights on master (docs/vpp-lb.md §Properties, §Observed on a running VPP)', () => {
  void test('100/50/10: water-filled 27/27/10 at M=64, 627/327/70 at M=1024', () => {
    const list = ases([
      ['10.0.0.1', 100],
      ['10.0.0.2', 50],
      ['10.0.0.3', 10],
    ]);
    assert.deepEqual(bucketCounts(buildTable('master', list, 64), 3), [27, 27, 10]);
    assert.deepEqual(bucketCounts(buildTable('master', list, 1024), 3), [627, 327, 70]);
  });

  void test('75/25 at M=1024: 762/262', () => {
    const list = ases([
      ['10.0.0.1', 75],
      ['10.0.0.2', 25],
    ]);
    assert.deepEqual(bucketCounts(buildTable('master', list, 1024), 2), [762, 262]);
  });

  void test('20 ASes, one at weight 50 and 19 at 100, in M=1024: 50 buckets for the light one, 51–52 for the rest', () => {
    // The light AS is one of the 20: with 21 entries per replica round it could get at most 49.
    const list: MaglevAs[] = [];
    for (let i = 1; i <= 19; i++) list.push({ address: `10.1.0.${i}`, weight: 100 });
    list.push({ address: '10.1.0.20', weight: 50 });
    const counts = bucketCounts(buildTable('master', list, 1024), list.length);
    assert.equal(counts[19], 50);
    for (const c of counts.slice(0, 19)) assert.ok(c === 51 || c === 52, `got ${c}`);
  });

  void test('20 ASes at weight 100 in M=64: the first four in address order get 4 buckets, the rest 3 (seen on VPP)', () => {
    const list: MaglevAs[] = [];
    // Listed out of order on purpose: address order decides, not list order.
    for (let i = 20; i >= 1; i--) list.push({ address: `10.1.0.${i}`, weight: 100 });
    const counts = bucketCounts(buildTable('master', list, 64), list.length);
    const byAddress = counts.slice().reverse();
    assert.deepEqual(byAddress, [4, 4, 4, 4, ...new Array<number>(16).fill(3)]);
  });

  void test('weight 0 is a drain: no buckets, and the others share the table', () => {
    const list = ases([
      ['10.0.0.1', 100],
      ['10.0.0.2', 0],
      ['10.0.0.3', 100],
    ]);
    const counts = bucketCounts(buildTable('master', list, 1024), 3);
    assert.equal(counts[1], 0);
    assert.equal((counts[0] ?? 0) + (counts[2] ?? 0), 1024);
  });

  void test('master with every weight 1 equals release for any set', () => {
    fc.assert(
      fc.property(addressSet(), fc.integer({ min: 0, max: 12 }), (addresses, bits) => {
        const list = addresses.map((address) => ({ address, weight: 1 }));
        const length = 2 ** bits;
        assert.deepEqual(buildTable('master', list, length), buildTable('release', list, length));
      }),
      { numRuns: 200 },
    );
  });
});

void describe('buildTable: release ignores weights except 0', () => {
  void test('any non-zero weight is an equal share', () => {
    const equal = buildTable('release', ABC(1), 1024);
    const mixed = buildTable(
      'release',
      ases([
        ['10.0.0.1', 100],
        ['10.0.0.2', 3],
        ['10.0.0.3', 255],
      ]),
      1024,
    );
    assert.deepEqual(mixed, equal);
  });

  void test('weight 0 means the AS is not in use (the release control plane removes it)', () => {
    const withZero = buildTable(
      'release',
      ases([
        ['10.0.0.1', 1],
        ['10.0.0.2', 0],
        ['10.0.0.3', 1],
      ]),
      256,
    );
    const without = buildTable(
      'release',
      ases([
        ['10.0.0.1', 1],
        ['10.0.0.3', 1],
      ]),
      256,
    );
    // Index 2 in the first list is index 1 in the second.
    assert.deepEqual(
      Array.from(withZero, (i) => (i === 2 ? 1 : i)),
      Array.from(without),
    );
  });

  void test('counts are ⌈M/N⌉ for the first M mod N ASes in address order and ⌊M/N⌋ for the rest', () => {
    fc.assert(
      fc.property(addressSet(1), fc.integer({ min: 0, max: 12 }), (addresses, bits) => {
        const length = 2 ** bits;
        const list = addresses.map((address) => ({ address, weight: 1 }));
        const counts = bucketCounts(buildTable('release', list, length), list.length);
        const n = list.length;
        const sorted = addresses
          .map((address, i) => ({ address, i }))
          .sort((a, b) => compareIp46(a.address, b.address))
          .map(({ i }) => counts[i]);
        const expected = sorted.map((_, rank) =>
          length < n ? (rank < length ? 1 : 0) : Math.floor(length / n) + (rank < length % n ? 1 : 0),
        );
        assert.deepEqual(sorted, expected);
      }),
      { numRuns: 200 },
    );
  });
});

void describe('buildTable: edge cases', () => {
  for (const generation of ['release', 'master'] as Generation[]) {
    void test(`${generation}: no AS at all → every bucket is NO_AS`, () => {
      const t = buildTable(generation, [], 1024);
      assert.equal(t.length, 1024);
      assert.ok(t.every((i) => i === NO_AS));
    });

    void test(`${generation}: only weight-0 ASes → every bucket is NO_AS`, () => {
      const t = buildTable(generation, ABC(0), 64);
      assert.ok(t.every((i) => i === NO_AS));
    });

    void test(`${generation}: one AS takes every bucket`, () => {
      const t = buildTable(generation, ases([['2001:db8::7', 100]]), 4096);
      assert.ok(t.every((i) => i === 0));
    });

    void test(`${generation}: a one-bucket table goes to the first entry in address order`, () => {
      const t = buildTable(
        generation,
        ases([
          ['10.0.0.9', 1],
          ['10.0.0.3', 1],
        ]),
        1,
      );
      assert.deepEqual(Array.from(t), [1]);
    });

    void test(`${generation}: more ASes than buckets: only the first M in address order get one`, () => {
      const list = ases([
        ['10.0.0.5', 1],
        ['10.0.0.4', 1],
        ['10.0.0.3', 1],
        ['10.0.0.2', 1],
        ['10.0.0.1', 1],
      ]);
      const counts = bucketCounts(buildTable(generation, list, 4), list.length);
      assert.deepEqual(counts, [0, 1, 1, 1, 1]);
    });

    void test(`${generation}: table lengths that are not a power of two are refused`, () => {
      for (const length of [0, 3, 1000, 1023, -1024, 1.5, Number.NaN, 2 ** 31]) {
        assert.throws(() => buildTable(generation, ABC(1), length), RangeError, String(length));
      }
    });

    void test(`${generation}: bad weights, bad addresses and duplicates are refused`, () => {
      assert.throws(() => buildTable(generation, ases([['10.0.0.1', -1]]), 16), RangeError);
      assert.throws(() => buildTable(generation, ases([['10.0.0.1', 256]]), 16), RangeError);
      assert.throws(() => buildTable(generation, ases([['10.0.0.1', 1.5]]), 16), RangeError);
      assert.throws(() => buildTable(generation, ases([['10.0.0.1/32', 1]]), 16), RangeError);
      assert.throws(
        () =>
          buildTable(
            generation,
            ases([
              ['2001:db8::1', 1],
              ['2001:DB8:0::1', 5],
            ]),
            16,
          ),
        /twice/,
      );
    });

    void test(`${generation}: insertion order never matters`, () => {
      fc.assert(
        fc.property(weightedSet(), fc.integer({ min: 0, max: 10 }), fc.nat(), (list, bits, rotation) => {
          const length = 2 ** bits;
          const k = list.length === 0 ? 0 : rotation % list.length;
          const rotated = [...list.slice(k), ...list.slice(0, k)];
          const byAddress = (table: Int32Array, l: MaglevAs[]) => Array.from(table, (i) => l[i]?.address);
          assert.deepEqual(
            byAddress(buildTable(generation, rotated, length), rotated),
            byAddress(buildTable(generation, list, length), list),
          );
        }),
        { numRuns: 100 },
      );
    });
  }

  void test('unknown generation is refused', () => {
    assert.throws(() => buildTable('v25' as Generation, ABC(1), 16), RangeError);
  });

  void test('mixed IPv4 and IPv6 ASes sort IPv4 first (memcmp of the ip46 bytes)', () => {
    // With more ASes than buckets only the first in address order gets the single bucket.
    const t = buildTable(
      'release',
      ases([
        ['2001:db8::1', 1],
        ['192.0.2.1', 1],
      ]),
      1,
    );
    assert.deepEqual(Array.from(t), [1]);
  });
});

// ---- generators ------------------------------------------------------------------------------

function ipv4(): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
}

function ipv6(): fc.Arbitrary<string> {
  return fc
    .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
    .map((g) => g.map((x) => x.toString(16)).join(':'));
}

function addressSet(minLength = 0): fc.Arbitrary<string[]> {
  return fc.uniqueArray(fc.oneof(ipv4(), ipv6()), { minLength, maxLength: 40, selector: canonical });
}

function weightedSet(): fc.Arbitrary<MaglevAs[]> {
  return addressSet().chain((addresses) =>
    fc
      .array(fc.oneof(fc.constant(0), fc.constant(100), fc.integer({ min: 1, max: 100 })), {
        minLength: addresses.length,
        maxLength: addresses.length,
      })
      .map((weights) => addresses.map((address, i) => ({ address, weight: weights[i] ?? 0 }))),
  );
}

function canonical(address: string): string {
  if (!address.includes(':')) return `v4:${address}`;
  return address
    .split(':')
    .map((g) => g.padStart(4, '0'))
    .join(':');
}

/** VPP's AS order (memcmp of ip46 bytes), written apart from src/maglev for the comparison. */
function compareIp46(a: string, b: string): number {
  const bytes = (s: string) =>
    s.includes(':')
      ? s.split(':').flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])
      : [...new Array<number>(12).fill(0), ...s.split('.').map(Number)];
  const x = bytes(a);
  const y = bytes(b);
  for (let i = 0; i < 16; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
