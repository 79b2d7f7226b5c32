// IP address literals. Addresses are compared and displayed in one canonical form (RFC 5952 for
// IPv6: lowercase, no leading zeros, the longest run of zero groups compressed), so two
// spellings of one VIP are recognised as the same VIP.

import { isIPv4, isIPv6 } from 'node:net';
import type { AddressFamily } from './types.js';
import { formatIpv6Groups } from '../net/ipv6-text.js';

export interface IpAddress {
  address: string;
  family: AddressFamily;
}

/** Returns the canonical form and family of an IP literal, or undefined if it is not one. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (isIPv4(text)) {
    return { address: text.split('.').map(Number).join('.'), family: 4 };
  }
  // A zone index (fe80::1%eth0) names a link, not an address VPP or a probe can use.
  if (!text.includes('%') && isIPv6(text)) {
    const groups = ipv6Groups(text);
    if (groups) return { address: formatIpv6(groups), family: 6 };
  }
  return undefined;
}

export function familyName(family: AddressFamily): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}

/** The eight 16-bit groups of a syntactically valid IPv6 literal. */
function ipv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseSide = (side: string): number[] | undefined => {
    if (side === '') return [];
    const out: number[] = [];
    for (const part of side.split(':')) {
      if (part.includes('.')) {
        if (!isIPv4(part)) return undefined;
        const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
        out.push(parseInt(part, 16));
      }
    }
    return out;
  };
  const head = parseSide(halves[0] ?? '');
  const tail = halves.length === 2 ? parseSide(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

function formatIpv6(groups: number[]): string {
  // IPv4-mapped addresses keep the dotted tail, as RFC 5952 §5 recommends and Go prints them.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const hi = groups[6] ?? 0;
    const lo = groups[7] ?? 0;
    return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  // Longest run of two or more zero groups; the first one wins a tie (RFC 5952 §4.2.3).
  return formatIpv6Groups(groups);
}
