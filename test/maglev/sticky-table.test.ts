import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTable,
  decidePacket,
  flowHash,
  lbTimeNow,
  newFlowBucket,
  StickyTable,
  toAsValueTable,
} from '../../src/maglev/index.js';

const VIP = 1;
const T0 = lbTimeNow(5); // five seconds of uptime

void describe('lbTimeNow', () => {
  void test('is uptime seconds + 10000 as a u32', () => {
    assert.equal(lbTimeNow(0), 10000);
    assert.equal(lbTimeNow(12.9), 10012);
    assert.equal(lbTimeNow(2 ** 32 - 10000), 0);
  });
});

void describe('StickyTable', () => {
  void test('a fresh table has every slot available and no live entries', () => {
    const t = new StickyTable(16, 40);
    assert.deepEqual(t.lookup(0x1234, VIP, T0), { value: 0, availableIndex: 0 });
    assert.equal(t.liveEntries(T0), 0);
    assert.equal(t.reportedSize, 19); // lb_hash_size: mask + 4, as `show lb` prints it
  });

  void test('put then lookup hits, refreshes the expiry, and expires after the timeout', () => {
    const t = new StickyTable(16, 40);
    t.put(0x1234, 7, VIP, 0, T0);
    assert.deepEqual(t.lookup(0x1234, VIP, T0 + 10), { value: 7, availableIndex: 1 });
    // Refreshed at T0+10 → expires at T0+50; still live at T0+49.
    assert.equal(t.lookup(0x1234, VIP, T0 + 49).value, 7);
    // Refreshed at T0+49 → expiry T0+89; "now == expiry" counts as expired.
    assert.deepEqual(t.lookup(0x1234, VIP, T0 + 89), { value: 0, availableIndex: 0 });
  });

  void test('keys are hash + VIP: another VIP or another hash in the same bucket misses', () => {
    const t = new StickyTable(16, 40);
    t.put(0x1234, 7, VIP, 0, T0);
    assert.deepEqual(t.lookup(0x1234, VIP + 1, T0), { value: 0, availableIndex: 1 });
    assert.deepEqual(t.lookup(0x1234 + 16, VIP, T0), { value: 0, availableIndex: 1 });
  });

  void test('a bucket holds four live flows; the fifth finds no slot', () => {
    const t = new StickyTable(1, 40);
    for (let i = 0; i < 4; i++) t.put(100 + i, 1, VIP, t.lookup(100 + i, VIP, T0).availableIndex, T0);
    assert.equal(t.liveEntries(T0), 4);
    assert.deepEqual(t.lookup(200, VIP, T0), { value: 0, availableIndex: -1 });
  });

  void test('flush forgets an AS’s flows but keeps their slots until they expire', () => {
    const t = new StickyTable(1, 40);
    t.put(1, 7, VIP, 0, T0);
    t.put(2, 8, VIP, 1, T0);
    t.put(3, 7, VIP + 1, 2, T0);
    assert.equal(t.flows(7), 2);
    assert.equal(t.flush(VIP, 7), 1);
    assert.equal(t.flows(7), 1);
    assert.equal(t.lookup(1, VIP, T0).value, 0);
    assert.equal(t.lookup(2, VIP, T0).value, 8);
    assert.equal(t.lookup(4, VIP, T0).availableIndex, 3, 'the flushed slot 0 is still occupied');
    assert.equal(t.flush(VIP), 1, 'whole VIP');
    assert.equal(t.lookup(3, VIP + 1, T0).value, 7, 'other VIPs untouched');
  });

  void test('flows is a reference count: overwriting a slot moves the count, expiry does not', () => {
    const t = new StickyTable(1, 40);
    t.put(1, 7, VIP, 0, T0);
    assert.equal(t.flows(7), 1);
    const later = T0 + 100;
    assert.equal(t.liveEntries(later), 0);
    assert.equal(t.flows(7), 1, 'expired but not yet overwritten');
    const slot = t.lookup(9, VIP, later).availableIndex;
    assert.equal(t.availableValue(9, slot), 7);
    t.put(9, 8, VIP, slot, later);
    assert.equal(t.flows(7), 0);
    assert.equal(t.flows(8), 1);
  });

  void test('refuses bucket counts that are not a power of two', () => {
    for (const n of [0, 3, 1000, -4]) assert.throws(() => new StickyTable(n, 40), RangeError);
    const t = new StickyTable(4, 40);
    assert.throws(() => t.put(1, 1, VIP, 4, T0), RangeError);
  });
});

void describe('decidePacket (node.c per-packet path)', () => {
  const ases = [
    { address: '10.0.0.1', weight: 100 },
    { address: '10.0.0.2', weight: 100 },
  ];
  const asValues = [11, 12]; // AS pool indexes, never 0
  const table = toAsValueTable(buildTable('master', ases, 1024), asValues);

  void test('first packet of a flow uses the new-flow bucket; later packets hit the sticky entry', () => {
    const sticky = new StickyTable(1024, 40);
    const hash = flowHash({
      src: '192.0.2.10',
      dst: '198.51.100.1',
      protocol: 6,
      srcPort: 40000,
      dstPort: 80,
    });
    const expected = table[newFlowBucket(hash, 1024)];
    assert.deepEqual(decidePacket(sticky, table, hash, VIP, T0), {
      as: expected,
      counter: 'first session packet',
    });
    assert.deepEqual(decidePacket(sticky, table, hash, VIP, T0 + 1), {
      as: expected,
      counter: 'packet from existing sessions',
    });
  });

  void test('an existing flow keeps its AS when the table changes', () => {
    const sticky = new StickyTable(1024, 40);
    const hash = 0xdeadbeef;
    const first = decidePacket(sticky, table, hash, VIP, T0);
    const other = first.as === 11 ? 12 : 11;
    const changed = new Uint32Array(1024).fill(other);
    assert.deepEqual(decidePacket(sticky, changed, hash, VIP, T0 + 1), {
      as: first.as,
      counter: 'packet from existing sessions',
    });
    assert.equal(decidePacket(sticky, changed, hash, VIP, T0 + 1000).as, other, 'after expiry: new table');
  });

  void test('no AS: counted as no server configured (and remembered as AS 0, which never hits)', () => {
    const sticky = new StickyTable(16, 40);
    const empty = toAsValueTable(buildTable('master', [], 64), []);
    assert.deepEqual(decidePacket(sticky, empty, 5, VIP, T0), { as: 0, counter: 'no server configured' });
    assert.deepEqual(decidePacket(sticky, empty, 5, VIP, T0), { as: 0, counter: 'no server configured' });
  });

  void test('a full sticky bucket: forwarded by the new-flow table but untracked', () => {
    const sticky = new StickyTable(1, 40);
    for (let h = 0; h < 4; h++) decidePacket(sticky, table, h, VIP, T0);
    const d = decidePacket(sticky, table, 77, VIP, T0);
    assert.equal(d.counter, 'untracked packet');
    assert.equal(d.as, table[77]);
  });

  void test('toAsValueTable maps NO_AS to 0 and refuses AS values of 0', () => {
    assert.deepEqual(Array.from(toAsValueTable(Int32Array.from([-1, 0, 1]), [5, 6])), [0, 5, 6]);
    assert.throws(() => toAsValueTable(Int32Array.from([0]), [0]), RangeError);
    assert.throws(() => toAsValueTable(Int32Array.from([1]), [5]), RangeError);
  });
});
