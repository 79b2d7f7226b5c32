// IP addresses as the dataplane compares them: one canonical spelling per address (so a VIP or
// AS read back from VPP matches the one computed from config) and one numeric order (IPv4
// before IPv6, ascending by value), which is the order AS calls go out in. Pure string and
// bigint work; no Node networking module.

import { formatIpv6Groups } from '../net/ipv6-text.js';

export type Family = 4 | 6;

export interface ParsedAddress {
  family: Family;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

/** Parses an IPv4 or IPv6 literal (no brackets, no zone); undefined when it is not one. */
export function parseAddress(text: string): ParsedAddress | undefined {
  if (text.includes(':')) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 4, value: BigInt(value) };
}

/** Like parseAddress, but an invalid literal is a programming error (config validated it). */
export function mustParseAddress(text: string): ParsedAddress {
  const parsed = parseAddress(text);
  if (!parsed) throw new Error(`not an IP address: ${JSON.stringify(text)}`);
  return parsed;
}

export function addressFamily(text: string): Family {
  return mustParseAddress(text).family;
}

/** Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, longest zero run of 2+ groups as ::). */
export function formatAddress(address: ParsedAddress): string {
  if (address.family === 4) {
    const v = Number(address.value);
    return [24, 16, 8, 0].map((shift) => (v >>> shift) & 0xff).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((address.value >> BigInt(i * 16)) & 0xffffn));
  return formatIpv6Groups(groups);
}

/** The one spelling used for map keys and op fields. */
export function canonicalAddress(text: string): string {
  return formatAddress(mustParseAddress(text));
}

/** Numeric order: every IPv4 address before every IPv6 address, ascending within a family. */
export function compareAddresses(a: string, b: string): number {
  return compareParsed(mustParseAddress(a), mustParseAddress(b));
}

export function compareParsed(a: ParsedAddress, b: ParsedAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Hex groups of one side of '::'; the last group may be a dotted quad (two groups). */
function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}
