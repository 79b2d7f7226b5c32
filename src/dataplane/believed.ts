// What VPP holds as far as the syncer knows without asking: the state of its last read, with every
// operation VPP accepted since then folded in (docs/vpp.md §What a sync reads). The syncer is the
// only writer of the lb plugin, so as long as nobody else writes there and no operation's outcome
// is in doubt, this is what a read would return, in the planner's terms, without reading 10 000
// ASes back. Pure: the syncer decides when to trust it and when to read again.

import type { LbOp } from './plan.js';
import { vipKeyString } from './model.js';
import type { AsState, LbState, VipState } from './model.js';

/**
 * The state after `applied` (operations VPP accepted, in the order they were sent). An AS that
 * was deleted is left out: VPP may still list it as not in use until its garbage collection, and
 * the planner treats both alike (absent: an add, never a weight). On lb 1.1 weights are not
 * compared by the planner, so the weight an add carries is as good as any.
 */
export function withApplied(state: LbState, applied: readonly LbOp[]): LbState {
  if (applied.length === 0) return state;
  const vips = new Map<string, VipState>(state.vips);
  /** The VIPs whose AS maps this fold already copied (the rest are shared with `state`). */
  const copied = new Map<string, Map<string, AsState>>();
  const asesOf = (id: string, vip: VipState): Map<string, AsState> => {
    let ases = copied.get(id);
    if (!ases) {
      ases = new Map(vip.ases);
      copied.set(id, ases);
      vips.set(id, { ...vip, ases });
    }
    return ases;
  };
  for (const op of applied) {
    const id = vipKeyString(op.vip);
    if (op.op === 'vip-add') {
      const ases = new Map<string, AsState>();
      copied.set(id, ases);
      vips.set(id, {
        key: op.vip,
        encap: op.encap,
        srcIpSticky: op.srcIpSticky,
        flowTableLength: op.flowTableLength,
        ases,
      });
      continue;
    }
    if (op.op === 'vip-del') {
      vips.delete(id);
      copied.delete(id);
      continue;
    }
    const vip = vips.get(id);
    // VPP accepted an AS call for a VIP this state does not hold: only a read can say what is there.
    if (!vip) throw new RangeError(`${op.op} for ${id}, which the believed state does not hold`);
    const ases = asesOf(id, vip);
    if (op.op === 'as-del') ases.delete(op.address);
    else ases.set(op.address, { weight: op.weight, inUse: true });
  }
  return { vips };
}
