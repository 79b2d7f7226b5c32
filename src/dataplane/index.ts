// Dataplane. The pure half: what VPP's lb plugin should hold (desired state from config and
// health), the ordered plan that turns what it holds into that, and the startup warmup gate
// that decides when VPP may be touched at all. The thin I/O half beside it: the syncer (the loop
// that dumps VPP, plans, and sends the ops; the only writer of VPP) and the counters poller.

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
export type {
  LbOp,
  LbOpKind,
  LbOpStage,
  LbSyncSummary,
  PlanOptions,
  SyncScope,
  VipDeleteReason,
} from './plan.js';
export { assumeInSync, maglevGeneration, previewPlan } from './preview.js';
export type { AsBucketMove, PlanPreview, PreviewInput, VipBucketMove } from './preview.js';
export { WarmupGate } from './warmup.js';
export type { WarmupOptions, WarmupPhase, WarmupSnapshot } from './warmup.js';
export { vppConfigProblems, wantedLbConf } from './vpp-config.js';
export type { WantedLbConf } from './vpp-config.js';
export { LbSyncError, SyncerStoppedError, VppNotConnectedError, WarmupHoldError } from './syncer-errors.js';
export type { FailedOp } from './syncer-errors.js';
export { LbReadError, readActualState, toLbState } from './syncer-read.js';
export type { ActualLbState } from './syncer-read.js';
export { applyOps, DEFAULT_APPLY_WINDOW } from './syncer-apply.js';
export type { ApplyHooks, ApplyOptions, ApplyResult } from './syncer-apply.js';
export { logSyncFailure, SyncRunReport, tallyUnit } from './syncer-report.js';
export type { PlannedUnit, UnitTally } from './syncer-report.js';
export { scopesOf, Syncer } from './syncer.js';
export { ProgrammedVips } from './programmed.js';
export type {
  HealthEvent,
  PreviewTrigger,
  SetWeightRequest,
  SyncPreview,
  SyncPreviewRequest,
  SyncReason,
  SyncerConnection,
  SyncerMetrics,
  SyncerOptions,
  SyncerSource,
} from './syncer.js';
export {
  COUNTERS_POLL_INTERVAL_MS,
  CountersPoller,
  VIP_DIRECTORY_MAX_AGE_MS,
  frontendsByVip,
} from './counters-poller.js';
export type {
  CountersMetrics,
  CountersPollerOptions,
  CountersSnapshot,
  CountersSource,
  StatsConnect,
  VipCounterSample,
} from './counters-poller.js';
export { readCountersFromCli, readCountersFromStats, readVipDirectory } from './counters-read.js';
export type { StatsCountersReading, VipCounterReading, VipDirectoryEntry } from './counters-read.js';
export { vipRates } from './counter-rates.js';
export type { VipCounterValues, VipRates } from './counter-rates.js';
export { processStartMs, vppStartTimeMs } from './vpp-process.js';
export { byteRate, packetRate, siNumber } from './rate-text.js';
export { rehearseSync, type SyncRehearsal } from './plan-rehearsal.js';
