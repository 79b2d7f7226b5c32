// Reading what VPP holds, for the planner: one full dump (every VIP, every AS — never filtered by
// prefix, which drops IPv4 results) plus `show lb vips verbose`, turned into the dataplane's
// LbState. Where VPP cannot tell us a field, we say "as desired" rather than guess: an unknown
// src_ip_sticky or encap must never make the planner tear down a live VIP.

import { lbState as dumpLbState, type LbApi, type LbState as VppLbState } from '../vpp/index.js';
import { canonicalIp } from '../net/ip-address.js';
import { vipKey, vipKeyString } from './model.js';
import type { AsState, DesiredLbState, Encap, LbState, VipProtocol, VipState } from './model.js';

export interface ActualLbState {
  /** In the planner's terms. */
  readonly state: LbState;
  /** As read (for logs and views). */
  readonly raw: VppLbState;
}

/** Thrown when the read cannot be trusted enough to plan from. */
export class LbReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LbReadError';
  }
}

export async function readActualState(api: LbApi, desired: DesiredLbState): Promise<ActualLbState> {
  const raw = await dumpLbState(api);
  // The release's dumps report protocol 0 and no table length: only the CLI tells us which VIP
  // is which. Planning without it would see every per-port VIP as stale and tear it down.
  if (raw.generation === '1.1' && raw.cli === undefined)
    throw new LbReadError('lb 1.1: `show lb vips verbose` failed, VIP protocols are unknown');
  return { state: toLbState(raw, desired), raw };
}

/** The dump in the planner's terms (exported for tests). */
export function toLbState(raw: VppLbState, desired: DesiredLbState): LbState {
  const vips = new Map<string, VipState>();
  for (const vip of raw.vips) {
    // Protocols outside 6/17/255 cannot be ours; the key then matches nothing desired.
    const key = vipKey(vip.prefix, vip.protocol as VipProtocol, vip.port);
    const id = vipKeyString(key);
    const want = desired.vips.get(id);
    const ases = new Map<string, AsState>();
    for (const as of vip.ases) {
      ases.set(canonicalIp(as.address), { weight: as.weight ?? 100, inUse: as.inUse });
    }
    vips.set(id, {
      key,
      // l3dsr/nat VIPs are not ours either; their encap simply differs from any desired one.
      encap: (vip.encap ?? want?.encap ?? 'gre4') as Encap,
      srcIpSticky: vip.srcIpSticky ?? want?.srcIpSticky ?? false,
      flowTableLength: vip.flowTableLength,
      ases,
    });
  }
  return { vips };
}
