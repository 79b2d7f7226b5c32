// Friendly conversions at the edge: our code speaks '192.0.2.1' and '2001:db8::/64'; VPP speaks
// vl_api_address_t {af, un} and vl_api_prefix_t {address, len} (docs/vpp-lb.md §Addresses and prefixes). Kept
// out of the generic codec on purpose: the codec knows bytes, this file knows what the bytes mean.

import { isIPv4, isIPv6 } from 'node:net';
import { VppDecodeError, VppEncodeError } from './errors.js';
import { getBytes, getNumber, getStruct, type VppFields, type VppStruct } from './values.js';
import { formatIpv6Groups } from '../net/ipv6-text.js';

export const ADDRESS_IP4 = 0;
export const ADDRESS_IP6 = 1;

export interface IpBytes {
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

export interface ParsedPrefix extends IpBytes {
  readonly len: number;
}

/** Parses an IPv4 or IPv6 literal (no zone, no brackets). Throws VppEncodeError when invalid. */
export function parseIp(text: string): IpBytes {
  if (isIPv4(text)) return { family: 4, bytes: Uint8Array.from(text.split('.').map(Number)) };
  if (isIPv6(text) && !text.includes('%')) return { family: 6, bytes: parseIp6(text) };
  throw new VppEncodeError(`not an IP address: ${JSON.stringify(text)}`);
}

function parseIp6(text: string): Uint8Array {
  let s = text.toLowerCase();
  const embedded: number[] = [];
  if (s.includes('.')) {
    // Embedded IPv4 (::ffff:192.0.2.1) is the last two groups.
    const colon = s.lastIndexOf(':');
    const [a = 0, b = 0, c = 0, d = 0] = s
      .slice(colon + 1)
      .split('.')
      .map(Number);
    embedded.push((a << 8) | b, (c << 8) | d);
    s = s.slice(0, colon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const gap = s.indexOf('::');
  const head = groups(gap < 0 ? s : s.slice(0, gap));
  const tail = gap < 0 ? [] : groups(s.slice(gap + 2));
  (gap < 0 ? head : tail).push(...embedded);
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** 4 or 16 bytes → canonical text (IPv6 per RFC 5952: lowercase, longest zero run compressed). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new VppDecodeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return formatIpv6Groups(groups);
}

/** '10.0.0.1' → the `ip4_address` alias (u8[4]). */
export function ip4Bytes(text: string): Uint8Array {
  const ip = parseIp(text);
  if (ip.family !== 4) throw new VppEncodeError(`not an IPv4 address: ${text}`);
  return ip.bytes;
}

/** '2001:db8::1' → the `ip6_address` alias (u8[16]). */
export function ip6Bytes(text: string): Uint8Array {
  const ip = parseIp(text);
  if (ip.family !== 6) throw new VppEncodeError(`not an IPv6 address: ${text}`);
  return ip.bytes;
}

/** '192.0.2.1' → vl_api_address_t fields. */
export function toApiAddress(text: string): VppFields {
  const ip = parseIp(text);
  return ip.family === 4
    ? { af: ADDRESS_IP4, un: { ip4: ip.bytes } }
    : { af: ADDRESS_IP6, un: { ip6: ip.bytes } };
}

/** A decoded vl_api_address_t → '192.0.2.1'. */
export function fromApiAddress(s: VppStruct): string {
  const af = getNumber(s, 'af', 'address');
  const un = getStruct(s, 'un', 'address');
  if (af === ADDRESS_IP4) return formatIp(getBytes(un, 'ip4', 'address'));
  if (af === ADDRESS_IP6) return formatIp(getBytes(un, 'ip6', 'address'));
  throw new VppDecodeError(`address: unknown address family ${af}`);
}

/** '192.0.2.0/24' (or a bare address: /32, /128) → family, bytes, length. */
export function parsePrefix(text: string): ParsedPrefix {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  const max = ip.family === 4 ? 32 : 128;
  const lenText = slash < 0 ? String(max) : text.slice(slash + 1);
  const len = Number(lenText);
  if (!/^\d{1,3}$/.test(lenText) || len > max)
    throw new VppEncodeError(`not a prefix: ${JSON.stringify(text)}`);
  return { ...ip, len };
}

export function formatPrefix(p: ParsedPrefix): string {
  return `${formatIp(p.bytes)}/${p.len}`;
}

/** Canonical CIDR text for any accepted prefix spelling ('2001:DB8:0::1' → '2001:db8::1/128'). */
export function canonicalPrefix(text: string): string {
  return formatPrefix(parsePrefix(text));
}

/** '192.0.2.1/32' → vl_api_prefix_t fields (also fits address_with_prefix). */
export function toApiPrefix(text: string): VppFields {
  const p = parsePrefix(text);
  return { address: toApiAddress(formatIp(p.bytes)), len: p.len };
}

/** A decoded vl_api_prefix_t → family, bytes and the length exactly as sent. */
export function fromApiPrefixRaw(s: VppStruct): ParsedPrefix {
  const address = parseIp(fromApiAddress(getStruct(s, 'address', 'prefix')));
  return { ...address, len: getNumber(s, 'len', 'prefix') };
}

/** A decoded vl_api_prefix_t → '192.0.2.1/32'. */
export function fromApiPrefix(s: VppStruct): string {
  return formatPrefix(fromApiPrefixRaw(s));
}

/** Compares addresses by family (IPv4 first), then numerically. */
export function compareIp(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (x.family !== y.family) return x.family - y.family;
  for (let i = 0; i < x.bytes.length; i++) {
    const d = (x.bytes[i] ?? 0) - (y.bytes[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
