// Executes a plan through the typed lb calls, with many operations in flight
// (docs/vpp.md §Many operations in flight). VPP handles one client's messages in order and
// answers each by its context (docs/vpp-lb.md §Requests and replies), so the operations go out
// in the plan's order without waiting for each reply, up to a window of unanswered ones; what
// VPP does is then exactly what it would do one request at a time, only without a round trip
// per operation.
//
// What waits: an operation waits until the earlier stages of its VIP are answered (plan.ts,
// LbOpStage), and everything behind it waits too, so the wire order stays the plan's. One
// failed operation does not stop the others: the rest of that VIP's later stages are skipped
// (they build on the one that failed), its siblings in the same stage still count, and every
// other VIP still gets its changes. A lost connection (or a timeout) stops everything not yet
// sent; what was in flight then fails with it.

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
import type { LbOp, LbOpStage } from './plan.js';
import type { FailedOp } from './syncer-errors.js';

/**
 * Operations sent but not yet answered, at most. Enough to hide the round trip (VPP answers a lb
 * call in microseconds); small enough that a burst never piles up megabytes in VPP's socket
 * buffers, and that a lost connection leaves few operations in doubt.
 */
export const DEFAULT_APPLY_WINDOW = 64;

export interface ApplyResult {
  readonly applied: readonly LbOp[];
  readonly failed: readonly FailedOp[];
  /** Not attempted: later stages of a VIP with a failure, or everything after a lost connection. */
  readonly skipped: readonly LbOp[];
}

export interface ApplyHooks {
  /** After each operation VPP accepted. */
  onApplied?: (op: LbOp) => void;
  /** After each operation VPP refused (or that could not be sent). */
  onFailed?: (op: LbOp, error: Error) => void;
}

export interface ApplyOptions {
  /** Most operations in flight at once; 1 sends them one at a time. Default DEFAULT_APPLY_WINDOW. */
  readonly window?: number;
}

type Outcome = { kind: 'applied' } | { kind: 'failed'; error: Error } | { kind: 'skipped' };

/** The operations of one VIP that are in flight: all of one stage. */
interface VipInFlight {
  stage: LbOpStage;
  count: number;
}

export function applyOps(
  api: LbApi,
  ops: readonly LbOp[],
  hooks: ApplyHooks = {},
  opts: ApplyOptions = {},
): Promise<ApplyResult> {
  const window = Math.max(1, opts.window ?? DEFAULT_APPLY_WINDOW);
  const outcomes: Outcome[] = new Array<Outcome>(ops.length);
  const vips = ops.map((op) => vipKeyString(op.vip));
  const brokenVips = new Set<string>();
  const inFlight = new Map<string, VipInFlight>();
  let sent = 0;
  let next = 0;
  let lost = false;

  return new Promise((resolve) => {
    const finished = (): void => {
      const applied: LbOp[] = [];
      const failed: FailedOp[] = [];
      const skipped: LbOp[] = [];
      ops.forEach((op, i) => {
        const o = outcomes[i];
        if (o?.kind === 'applied') applied.push(op);
        else if (o?.kind === 'failed') failed.push({ op, error: o.error });
        else skipped.push(op);
      });
      resolve({ applied, failed, skipped });
    };

    const settle = (i: number, op: LbOp, vip: string, error: Error | undefined): void => {
      sent--;
      const flight = inFlight.get(vip);
      if (flight && --flight.count === 0) inFlight.delete(vip);
      if (error) {
        outcomes[i] = { kind: 'failed', error };
        brokenVips.add(vip);
        if (error instanceof VppConnectionError || error instanceof VppTimeoutError) lost = true;
        hooks.onFailed?.(op, error);
      } else {
        outcomes[i] = { kind: 'applied' };
        hooks.onApplied?.(op);
      }
      pump();
    };

    const pump = (): void => {
      while (next < ops.length && sent < window) {
        const i = next;
        const op = ops[i] as LbOp;
        const vip = vips[i] as string;
        if (lost || brokenVips.has(vip)) {
          outcomes[i] = { kind: 'skipped' };
          next++;
          continue;
        }
        const flight = inFlight.get(vip);
        // An earlier stage of this VIP is still unanswered: wait for it, and keep the order.
        if (flight && flight.stage !== op.stage) break;
        if (flight) flight.count++;
        else inFlight.set(vip, { stage: op.stage, count: 1 });
        sent++;
        next++;
        applyOp(api, op).then(
          () => settle(i, op, vip, undefined),
          (err: unknown) => settle(i, op, vip, err instanceof Error ? err : new Error(String(err))),
        );
      }
      if (next >= ops.length && sent === 0) finished();
    };

    pump();
  });
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
