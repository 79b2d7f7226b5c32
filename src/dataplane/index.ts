// Dataplane, pure half: what VPP's lb plugin should hold (desired state from config and
// health), the ordered plan that turns what it holds into that, and the startup warmup gate
// that decides when VPP may be touched at all. No I/O: the syncer (the loop that dumps VPP,
// plans, and sends the ops) lives beside this and stays thin.

export { addressFamily, canonicalAddress, compareAddresses, formatAddress, parseAddress } from './address.js';
export type { Family, ParsedAddress } from './address.js';
export {
  compareVipKeys,
  DEFAULT_FLOW_TABLE_LENGTH,
  encapForFamily,
  hostPrefix,
  protocolName,
  protocolNumber,
  validFlowTableLength,
  vipAddress,
  vipFamily,
  vipKey,
  vipKeyString,
} from './model.js';
export type {
  AsState,
  DesiredAs,
  DesiredLbState,
  DesiredVip,
  Encap,
  LbGeneration,
  LbState,
  VipKey,
  VipProtocol,
  VipState,
} from './model.js';
export { desiredState, desiredVip, frontendBackendsKnown, frontendsReferencing } from './desired.js';
export type { StateOf } from './desired.js';
export { planSync, summarise, UnknownFrontendError } from './plan.js';
export type { LbOp, LbOpKind, LbSyncSummary, PlanOptions, SyncScope, VipDeleteReason } from './plan.js';
export { WarmupGate } from './warmup.js';
export type { WarmupOptions, WarmupPhase, WarmupSnapshot } from './warmup.js';
