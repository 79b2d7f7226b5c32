// The simulator's stats segment, as bytes laid out the way VPP lays out its own (src/vpp/stats/
// layout.ts): the shared header at offset 0, then a heap (from the second page, as VPP's heap
// starts after the header's page) holding the directory vector and, per counter, a vector of
// per-thread pointers and one vector of counters per thread. Every pointer is written as an
// address in VPP's own mapping (`base` + offset), so a reader that forgets to subtract the base
// reads nonsense.
//
// Writes follow VPP's protocol. A counter value changes in place, without the lock (as a worker
// bumps a counter). Anything structural — a new entry, a counter vector growing — re-lays the
// heap out under the lock: in_progress = 1 first, then the new heap, then epoch + 1 and
// in_progress = 0, each its own write. So a reader in another process sees what it would see
// reading a real VPP, including pointers that moved between two of its reads.

import {
  COMBINED_COUNTER_SIZE,
  ENTRY,
  HEADER,
  SIMPLE_COUNTER_SIZE,
  STAT_SEGMENT_VERSION,
  StatType,
  VECTOR_HEADER_SIZE,
} from '../vpp/stats/layout.js';

/** Where the bytes go: the memfd in vppsim, a Buffer in tests. */
export interface StatsImageSink {
  write(offset: number, bytes: Buffer): void;
}

export interface StatsImageOptions {
  /** The segment's size (the memfd's length); the heap must fit. */
  readonly size: number;
  /** vlib threads: the main thread plus the workers. Every counter has one vector per thread. */
  readonly threads: number;
  /** VPP's virtual address of the segment. */
  readonly base?: bigint;
}

export const DEFAULT_STATS_BASE = 0x7f3a_c000_0000n;
/** VPP's heap starts one page into the segment; the header owns the first page. */
const HEAP_START = 4096;
const ALIGN = 16;

type CounterKind = 'simple' | 'combined';

interface CounterEntry {
  readonly kind: CounterKind;
  /** u64s per element: 1 (packets) or 2 (packets, bytes). */
  readonly width: 1 | 2;
  /** vec_len of every thread's vector. */
  length: number;
  /** Allocated elements per thread (VPP over-allocates so that most validations do not move anything). */
  capacity: number;
  /** Per thread, capacity × width u64s. */
  values: BigUint64Array[];
  /** Per thread, the byte offset of element 0 in the image (set by layout). */
  offsets: number[];
}

interface Entry {
  readonly name: string;
  readonly type: number;
  scalar: bigint;
  readonly counter: CounterEntry | undefined;
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export class StatsImage {
  readonly base: bigint;
  readonly threads: number;
  readonly size: number;
  private readonly entries: Entry[] = [];
  private readonly byName = new Map<string, Entry>();
  private image = Buffer.alloc(0);
  private epoch = 1n;
  /** Offset of the directory's first entry (set by layout). */
  private directoryData = 0;
  private structureChanged = true;
  private readonly dirty: { offset: number; length: number }[] = [];

  constructor(opts: StatsImageOptions) {
    if (opts.threads < 1) throw new RangeError('a stats segment needs at least one thread');
    this.base = opts.base ?? DEFAULT_STATS_BASE;
    this.threads = opts.threads;
    this.size = opts.size;
  }

  /** The image as it stands (header and heap), for tests; the segment beyond it is zeros. */
  get bytes(): Buffer {
    return this.image;
  }

  get currentEpoch(): bigint {
    return this.epoch;
  }

  /** Creates (in directory order) or sets a scalar entry. */
  setScalar(name: string, value: bigint, type: number = StatType.SCALAR_INDEX): void {
    const existing = this.byName.get(name);
    if (existing) {
      existing.scalar = value;
      if (this.structureChanged) return;
      this.writeValue(this.directoryData + this.entries.indexOf(existing) * ENTRY.size + ENTRY.value, value);
      return;
    }
    this.add({ name, type, scalar: value, counter: undefined });
  }

  /** Ensures a simple counter vector exists with index `index` valid on every thread (vlib_validate_simple_counter). */
  validateSimple(name: string, index: number): void {
    this.validate(name, 'simple', index);
  }

  /** Ensures a combined counter vector exists with index `index` valid on every thread. */
  validateCombined(name: string, index: number): void {
    this.validate(name, 'combined', index);
  }

  /** Sets one thread's simple counter (validating the index first, as VPP's increment paths do). */
  setSimple(name: string, thread: number, index: number, packets: bigint): void {
    this.validate(name, 'simple', index);
    this.setElement(name, thread, index, [packets]);
  }

  setCombined(name: string, thread: number, index: number, packets: bigint, bytes: bigint): void {
    this.validate(name, 'combined', index);
    this.setElement(name, thread, index, [packets, bytes]);
  }

  /** Writes what changed since the last commit, under the lock protocol when the structure changed. */
  commit(sink: StatsImageSink): void {
    if (this.structureChanged) {
      const lock = Buffer.alloc(8);
      lock.writeBigUInt64LE(1n);
      if (this.image.length >= HEADER.size) sink.write(HEADER.inProgress, lock);
      this.epoch++;
      this.layout();
      // The heap first (with in_progress still 1 in the file), then the header that releases it.
      sink.write(HEADER.size, this.image.subarray(HEADER.size));
      sink.write(0, this.image.subarray(0, HEADER.size));
      this.structureChanged = false;
      this.dirty.length = 0;
      return;
    }
    for (const range of this.dirty.splice(0))
      sink.write(range.offset, this.image.subarray(range.offset, range.offset + range.length));
  }

  // ---------------------------------------------------------------------------------------------

  private add(entry: Entry): void {
    this.entries.push(entry);
    this.byName.set(entry.name, entry);
    this.structureChanged = true;
  }

  private validate(name: string, kind: CounterKind, index: number): void {
    let entry = this.byName.get(name);
    if (!entry) {
      const width = kind === 'simple' ? 1 : 2;
      entry = {
        name,
        type: kind === 'simple' ? StatType.COUNTER_VECTOR_SIMPLE : StatType.COUNTER_VECTOR_COMBINED,
        scalar: 0n,
        counter: {
          kind,
          width,
          length: 0,
          capacity: 0,
          values: Array.from({ length: this.threads }, () => new BigUint64Array(0)),
          offsets: [],
        },
      };
      this.add(entry);
    }
    const c = entry.counter;
    if (!c || c.kind !== kind) throw new Error(`stats entry ${name} is not a ${kind} counter`);
    if (index < c.length) return;
    c.length = index + 1;
    if (c.length > c.capacity) {
      // vec_validate's growth: room for half as much again.
      const capacity = Math.max(8, Math.ceil(c.length * 1.5));
      c.values = c.values.map((old) => {
        const grown = new BigUint64Array(capacity * c.width);
        grown.set(old);
        return grown;
      });
      c.capacity = capacity;
    }
    this.structureChanged = true;
  }

  private setElement(name: string, thread: number, index: number, fields: readonly bigint[]): void {
    const c = this.byName.get(name)?.counter;
    if (!c) throw new Error(`no counter ${name}`);
    if (thread < 0 || thread >= this.threads) throw new RangeError(`no thread ${thread}`);
    const values = c.values[thread] as BigUint64Array;
    fields.forEach((v, k) => (values[index * c.width + k] = v));
    if (this.structureChanged) return; // the next layout writes everything
    const at = (c.offsets[thread] as number) + index * c.width * 8;
    fields.forEach((v, k) => this.writeValue(at + k * 8, v));
  }

  private writeValue(offset: number, value: bigint): void {
    this.image.writeBigUInt64LE(value, offset);
    this.dirty.push({ offset, length: 8 });
  }

  /** Lays the whole heap out anew (VPP would have moved whatever grew) and writes every value. */
  private layout(): void {
    let used = HEAP_START;
    const allocate = (elements: number, elementSize: number): number => {
      const data = alignUp(used + VECTOR_HEADER_SIZE);
      used = data + elements * elementSize;
      return data;
    };
    const directory = allocate(this.entries.length, ENTRY.size);
    const threadVectors = new Map<Entry, number>();
    for (const e of this.entries) {
      const c = e.counter;
      if (!c) continue;
      threadVectors.set(e, allocate(this.threads, 8));
      const elementSize = c.kind === 'simple' ? SIMPLE_COUNTER_SIZE : COMBINED_COUNTER_SIZE;
      c.offsets = c.values.map(() => allocate(c.capacity, elementSize));
    }
    if (used > this.size)
      throw new RangeError(`stats segment of ${this.size} bytes is too small (needs ${used})`);

    const b = Buffer.alloc(used);
    const pointer = (offset: number): bigint => this.base + BigInt(offset);
    const vectorLength = (data: number, length: number): void => {
      b.writeUInt32LE(length, data - VECTOR_HEADER_SIZE);
    };
    b.writeBigUInt64LE(STAT_SEGMENT_VERSION, HEADER.version);
    b.writeBigUInt64LE(this.base, HEADER.base);
    b.writeBigUInt64LE(this.epoch, HEADER.epoch);
    b.writeBigUInt64LE(0n, HEADER.inProgress);
    b.writeBigUInt64LE(pointer(directory), HEADER.directoryVector);
    vectorLength(directory, this.entries.length);
    this.entries.forEach((e, i) => {
      const at = directory + i * ENTRY.size;
      b.writeUInt32LE(e.type, at + ENTRY.type);
      const threads = threadVectors.get(e);
      b.writeBigUInt64LE(threads === undefined ? e.scalar : pointer(threads), at + ENTRY.value);
      b.write(e.name.slice(0, ENTRY.nameSize - 1), at + ENTRY.name, 'latin1');
      const c = e.counter;
      if (!c || threads === undefined) return;
      vectorLength(threads, this.threads);
      c.offsets.forEach((data, t) => {
        b.writeBigUInt64LE(pointer(data), threads + t * 8);
        vectorLength(data, c.length);
        const values = c.values[t] as BigUint64Array;
        for (let k = 0; k < c.length * c.width; k++) b.writeBigUInt64LE(values[k] ?? 0n, data + k * 8);
      });
    });
    this.image = b;
    this.directoryData = directory;
  }
}
