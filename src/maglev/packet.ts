// The lb plugin's per-packet choice of new-flow bucket (src/plugins/lb/node.c
// lb_node_get_hash, src/vppinfra/lb_hash_hash.h), for a simulator that forwards by the table.
//
// What VPP does, per packet arriving for a VIP:
// - ports: for TCP (6) and UDP (17) only, the two 16-bit port fields loaded raw from the L4
//   header (network byte order bytes read as a little-endian u16 on x86/arm64), combined as
//   `(src_port_raw << 16) | dst_port_raw`; 0 for every other protocol. The L4 header is taken
//   right after a 20-byte IPv4 header / the fixed IPv6 header (options and extension headers
//   are not skipped).
// - IPv4: hash = lb_hash_hash(k0 = the 8 bytes src‖dst loaded as a little-endian u64, ports, 0, 0, 0).
// - IPv6: hash = lb_hash_hash(src[0..7], src[8..15], dst[0..7], dst[8..15], ports), each a
//   little-endian u64 load.
// - src_ip_sticky VIPs pass 0 instead of ports (the flow hash then covers addresses only).
// - lb_hash_hash = CRC32C (Castagnoli, no pre/post inversion) chained over the five u64 words
//   from 0, on builds with CRC32 instructions (x86-64 with SSE4.2, which VPP's x86-64-v2 builds
//   have; arm64 with +crc); otherwise (u32) clib_xxhash(k0 ^ k1 ^ k2 ^ k3 ^ k4).
// - the sticky table (sticky-table.ts) is looked up with this hash first; only a miss uses the
//   new-flow table, at bucket `hash & (M − 1)`.

import { mustParseIp, type IpAddress } from '../net/ip-address.js';
import { loadLe32 } from './address.js';
import { clibXxhashParts, xxhashOut } from './xxhash.js';

export const IP_PROTOCOL_TCP = 6;
export const IP_PROTOCOL_UDP = 17;

/** Which lb_hash_hash a VPP build uses: 'crc32c' on every usual x86-64/arm64 build. */
export type FlowHashFunction = 'crc32c' | 'xxhash';

/** A packet's 5-tuple as the lb node reads it. */
export interface FlowTuple {
  /** Client address. Both addresses must be of one family. */
  src: string | IpAddress;
  /** The VIP address the packet was sent to. */
  dst: string | IpAddress;
  /** IP protocol number (6 TCP, 17 UDP; ports are ignored for anything else). */
  protocol: number;
  srcPort: number;
  dstPort: number;
}

export interface FlowHashOptions {
  /** The VIP was created with src_ip_sticky (lb_add_del_vip_v2): ports are left out. */
  srcIpSticky?: boolean;
  /** Defaults to 'crc32c'. */
  hashFunction?: FlowHashFunction;
}

// CRC32C, reflected polynomial 0x82F63B78, one byte per table step.
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32cU32(crc: number, word: number): number {
  let c = crc;
  for (let i = 0; i < 4; i++) {
    c = (CRC32C_TABLE[(c ^ (word >>> (8 * i))) & 0xff] as number) ^ (c >>> 8);
  }
  return c >>> 0;
}

/**
 * One `_mm_crc32_u64(crc, hi:lo)` step (SSE4.2 CRC32 / arm64 CRC32CX): the eight bytes of the
 * u64 in little-endian order, no inversion.
 */
export function crc32cU64(crc: number, lo: number, hi: number): number {
  return crc32cU32(crc32cU32(crc >>> 0, lo >>> 0), hi >>> 0);
}

/**
 * lb_hash_hash over five u64 words given as [lo0, hi0, lo1, hi1, …, lo4, hi4] (u32 each).
 * Returns a u32.
 */
export function lbHashHash(words: ArrayLike<number>, hashFunction: FlowHashFunction = 'crc32c'): number {
  if (hashFunction === 'crc32c') {
    let crc = 0;
    for (let i = 0; i < 5; i++) crc = crc32cU64(crc, words[2 * i] ?? 0, words[2 * i + 1] ?? 0);
    return crc;
  }
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 5; i++) {
    lo ^= words[2 * i] ?? 0;
    hi ^= words[2 * i + 1] ?? 0;
  }
  clibXxhashParts(lo >>> 0, hi >>> 0);
  return xxhashOut.lo;
}

function swap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

function assertPort(port: number, name: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff)
    throw new RangeError(`${name} must be a u16, got ${port}`);
}

/** The `ports` word lb_node_get_hash builds (0 for protocols other than TCP and UDP). */
export function portsWord(protocol: number, srcPort: number, dstPort: number): number {
  if (protocol !== IP_PROTOCOL_TCP && protocol !== IP_PROTOCOL_UDP) return 0;
  assertPort(srcPort, 'srcPort');
  assertPort(dstPort, 'dstPort');
  return ((swap16(srcPort) << 16) | swap16(dstPort)) >>> 0;
}

// Reused by flowHash: a simulator hashes every new connection, so avoid an allocation each.
const scratchWords = new Uint32Array(10);

/** The u32 flow hash VPP computes for a packet of this flow arriving at a VIP. */
export function flowHash(flow: FlowTuple, options: FlowHashOptions = {}): number {
  const src = typeof flow.src === 'string' ? mustParseIp(flow.src) : flow.src;
  const dst = typeof flow.dst === 'string' ? mustParseIp(flow.dst) : flow.dst;
  if (src.family !== dst.family) {
    throw new RangeError('flow source and destination must be of the same address family');
  }
  const ports = options.srcIpSticky ? 0 : portsWord(flow.protocol, flow.srcPort, flow.dstPort);
  const words = scratchWords.fill(0);
  if (src.family === 4) {
    words[0] = loadLe32(src.bytes, 0);
    words[1] = loadLe32(dst.bytes, 0);
    words[2] = ports;
  } else {
    words[0] = loadLe32(src.bytes, 0);
    words[1] = loadLe32(src.bytes, 4);
    words[2] = loadLe32(src.bytes, 8);
    words[3] = loadLe32(src.bytes, 12);
    words[4] = loadLe32(dst.bytes, 0);
    words[5] = loadLe32(dst.bytes, 4);
    words[6] = loadLe32(dst.bytes, 8);
    words[7] = loadLe32(dst.bytes, 12);
    words[8] = ports;
  }
  return lbHashHash(words, options.hashFunction ?? 'crc32c');
}

/** The new-flow bucket for a flow hash: `hash & (M − 1)` (M a power of two). */
export function newFlowBucket(hash: number, length: number): number {
  return (hash & (length - 1)) >>> 0;
}
