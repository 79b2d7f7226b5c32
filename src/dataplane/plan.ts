// The reconcile diff (docs/vpp.md §Reconcile): desired vs actual → an ordered list of lb operations. The
// syncer only executes the list; every decision about what to send, in which order and with
// which flush flag is made here.
//
// Order of the plan:
//   1. teardowns: stale VIPs (scope 'all' only), then VIPs that must be re-created; each as
//      "delete its in-use ASes with flush, then delete the VIP". All teardowns come first
//      because VPP constrains VIPs per prefix (one encap per prefix, all-port and per-port VIPs
//      exclusive): a new or re-created VIP may only fit once the old ones are gone.
//   2. per desired VIP, in VIP order (address numeric, IPv4 first; then protocol, port):
//      a new or re-created VIP: vip-add, then as-add for each AS;
//      an existing VIP: as-add, then weight raises, then weight lowerings, then as-del.
//      Capacity is added before it is taken away, so a pool failover never passes through a
//      moment where every AS is at 0 (new flows would hit "no server").
//   Within every group the AS calls go out in numeric address order, IPv4 first
//   (10.0.0.2 before 10.0.0.10), so each VIP's API trail is reproducible and diffable (the
//   syncer sends the VIPs side by side, so only their interleaving varies).
//
// Flush rule. Desired flush comes from the backend's state (down with flush-on-down, disabled,
// removed). A flush is sent:
//   - on a weight change N → 0 when the desired state asks for flush;
//   - when an AS that is already at 0 asks for flush AND its address is in `forceFlush`: the
//     syncer passes the address of a backend that just transitioned (docs/vpp.md §Flush).
//     This covers "drained to 0 by a pool failover, then disabled" (docs/vpp.md §Flush);
//   - on every AS delete (extra ASes, stale and re-created VIPs).
//   - on the weight call of an address in `operatorFlush` for its frontend, whatever the state
//     says, and even when the weight is unchanged: SetFrontendPoolBackendWeight with flush=true
//     (docs/vpp.md §Flush). Keyed by frontend, so an operator's flush on one VIP never reaches another
//     VIP that shares the backend.
// A periodic sync never re-flushes an AS that is already at 0: a flush evicts live sticky
// entries, so repeating it every sync-interval would keep cutting flows that VPP re-pinned in
// between. The price: if the sync that carried a forced flush fails, the syncer must keep the
// address in forceFlush for its next attempt.
//
// Generation 1.1 (released VPP, no weights): weight 0 means the AS is absent. An AS that should
// be at 0 is deleted (with flush when desired), one that should be > 0 is added; no as-weight.
// An AS that is already absent cannot be flushed on 1.1 (there is no per-AS flush call), so the
// forced flush of a drained-then-disabled backend is not possible there.

import { canonicalIp, compareIpText } from '../net/ip-address.js';
import { compareVipKeys, validFlowTableLength, vipKey, vipKeyString } from './model.js';
import type {
  AsState,
  DesiredLbState,
  DesiredVip,
  Encap,
  LbGeneration,
  LbState,
  VipKey,
  VipState,
} from './model.js';

export type SyncScope = 'all' | { frontend: string };

export interface PlanOptions {
  /** 'all' also removes stale VIPs; a per-frontend scope never removes VIPs. */
  scope: SyncScope;
  generation: LbGeneration;
  /** AS addresses whose backend just transitioned: flush them if their state asks for it. */
  forceFlush?: ReadonlySet<string>;
  /** Frontend → AS addresses the operator asked to flush with a weight change (always flushed). */
  operatorFlush?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Why a VIP is deleted: gone from config, or re-created because VPP cannot change a field. */
export type VipDeleteReason =
  'stale' | 'src-ip-sticky-changed' | 'encap-changed' | 'flow-table-length-changed';

/**
 * Where an operation stands in its VIP's sequence. Operations of one VIP in the same stage do not
 * build on each other (adding 100 ASes); each stage builds on the VIP's earlier stages (the ASes
 * need the VIP; a pool failover lowers weights only once the raises are in). The syncer sends a
 * stage only after the VIP's earlier stages all succeeded, which is what lets it keep many
 * operations in flight without changing what a failure leaves behind. Stages follow the plan's
 * order for every VIP: teardown-ases, teardown-vip, then vip-add, as-add, weight-raise,
 * weight-lower, as-del.
 */
export type LbOpStage =
  'teardown-ases' | 'teardown-vip' | 'vip-add' | 'as-add' | 'weight-raise' | 'weight-lower' | 'as-del';

interface OpBase {
  vip: VipKey;
  /** The frontend of the VIP; undefined for a stale VIP no frontend wants any more. */
  frontend: string | undefined;
  stage: LbOpStage;
}

export type LbOp =
  | (OpBase & { op: 'vip-add'; encap: Encap; srcIpSticky: boolean; flowTableLength: number })
  | (OpBase & { op: 'vip-del'; reason: VipDeleteReason })
  /** weight is informational on 1.1 (the release API adds without a weight). */
  | (OpBase & { op: 'as-add'; address: string; weight: number })
  | (OpBase & { op: 'as-del'; address: string; flush: boolean })
  | (OpBase & { op: 'as-weight'; address: string; weight: number; flush: boolean });

export type LbOpKind = LbOp['op'];

/** Thrown by a per-frontend plan for a frontend that has no VIP in the desired state. */
export class UnknownFrontendError extends Error {
  constructor(readonly frontend: string) {
    super(`frontend not found: ${frontend}`);
    this.name = 'UnknownFrontendError';
  }
}

export function planSync(desired: DesiredLbState, actual: LbState, opts: PlanOptions): LbOp[] {
  const current = rekey(actual);
  const forceFlush = new Set([...(opts.forceFlush ?? [])].map(canonicalIp));
  const targets = selectTargets(desired, opts.scope);

  const teardowns: LbOp[] = [];
  const builds: LbOp[] = [];

  if (opts.scope === 'all') {
    const stale = [...current.values()]
      .filter((vip) => !desired.vips.has(vipKeyString(vip.key)))
      .sort((a, b) => compareVipKeys(a.key, b.key));
    for (const vip of stale) teardowns.push(...teardown(vip, undefined, 'stale'));
  }

  for (const want of targets) {
    const have = current.get(vipKeyString(want.key));
    if (!have) {
      builds.push(...build(want, opts.generation));
      continue;
    }
    const reason = recreateReason(want, have);
    if (reason) {
      teardowns.push(...teardown(have, want.frontend, reason));
      builds.push(...build(want, opts.generation));
      continue;
    }
    const asked = new Set([...(opts.operatorFlush?.get(want.frontend) ?? [])].map(canonicalIp));
    builds.push(...reconcileAses(want, have, opts.generation, forceFlush, asked));
  }

  return [...teardowns, ...builds];
}

/** Counts per kind, named as the `maglev_vpp_lbsync_total{kind}` label values. */
export interface LbSyncSummary {
  vip_added: number;
  vip_removed: number;
  as_added: number;
  as_removed: number;
  as_weight_updated: number;
}

export function summarise(ops: readonly LbOp[]): LbSyncSummary {
  const summary: LbSyncSummary = {
    vip_added: 0,
    vip_removed: 0,
    as_added: 0,
    as_removed: 0,
    as_weight_updated: 0,
  };
  for (const op of ops) {
    if (op.op === 'vip-add') summary.vip_added++;
    else if (op.op === 'vip-del') summary.vip_removed++;
    else if (op.op === 'as-add') summary.as_added++;
    else if (op.op === 'as-del') summary.as_removed++;
    else summary.as_weight_updated++;
  }
  return summary;
}

function selectTargets(desired: DesiredLbState, scope: SyncScope): DesiredVip[] {
  if (scope === 'all') return [...desired.vips.values()].sort((a, b) => compareVipKeys(a.key, b.key));
  for (const vip of desired.vips.values()) if (vip.frontend === scope.frontend) return [vip];
  throw new UnknownFrontendError(scope.frontend);
}

/** rekey's answer per actual state: a batch of per-VIP plans shares one read of VPP. */
const rekeyed = new WeakMap<LbState, Map<string, VipState>>();
/**
 * rekeyVip's answer per VIP. What the syncer believes VPP holds after a run (believed.ts) is a
 * new state that shares every VIP the run did not touch with the one before, so a reload's plan
 * re-keys only those (one of 100 VIPs, not 10 000 ASes).
 */
const rekeyedVips = new WeakMap<VipState, VipState>();

/** Re-keys what the reader built, so a differently spelled address still matches. */
function rekey(actual: LbState): Map<string, VipState> {
  const known = rekeyed.get(actual);
  if (known) return known;
  const out = new Map<string, VipState>();
  for (const vip of actual.vips.values()) {
    let canonical = rekeyedVips.get(vip);
    if (!canonical) {
      canonical = rekeyVip(vip);
      rekeyedVips.set(vip, canonical);
    }
    out.set(vipKeyString(canonical.key), canonical);
  }
  rekeyed.set(actual, out);
  return out;
}

function rekeyVip(vip: VipState): VipState {
  const key = vipKey(vip.key.prefix, vip.key.protocol, vip.key.port);
  const ases = new Map<string, AsState>();
  for (const [address, as] of vip.ases) ases.set(canonicalIp(address), as);
  return { ...vip, key, ases };
}

/** VPP has no "modify VIP": these fields can only change by delete + add. */
function recreateReason(want: DesiredVip, have: VipState): VipDeleteReason | undefined {
  if (want.srcIpSticky !== have.srcIpSticky) return 'src-ip-sticky-changed';
  if (want.encap !== have.encap) return 'encap-changed';
  // 0 is never a real length (we never send it, and VPP would have died): it is the release
  // dump's garbage or the u16 wrap of 65536, so like undefined it means "not known".
  const length = have.flowTableLength;
  if (length !== undefined && length !== 0 && length !== validFlowTableLength(want.flowTableLength))
    return 'flow-table-length-changed';
  return undefined;
}

function teardown(have: VipState, frontend: string | undefined, reason: VipDeleteReason): LbOp[] {
  const ops: LbOp[] = inUseAddresses(have).map((address) => ({
    op: 'as-del',
    vip: have.key,
    frontend,
    stage: 'teardown-ases',
    address,
    flush: true,
  }));
  ops.push({ op: 'vip-del', vip: have.key, frontend, stage: 'teardown-vip', reason });
  return ops;
}

function build(want: DesiredVip, generation: LbGeneration): LbOp[] {
  const base = { vip: want.key, frontend: want.frontend };
  const ops: LbOp[] = [
    {
      op: 'vip-add',
      ...base,
      stage: 'vip-add',
      encap: want.encap,
      srcIpSticky: want.srcIpSticky,
      flowTableLength: validFlowTableLength(want.flowTableLength),
    },
  ];
  for (const address of sortedAddresses(want.ases.keys())) {
    const as = want.ases.get(address);
    if (!as) continue;
    // 1.1 has no weights: an AS at 0 is simply not there.
    if (generation === '1.1' && as.weight === 0) continue;
    ops.push({ op: 'as-add', ...base, stage: 'as-add', address, weight: as.weight });
  }
  return ops;
}

function reconcileAses(
  want: DesiredVip,
  have: VipState,
  generation: LbGeneration,
  forceFlush: ReadonlySet<string>,
  operatorFlush: ReadonlySet<string>,
): LbOp[] {
  if (vipInStep(want, have, generation, forceFlush, operatorFlush)) return [];
  const base = { vip: want.key, frontend: want.frontend };
  const adds: LbOp[] = [];
  const raises: LbOp[] = [];
  const lowers: LbOp[] = [];
  const dels: LbOp[] = [];

  for (const address of sortedAddresses(want.ases.keys())) {
    const target = want.ases.get(address);
    if (!target) continue;
    const present = have.ases.get(address);
    const inUse = present?.inUse === true;

    if (generation === '1.1') {
      if (target.weight > 0 && !inUse)
        adds.push({ op: 'as-add', ...base, stage: 'as-add', address, weight: target.weight });
      if (target.weight === 0 && inUse) {
        const flush = target.flush || operatorFlush.has(address);
        dels.push({ op: 'as-del', ...base, stage: 'as-del', address, flush });
      }
      continue;
    }

    if (!present || !inUse) {
      adds.push({ op: 'as-add', ...base, stage: 'as-add', address, weight: target.weight });
    } else if (present.weight !== target.weight) {
      const flush = target.flush || operatorFlush.has(address);
      if (target.weight > present.weight)
        raises.push({
          op: 'as-weight',
          ...base,
          stage: 'weight-raise',
          address,
          weight: target.weight,
          flush,
        });
      else
        lowers.push({
          op: 'as-weight',
          ...base,
          stage: 'weight-lower',
          address,
          weight: target.weight,
          flush,
        });
    } else if ((target.flush && forceFlush.has(address)) || operatorFlush.has(address)) {
      lowers.push({
        op: 'as-weight',
        ...base,
        stage: 'weight-lower',
        address,
        weight: target.weight,
        flush: true,
      });
    }
  }

  for (const address of inUseAddresses(have)) {
    if (!want.ases.has(address)) dels.push({ op: 'as-del', ...base, stage: 'as-del', address, flush: true });
  }

  return [...adds, ...raises, ...lowers, ...dels];
}

/**
 * True when reconcileAses would find nothing to do for the VIP (exported for its test): what VPP
 * holds in use is exactly the desired ASes (on 1.1: those above weight 0), and on 1.2 at their
 * weights with no flush asked for any of them. A full sync at 10 000 ASes finds most VIPs so, and
 * this answers it without the two sorts and the operation lists (one look-up per AS); any
 * difference leaves the answer to reconcileAses, so the plan is the same either way.
 */
export function vipInStep(
  want: DesiredVip,
  have: VipState,
  generation: LbGeneration,
  forceFlush: ReadonlySet<string>,
  operatorFlush: ReadonlySet<string>,
): boolean {
  let held = 0;
  for (const [address, target] of want.ases) {
    const present = have.ases.get(address);
    const inUse = present?.inUse === true;
    // 1.1: in use exactly when above 0 (a flush rides only on a delete there).
    if (generation === '1.1') {
      if (inUse !== target.weight > 0) return false;
      if (inUse) held++;
      continue;
    }
    if (!inUse || present.weight !== target.weight) return false;
    if (operatorFlush.has(address) || (target.flush && forceFlush.has(address))) return false;
    held++;
  }
  // Every desired AS that VPP holds in use was counted: any more in use are extras to delete.
  let inUse = 0;
  for (const as of have.ases.values()) if (as.inUse) inUse++;
  return inUse === held;
}

function inUseAddresses(vip: VipState): string[] {
  return sortedAddresses([...vip.ases].filter(([, as]) => as.inUse).map(([address]) => address));
}

function sortedAddresses(addresses: Iterable<string>): string[] {
  return [...addresses].sort(compareIpText);
}
