// AS addresses the way VPP's lb plugin holds and hashes them: a 16-byte ip46_address_t, IPv4
// stored as twelve zero bytes followed by a.b.c.d, and the 64-bit key lb.c derives from those
// bytes. Addresses themselves (the value, parsing, spelling) are src/net/ip-address.ts; this file
// only maps them onto the plugin's bytes. Pure, so the maglev module runs in the browser bundle.

import { mustParseIp, type IpAddress } from '../net/ip-address.js';

/** The ip46_address_t bytes of an address: IPv6 as is, IPv4 as ::a.b.c.d (16 bytes). */
export function ip46Bytes(ip: IpAddress): Uint8Array {
  if (ip.family === 6) return ip.bytes;
  const out = new Uint8Array(16);
  out.set(ip.bytes.subarray(0, 4), 12);
  return out;
}

/** The ip46 bytes of an address literal; a RangeError (mustParseIp's) when it is none. */
export function ip46FromText(text: string): Uint8Array {
  return ip46Bytes(mustParseIp(text));
}

/** Back from ip46 bytes, given the family they hold (the bytes alone cannot say: ::a.b.c.d). */
export function ipFromIp46(bytes: Uint8Array, family: IpAddress['family']): IpAddress {
  return family === 4 ? { family, bytes: bytes.slice(12, 16) } : { family, bytes: bytes.slice(0, 16) };
}

/** memcmp over the 16 bytes: the order VPP sorts ASes in (IPv4 sorts before most IPv6). */
export function compareAddressBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A string that identifies the 16 bytes (VPP's notion of "the same AS"); also a map key. */
export function addressIdentity(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return s;
}

function le32(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

/**
 * The clib_xxhash key lb.c derives from an AS address (its ip46 bytes), as two u32 halves:
 * `as_u64[0] ^ as_u64[1]`, each u64 a little-endian load (x86-64 and arm64 hosts).
 */
export function addressKeyParts(bytes: Uint8Array): { lo: number; hi: number } {
  return { lo: (le32(bytes, 0) ^ le32(bytes, 8)) >>> 0, hi: (le32(bytes, 4) ^ le32(bytes, 12)) >>> 0 };
}

/** The same key as a 64-bit BigInt (10.0.0.1 → 0x0100000a00000000n). */
export function addressKey(address: string | IpAddress): bigint {
  const ip = typeof address === 'string' ? mustParseIp(address) : address;
  const { lo, hi } = addressKeyParts(ip46Bytes(ip));
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Little-endian u32 load, shared with the packet path (which hashes raw header words). */
export { le32 as loadLe32 };
