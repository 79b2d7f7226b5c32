// IP addresses, once for the whole program: THE address value (a family and its bytes, as Seesaw
// has one net.IP), the one parser of address text, the one canonical spelling, the order, and
// CIDR prefixes. Every other address module is a thin adapter from this value to its own wire
// format (VPP's address union, the lb plugin's 16-byte ip46 form, vppsim's CLI text, config's
// positioned messages). Pure (no node:* import): the config, dataplane and maglev cores use it.
//
// What the parser accepts (docs/config.md repeats this for operators):
// - IPv4: exactly four decimal numbers 0-255 between dots. A number with a leading zero
//   (`010.0.0.1`) is refused, not guessed: inet_aton and many tools read it as octal (8), others
//   as decimal (10), so the same text would name two addresses. Nothing shorter (`10.1`), no hex.
// - IPv6: RFC 4291 §2.2 text. Eight groups of one to four hex digits in either case, or fewer
//   with one `::` standing for at least one zero group; the last 32 bits may be written as a
//   dotted IPv4 address (`::ffff:192.0.2.1`, `64:ff9b::192.0.2.1`) under the IPv4 rules above.
// - Refused, each with its reason: empty text, white space anywhere (nothing is trimmed), a zone
//   index (`fe80::1%eth0`: a zone names a link, and neither VPP nor a probe target can use it),
//   brackets, a prefix length, and names (nothing here resolves DNS).
//
// The canonical text (formatIp) is RFC 5952: IPv4 dotted decimal; IPv6 in lower case, without
// leading zeros, with the longest run of two or more zero groups written `::` (the first run wins
// a tie; a lone zero group stays `0`). IPv4-mapped addresses (::ffff:0:0/96) keep the dotted tail,
// `::ffff:192.0.2.1`, as RFC 5952 §5 recommends for that well-known prefix: it is how glibc's
// inet_ntop, Go's netip and Node (socket.remoteAddress on a dual-stack socket) write them, so what
// maglevd prints matches what the host's own tools and the probe sockets print. No other IPv6
// address gets a dotted tail (`64:ff9b::c000:201`); inet_ntop agrees but for the deprecated
// IPv4-compatible ::/96, which glibc dots and RFC 5952 does not ask to. VPP's own
// format_ip6_address never dots; vppsim imitates that with formatIpv6Hex, and nothing else should.

export type IpFamily = 4 | 6;

/** An IP address: its family and its bytes in network order (4 for IPv4, 16 for IPv6). */
export interface IpAddress {
  readonly family: IpFamily;
  readonly bytes: Uint8Array;
}

/** A CIDR prefix. The length is not checked against the family here (see parseIpPrefix). */
export interface IpPrefix {
  readonly address: IpAddress;
  readonly length: number;
}

export type IpParse = { ok: true; ip: IpAddress } | { ok: false; reason: string };
export type IpPrefixParse = { ok: true; prefix: IpPrefix } | { ok: false; reason: string };

const DECIMAL = /^[0-9]+$/;
const IPV4_TEXT = /^[0-9.]+$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const WHITE_SPACE = /\s/;

/** Parses an IPv4 or IPv6 literal under the rules above: the address, or why the text is not one. */
export function parseIp(text: string): IpParse {
  const bytes = ipBytesOf(text);
  if (typeof bytes === 'string') return { ok: false, reason: bytes };
  return { ok: true, ip: { family: bytes.length === 4 ? 4 : 6, bytes } };
}

/**
 * parseIp for text that was validated before (config, our own formatter, VPP's replies): a
 * RangeError naming the text and the reason when it is not an address after all.
 */
export function mustParseIp(text: string): IpAddress {
  const parsed = parseIp(text);
  if (!parsed.ok) throw new RangeError(`not an IP address: ${JSON.stringify(text)} (${parsed.reason})`);
  return parsed.ip;
}

/** The canonical text of an address (RFC 5952, dotted tail for IPv4-mapped only). */
export function formatIp(ip: IpAddress): string {
  const b = ip.bytes;
  if (ip.family === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (isIpv4Mapped(b)) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  return formatIpv6Hex(b);
}

/**
 * What ipSpelling (so canonicalIp, ipOrderKey and compareIpText) and readIpText learnt about a
 * text, kept for the next time: the dataplane asks about the same few thousand addresses on every
 * sync (desired state, VPP's dump, the plan's sort), and a config reload reads each of 10 000
 * backend addresses three times (the schema, the rules, normalising); parsing them again each
 * time was most of a sync's CPU at 10 000 ASes, and 25–30 ms of a reload's (a fresh Uint8Array
 * per parse). Strings are immutable, so a remembered answer can never go stale; the memo is
 * simply emptied when full.
 */
const MEMO_LIMIT = 1 << 16;
const spellingMemo = new Map<string, IpSpelling>();
const readMemo = new Map<string, IpTextReading>();
const prefixOrderMemo = new Map<string, string>();

function remembered<T>(memo: Map<string, T>, text: string, compute: (text: string) => T): T {
  let value = memo.get(text);
  if (value === undefined) {
    value = compute(text);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, value);
  }
  return value;
}

/** The canonical spelling of an address literal (a RangeError, as mustParseIp, when it is none). */
export function canonicalIp(text: string): string {
  return ipSpelling(text).canonical;
}

/** An address text's canonical spelling and its order key (ipOrderKey), learnt together. */
export interface IpSpelling {
  readonly canonical: string;
  readonly orderKey: string;
}

/**
 * canonicalIp and ipOrderKey of one text in one look-up (a RangeError, as mustParseIp, when it is
 * no address): the dataplane's desired state wants both for each of 10 000 backend addresses on
 * every sync, and at that size each look-up in a large memo is a cache miss or two.
 */
export function ipSpelling(text: string): IpSpelling {
  return remembered(spellingMemo, text, (t) => {
    const ip = mustParseIp(t);
    return Object.freeze({ canonical: formatIp(ip), orderKey: orderKey(ip) });
  });
}

/**
 * What a text says as an address without its bytes (which a shared answer could not hand out:
 * a Uint8Array can be written to): its family and canonical spelling, or why it is none.
 */
export type IpTextReading =
  | { readonly ok: true; readonly family: IpFamily; readonly canonical: string }
  | { readonly ok: false; readonly reason: string };

/** parseIp's verdict on a text, as an IpTextReading; remembered like canonicalIp. */
export function readIpText(text: string): IpTextReading {
  return remembered(readMemo, text, (t): IpTextReading => {
    const parsed = parseIp(t);
    if (!parsed.ok) return Object.freeze({ ok: false, reason: parsed.reason });
    return Object.freeze({ ok: true, family: parsed.ip.family, canonical: formatIp(parsed.ip) });
  });
}

/** readIpText for text that was validated before: a RangeError, as mustParseIp, when it is none. */
export function mustReadIpText(text: string): { readonly family: IpFamily; readonly canonical: string } {
  const reading = readIpText(text);
  if (!reading.ok) throw new RangeError(`not an IP address: ${JSON.stringify(text)} (${reading.reason})`);
  return reading;
}

/**
 * RFC 5952 §4 for 16 bytes, every group in hex, never a dotted tail. This is VPP's
 * format_ip6_address; use formatIp for anything maglevd itself writes.
 */
export function formatIpv6Hex(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never shortened
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** 'IPv4' or 'IPv6', for messages. */
export function ipFamilyName(family: IpFamily): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}

/** How many bits an address of the family has: the length of its host prefix. */
export function ipBits(family: IpFamily): 32 | 128 {
  return family === 4 ? 32 : 128;
}

/** Numeric order: every IPv4 address before every IPv6 address, ascending within a family. */
export function compareIp(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  for (let i = 0; i < a.bytes.length; i++) {
    const d = (a.bytes[i] ?? 0) - (b.bytes[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * compareIp for two literals (a RangeError, as mustParseIp, for one that is no address). Each
 * text is compared by its order key (ipOrderKey).
 */
export function compareIpText(a: string, b: string): number {
  const ka = ipOrderKey(a);
  const kb = ipOrderKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * A literal's place in compareIp's order as a string (a RangeError, as mustParseIp, for one that
 * is no address): the family digit and the bytes in fixed-width hex, so that comparing two keys
 * as strings is compareIp. Remembered like canonicalIp. For sorting many addresses, taking each
 * one's key once is cheaper than compareIpText, which looks both up on every comparison.
 */
export function ipOrderKey(text: string): string {
  return ipSpelling(text).orderKey;
}

/**
 * A prefix's place in address order as a string (a RangeError for text that is no prefix): its
 * address's order key, then its length in three digits, so that comparing two keys as strings
 * orders by address, then by length. Remembered like canonicalIp: the dataplane sorts the same
 * VIPs on every full sync, and parsing both prefixes on every comparison was most of that sort.
 */
export function ipPrefixOrderKey(text: string): string {
  return remembered(prefixOrderMemo, text, (t) => {
    const parsed = parseIpPrefix(t);
    if (!parsed.ok) throw new RangeError(`not a prefix: ${JSON.stringify(t)} (${parsed.reason})`);
    return orderKey(parsed.prefix.address) + String(parsed.prefix.length).padStart(3, '0');
  });
}

function orderKey(ip: IpAddress): string {
  let key = String(ip.family);
  for (const byte of ip.bytes) key += byte.toString(16).padStart(2, '0');
  return key;
}

/**
 * Parses `address/length` (length 0-32 for IPv4, 0-128 for IPv6, decimal without leading zeros)
 * or a bare address, which is its host prefix. Host bits are kept as written: whether they must be
 * zero is the caller's rule (VPP clears them itself).
 */
export function parseIpPrefix(text: string): IpPrefixParse {
  const slash = text.indexOf('/');
  const parsed = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!parsed.ok) return parsed;
  const max = ipBits(parsed.ip.family);
  if (slash < 0) return { ok: true, prefix: { address: parsed.ip, length: max } };
  const lengthText = text.slice(slash + 1);
  const length = Number(lengthText);
  if (!DECIMAL.test(lengthText) || (lengthText.length > 1 && lengthText.startsWith('0')) || length > max) {
    return {
      ok: false,
      reason: `prefix length ${JSON.stringify(lengthText)} is not a number from 0 to ${max}`,
    };
  }
  return { ok: true, prefix: { address: parsed.ip, length } };
}

/** `192.0.2.0/24`, `2001:db8::/32`: the canonical address and the length. */
export function formatIpPrefix(prefix: IpPrefix): string {
  return `${formatIp(prefix.address)}/${prefix.length}`;
}

function isIpv4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** The 4 or 16 bytes the text spells, or the reason it spells none. */
function ipBytesOf(text: string): Uint8Array | string {
  if (text === '') return 'empty';
  if (WHITE_SPACE.test(text)) return 'white space in it';
  const percent = text.indexOf('%');
  if (percent >= 0) return `zone index ${text.slice(percent)}: a zone names a link, not an address`;
  if (text.startsWith('[') || text.endsWith(']')) return 'brackets: write the bare address';
  if (text.includes('/')) return 'a prefix length: write the bare address';
  if (text.includes(':')) return ipv6Bytes(text);
  if (IPV4_TEXT.test(text)) return ipv4Bytes(text);
  return 'not an IP literal (names are not resolved)';
}

function ipv4Bytes(text: string): Uint8Array | string {
  const parts = text.split('.');
  if (parts.length !== 4) return `IPv4 has four numbers between dots, this has ${parts.length}`;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    if (!DECIMAL.test(part)) return 'an empty number between dots';
    if (part.length > 1 && part.startsWith('0')) {
      return `leading zero in ${part}: inet_aton reads it as octal, others as decimal; write it without`;
    }
    const value = Number(part);
    if (value > 255) return `${part} is above 255`;
    out[i] = value;
  }
  return out;
}

function ipv6Bytes(text: string): Uint8Array | string {
  const halves = text.split('::');
  if (halves.length > 2) return '"::" more than once';
  const compressed = halves.length === 2;
  const head = ipv6Groups(halves[0] ?? '', !compressed);
  if (typeof head === 'string') return head;
  const tail = compressed ? ipv6Groups(halves[1] ?? '', true) : [];
  if (typeof tail === 'string') return tail;
  const written = head.length + tail.length;
  if (!compressed && written !== 8) return `${written} groups; IPv6 has 8, or "::" for a run of zero groups`;
  if (compressed && written > 7)
    return `"::" must stand for one zero group at least, but ${written} are written`;
  const groups = [...head, ...new Array<number>(8 - written).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** The 16-bit groups of one side of `::`; a dotted IPv4 tail is allowed last on the last side. */
function ipv6Groups(side: string, endsAddress: boolean): number[] | string {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part.includes('.')) {
      if (!endsAddress || i !== parts.length - 1) return `dotted ${part} is only allowed as the last 32 bits`;
      const v4 = IPV4_TEXT.test(part) ? ipv4Bytes(part) : `${part} is not an IPv4 address`;
      if (typeof v4 === 'string') return `in the dotted tail: ${v4}`;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else if (part === '') {
      return 'an empty group (a lone ":" at an end, or ":::")';
    } else if (!HEX_GROUP.test(part)) {
      return `group ${JSON.stringify(part)} is not 1 to 4 hex digits`;
    } else {
      groups.push(parseInt(part, 16));
    }
  }
  return groups;
}
