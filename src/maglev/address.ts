// AS addresses the way VPP's lb plugin holds them: a 16-byte ip46_address_t, IPv4 stored as
// twelve zero bytes followed by a.b.c.d. Parsing is done here (not with node:net) so the maglev
// module stays free of Node I/O imports and runs unchanged in the browser bundle.

import { formatIpv6Groups } from '../net/ipv6-text.js';

export type AddressFamily = 4 | 6;

/** An address in VPP's ip46 form, with the family it was written in. */
export interface Ip46Address {
  /** 16 bytes, network order; IPv4 a.b.c.d is 0…0 a b c d. */
  readonly bytes: Uint8Array;
  readonly family: AddressFamily;
}

const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4Into(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    // Leading zeros are rejected, as inet_pton does: "010" would be octal to some readers.
    if (!IPV4_OCTET.test(part)) return false;
    const value = Number(part);
    if (value > 255) return false;
    out[at + i] = value;
  }
  return true;
}

function parseIpv6Into(text: string, out: Uint8Array): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  const groups: number[] = [];
  const tailGroups: number[] = [];

  const take = (list: string[], into: number[], allowIpv4Last: boolean): boolean => {
    for (let i = 0; i < list.length; i++) {
      const group = list[i] ?? '';
      if (allowIpv4Last && i === list.length - 1 && group.includes('.')) {
        const v4 = new Uint8Array(4);
        if (!parseIpv4Into(group, v4, 0)) return false;
        into.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
        continue;
      }
      if (!IPV6_GROUP.test(group)) return false;
      into.push(parseInt(group, 16));
    }
    return true;
  };

  if (halves.length === 1) {
    if (!take(head, groups, true) || groups.length !== 8) return false;
  } else {
    if (!take(head, groups, false) || !take(tail, tailGroups, true)) return false;
    // "::" stands for at least one zero group.
    if (groups.length + tailGroups.length > 7) return false;
    while (groups.length + tailGroups.length < 8) groups.push(0);
    groups.push(...tailGroups);
  }
  for (let i = 0; i < 8; i++) {
    const g = groups[i] ?? 0;
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  }
  return true;
}

/**
 * Parses an IPv4 or IPv6 address (no prefix length, no zone) into VPP's ip46 form.
 * Throws a RangeError naming the text when it is not an address.
 */
export function parseAddress(text: string): Ip46Address {
  const bytes = new Uint8Array(16);
  if (text.includes(':')) {
    if (parseIpv6Into(text, bytes)) return { bytes, family: 6 };
  } else if (parseIpv4Into(text, bytes, 12)) {
    return { bytes, family: 4 };
  }
  throw new RangeError(`not an IPv4 or IPv6 address: ${JSON.stringify(text)}`);
}

/** Formats an address: dotted quad for IPv4, RFC 5952 (lower case, longest zero run as ::) for IPv6. */
export function formatAddress(address: Ip46Address): string {
  const b = address.bytes;
  if (address.family === 4) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0));
  return formatIpv6Groups(groups);
}

/** memcmp over the 16 bytes: the order VPP sorts ASes in (IPv4 sorts before most IPv6). */
export function compareAddressBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A string that identifies the 16 bytes (VPP's notion of "the same AS"). */
export function addressIdentity(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return s;
}

function le32(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

/**
 * The clib_xxhash key lb.c derives from an AS address, as two u32 halves:
 * `as_u64[0] ^ as_u64[1]`, each u64 a little-endian load (x86-64 and arm64 hosts).
 */
export function addressKeyParts(bytes: Uint8Array): { lo: number; hi: number } {
  return { lo: (le32(bytes, 0) ^ le32(bytes, 8)) >>> 0, hi: (le32(bytes, 4) ^ le32(bytes, 12)) >>> 0 };
}

/** The same key as a 64-bit BigInt (10.0.0.1 → 0x0100000a00000000n). */
export function addressKey(address: string | Ip46Address): bigint {
  const parsed = typeof address === 'string' ? parseAddress(address) : address;
  const { lo, hi } = addressKeyParts(parsed.bytes);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Little-endian u32 load, shared with the packet path (which hashes raw header words). */
export { le32 as loadLe32 };
