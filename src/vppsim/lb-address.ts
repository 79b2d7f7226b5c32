// Addresses and prefixes the way the lb plugin holds them: ip46_address_t, 16 bytes, IPv4 stored
// as twelve zero bytes + a.b.c.d, with an internal prefix length of 96 + the IPv4 length. The
// family is not stored: it is inferred from the bytes (ip46_address_is_ip4) and, for prefixes,
// from the length (ip46_prefix_is_ip4), which is what makes the release API's prefix-length bug
// produce IPv6-looking VIPs. Text goes through src/net/ip-address.ts (parsing) and, for what the
// CLI prints, VPP's own spelling: format_ip6_address never dots an IPv4-mapped tail.

import { ip46Bytes, ip46FromText } from '../maglev/index.js';
import { formatIp, formatIpv6Hex, parseIpPrefix } from '../net/ip-address.js';

/** 16 bytes, network order. */
export type Ip46 = Uint8Array;

export const IP46_ZERO: Ip46 = new Uint8Array(16);

/** ip46_address_is_ip4: the first 12 bytes are zero. */
export function ip46IsIp4(a: Ip46): boolean {
  for (let i = 0; i < 12; i++) if (a[i] !== 0) return false;
  return true;
}

/** ip46_prefix_is_ip4: an IPv4 address with an internal length of at least 96. */
export function ip46PrefixIsIp4(a: Ip46, plen: number): boolean {
  return plen >= 96 && ip46IsIp4(a);
}

export function ip46Equal(a: Ip46, b: Ip46): boolean {
  for (let i = 0; i < 16; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return false;
  return true;
}

/** 4 IPv4 bytes → ::a.b.c.d */
export function ip46FromIp4(b: Uint8Array): Ip46 {
  const out = new Uint8Array(16);
  out.set(b.subarray(0, 4), 12);
  return out;
}

/** '192.0.2.1' or '2001:db8::1' → ip46. Throws a RangeError for anything else. */
export { ip46FromText };

function maskByte(bits: number): number {
  return bits >= 8 ? 0xff : bits <= 0 ? 0 : (0xff << (8 - bits)) & 0xff;
}

/**
 * ip46_prefix_normalize: clears the host bits, as VPP does it on an x86 host. Lengths above 128
 * (the master API adds 96 to an IPv4 length in a u8, so a client that still sends 96 + len gets
 * e.g. 224) shift by a negative count in C; x86 masks the count to 6 bits, and that is reproduced.
 */
export function ip46Normalize(a: Ip46, plen: number): Ip46 {
  const out = new Uint8Array(16);
  if (plen === 0) return out;
  if (plen <= 64) {
    for (let i = 0; i < 8; i++) out[i] = (a[i] ?? 0) & maskByte(plen - 8 * i);
    return out;
  }
  out.set(a.subarray(0, 8), 0);
  // Bits kept in the second u64: 64 - shift, with shift = (128 - plen) & 63.
  const keep = 64 - ((128 - plen) & 63);
  for (let i = 0; i < 8; i++) out[8 + i] = (a[8 + i] ?? 0) & maskByte(keep - 8 * i);
  return out;
}

/** The dotted quad of the last four bytes (format_ip4_address). */
function formatIp4Tail(a: Ip46): string {
  return formatIp({ family: 4, bytes: a.subarray(12, 16) });
}

/** format_ip46_address with IP46_TYPE_ANY: dotted quad when the bytes are ::a.b.c.d. */
export function formatIp46(a: Ip46): string {
  return ip46IsIp4(a) ? formatIp4Tail(a) : formatIpv6Hex(a);
}

/** format_ip46_prefix with IP46_TYPE_ANY: `a.b.c.d/(plen-96)` or `x::/plen`. */
export function formatIp46Prefix(a: Ip46, plen: number): string {
  if (ip46PrefixIsIp4(a, plen)) return `${formatIp4Tail(a)}/${plen - 96}`;
  return `${formatIpv6Hex(a)}/${plen}`;
}

/** Does `addr` fall inside prefix/plen (plen in the internal 0..128 scale)? */
export function ip46PrefixContains(prefix: Ip46, plen: number, addr: Ip46): boolean {
  return ip46Equal(ip46Normalize(addr, Math.min(plen, 128)), prefix);
}

/**
 * '192.0.2.0/24' → the internal form (::192.0.2.0, 120); '2001:db8::/64' → (2001:db8::, 64).
 * A bare address is a host prefix. Host bits are not cleared (VPP does that on add and lookup).
 */
export function parseVipPrefix(text: string): { prefix: Ip46; plen: number } {
  const parsed = parseIpPrefix(text);
  if (!parsed.ok) throw new RangeError(`not a prefix: ${JSON.stringify(text)} (${parsed.reason})`);
  const { address, length } = parsed.prefix;
  return { prefix: ip46Bytes(address), plen: address.family === 4 ? 96 + length : length };
}
