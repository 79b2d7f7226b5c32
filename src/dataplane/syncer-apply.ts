// Executes a plan through the typed lb calls, with many operations in flight
// (docs/vpp.md §Many operations in flight). VPP handles one client's messages in order and
// answers each by its context (docs/vpp-lb.md §Requests and replies), so the operations go out
// in the plan's order without waiting for each reply, up to a window of unanswered ones; what
// VPP does is then exactly what it would do one request at a time, only without a round trip
// per operation.
//
// What waits. Each VIP's operations leave in the plan's order, and an operation waits until the
// earlier stages of its VIP are answered (plan.ts, LbOpStage): its ASes wait for its add, its
// lowerings for its raises. Meanwhile other VIPs go ahead, so a first sync of 100 VIPs does not
// wait a round trip per VIP. Teardowns are barriers: they go out only after everything before
// them, and nothing after them goes out before them (a VIP deleted there may be what lets a later
// add fit on its prefix). One failed operation does not stop the others: the later stages of its
// VIP are skipped (they build on the one that failed), its siblings in the same stage still count,
// and every other VIP still gets its changes. A lost connection (or a timeout) stops everything
// not yet sent; what was in flight then fails with it.

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
 * Operations sent but not yet answered, at most. Each reply maglevd handles costs it a turn of
 * its event loop, which is slow while 10 000 probes share it; 256 in flight lets one turn answer
 * many. Small all the same: 256 requests are about 15 KB in VPP's socket buffer (it handles
 * hundreds of thousands of API messages a second), and a lost connection leaves at most 256
 * operations in doubt, which the full sync after the reconnect reads back anyway.
 */
export const DEFAULT_APPLY_WINDOW = 256;

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

/** Op indexes in plan order, and how many of them have been sent or skipped. */
interface Lane {
  readonly ops: number[];
  head: number;
}

/** A run of the plan: teardowns (one lane: strictly in order) or builds (a lane per VIP). */
interface Segment {
  readonly teardown: boolean;
  /** In the order their VIPs first appear in the plan. */
  readonly lanes: Lane[];
}

function isTeardown(op: LbOp): boolean {
  return op.stage === 'teardown-ases' || op.stage === 'teardown-vip';
}

function segmentsOf(ops: readonly LbOp[], vips: readonly string[]): Segment[] {
  const segments: Segment[] = [];
  let lanes = new Map<string, Lane>();
  ops.forEach((op, i) => {
    const teardown = isTeardown(op);
    const last = segments.at(-1);
    if (!last || last.teardown !== teardown) {
      lanes = new Map();
      segments.push({ teardown, lanes: [] });
    }
    const segment = segments.at(-1) as Segment;
    // A teardown segment is one lane: strictly the plan's order.
    const key = teardown ? '' : (vips[i] as string);
    let lane = lanes.get(key);
    if (!lane) {
      lane = { ops: [], head: 0 };
      lanes.set(key, lane);
      segment.lanes.push(lane);
    }
    lane.ops.push(i);
  });
  return segments;
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
  const segments = segmentsOf(ops, vips);
  const brokenVips = new Set<string>();
  const inFlight = new Map<string, VipInFlight>();
  let sent = 0;
  let segment = 0;
  let lost = false;

  return new Promise((resolve) => {
    let done = false;
    const finished = (): void => {
      if (done) return;
      done = true;
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

    const send = (i: number): void => {
      const op = ops[i] as LbOp;
      const vip = vips[i] as string;
      const flight = inFlight.get(vip);
      if (flight) flight.count++;
      else inFlight.set(vip, { stage: op.stage, count: 1 });
      sent++;
      applyOp(api, op).then(
        () => settle(i, op, vip, undefined),
        (err: unknown) => settle(i, op, vip, err instanceof Error ? err : new Error(String(err))),
      );
    };

    /** Sends what one lane may send now; false when it has to wait. */
    const drainLane = (lane: Lane): boolean => {
      while (lane.head < lane.ops.length) {
        if (sent >= window) return false;
        const i = lane.ops[lane.head] as number;
        const vip = vips[i] as string;
        if (lost || brokenVips.has(vip)) {
          outcomes[i] = { kind: 'skipped' };
          lane.head++;
          continue;
        }
        const flight = inFlight.get(vip);
        // An earlier stage of this VIP is still unanswered: this lane waits for it.
        if (flight && flight.stage !== (ops[i] as LbOp).stage) return false;
        lane.head++;
        send(i);
      }
      return true;
    };

    const pump = (): void => {
      for (let current = segments[segment]; current; current = segments[++segment]) {
        let emptied = true;
        for (const lane of current.lanes) if (!drainLane(lane)) emptied = false;
        if (!emptied) break;
      }
      if (segment >= segments.length && sent === 0) finished();
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
