// Reading VPP's stats segment (layout.ts), pure: every function takes the segment as random-access
// bytes (pread on the fd in production, a Buffer in tests) and never trusts what it reads — each
// pointer is checked against the segment's size before it is followed, because VPP may be moving
// things while we read. The optimistic protocol VPP's own clients use (stat_client.c,
// vpp_stats.py) makes a read consistent: note the epoch, wait for in_progress to be 0, copy out,
// then check that in_progress is still 0 and the epoch unchanged, else start again. VPP bumps the
// epoch whenever it moves or adds anything (every allocation happens under that lock), so a read
// that passes the check saw one state; counter values themselves are written in place, without
// the lock, as aligned u64s.

import {
  COMBINED_COUNTER_SIZE,
  ENTRY,
  HEADER,
  SIMPLE_COUNTER_SIZE,
  STAT_SEGMENT_VERSION,
  StatType,
  VECTOR_HEADER_SIZE,
} from './layout.js';

/** Random access to the segment's bytes. */
export interface SegmentBytes {
  /** The segment's size in bytes (fstat of the fd). */
  readonly size: number;
  /** `length` bytes from `offset`; the caller has checked the range. */
  read(offset: number, length: number): Buffer;
}

/** A segment held in memory (tests, benchmarks, the simulator's own image). */
export class BufferSegmentBytes implements SegmentBytes {
  constructor(private readonly buffer: Buffer) {}

  get size(): number {
    return this.buffer.length;
  }

  read(offset: number, length: number): Buffer {
    return this.buffer.subarray(offset, offset + length);
  }
}

/** What was read does not hold together (a pointer outside the segment, an absurd length). */
export class StatsSegmentError extends Error {
  override name = 'StatsSegmentError';
}

/** The segment is not one this reader understands (another layout version). */
export class StatsVersionError extends Error {
  override name = 'StatsVersionError';
  constructor(readonly version: bigint) {
    super(`stats segment version ${version} is not supported (expected ${STAT_SEGMENT_VERSION})`);
  }
}

/** VPP kept changing the segment through every attempt. */
export class StatsBusyError extends Error {
  override name = 'StatsBusyError';
}

export interface SegmentHeader {
  readonly version: bigint;
  /** VPP's virtual address of the segment: pointer − base = offset. */
  readonly base: bigint;
  readonly epoch: bigint;
  readonly inProgress: bigint;
  /** Pointer to the directory vector. */
  readonly directoryVector: bigint;
}

export function readHeader(bytes: SegmentBytes): SegmentHeader {
  if (bytes.size < HEADER.size)
    throw new StatsSegmentError(`stats segment of ${bytes.size} bytes has no header`);
  const b = bytes.read(0, HEADER.size);
  return {
    version: b.readBigUInt64LE(HEADER.version),
    base: b.readBigUInt64LE(HEADER.base),
    epoch: b.readBigUInt64LE(HEADER.epoch),
    inProgress: b.readBigUInt64LE(HEADER.inProgress),
    directoryVector: b.readBigUInt64LE(HEADER.directoryVector),
  };
}

export interface DirectoryEntry {
  /** Position in the directory (symlinks name entries by it). */
  readonly index: number;
  readonly type: number;
  /** The u64 union: a scalar value, or a pointer to the entry's data. */
  readonly value: bigint;
  readonly name: string;
}

/** The offset of `length` bytes at `pointer`, or a StatsSegmentError when they are not inside the segment. */
export function offsetOf(
  bytes: SegmentBytes,
  header: SegmentHeader,
  pointer: bigint,
  length: number,
): number {
  const offset = pointer - header.base;
  if (offset < BigInt(HEADER.size) || offset + BigInt(length) > BigInt(bytes.size))
    throw new StatsSegmentError(
      `pointer 0x${pointer.toString(16)} (+${length} bytes) is outside the ${bytes.size}-byte segment`,
    );
  return Number(offset);
}

/** A vector's element count (vec_len), from the header right before its first element. */
export function vectorLength(bytes: SegmentBytes, header: SegmentHeader, pointer: bigint): number {
  const at = offsetOf(bytes, header, pointer - BigInt(VECTOR_HEADER_SIZE), VECTOR_HEADER_SIZE);
  return bytes.read(at, 4).readUInt32LE(0);
}

/** A vector's elements as one block of bytes, checked to lie inside the segment. */
function vectorBytes(
  bytes: SegmentBytes,
  header: SegmentHeader,
  pointer: bigint,
  elementSize: number,
): { offset: number; length: number } {
  const length = vectorLength(bytes, header, pointer);
  return { offset: offsetOf(bytes, header, pointer, length * elementSize), length };
}

export function readDirectory(bytes: SegmentBytes, header: SegmentHeader): DirectoryEntry[] {
  const { offset, length } = vectorBytes(bytes, header, header.directoryVector, ENTRY.size);
  const raw = bytes.read(offset, length * ENTRY.size);
  const entries: DirectoryEntry[] = [];
  for (let i = 0; i < length; i++) {
    const at = i * ENTRY.size;
    const nameBytes = raw.subarray(at + ENTRY.name, at + ENTRY.name + ENTRY.nameSize);
    const end = nameBytes.indexOf(0);
    entries.push({
      index: i,
      type: raw.readUInt32LE(at + ENTRY.type),
      value: raw.readBigUInt64LE(at + ENTRY.value),
      name: nameBytes.subarray(0, end < 0 ? nameBytes.length : end).toString('latin1'),
    });
  }
  return entries;
}

/** Groups wanted indexes into runs read with one pread each, bridging gaps up to `maxGap` elements. */
export function readRuns(indexes: readonly number[], maxGap: number): { first: number; count: number }[] {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const runs: { first: number; count: number }[] = [];
  for (const i of sorted) {
    const last = runs.at(-1);
    if (last && i - (last.first + last.count) <= maxGap) last.count = i - last.first + 1;
    else runs.push({ first: i, count: 1 });
  }
  return runs;
}

/** Elements skipped rather than split into two reads: a page's worth of u64s. */
const MAX_GAP_BYTES = 4096;

interface ReadPlan {
  readonly runs: readonly { first: number; count: number }[];
  readonly wanted: ReadonlySet<number>;
}

/** Plans per index list and element size; a poll asks for the same list for several counters. */
const plans = new WeakMap<readonly number[], Map<number, ReadPlan>>();

function readPlan(indexes: readonly number[], elementSize: number): ReadPlan {
  let bySize = plans.get(indexes);
  if (!bySize) {
    bySize = new Map();
    plans.set(indexes, bySize);
  }
  let plan = bySize.get(elementSize);
  if (!plan) {
    plan = { runs: readRuns(indexes, Math.floor(MAX_GAP_BYTES / elementSize)), wanted: new Set(indexes) };
    bySize.set(elementSize, plan);
  }
  return plan;
}

/**
 * Calls `each(thread, index, element)` for every wanted index present in every thread's vector of
 * a counter entry (pointer → vector of per-thread pointers → vector of elements). An index beyond
 * a thread's vector is skipped: VPP has not validated it for that thread, so it counted nothing.
 */
function forEachCounter(
  bytes: SegmentBytes,
  header: SegmentHeader,
  entry: DirectoryEntry,
  elementSize: number,
  indexes: readonly number[],
  each: (index: number, element: Buffer, at: number) => void,
): void {
  if (entry.value === 0n) return; // registered, never validated: nothing counted yet
  const threads = vectorBytes(bytes, header, entry.value, 8);
  const pointers = bytes.read(threads.offset, threads.length * 8);
  const { runs, wanted } = readPlan(indexes, elementSize);
  for (let t = 0; t < threads.length; t++) {
    const pointer = pointers.readBigUInt64LE(t * 8);
    if (pointer === 0n) continue; // a thread without a vector yet
    const values = vectorBytes(bytes, header, pointer, elementSize);
    for (const run of runs) {
      const count = Math.min(run.count, values.length - run.first);
      if (count <= 0) continue;
      const block = bytes.read(values.offset + run.first * elementSize, count * elementSize);
      for (let k = 0; k < count; k++) {
        const index = run.first + k;
        if (wanted.has(index)) each(index, block, k * elementSize);
      }
    }
  }
}

function expectType(entry: DirectoryEntry, type: StatType): void {
  if (entry.type !== type)
    throw new StatsSegmentError(`${entry.name} has type ${entry.type}, expected ${type}`);
}

/** A simple counter (counter_t per thread and index) summed over threads, for each wanted index. */
export function simpleCounterSums(
  bytes: SegmentBytes,
  header: SegmentHeader,
  entry: DirectoryEntry,
  indexes: readonly number[],
): Map<number, bigint> {
  expectType(entry, StatType.COUNTER_VECTOR_SIMPLE);
  const sums = new Map<number, bigint>(indexes.map((i) => [i, 0n]));
  forEachCounter(bytes, header, entry, SIMPLE_COUNTER_SIZE, indexes, (index, b, at) => {
    sums.set(index, (sums.get(index) ?? 0n) + b.readBigUInt64LE(at));
  });
  return sums;
}

export interface PacketsAndBytes {
  readonly packets: bigint;
  readonly bytes: bigint;
}

/** A combined counter (vlib_counter_t per thread and index) summed over threads, for each wanted index. */
export function combinedCounterSums(
  bytes: SegmentBytes,
  header: SegmentHeader,
  entry: DirectoryEntry,
  indexes: readonly number[],
): Map<number, PacketsAndBytes> {
  expectType(entry, StatType.COUNTER_VECTOR_COMBINED);
  const sums = new Map<number, { packets: bigint; bytes: bigint }>(
    indexes.map((i) => [i, { packets: 0n, bytes: 0n }]),
  );
  forEachCounter(bytes, header, entry, COMBINED_COUNTER_SIZE, indexes, (index, b, at) => {
    const sum = sums.get(index);
    if (!sum) return;
    sum.packets += b.readBigUInt64LE(at);
    sum.bytes += b.readBigUInt64LE(at + 8);
  });
  return sums;
}

/** A scalar or gauge entry's value. */
export function scalarValue(entry: DirectoryEntry): bigint {
  if (entry.type !== StatType.SCALAR_INDEX && entry.type !== StatType.GAUGE)
    throw new StatsSegmentError(`${entry.name} has type ${entry.type}, not a scalar`);
  return entry.value;
}

export const DEFAULT_READ_ATTEMPTS = 100;

/**
 * Runs `read` under VPP's optimistic protocol and returns what it read once the epoch held still
 * and no update was in progress. A StatsSegmentError inside an attempt (VPP moved something
 * under us) counts as a failed attempt; after `attempts` failures the last error, or
 * StatsBusyError, is thrown. Another layout version is thrown at once.
 */
export function readConsistently<T>(
  bytes: SegmentBytes,
  read: (header: SegmentHeader) => T,
  attempts = DEFAULT_READ_ATTEMPTS,
): T {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = readHeader(bytes);
    if (before.version !== STAT_SEGMENT_VERSION) throw new StatsVersionError(before.version);
    if (before.inProgress !== 0n) continue;
    let result: T;
    try {
      result = read(before);
    } catch (err) {
      if (!(err instanceof StatsSegmentError)) throw err;
      lastError = err;
      continue;
    }
    const after = readHeader(bytes);
    if (after.inProgress === 0n && after.epoch === before.epoch) return result;
  }
  if (lastError instanceof StatsSegmentError && readHeader(bytes).inProgress === 0n) throw lastError;
  throw new StatsBusyError(`stats segment still changing after ${attempts} attempts`);
}
