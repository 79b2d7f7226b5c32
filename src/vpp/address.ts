// Addresses at the VPP edge: our code speaks '192.0.2.1' and '2001:db8::/64' (parsed and spelled
// by src/net/ip-address.ts); VPP speaks vl_api_address_t {af, un}, vl_api_prefix_t {address, len}
// and the bare ip4_address/ip6_address byte arrays (docs/vpp-lb.md §Addresses and prefixes). This
// file only maps one onto the other and turns a bad value into the codec's errors (VppEncodeError
// going out, VppDecodeError coming back). Kept out of the generic codec on purpose: the codec
// knows bytes, this file knows what the bytes mean.

import { VppDecodeError, VppEncodeError } from './errors.js';
import { getBytes, getNumber, getStruct, type VppFields, type VppStruct } from './values.js';
import {
  formatIp,
  formatIpPrefix,
  parseIp,
  parseIpPrefix,
  type IpAddress,
  type IpPrefix,
} from '../net/ip-address.js';

export const ADDRESS_IP4 = 0;
export const ADDRESS_IP6 = 1;

/** An address about to be sent; a VppEncodeError with the parser's reason when it is none. */
function outgoingIp(text: string): IpAddress {
  const parsed = parseIp(text);
  if (!parsed.ok) throw new VppEncodeError(`not an IP address: ${JSON.stringify(text)} (${parsed.reason})`);
  return parsed.ip;
}

/** A prefix (or bare address: its host prefix) about to be sent; a VppEncodeError when it is none. */
export function outgoingPrefix(text: string): IpPrefix {
  const parsed = parseIpPrefix(text);
  if (!parsed.ok) throw new VppEncodeError(`not a prefix: ${JSON.stringify(text)} (${parsed.reason})`);
  return parsed.prefix;
}

/** 4 or 16 bytes from a decoded message → the address; any other length is a VppDecodeError. */
export function ipFromWire(bytes: Uint8Array): IpAddress {
  if (bytes.length === 4) return { family: 4, bytes };
  if (bytes.length === 16) return { family: 6, bytes };
  throw new VppDecodeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
}

/** '10.0.0.1' → the `ip4_address` alias (u8[4]). */
export function ip4Bytes(text: string): Uint8Array {
  const ip = outgoingIp(text);
  if (ip.family !== 4) throw new VppEncodeError(`not an IPv4 address: ${text}`);
  return ip.bytes;
}

/** '2001:db8::1' → the `ip6_address` alias (u8[16]). */
export function ip6Bytes(text: string): Uint8Array {
  const ip = outgoingIp(text);
  if (ip.family !== 6) throw new VppEncodeError(`not an IPv6 address: ${text}`);
  return ip.bytes;
}

/** '192.0.2.1' (or the parsed address) → vl_api_address_t fields. */
export function toApiAddress(address: string | IpAddress): VppFields {
  const ip = typeof address === 'string' ? outgoingIp(address) : address;
  return ip.family === 4
    ? { af: ADDRESS_IP4, un: { ip4: ip.bytes } }
    : { af: ADDRESS_IP6, un: { ip6: ip.bytes } };
}

/** A decoded vl_api_address_t → the address. */
export function ipFromApiAddress(s: VppStruct): IpAddress {
  const af = getNumber(s, 'af', 'address');
  const un = getStruct(s, 'un', 'address');
  if (af === ADDRESS_IP4) return ipFromWire(getBytes(un, 'ip4', 'address'));
  if (af === ADDRESS_IP6) return ipFromWire(getBytes(un, 'ip6', 'address'));
  throw new VppDecodeError(`address: unknown address family ${af}`);
}

/** A decoded vl_api_address_t → '192.0.2.1'. */
export function fromApiAddress(s: VppStruct): string {
  return formatIp(ipFromApiAddress(s));
}

/** '192.0.2.1/32' → vl_api_prefix_t fields (also fits address_with_prefix). */
export function toApiPrefix(text: string): VppFields {
  const p = outgoingPrefix(text);
  return { address: toApiAddress(p.address), len: p.length };
}

/** A decoded vl_api_prefix_t → the address and the length exactly as sent (not checked). */
export function fromApiPrefixRaw(s: VppStruct): IpPrefix {
  return {
    address: ipFromApiAddress(getStruct(s, 'address', 'prefix')),
    length: getNumber(s, 'len', 'prefix'),
  };
}

/** A decoded vl_api_prefix_t → '192.0.2.1/32'. */
export function fromApiPrefix(s: VppStruct): string {
  return formatIpPrefix(fromApiPrefixRaw(s));
}
