// A model of one worker thread's sticky (flow) table and of the lb node's decision per packet,
// after src/plugins/lb/lbhash.h (the CLIB_HAVE_VEC128 path, i.e. x86-64 and arm64 builds) and
// node.c. For a simulator; nothing here touches the network.
//
// What VPP does:
// - Time is `lb_hash_time_now` = (u32)(seconds of VPP uptime + 10000); the offset makes the
//   zeroed timeouts of a fresh table count as expired.
// - The table has `sticky_buckets_per_core` buckets (a power of two) of 4 entries; an entry is
//   (u32 flow hash, u32 VIP index, u32 AS index, u32 expiry). A flow's bucket is
//   `hash & (buckets − 1)`.
// - Lookup: an entry has expired when (u32)(now − expiry) < 0x7fffffff (so "now == expiry" is
//   expired). The lowest expired slot is the available one. The lowest live slot whose hash
//   and VIP match is a hit: its AS is returned and its expiry becomes now + timeout.
//   Keys are the 32-bit hash + VIP only, so colliding flows share an AS.
// - Per packet: a hit with a non-zero AS → "packet from existing sessions". Otherwise, if a
//   slot is available, the AS comes from the new-flow table at `hash & (M − 1)` and is stored
//   in that slot (even AS 0): "first session packet", or "no server configured" when the
//   bucket holds AS 0. With no slot available the new-flow table is used without remembering
//   the flow: "untracked packet".
// - Flushing an AS (is_flush, lb_flush_vip_as) sets matching entries' VIP to ~0 and AS to 0 but
//   leaves their expiry: the slot cannot be reused until it would have expired anyway.
// - The per-AS "flows" VPP shows is a reference count of sticky entries naming the AS,
//   adjusted when an entry is overwritten or flushed — not when it expires.
//
// AS values follow VPP's convention: a u32 AS pool index, 0 = the placeholder "no AS".

export const STICKY_ENTRIES_PER_BUCKET = 4;

/** lb_hash_time_now: (u32)(uptime seconds + 10000). */
export function lbTimeNow(uptimeSeconds: number): number {
  return Math.floor(uptimeSeconds + 10000) >>> 0;
}

/** The lb node's per-VIP counters, as VPP names them in the stats segment. */
export type VipCounter =
  'packet from existing sessions' | 'first session packet' | 'untracked packet' | 'no server configured';

export interface StickyLookup {
  /** The AS of a live matching entry, or 0. */
  value: number;
  /** The first expired slot of the flow's bucket (0…3), or -1 when all four are live. */
  availableIndex: number;
}

const U32_MAX = 0xffffffff;

function expired(now: number, expiry: number): boolean {
  return (now - expiry) >>> 0 < 0x7fffffff;
}

export class StickyTable {
  readonly buckets: number;
  /** flow_timeout in seconds; VPP re-reads it for every frame, so it may be changed. */
  timeout: number;
  private readonly hashes: Uint32Array;
  private readonly vips: Uint32Array;
  private readonly values: Uint32Array;
  private readonly expiries: Uint32Array;
  private readonly refcounts = new Map<number, number>();

  constructor(buckets: number, timeoutSeconds: number) {
    // lb_hash_alloc refuses a count that is not a power of two; 0 (which is_pow2 accepts) is
    // refused here too.
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > 2 ** 26 || (buckets & (buckets - 1)) !== 0) {
      throw new RangeError(`sticky buckets per core must be a power of two ≥ 1, got ${buckets}`);
    }
    this.buckets = buckets;
    this.timeout = timeoutSeconds >>> 0;
    const size = buckets * STICKY_ENTRIES_PER_BUCKET;
    this.hashes = new Uint32Array(size);
    this.vips = new Uint32Array(size);
    this.values = new Uint32Array(size);
    this.expiries = new Uint32Array(size);
  }

  private base(hash: number): number {
    return (hash & (this.buckets - 1)) * STICKY_ENTRIES_PER_BUCKET;
  }

  /** lb_hash_get: finds the flow (refreshing its expiry) and the bucket's first free slot. */
  lookup(hash: number, vipIndex: number, now: number): StickyLookup {
    const base = this.base(hash);
    const h = hash >>> 0;
    const vip = vipIndex >>> 0;
    const t = now >>> 0;
    let availableIndex = -1;
    let value = 0;
    let found = false;
    for (let i = 0; i < STICKY_ENTRIES_PER_BUCKET; i++) {
      const slot = base + i;
      const isExpired = expired(t, this.expiries[slot] as number);
      if (isExpired) {
        if (availableIndex < 0) availableIndex = i;
      } else if (!found && this.hashes[slot] === h && this.vips[slot] === vip) {
        found = true;
        value = this.values[slot] as number;
        this.expiries[slot] = (t + this.timeout) >>> 0;
      }
    }
    return { value, availableIndex };
  }

  /** lb_hash_available_value: the AS currently stored in a slot (about to be overwritten). */
  availableValue(hash: number, availableIndex: number): number {
    return this.values[this.base(hash) + availableIndex] as number;
  }

  /** lb_hash_put plus the reference-count bookkeeping node.c does around it. */
  put(hash: number, value: number, vipIndex: number, availableIndex: number, now: number): void {
    if (
      !Number.isInteger(availableIndex) ||
      availableIndex < 0 ||
      availableIndex >= STICKY_ENTRIES_PER_BUCKET
    ) {
      throw new RangeError(`availableIndex must be 0..3, got ${availableIndex}`);
    }
    const slot = this.base(hash) + availableIndex;
    this.addRef(this.values[slot] as number, -1);
    this.addRef(value >>> 0, 1);
    this.hashes[slot] = hash >>> 0;
    this.values[slot] = value >>> 0;
    this.expiries[slot] = ((now >>> 0) + this.timeout) >>> 0;
    this.vips[slot] = vipIndex >>> 0;
  }

  /**
   * lb_flush_vip_as for this thread: forget the entries of one AS of a VIP (asValue), or of
   * every AS of the VIP (asValue undefined). Returns how many entries were flushed.
   */
  flush(vipIndex: number, asValue?: number): number {
    const vip = vipIndex >>> 0;
    let flushed = 0;
    for (let slot = 0; slot < this.values.length; slot++) {
      if (this.vips[slot] !== vip) continue;
      if (asValue !== undefined && this.values[slot] !== asValue >>> 0) continue;
      this.addRef(this.values[slot] as number, -1);
      this.vips[slot] = U32_MAX;
      this.values[slot] = 0;
      flushed++;
    }
    return flushed;
  }

  /** lb_hash_elts: entries that have not expired (what `show lb` reports as usage). */
  liveEntries(now: number): number {
    const t = now >>> 0;
    let live = 0;
    for (let slot = 0; slot < this.expiries.length; slot++)
      if (!expired(t, this.expiries[slot] as number)) live++;
    return live;
  }

  /** The capacity `show lb` prints next to usage: lb_hash_size = buckets − 1 + 4 (sic). */
  get reportedSize(): number {
    return this.buckets - 1 + STICKY_ENTRIES_PER_BUCKET;
  }

  /** This thread's share of VPP's per-AS "flows" reference count. */
  flows(asValue: number): number {
    return this.refcounts.get(asValue >>> 0) ?? 0;
  }

  private addRef(value: number, delta: number): void {
    if (value === 0) return; // the placeholder AS is never shown
    const next = (this.refcounts.get(value) ?? 0) + delta;
    if (next === 0) this.refcounts.delete(value);
    else this.refcounts.set(value, next);
  }
}

export interface PacketDecision {
  /** The AS the packet goes to; 0 = none (VPP drops it). */
  as: number;
  counter: VipCounter;
}

/**
 * The lb node's decision for one packet: sticky table first, then the VIP's new-flow table.
 * `newFlowTable` holds AS values (VPP's as_index, 0 = none) — see toAsValueTable.
 */
export function decidePacket(
  sticky: StickyTable,
  newFlowTable: ArrayLike<number>,
  hash: number,
  vipIndex: number,
  now: number,
): PacketDecision {
  const { value, availableIndex } = sticky.lookup(hash, vipIndex, now);
  if (value !== 0) return { as: value, counter: 'packet from existing sessions' };
  const as = (newFlowTable[hash & (newFlowTable.length - 1)] ?? 0) >>> 0;
  if (availableIndex >= 0) {
    sticky.put(hash, as, vipIndex, availableIndex, now);
    return { as, counter: as === 0 ? 'no server configured' : 'first session packet' };
  }
  return { as, counter: 'untracked packet' };
}

/**
 * Turns a buildTable result (bucket → index into the AS list, -1 = none) into VPP's form
 * (bucket → AS value, 0 = none), given each listed AS's stable non-zero value (its pool index).
 */
export function toAsValueTable(table: Int32Array, asValues: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(table.length);
  for (let i = 0; i < table.length; i++) {
    const owner = table[i] as number;
    if (owner < 0) continue;
    const value = asValues[owner];
    if (value === undefined || !Number.isInteger(value) || value <= 0 || value > U32_MAX) {
      throw new RangeError(`AS #${owner} needs a non-zero u32 value, got ${value}`);
    }
    out[i] = value;
  }
  return out;
}
