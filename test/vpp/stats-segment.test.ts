// The stats segment reader against byte layouts built here by hand from VPP's structs, with the
// offsets written out as numbers (not taken from layout.ts, so the constants are checked too):
//   vlib_stats_shared_header_t  u64 version @0, void *base @8, u64 epoch @16, u64 in_progress @24,
//                               vlib_stats_entry_t *directory_vector @32
//   vlib_stats_entry_t (144 B)  u32 type @0, (pad), u64 value/data @8, char name[128] @16
//   vec_header_t                u32 len at 8 bytes before the first element
//   counter_t                   u64;  vlib_counter_t  u64 packets, u64 bytes
// and what vpp_stats.py does with them: pointers minus base, sums over threads.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BufferSegmentBytes,
  StatsBusyError,
  StatsSegment,
  StatsSegmentError,
  StatsVersionError,
  readConsistently,
  readDirectory,
  readHeader,
  readRuns,
  type SegmentBytes,
} from '../../src/vpp/index.js';

const BASE = 0x7f00_1234_0000n;

/** A segment written field by field. `at` is a bump allocator for vectors (8-byte header + data). */
class HandLayout {
  readonly buf: Buffer;
  private next = 4096;

  constructor(size = 65536) {
    this.buf = Buffer.alloc(size);
  }

  ptr(offset: number): bigint {
    return BASE + BigInt(offset);
  }

  /** A vector of `len` elements of `size` bytes; returns the offset of its first element. */
  vector(len: number, size: number): number {
    const data = this.next + 8;
    this.buf.writeUInt32LE(len, data - 8);
    this.next = data + len * size + 8;
    return data;
  }

  header(fields: { version?: bigint; epoch?: bigint; inProgress?: bigint; directory: number }): void {
    this.buf.writeBigUInt64LE(fields.version ?? 2n, 0);
    this.buf.writeBigUInt64LE(BASE, 8);
    this.buf.writeBigUInt64LE(fields.epoch ?? 1n, 16);
    this.buf.writeBigUInt64LE(fields.inProgress ?? 0n, 24);
    this.buf.writeBigUInt64LE(this.ptr(fields.directory), 32);
  }

  entry(directory: number, i: number, type: number, value: bigint, name: string): void {
    const at = directory + i * 144;
    this.buf.writeUInt32LE(type, at);
    this.buf.writeBigUInt64LE(value, at + 8);
    this.buf.write(name, at + 16, 'latin1');
  }

  /** A simple counter: per-thread vectors of u64 (null for a thread given `undefined`). */
  simple(perThread: readonly (readonly bigint[] | undefined)[]): bigint {
    const threads = this.vector(perThread.length, 8);
    perThread.forEach((values, t) => {
      if (!values) return;
      const data = this.vector(values.length, 8);
      values.forEach((v, i) => this.buf.writeBigUInt64LE(v, data + i * 8));
      this.buf.writeBigUInt64LE(this.ptr(data), threads + t * 8);
    });
    return this.ptr(threads);
  }

  combined(perThread: readonly (readonly [bigint, bigint])[][]): bigint {
    const threads = this.vector(perThread.length, 8);
    perThread.forEach((values, t) => {
      const data = this.vector(values.length, 16);
      values.forEach(([p, b], i) => {
        this.buf.writeBigUInt64LE(p, data + i * 16);
        this.buf.writeBigUInt64LE(b, data + i * 16 + 8);
      });
      this.buf.writeBigUInt64LE(this.ptr(data), threads + t * 8);
    });
    return this.ptr(threads);
  }
}

/** The segment of a VPP with two workers: three threads, two VIPs and some routes. */
function vppLike(): HandLayout {
  const h = new HandLayout();
  const first = h.simple([
    [0n, 1n, 0n], // main thread: VIP 1 saw one packet (index 0 is the placeholder VIP)
    [0n, 10n, 7n],
    [0n, 100n, 70n],
  ]);
  const next = h.simple([[0n, 0n, 0n], [0n, 5n], undefined]); // worker 1 has a short vector, worker 2 none
  const routes = h.combined([
    [
      [0n, 0n],
      [1n, 60n],
    ],
    [
      [0n, 0n],
      [20n, 1500n],
      [3n, 180n],
    ],
    [
      [0n, 0n],
      [200n, 15000n],
      [30n, 1800n],
    ],
  ]);
  const dir = h.vector(7, 144);
  h.entry(dir, 0, 1, 17n, '/sys/heartbeat');
  h.entry(dir, 1, 1, 0n, '/sys/last_stats_clear');
  h.entry(dir, 2, 1, 1_767_225_600n, '/sys/boottime');
  h.entry(dir, 3, 2, first, 'first session packet');
  h.entry(dir, 4, 2, next, 'packet from existing sessions');
  h.entry(dir, 5, 3, routes, '/net/route/to');
  h.entry(dir, 6, 5, 0n, ''); // an EMPTY slot left by a removed entry
  h.header({ directory: dir });
  return h;
}

/** Bytes whose content is switched after a number of reads (VPP changing things under the reader). */
class ChangingBytes implements SegmentBytes {
  reads = 0;
  constructor(
    private readonly states: readonly Buffer[],
    private readonly switchAfter: readonly number[],
  ) {}

  get size(): number {
    return (this.states[0] as Buffer).length;
  }

  read(offset: number, length: number): Buffer {
    this.reads++;
    let state = 0;
    for (const n of this.switchAfter) if (this.reads > n) state++;
    const buf = this.states[Math.min(state, this.states.length - 1)] as Buffer;
    return Buffer.from(buf.subarray(offset, offset + length));
  }
}

describe('stats segment: header and directory', () => {
  test('the header fields at their offsets', () => {
    const h = vppLike();
    const header = readHeader(new BufferSegmentBytes(h.buf));
    assert.equal(header.version, 2n);
    assert.equal(header.base, BASE);
    assert.equal(header.epoch, 1n);
    assert.equal(header.inProgress, 0n);
  });

  test('the directory: types, values and NUL-terminated names', () => {
    const bytes = new BufferSegmentBytes(vppLike().buf);
    const dir = readDirectory(bytes, readHeader(bytes));
    assert.deepEqual(
      dir.map((e) => [e.index, e.type, e.name]),
      [
        [0, 1, '/sys/heartbeat'],
        [1, 1, '/sys/last_stats_clear'],
        [2, 1, '/sys/boottime'],
        [3, 2, 'first session packet'],
        [4, 2, 'packet from existing sessions'],
        [5, 3, '/net/route/to'],
        [6, 5, ''],
      ],
    );
    assert.equal(dir[0]?.value, 17n);
  });

  test('StatsSegment.names leaves out empty slots', () => {
    const segment = new StatsSegment(new BufferSegmentBytes(vppLike().buf));
    assert.deepEqual(segment.names(), [
      '/sys/heartbeat',
      '/sys/last_stats_clear',
      '/sys/boottime',
      'first session packet',
      'packet from existing sessions',
      '/net/route/to',
    ]);
  });

  test('another layout version is refused at once', () => {
    const h = vppLike();
    h.buf.writeBigUInt64LE(1n, 0);
    const segment = new StatsSegment(new BufferSegmentBytes(h.buf));
    assert.throws(() => segment.read({}), StatsVersionError);
  });
});

describe('stats segment: counters summed over threads', () => {
  test('simple counters: per index, over every thread that has the index', () => {
    const segment = new StatsSegment(new BufferSegmentBytes(vppLike().buf));
    const r = segment.read({
      simple: new Map([
        ['first session packet', [1, 2]],
        ['packet from existing sessions', [1, 2]],
      ]),
    });
    assert.deepEqual(
      r.simple.get('first session packet'),
      new Map([
        [1, 111n],
        [2, 77n],
      ]),
    );
    // Index 2 exists only on the main thread; worker 2 has no vector at all.
    assert.deepEqual(
      r.simple.get('packet from existing sessions'),
      new Map([
        [1, 5n],
        [2, 0n],
      ]),
    );
  });

  test('combined counters: packets and bytes, summed', () => {
    const segment = new StatsSegment(new BufferSegmentBytes(vppLike().buf));
    const r = segment.read({ combined: new Map([['/net/route/to', [1, 2, 9]]]) });
    assert.deepEqual(
      r.combined.get('/net/route/to'),
      new Map([
        [1, { packets: 221n, bytes: 16560n }],
        [2, { packets: 33n, bytes: 1980n }],
        [9, { packets: 0n, bytes: 0n }], // beyond every vector: never counted
      ]),
    );
  });

  test('scalars, and names the segment lacks are left out', () => {
    const segment = new StatsSegment(new BufferSegmentBytes(vppLike().buf));
    const r = segment.read({
      scalars: ['/sys/boottime', '/sys/nothing'],
      simple: new Map([['untracked packet', [1]]]),
    });
    assert.deepEqual(r.scalars, new Map([['/sys/boottime', 1_767_225_600n]]));
    assert.equal(r.simple.has('untracked packet'), false);
  });

  test('a counter of the wrong type is an error, not a misread', () => {
    const segment = new StatsSegment(new BufferSegmentBytes(vppLike().buf));
    assert.throws(
      () => segment.read({ simple: new Map([['/net/route/to', [1]]]) }),
      (err: unknown) => err instanceof StatsSegmentError && /type 3/.test(err.message),
    );
  });
});

describe('stats segment: the optimistic protocol', () => {
  test('in_progress holds the reader off until it is clear', () => {
    const busy = vppLike();
    busy.buf.writeBigUInt64LE(1n, 24);
    const done = vppLike();
    done.buf.writeBigUInt64LE(2n, 16);
    const bytes = new ChangingBytes([busy.buf, done.buf], [3]);
    const epoch = readConsistently(bytes, (h) => h.epoch);
    assert.equal(epoch, 2n);
  });

  test('an epoch that moves during the read makes it start again', () => {
    const before = vppLike();
    const after = vppLike();
    after.buf.writeBigUInt64LE(2n, 16);
    // Reads: header (epoch 1), directory..., then the switch: the closing header sees epoch 2.
    const bytes = new ChangingBytes([before.buf, after.buf], [2]);
    const segment = new StatsSegment(bytes);
    const r = segment.read({ simple: new Map([['first session packet', [1]]]) });
    assert.equal(r.epoch, 2n);
    assert.equal(r.simple.get('first session packet')?.get(1), 111n);
  });

  test('still busy after every attempt: StatsBusyError', () => {
    const busy = vppLike();
    busy.buf.writeBigUInt64LE(1n, 24);
    const segment = new StatsSegment(new BufferSegmentBytes(busy.buf), () => {}, 5);
    assert.throws(() => segment.read({}), StatsBusyError);
  });

  test('a pointer outside the segment is retried, then reported', () => {
    const h = vppLike();
    h.buf.writeBigUInt64LE(BASE + 10_000_000n, 32);
    const segment = new StatsSegment(new BufferSegmentBytes(h.buf), () => {}, 3);
    assert.throws(() => segment.read({}), /outside the 65536-byte segment/);
  });

  test('a pointer below base (a reader that forgot base would follow it) is refused', () => {
    const h = vppLike();
    h.buf.writeBigUInt64LE(4096n + 8n, 32); // the directory as an offset, not an address
    const segment = new StatsSegment(new BufferSegmentBytes(h.buf), () => {}, 2);
    assert.throws(() => segment.read({}), StatsSegmentError);
  });

  test('the directory is re-read when the epoch moves (entries moved)', () => {
    const first = vppLike();
    const segment = new StatsSegment(new BufferSegmentBytes(first.buf));
    assert.equal(segment.read({ scalars: ['/sys/heartbeat'] }).scalars.get('/sys/heartbeat'), 17n);
    // VPP adds an entry: a new, longer directory elsewhere, epoch + 1.
    const dir = first.vector(1, 144);
    first.entry(dir, 0, 1, 99n, '/sys/heartbeat');
    first.header({ directory: dir, epoch: 2n });
    assert.equal(segment.read({ scalars: ['/sys/heartbeat'] }).scalars.get('/sys/heartbeat'), 99n);
  });

  test('a closed segment is not read', () => {
    let closed = 0;
    const segment = new StatsSegment(new BufferSegmentBytes(vppLike().buf), () => closed++);
    segment.close();
    segment.close();
    assert.equal(closed, 1);
    assert.throws(() => segment.read({}), /closed/);
  });
});

describe('stats segment: read planning', () => {
  test('wanted indexes are grouped into runs, bridging small gaps', () => {
    assert.deepEqual(readRuns([], 4), []);
    assert.deepEqual(readRuns([5, 1, 2, 2, 3], 0), [
      { first: 1, count: 3 },
      { first: 5, count: 1 },
    ]);
    assert.deepEqual(readRuns([1, 5, 100], 4), [
      { first: 1, count: 5 },
      { first: 100, count: 1 },
    ]);
  });
});
