// One VPP stats segment, open: connect to the stats socket, receive the segment's descriptor
// (native.ts), and read named counters from it (segment.ts) with pread. Reads are synchronous on
// purpose: the descriptor is a memfd, so a pread copies from memory and never waits on a disk, and
// a few dozen small preads cost far less than as many trips through libuv's thread pool.
//
// The directory (name → entry) is cached per epoch: VPP bumps the epoch whenever it adds an entry
// or moves a vector, so an unchanged epoch means every cached pointer is still good. A segment
// belongs to one VPP process: when VPP restarts it makes a new one, and the old descriptor keeps
// showing the dead VPP's last numbers forever, so the owner must drop this object on disconnect.

import { closeSync, fstatSync, readSync } from 'node:fs';
import { loadStatsNative, type StatsNative } from './native.js';
import {
  DEFAULT_READ_ATTEMPTS,
  StatsSegmentError,
  combinedCounterSums,
  readConsistently,
  readDirectory,
  scalarValue,
  simpleCounterSums,
  type DirectoryEntry,
  type PacketsAndBytes,
  type SegmentBytes,
  type SegmentHeader,
} from './segment.js';
import { StatType } from './layout.js';

/** What one read asks for: counters by name with the indexes wanted, and scalars by name. */
export interface StatsQuery {
  readonly simple?: ReadonlyMap<string, readonly number[]>;
  readonly combined?: ReadonlyMap<string, readonly number[]>;
  readonly scalars?: readonly string[];
}

/** One consistent read. Names the segment does not have are left out. */
export interface StatsReading {
  /** The segment's epoch the read saw. */
  readonly epoch: bigint;
  readonly simple: ReadonlyMap<string, ReadonlyMap<number, bigint>>;
  readonly combined: ReadonlyMap<string, ReadonlyMap<number, PacketsAndBytes>>;
  readonly scalars: ReadonlyMap<string, bigint>;
}

/** The segment behind a descriptor, read with pread. */
export class FdSegmentBytes implements SegmentBytes {
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  read(offset: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    const n = length === 0 ? 0 : readSync(this.fd, buffer, 0, length, offset);
    if (n !== length) throw new StatsSegmentError(`short read: ${n} of ${length} bytes at ${offset}`);
    return buffer;
  }
}

export interface StatsConnectOptions {
  /** How long VPP may take to hand over the descriptor. Default 2 s. */
  readonly timeoutMs?: number;
  /** Seam for tests. */
  readonly native?: StatsNative;
}

export const DEFAULT_STATS_CONNECT_TIMEOUT_MS = 2_000;

export class StatsSegment {
  private directory: { epoch: bigint; byName: Map<string, DirectoryEntry> } | undefined;
  private closed = false;

  constructor(
    private readonly bytes: SegmentBytes,
    private readonly onClose: () => void = () => {},
    private readonly attempts = DEFAULT_READ_ATTEMPTS,
  ) {}

  /** Receives the segment from the stats socket at `path`. Rejects with the addon's errno error. */
  static async connect(path: string, opts: StatsConnectOptions = {}): Promise<StatsSegment> {
    const native = opts.native ?? loadStatsNative();
    const fd = await native.statsReceiveFd(path, opts.timeoutMs ?? DEFAULT_STATS_CONNECT_TIMEOUT_MS);
    try {
      const size = fstatSync(fd).size;
      const segment = new StatsSegment(new FdSegmentBytes(fd, size), () => closeSync(fd));
      segment.read({}); // a segment we cannot read is refused now, not at the first poll
      return segment;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  get size(): number {
    return this.bytes.size;
  }

  /** Every name in the directory (types other than empty/illegal), in directory order. */
  names(): string[] {
    return readConsistently(this.bytes, (h) => [...this.entries(h).keys()], this.attempts);
  }

  /** Reads what `query` asks for, consistently (throws StatsBusyError, StatsSegmentError, StatsVersionError). */
  read(query: StatsQuery): StatsReading {
    if (this.closed) throw new StatsSegmentError('stats segment is closed');
    return readConsistently(
      this.bytes,
      (header) => {
        const byName = this.entries(header);
        const simple = new Map<string, Map<number, bigint>>();
        for (const [name, indexes] of query.simple ?? []) {
          const entry = byName.get(name);
          if (entry) simple.set(name, simpleCounterSums(this.bytes, header, entry, indexes));
        }
        const combined = new Map<string, Map<number, PacketsAndBytes>>();
        for (const [name, indexes] of query.combined ?? []) {
          const entry = byName.get(name);
          if (entry) combined.set(name, combinedCounterSums(this.bytes, header, entry, indexes));
        }
        const scalars = new Map<string, bigint>();
        for (const name of query.scalars ?? []) {
          const entry = byName.get(name);
          if (entry) scalars.set(name, scalarValue(entry));
        }
        return { epoch: header.epoch, simple, combined, scalars };
      },
      this.attempts,
    );
  }

  /** Closes the descriptor. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.directory = undefined;
    this.onClose();
  }

  /** The directory by name, re-read when the epoch moved. */
  private entries(header: SegmentHeader): Map<string, DirectoryEntry> {
    if (this.directory?.epoch === header.epoch) return this.directory.byName;
    const byName = new Map<string, DirectoryEntry>();
    for (const entry of readDirectory(this.bytes, header)) {
      if (entry.type === StatType.EMPTY || entry.type === StatType.ILLEGAL) continue;
      if (!byName.has(entry.name)) byName.set(entry.name, entry);
    }
    this.directory = { epoch: header.epoch, byName };
    return byName;
  }
}
