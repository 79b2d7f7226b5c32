// Which of the lb plugin's VIPs the TCP forwarder can serve, and on which port their ASes are
// reached. Pure: the VIP list and a "is this address ours?" predicate in, listeners out.
//
// A proxy has to listen somewhere, so only a VIP that is one local address and one TCP port can be
// forwarded. The rest is reported with a reason and left alone:
// - all-port VIPs (port 0): VPP takes every port of the address; a proxy would need a listener per
//   port, and the demo and tests never need that;
// - UDP VIPs: a stream proxy cannot reproduce per-datagram forwarding;
// - prefixes wider than one address: no single address to listen on;
// - addresses that are not local: binding them would need IP_FREEBIND or ip_nonlocal_bind, and a
//   simulator must not take over a real address's traffic.

import { ipFromIp46 } from '../maglev/index.js';
import { formatIp } from '../net/ip-address.js';
import { formatIp46Prefix, ip46PrefixIsIp4 } from './lb-address.js';
import type { LbVipView } from './lb-plugin.js';
import { LbVipType } from './lb-types.js';

const IP_PROTOCOL_TCP = 6;

/** One listener: a VIP address and TCP port. */
export interface ForwardTarget {
  /** `127.0.0.100:8080` or `[::1]:8080`: the listener's identity. */
  readonly key: string;
  readonly address: string;
  readonly port: number;
}

export interface ForwardSkip {
  readonly vipIndex: number;
  /** The VIP as `show lb vips` names it: `127.0.0.100/32 6:80`. */
  readonly vip: string;
  readonly reason: string;
}

export interface ForwardPlan {
  /** By key; several VIP incarnations cannot share one (a VIP's identity includes port and protocol). */
  readonly targets: ReadonlyMap<string, ForwardTarget>;
  readonly skipped: readonly ForwardSkip[];
}

export function targetKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function vipName(vip: LbVipView): string {
  return `${formatIp46Prefix(vip.prefix, vip.plen)} ${vip.protocol}:${vip.port}`;
}

/** Why this in-use VIP cannot be forwarded, or undefined when it can. */
export function unforwardableReason(
  vip: LbVipView,
  isLocal: (address: string) => boolean,
): string | undefined {
  if (vip.port === 0) return 'all-port VIP (port 0): no single port to listen on';
  if (vip.protocol !== IP_PROTOCOL_TCP) return 'not a TCP VIP: only TCP is forwarded';
  if (vip.plen !== 128) return 'a prefix, not one address: nothing to listen on';
  if (!isLocal(vipAddress(vip))) return 'address not local to this host: never bound';
  return undefined;
}

/** The VIP's host address as text; a ::a.b.c.d/128 VIP (the release's length bug makes them) is IPv6. */
export function vipAddress(vip: LbVipView): string {
  return formatIp(ipFromIp46(vip.prefix, ip46PrefixIsIp4(vip.prefix, vip.plen) ? 4 : 6));
}

/** The listeners the VIPs ask for (in-use VIPs only) and the VIPs that cannot have one. */
export function forwardPlan(vips: readonly LbVipView[], isLocal: (address: string) => boolean): ForwardPlan {
  const targets = new Map<string, ForwardTarget>();
  const skipped: ForwardSkip[] = [];
  for (const vip of vips) {
    if (!vip.used) continue;
    const reason = unforwardableReason(vip, isLocal);
    if (reason !== undefined) {
      skipped.push({ vipIndex: vip.index, vip: vipName(vip), reason });
      continue;
    }
    const address = vipAddress(vip);
    const key = targetKey(address, vip.port);
    targets.set(key, { key, address, port: vip.port });
  }
  return { targets, skipped };
}

/**
 * The port an AS is connected on: the VIP's port (GRE and L3DSR keep the packet as the client sent
 * it), or the target port of a NAT VIP (VPP rewrites the destination to AS:target_port).
 */
export function upstreamPort(vip: LbVipView): number {
  const nat = vip.type === LbVipType.IP4_NAT4 || vip.type === LbVipType.IP6_NAT6;
  return nat && vip.targetPort !== 0 ? vip.targetPort : vip.port;
}
