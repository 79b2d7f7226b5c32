// The dry runs of the API (PreviewChange, and CheckConfig's reload preview) in a running maglevd:
// the checker says what the change would leave behind (Checker.whatIf), the syncer plans what it
// would send to VPP (Syncer.preview), and this file only turns the two answers into the API's
// view. Without VPP integration there is no syncer: the buckets are then predicted from the
// desired state before and after, and no operation is listed, since none would be sent.

import type { Checker, Hypothesis } from '../checker/index.js';
import type { FrontendProtocol } from '../config/types.js';
import {
  desiredState,
  previewPlan,
  protocolName,
  scopesOf,
  type LbOp,
  type PreviewTrigger,
  type SyncPreview,
  type SyncPreviewRequest,
  type VipBucketMove,
} from '../dataplane/index.js';
import type { ChangePreviewView, PlannedLbOpView, VipBucketMoveView } from './backend.js';

/** The syncer's preview (Syncer.preview), when VPP integration is on. */
export type SyncPreviewFn = (request: SyncPreviewRequest) => Promise<SyncPreview>;

export const VPP_OFF_NOTE = 'VPP integration is off: nothing would be sent to VPP';

/** Previews a change the checker has already worked out. */
export async function previewHypothesis(
  checker: Checker,
  hypothesis: Hypothesis,
  trigger: PreviewTrigger,
  syncPreview: SyncPreviewFn | undefined,
): Promise<ChangePreviewView> {
  const request: SyncPreviewRequest = {
    config: hypothesis.config,
    stateOf: hypothesis.stateOf,
    events: hypothesis.events,
    trigger,
  };
  const sync = syncPreview ? await syncPreview(request) : withoutVpp(checker, request);
  return changePreviewView(hypothesis, sync);
}

function withoutVpp(checker: Checker, request: SyncPreviewRequest): SyncPreview {
  const plan = previewPlan({
    desired: desiredState(request.config, request.stateOf),
    current: desiredState(checker.config(), (name) => checker.stateOf(name) ?? 'unknown'),
    actual: undefined,
    scopes: scopesOf(request.trigger, request.events),
    generation: '1.2',
  });
  return { ops: [], vips: plan.vips, vppRead: false, notes: [VPP_OFF_NOTE] };
}

export function changePreviewView(h: Hypothesis, p: SyncPreview): ChangePreviewView {
  return {
    backends: h.backends.map((b) => ({ ...b })),
    frontends: h.frontends.map((f) => ({ ...f })),
    vppOps: p.ops.map(opView),
    vips: p.vips.map(vipMoveView),
    vppRead: p.vppRead,
    notes: [...p.notes],
  };
}

function protocolOf(key: LbOp['vip']): FrontendProtocol {
  return protocolName(key.protocol) as FrontendProtocol;
}

function opView(op: LbOp): PlannedLbOpView {
  const base = {
    frontend: op.frontend,
    prefix: op.vip.prefix,
    protocol: protocolOf(op.vip),
    port: op.vip.port,
  };
  switch (op.op) {
    case 'vip-add':
      return {
        op: op.op,
        ...base,
        encap: op.encap,
        flowTableLength: op.flowTableLength,
        srcIpSticky: op.srcIpSticky,
      };
    case 'vip-del':
      return { op: op.op, ...base, reason: op.reason };
    case 'as-add':
      return { op: op.op, ...base, address: op.address, weight: op.weight };
    case 'as-del':
      return { op: op.op, ...base, address: op.address, flush: op.flush };
    case 'as-weight':
      return { op: op.op, ...base, address: op.address, weight: op.weight, flush: op.flush };
  }
}

function vipMoveView(v: VipBucketMove): VipBucketMoveView {
  return {
    frontend: v.frontend,
    prefix: v.key.prefix,
    protocol: protocolOf(v.key),
    port: v.key.port,
    flowTableLength: v.flowTableLength,
    bucketsMoved: v.moved,
    lbApiVersion: `${v.generation}.0`,
    recreated: v.recreated,
    ases: v.ases.map((a) => ({ ...a })),
  };
}
