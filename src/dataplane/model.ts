// The dataplane in our own terms: what VPP's lb plugin holds (actual) and what it should hold
// (desired). The VPP client translates dumps into LbState and ops into messages; everything
// between is pure and speaks only these types.

import {
  formatIpPrefix,
  ipBits,
  ipPrefixOrderKey,
  mustParseIp,
  parseIpPrefix,
  type IpFamily,
  type IpPrefix,
} from '../net/ip-address.js';

/** IP protocol numbers VPP takes: TCP, UDP, or 255 for "any" (the all-ports VIP). */
export type VipProtocol = 6 | 17 | 255;

/** A VIP's identity in VPP: (host prefix, protocol, port). */
export interface VipKey {
  /** Canonical CIDR host prefix: `192.0.2.1/32` or `2001:db8::1/128`. */
  readonly prefix: string;
  readonly protocol: VipProtocol;
  /** 0 means all ports (and then the protocol is always 255, as VPP forces it). */
  readonly port: number;
}

/**
 * GRE only. The encap follows the BACKENDS' family, not the VIP's: an IPv6 VIP with IPv4
 * backends is gre4 (VPP's IP6_GRE4). VPP rejects an AS whose family differs from the encap.
 */
export type Encap = 'gre4' | 'gre6';

/** The two lb API generations: 1.1 (released VPP, no weights) and 1.2 (weights, set-weight). */
export type LbGeneration = '1.1' | '1.2';

/** One application server as VPP reports it. */
export interface AsState {
  /** 0..100. Generation 1.1 has no weights: the planner ignores this field there. */
  readonly weight: number;
  /**
   * False for an AS that was deleted but not yet garbage-collected (flags & 1 == 0 in the dump):
   * VPP keeps it in the VIP's list for a while and revives it on a re-add. The planner treats
   * it as absent: it needs an add, never a set-weight (which VPP answers with NO_SUCH_ENTRY).
   */
  readonly inUse: boolean;
}

export interface VipState {
  readonly key: VipKey;
  readonly encap: Encap;
  readonly srcIpSticky: boolean;
  /**
   * New-flows table length. undefined (or 0) when VPP cannot report it reliably: release dumps
   * send garbage, and the u16 field wraps 65536 to 0. The planner then does not compare it.
   */
  readonly flowTableLength: number | undefined;
  /** Canonical AS address → state. */
  readonly ases: ReadonlyMap<string, AsState>;
}

/**
 * What VPP holds, keyed by vipKeyString. VIPs that VPP reports as deleted (release dumps still
 * list them until GC) must be left out by the reader: they are gone for every purpose here.
 */
export interface LbState {
  readonly vips: ReadonlyMap<string, VipState>;
}

/** One AS as it should be, with the reason it is there. */
export interface DesiredAs {
  /** Effective weight 0..100 (docs/health.md §Effective weight). */
  readonly weight: number;
  /** The backend's state asks for its flows to be torn down (only ever with weight 0). */
  readonly flush: boolean;
  /** Backend names that resolve to this address (normally one), in pool order. */
  readonly backends: readonly string[];
}

export interface DesiredVip {
  /** The frontend this VIP serves. */
  readonly frontend: string;
  readonly key: VipKey;
  readonly encap: Encap;
  readonly srcIpSticky: boolean;
  /** Always a power of two >= 1 (0 on the wire makes VPP allocate 4 G entries and die). */
  readonly flowTableLength: number;
  /** Canonical AS address → desired AS, in numeric address order. */
  readonly ases: ReadonlyMap<string, DesiredAs>;
}

export interface DesiredLbState {
  /** vipKeyString → VIP, in VIP order (see compareVipKeys). */
  readonly vips: ReadonlyMap<string, DesiredVip>;
  /**
   * Frontends left out because an earlier frontend (config order) already maps to the same
   * VIP key. Config validation should make this impossible; it is reported, not thrown, so a
   * running daemon keeps programming everything else.
   */
  readonly shadowed: readonly { frontend: string; by: string }[];
}

const PROTOCOL_NAMES: Record<VipProtocol, string> = { 6: 'tcp', 17: 'udp', 255: 'any' };

export function protocolNumber(protocol: 'tcp' | 'udp' | 'any'): VipProtocol {
  return protocol === 'tcp' ? 6 : protocol === 'udp' ? 17 : 255;
}

export function protocolName(protocol: VipProtocol): string {
  return PROTOCOL_NAMES[protocol];
}

/** A prefix or bare address (its host prefix) from config or a dump; invalid text is a bug. */
function mustParsePrefix(text: string): IpPrefix {
  const parsed = parseIpPrefix(text);
  if (!parsed.ok) throw new RangeError(`not a prefix: ${JSON.stringify(text)} (${parsed.reason})`);
  return parsed.prefix;
}

/** The host prefix of an address in canonical CIDR form. */
export function hostPrefix(address: string): string {
  const ip = mustParseIp(address);
  return formatIpPrefix({ address: ip, length: ipBits(ip.family) });
}

/**
 * Builds a normalised VipKey: canonical prefix (a bare address becomes its host prefix) and,
 * as VPP does, protocol 255 whenever the port is 0. Use it on both sides (config and dumps).
 */
export function vipKey(prefixOrAddress: string, protocol: VipProtocol, port: number): VipKey {
  const prefix = formatIpPrefix(mustParsePrefix(prefixOrAddress));
  return { prefix, protocol: port === 0 ? 255 : protocol, port };
}

/** Map key and log spelling of a VIP: `192.0.2.1/32 tcp:80`, `2001:db8::1/128 any:0`. */
export function vipKeyString(key: VipKey): string {
  return `${key.prefix} ${protocolName(key.protocol)}:${key.port}`;
}

/** The VIP's address (without the prefix length). */
export function vipAddress(key: VipKey): string {
  return key.prefix.slice(0, key.prefix.indexOf('/'));
}

export function vipFamily(key: VipKey): IpFamily {
  return mustParsePrefix(key.prefix).address.family;
}

/** Deterministic VIP order: by address (numeric, IPv4 first), prefix length, protocol, port. */
export function compareVipKeys(a: VipKey, b: VipKey): number {
  const x = ipPrefixOrderKey(a.prefix);
  const y = ipPrefixOrderKey(b.prefix);
  return (x < y ? -1 : x > y ? 1 : 0) || a.protocol - b.protocol || a.port - b.port;
}

/** VPP's customary new-flows table length, used when config gives none that VPP would accept. */
export const DEFAULT_FLOW_TABLE_LENGTH = 1024;

/**
 * A positive power of two (up to 2^31), else the default. VPP's is_pow2(0) is true, and a 0 on
 * the wire makes it allocate a 4 G-entry table and die, so no 0 may ever reach a vip-add.
 */
export function validFlowTableLength(length: number): number {
  const ok = Number.isInteger(length) && length >= 1 && length <= 2 ** 31 && (length & (length - 1)) === 0;
  return ok ? length : DEFAULT_FLOW_TABLE_LENGTH;
}

export function encapForFamily(family: IpFamily): Encap {
  return family === 4 ? 'gre4' : 'gre6';
}
