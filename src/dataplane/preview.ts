// The dry run of a change, in the dataplane's terms (docs/vpp.md §Previews): the desired state
// after the change, planned by the same planner the syncer runs, over the same scopes the change
// would trigger, against what VPP holds; and per VIP, the Maglev new-flow buckets that would
// change hands, from VPP's table now to the table the plan leaves behind (src/maglev, the lb
// plugin's own algorithm for the VIP's generation and table length). Pure: the syncer does the
// reading, this only computes.

import { buildTable, bucketCounts, predict, type Generation, type MaglevAs } from '../maglev/index.js';
import { compareIpText } from '../net/ip-address.js';
import { compareVipKeys, DEFAULT_FLOW_TABLE_LENGTH, vipKeyString } from './model.js';
import type { DesiredLbState, DesiredVip, LbGeneration, LbState, VipKey, VipState } from './model.js';
import { planSync, UnknownFrontendError, type LbOp, type SyncScope } from './plan.js';

export interface PreviewInput {
  /** The desired state after the change. */
  readonly desired: DesiredLbState;
  /** The desired state now (names ASes that would go, and stands in for VPP when it is not read). */
  readonly current: DesiredLbState;
  /** What VPP holds; undefined when it could not be read: assumed to hold `current` exactly. */
  readonly actual: LbState | undefined;
  /** The syncs the change would trigger. */
  readonly scopes: readonly SyncScope[];
  readonly generation: LbGeneration;
  readonly forceFlush?: ReadonlySet<string>;
  readonly operatorFlush?: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface AsBucketMove {
  /** Canonical address. */
  readonly address: string;
  readonly backend: string | undefined;
  /** undefined: not an AS of the VIP on that side. */
  readonly weightBefore: number | undefined;
  readonly weightAfter: number | undefined;
  readonly bucketsBefore: number;
  readonly bucketsAfter: number;
}

export interface VipBucketMove {
  readonly frontend: string | undefined;
  readonly key: VipKey;
  /** The table length after the change (before, for a VIP that would go). */
  readonly flowTableLength: number;
  readonly generation: LbGeneration;
  /** Buckets whose AS changes, "no AS" included. */
  readonly moved: number;
  /** Deleted and created again: every bucket and every existing flow moves. */
  readonly recreated: boolean;
  /** In address order. */
  readonly ases: readonly AsBucketMove[];
}

export interface PlanPreview {
  /** In the order the syncer would send them. */
  readonly ops: readonly LbOp[];
  /** The VIPs of per-frontend scopes, and of a full scope those with an operation or a move. */
  readonly vips: readonly VipBucketMove[];
}

export function previewPlan(input: PreviewInput): PlanPreview {
  const actual = input.actual ?? assumeInSync(input.current, input.generation);
  // A full sync covers every per-VIP one (as the syncer's queue coalesces them).
  const scopes: SyncScope[] = input.scopes.includes('all')
    ? ['all']
    : [...new Map(input.scopes.map((s) => [s === 'all' ? '' : s.frontend, s])).values()];
  const ops: LbOp[] = [];
  const keys = new Map<string, VipKey>();
  const full = scopes.includes('all');
  for (const scope of scopes) {
    try {
      ops.push(
        ...planSync(input.desired, actual, {
          scope,
          generation: input.generation,
          forceFlush: input.forceFlush,
          operatorFlush: input.operatorFlush,
        }),
      );
    } catch (err) {
      // A frontend without a VIP of its own (shadowed): the syncer skips it the same way.
      if (!(err instanceof UnknownFrontendError)) throw err;
      continue;
    }
    if (scope !== 'all') {
      const vip = [...input.desired.vips.values()].find((v) => v.frontend === scope.frontend);
      if (vip) keys.set(vipKeyString(vip.key), vip.key);
    }
  }
  const touched = new Set(ops.map((op) => vipKeyString(op.vip)));
  if (full) {
    for (const vip of [...input.desired.vips.values(), ...actual.vips.values()])
      keys.set(vipKeyString(vip.key), vip.key);
  }
  const vips: VipBucketMove[] = [];
  for (const [id, key] of [...keys].sort(([, a], [, b]) => compareVipKeys(a, b))) {
    const move = vipMove(key, input, actual.vips.get(id), ops);
    if (!full || touched.has(id) || move.moved > 0 || move.recreated) vips.push(move);
  }
  return { ops, vips };
}

/**
 * What VPP holds after a perfect sync of `desired`: every AS in use at its weight. On 1.1 a
 * weight-0 AS is absent and the others read 100, as the reader reports a release dump.
 */
export function assumeInSync(desired: DesiredLbState, generation: LbGeneration): LbState {
  const vips = new Map<string, VipState>();
  for (const [id, vip] of desired.vips) {
    const ases = new Map(
      [...vip.ases]
        .filter(([, as]) => generation === '1.2' || as.weight > 0)
        .map(([address, as]) => [address, { weight: generation === '1.1' ? 100 : as.weight, inUse: true }]),
    );
    vips.set(id, {
      key: vip.key,
      encap: vip.encap,
      srcIpSticky: vip.srcIpSticky,
      flowTableLength: vip.flowTableLength,
      ases,
    });
  }
  return { vips };
}

export function maglevGeneration(generation: LbGeneration): Generation {
  return generation === '1.1' ? 'release' : 'master';
}

function vipMove(
  key: VipKey,
  input: PreviewInput,
  have: VipState | undefined,
  ops: readonly LbOp[],
): VipBucketMove {
  const id = vipKeyString(key);
  const want: DesiredVip | undefined = input.desired.vips.get(id);
  const generation = maglevGeneration(input.generation);
  // Before: the ASes in use in VPP now. After: what the plan leaves in VPP, the desired ASes
  // (a weight-0 AS takes no bucket on 1.2 and is absent on 1.1, so both read the same here).
  const before: MaglevAs[] = have
    ? [...have.ases].filter(([, as]) => as.inUse).map(([address, as]) => ({ address, weight: as.weight }))
    : [];
  const after: MaglevAs[] = want
    ? [...want.ases]
        .filter(([, as]) => input.generation === '1.2' || as.weight > 0)
        .map(([address, as]) => ({ address, weight: as.weight }))
    : [];
  const recreated =
    ops.some((op) => op.op === 'vip-del' && vipKeyString(op.vip) === id) && want !== undefined;
  const lengthAfter = want?.flowTableLength ?? usableLength(have?.flowTableLength);
  // A length VPP does not report (0 or none, see VipState.flowTableLength) is the desired one, as
  // the planner takes it: it re-creates no VIP for it, so the table stays the one it is.
  const lengthBefore = have ? usableLength(have.flowTableLength || want?.flowTableLength) : lengthAfter;

  let moved: number;
  let countsBefore: Map<string, number>;
  let countsAfter: Map<string, number>;
  if (!recreated && lengthBefore === lengthAfter) {
    const p = predict(generation, before, after, lengthAfter);
    moved = p.moved;
    countsBefore = new Map(p.ases.map((a) => [a.address, a.bucketsBefore]));
    countsAfter = new Map(p.ases.map((a) => [a.address, a.bucketsAfter]));
  } else {
    // A new table: nothing of the old one survives, flows included.
    countsBefore = counts(generation, before, lengthBefore);
    countsAfter = counts(generation, after, lengthAfter);
    moved = lengthAfter;
  }

  const weightsBefore = new Map(before.map((as) => [as.address, as.weight]));
  const weightsAfter = new Map(after.map((as) => [as.address, as.weight]));
  const addresses = [...new Set([...weightsBefore.keys(), ...weightsAfter.keys()])].sort(compareIpText);
  const ases = addresses.map((address): AsBucketMove => ({
    address,
    backend: backendOf(address, want, input.current.vips.get(id)),
    weightBefore: weightsBefore.get(address),
    weightAfter: weightsAfter.get(address),
    bucketsBefore: countsBefore.get(address) ?? 0,
    bucketsAfter: countsAfter.get(address) ?? 0,
  }));
  return {
    frontend: want?.frontend ?? input.current.vips.get(id)?.frontend,
    key,
    flowTableLength: lengthAfter,
    generation: input.generation,
    moved,
    recreated,
    ases,
  };
}

/** 0 and undefined are "not known" (see VipState.flowTableLength): VPP's default then. */
function usableLength(length: number | undefined): number {
  return length === undefined || length === 0 ? DEFAULT_FLOW_TABLE_LENGTH : length;
}

function counts(generation: Generation, ases: readonly MaglevAs[], length: number): Map<string, number> {
  const n = bucketCounts(buildTable(generation, ases, length), ases.length);
  return new Map(ases.map((as, i) => [as.address, n[i] ?? 0]));
}

function backendOf(address: string, ...vips: (DesiredVip | undefined)[]): string | undefined {
  for (const vip of vips) {
    const name = vip?.ases.get(address)?.backends[0];
    if (name !== undefined) return name;
  }
  return undefined;
}
