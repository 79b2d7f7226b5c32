// The new-flow table, built exactly as lb.c's lb_vip_update_new_flow_table does, in both
// generations of VPP's lb plugin (docs/vpp-lb.md §Release table, §Master table):
//
// - release (≤ v26.06): every AS that is in use takes part once. There are no weights; the
//   control plane expresses "weight 0" by removing the AS, so an input weight of 0 means
//   "not in use" and any other weight means "in use, equal share".
// - master (commit ca870e99f61): an AS of weight w takes part as w virtual replicas
//   (AS, r) for r = 0…w−1; weight 0 takes no part (a drain).
//
// Both sort their entries so the table depends only on the set of (address, weight) pairs,
// never on insertion order: release by address bytes (memcmp), master by (replica, address).
// Each entry's permutation comes from one clib_xxhash of the address key (XOR the replica on
// master): offset = high 32 bits & (M−1), skip = (low 32 bits | 1) & (M−1). M is a power of
// two, so an odd skip walks every bucket. Entries then take turns claiming the next free
// bucket of their own permutation until all M buckets are taken — after exactly M
// placements, so with more entries than buckets only the first M entries get a bucket.

import { mustParseIp, type IpAddress } from '../net/ip-address.js';
import { addressIdentity, addressKeyParts, compareAddressBytes, ip46Bytes, ip46FromText } from './address.js';
import { clibXxhash, clibXxhashParts, xxhashOut } from './xxhash.js';

export type Generation = 'release' | 'master';

export const GENERATIONS: readonly Generation[] = ['release', 'master'];

/** One application server as the table builder sees it. */
export interface MaglevAs {
  /** IPv4 or IPv6 address, as text. */
  address: string;
  /** 0…255 (a u8 on the wire; VPP's CLI allows 0…100, default 100). 0 = takes no buckets. */
  weight: number;
}

/** The largest table this module builds; VPP's u32 allows more, but memory does not. */
export const MAX_TABLE_LENGTH = 2 ** 30;

/** The customary new_flows_table_length (VPP's API default). */
export const DEFAULT_TABLE_LENGTH = 1024;

/** Marks a bucket with no AS in the tables this module returns (VPP's placeholder AS 0). */
export const NO_AS = -1;

/**
 * Checks a new-flow table length the way a careful client must: a power of two ≥ 1.
 * VPP itself accepts 0 (is_pow2(0) is true) and then tries to allocate 2^32 buckets, so 0 is
 * rejected here, as is anything above MAX_TABLE_LENGTH. Throws a RangeError.
 */
export function assertTableLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > MAX_TABLE_LENGTH || (length & (length - 1)) !== 0) {
    throw new RangeError(
      `new-flow table length must be a power of two between 1 and ${MAX_TABLE_LENGTH}, got ${length}`,
    );
  }
}

/** True when length is a table length assertTableLength accepts. */
export function isValidTableLength(length: number): boolean {
  return (
    Number.isInteger(length) && length >= 1 && length <= MAX_TABLE_LENGTH && (length & (length - 1)) === 0
  );
}

/** Where one permutation starts and how it steps, for a table of a given length. */
export interface Permutation {
  /** The first bucket tried: (seed >> 32) & (M − 1). */
  offset: number;
  /** The step: ((seed & 0xffffffff) | 1) & (M − 1); odd, except for M = 1 where it is 0. */
  skip: number;
  /** clib_xxhash(key ^ replica). */
  seed: bigint;
}

/**
 * The permutation VPP derives for an AS address (and, on master, a replica number) in a
 * table of the given length. For inspection and tests; buildTable computes the same inline.
 */
export function permutationOf(address: string | IpAddress, length: number, replica = 0): Permutation {
  assertTableLength(length);
  if (!Number.isInteger(replica) || replica < 0 || replica > 0xffffffff) {
    throw new RangeError(`replica must be a u32, got ${replica}`);
  }
  const parsed = typeof address === 'string' ? mustParseIp(address) : address;
  const { lo, hi } = addressKeyParts(ip46Bytes(parsed));
  const key = (BigInt(hi) << 32n) | BigInt((lo ^ replica) >>> 0);
  const seed = clibXxhash(key);
  const mask = BigInt(length - 1);
  return { offset: Number((seed >> 32n) & mask), skip: Number(((seed & 0xffffffffn) | 1n) & mask), seed };
}

interface Participant {
  /** Index into the caller's ases array. */
  index: number;
  bytes: Uint8Array;
  keyLo: number;
  keyHi: number;
  /** How many entries it contributes: 1 on release, its weight on master. */
  replicas: number;
}

function participantsOf(generation: Generation, ases: readonly MaglevAs[]): Participant[] {
  if (generation !== 'release' && generation !== 'master') {
    throw new RangeError(`generation must be 'release' or 'master', got ${JSON.stringify(generation)}`);
  }
  const seen = new Map<string, string>();
  const participants: Participant[] = [];
  ases.forEach((as, index) => {
    const { weight } = as;
    if (!Number.isInteger(weight) || weight < 0 || weight > 255) {
      throw new RangeError(`AS ${as.address}: weight must be an integer 0..255, got ${weight}`);
    }
    const bytes = ip46FromText(as.address);
    // VPP keeps one AS per address per VIP (a second add is VALUE_EXIST), so the sort never
    // sees equal keys; a duplicate here is the caller's bug, not something to guess about.
    const identity = addressIdentity(bytes);
    const previous = seen.get(identity);
    if (previous !== undefined) {
      throw new RangeError(`AS ${as.address} is listed twice (also as ${previous})`);
    }
    seen.set(identity, as.address);
    if (weight === 0) return;
    const { lo, hi } = addressKeyParts(bytes);
    participants.push({
      index,
      bytes,
      keyLo: lo,
      keyHi: hi,
      replicas: generation === 'release' ? 1 : weight,
    });
  });
  participants.sort((a, b) => compareAddressBytes(a.bytes, b.bytes));
  return participants;
}

/**
 * Builds the new-flow table VPP would build for these ASes: bucket → index into `ases`, or
 * NO_AS (-1) where VPP has its placeholder AS 0 (no AS in use: traffic is dropped and counted
 * as "no server configured"). Input order does not matter, as in VPP.
 *
 * Throws a RangeError for a length that is not a power of two (see assertTableLength), a
 * weight outside 0…255, an unparsable address, or the same address twice.
 */
export function buildTable(generation: Generation, ases: readonly MaglevAs[], length: number): Int32Array {
  assertTableLength(length);
  const participants = participantsOf(generation, ases);
  const table = new Int32Array(length).fill(NO_AS);
  if (participants.length === 0) return table;

  // Entries in fill order: replica-major, address order within a replica. Only the first
  // `length` entries can ever get a turn (each places exactly one bucket per turn and the
  // fill stops after `length` placements), so the rest are never hashed.
  let maxReplicas = 0;
  for (const p of participants) maxReplicas = Math.max(maxReplicas, p.replicas);
  let entryCount = 0;
  for (const p of participants) entryCount += p.replicas;
  entryCount = Math.min(entryCount, length);

  const mask = length - 1;
  const owner = new Int32Array(entryCount);
  const next = new Int32Array(entryCount);
  const skip = new Int32Array(entryCount);
  let e = 0;
  fill: for (let r = 0; r < maxReplicas; r++) {
    for (const p of participants) {
      if (r >= p.replicas) continue;
      if (e === entryCount) break fill;
      clibXxhashParts((p.keyLo ^ r) >>> 0, p.keyHi);
      owner[e] = p.index;
      next[e] = xxhashOut.hi & mask;
      skip[e] = (xxhashOut.lo | 1) & mask;
      e++;
    }
  }

  let placed = 0;
  for (;;) {
    for (let i = 0; i < entryCount; i++) {
      const step = skip[i] as number;
      let bucket = next[i] as number;
      while (table[bucket] !== NO_AS) bucket = (bucket + step) & mask;
      table[bucket] = owner[i] as number;
      next[i] = (bucket + step) & mask;
      if (++placed === length) return table;
    }
  }
}
