// Executes a plan through the typed lb calls, strictly in the plan's order. One failed operation
// does not stop the others: the rest of that VIP's operations are skipped (they build on the one
// that failed), every other VIP still gets its changes. A lost connection stops everything.

import {
  VppConnectionError,
  VppTimeoutError,
  lbAddAs,
  lbAddVip,
  lbDelAs,
  lbDelVip,
  lbSetAsWeight,
  type LbApi,
} from '../vpp/index.js';
import { vipKeyString } from './model.js';
import type { LbOp } from './plan.js';
import type { FailedOp } from './syncer-errors.js';

export interface ApplyResult {
  readonly applied: readonly LbOp[];
  readonly failed: readonly FailedOp[];
  /** Not attempted: later operations of a VIP with a failure, or everything after a lost connection. */
  readonly skipped: readonly LbOp[];
}

export interface ApplyHooks {
  /** After each operation VPP accepted. */
  onApplied?: (op: LbOp) => void;
  /** After each operation VPP refused (or that could not be sent). */
  onFailed?: (op: LbOp, error: Error) => void;
}

export async function applyOps(
  api: LbApi,
  ops: readonly LbOp[],
  hooks: ApplyHooks = {},
): Promise<ApplyResult> {
  const applied: LbOp[] = [];
  const failed: FailedOp[] = [];
  const skipped: LbOp[] = [];
  const brokenVips = new Set<string>();
  let lost = false;
  for (const op of ops) {
    const vip = vipKeyString(op.vip);
    if (lost || brokenVips.has(vip)) {
      skipped.push(op);
      continue;
    }
    try {
      await applyOp(api, op);
      applied.push(op);
      hooks.onApplied?.(op);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      failed.push({ op, error });
      brokenVips.add(vip);
      if (error instanceof VppConnectionError || error instanceof VppTimeoutError) lost = true;
      hooks.onFailed?.(op, error);
    }
  }
  return { applied, failed, skipped };
}

function applyOp(api: LbApi, op: LbOp): Promise<void> {
  switch (op.op) {
    case 'vip-add':
      return lbAddVip(api, {
        ...op.vip,
        encap: op.encap,
        srcIpSticky: op.srcIpSticky,
        flowTableLength: op.flowTableLength,
      });
    case 'vip-del':
      return lbDelVip(api, op.vip);
    case 'as-add':
      return lbAddAs(api, op.vip, { address: op.address, weight: op.weight });
    case 'as-del':
      return lbDelAs(api, op.vip, op.address, { flush: op.flush });
    case 'as-weight':
      return lbSetAsWeight(api, op.vip, op.address, op.weight, { flush: op.flush });
  }
}
