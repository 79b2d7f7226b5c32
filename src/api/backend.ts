// What the gRPC API needs from the rest of maglevd. The daemon wiring implements this from the
// Checker, the config, the health frontend view and (later) the VPP syncer; tests implement it
// with a fake. The API layer only converts these views to protobuf and maps errors to statuses:
// no health or dataplane logic lives here.

import type { AnnounceEvent, AnnouncementsSnapshot, FrontendAnnouncementState } from '../announce/index.js';
import type { FrontendProtocol, HealthCheckConfig } from '../config/types.js';
import type { IpFamily } from '../net/ip-address.js';
import type { FrontendState, PanicState } from '../health/index.js';
import type { BackendState, CheckerFaultReason, ProbeResult, Transition } from '../health/types.js';
import type { LogLevel, LogRecord } from '../log/index.js';

export interface BackendView {
  name: string;
  address: string;
  family: IpFamily;
  state: BackendState;
  /** The rise/fall health counter. */
  counter: number;
  rise: number;
  fall: number;
  enabled: boolean;
  /** Health check name; undefined for a backend without one. */
  healthcheck: string | undefined;
  /** Newest first. */
  transitions: readonly Transition[];
  /** Frontends with this backend in a pool, in config order. */
  frontends: readonly string[];
  /** Set while the backend's latest probe was a checker fault (docs/safety.md). */
  checkerFault?: CheckerFaultView | undefined;
}

export interface CheckerFaultView {
  reason: CheckerFaultReason;
  detail: string;
  /** Wall time (ms) the fault started. */
  since: number;
}

export interface PoolBackendView {
  name: string;
  address: string;
  /** Configured (runtime) pool weight, 0..100. */
  weight: number;
  effectiveWeight: number;
  flush: boolean;
  state: BackendState;
  enabled: boolean;
  /** Wall time (ms) of the backend's last transition, if any. */
  lastTransitionAt: number | undefined;
  /** Buckets VPP reports for this AS, when known. */
  vppBuckets?: number | undefined;
  /** Buckets the Maglev table computed from effective weights gives this AS. */
  predictedBuckets?: number | undefined;
  /** The checker-fault reason while the backend's probes are checker faults. */
  checkerFault?: CheckerFaultReason | undefined;
}

export interface PoolView {
  name: string;
  backends: readonly PoolBackendView[];
}

export interface FrontendView {
  name: string;
  address: string;
  family: IpFamily;
  protocol: FrontendProtocol;
  port: number;
  description: string;
  srcIpSticky: boolean;
  flushOnDown: boolean;
  flowTableLength: number;
  pools: readonly PoolView[];
  state: FrontendState;
  /** Index of the active pool; -1 when none is active. */
  activePool: number;
  /** Wall time (ms) of the last frontend state change, when known. */
  stateSince?: number | undefined;
  /** True when the pool backends' vppBuckets come from a live VPP read. */
  vppBucketsKnown?: boolean | undefined;
  /** panic-threshold, percent; undefined when the frontend has none. */
  panicThreshold?: number | undefined;
  /** Set while the frontend serves in panic; `pool` indexes `pools`. */
  panic?: PanicState | undefined;
  /** Announced over BGP, and why; undefined when maglev.announce is not set. */
  announcement?: FrontendAnnouncementState | undefined;
}

export interface HealthCheckView {
  config: HealthCheckConfig;
  /** Backends probed with it, in config order. */
  backends: readonly string[];
}

/** A backend transition as seen by one frontend (frontend undefined: no frontend uses it). */
export interface BackendTransitionEvent {
  type: 'backend-transition';
  frontend: string | undefined;
  backend: string;
  address: string;
  transition: Transition;
}

export interface FrontendStateEvent {
  type: 'frontend-state';
  frontend: string;
  from: FrontendState;
  to: FrontendState;
  /** Wall time, ms. */
  at: number;
}

/** A backend's checker fault started or ended, as seen by one frontend. */
export interface CheckerFaultApiEvent {
  type: 'checker-fault';
  frontend: string;
  backend: string;
  address: string;
  healthcheck: string;
  active: boolean;
  reason: CheckerFaultReason;
  detail: string;
  /** Wall time, ms. */
  at: number;
}

/** A frontend started or stopped serving in panic. */
export interface PanicApiEvent {
  type: 'panic';
  frontend: string;
  active: boolean;
  pool: string;
  up: number;
  eligible: number;
  threshold: number;
  /** Wall time, ms. */
  at: number;
}

/** An announcement change or a change in BIRD's state (docs/fleet.md). */
export interface AnnouncementApiEvent {
  type: 'announcement';
  change: AnnounceEvent;
}

export type ApiEvent =
  BackendTransitionEvent | FrontendStateEvent | CheckerFaultApiEvent | PanicApiEvent | AnnouncementApiEvent;

export interface SetWeightInput {
  frontend: string;
  pool: string;
  backend: string;
  /** Already checked to be an integer in 0..100. */
  weight: number;
  flush: boolean;
}

/** The outcome of `maglevd --check`, SIGHUP and the config RPCs (one code path). */
export interface ConfigCheckResult {
  ok: boolean;
  /** Every parse/schema problem, one per line, with file:line:col. */
  parseError?: string | undefined;
  /** Every semantic problem, one per line. */
  semanticError?: string | undefined;
  warnings?: readonly string[] | undefined;
  /** CheckConfig of a valid config: what reloading to it would change. */
  preview?: ChangePreviewView | undefined;
}

/** A configuration to check instead of the file on disk (CheckConfig's candidate). */
export interface ConfigCandidate {
  yaml: string;
  /** What file:line:col positions call it. */
  name: string;
}

// --- previews (the dry runs of actions) -------------------------------------------------------

/** The actions PreviewChange previews; a reload is previewed by checkConfig. */
export type PreviewChangeInput =
  | { kind: 'backend-action'; action: 'pause' | 'resume' | 'enable' | 'disable'; backend: string }
  | { kind: 'set-weight'; input: SetWeightInput }
  | { kind: 'sync'; frontend: string | undefined };

export interface PlannedLbOpView {
  op: 'vip-add' | 'vip-del' | 'as-add' | 'as-del' | 'as-weight';
  frontend: string | undefined;
  /** The VIP, CIDR. */
  prefix: string;
  protocol: FrontendProtocol;
  port: number;
  address?: string | undefined;
  weight?: number | undefined;
  flush?: boolean | undefined;
  /** vip-del: why. */
  reason?: string | undefined;
  /** vip-add: the VIP's settings. */
  encap?: string | undefined;
  flowTableLength?: number | undefined;
  srcIpSticky?: boolean | undefined;
}

export interface AsBucketMoveView {
  address: string;
  backend: string | undefined;
  weightBefore: number | undefined;
  weightAfter: number | undefined;
  bucketsBefore: number;
  bucketsAfter: number;
}

export interface VipBucketMoveView {
  frontend: string | undefined;
  prefix: string;
  protocol: FrontendProtocol;
  port: number;
  flowTableLength: number;
  bucketsMoved: number;
  /** '1.1.0' or '1.2.0'. */
  lbApiVersion: string;
  recreated: boolean;
  ases: readonly AsBucketMoveView[];
}

export interface ChangePreviewView {
  /** from undefined: a new backend; to undefined: one that goes. */
  backends: readonly { backend: string; from: string | undefined; to: string | undefined; detail: string }[];
  frontends: readonly { frontend: string; from: string | undefined; to: string | undefined }[];
  vppOps: readonly PlannedLbOpView[];
  vips: readonly VipBucketMoveView[];
  vppRead: boolean;
  notes: readonly string[];
}

export interface ConfigReloadResult extends ConfigCheckResult {
  /** The file was valid but applying it failed. */
  applyError?: string | undefined;
}

// --- VPP ------------------------------------------------------------------------------------

export interface VppInfoView {
  version: string;
  buildDate: string;
  buildDirectory: string;
  pid: number;
  /** Wall time (ms) VPP booted, when known. */
  bootTime: number | undefined;
  /** Wall time (ms) maglevd connected. */
  connectTime: number | undefined;
  /** '1.1.0' or '1.2.0'. */
  lbApiVersion: string;
  apiSocket: string;
  statsSocket: string;
}

export interface VppAsView {
  address: string;
  weight: number;
  flags: number;
  inUse: boolean;
  buckets: number | undefined;
  inUseSince: number;
  backend: string | undefined;
  predictedBuckets: number | undefined;
}

export interface VppVipView {
  /** CIDR. */
  prefix: string;
  protocol: FrontendProtocol;
  port: number;
  encap: string;
  flowTableLength: number;
  srcIpSticky: boolean;
  ases: readonly VppAsView[];
  frontend: string | undefined;
  index: number | undefined;
}

export interface VppLbStateView {
  conf: {
    ipv4SrcAddress: string;
    ipv6SrcAddress: string;
    stickyBucketsPerCore: number;
    flowTimeoutS: number;
  };
  vips: readonly VppVipView[];
  /** Wall time (ms) of the read. */
  readAt: number;
}

export interface VppSyncSummary {
  vipsAdded: number;
  vipsRemoved: number;
  asesAdded: number;
  asesRemoved: number;
  weightsUpdated: number;
}

export interface VppVipCountersView {
  frontend: string | undefined;
  prefix: string;
  protocol: FrontendProtocol;
  port: number;
  nextPackets: bigint;
  firstPackets: bigint;
  untrackedPackets: bigint;
  noServerPackets: bigint;
  /** VPP's pool index of the VIP. */
  index: number;
  /** `/net/route/to` of the VIP's route (stats segment only). */
  routePackets?: bigint;
  routeBytes?: bigint;
  /** Since the previous poll. */
  packetsPerSecond?: number;
  routePacketsPerSecond?: number;
  routeBytesPerSecond?: number;
}

export interface VppCountersView {
  vips: readonly VppVipCountersView[];
  /** Wall time (ms) of the snapshot. */
  updatedAt: number;
  /** `stats-segment` or `cli`; empty before the first poll. */
  source: string;
  /** Seconds between the snapshot and the previous poll (the rates' interval). */
  rateIntervalSeconds?: number;
}

/**
 * The VPP side. Each method throws an UnavailableError while VPP is not connected, and a
 * FailedPreconditionError for a sync held back by the startup warmup (src/errors.ts).
 */
export interface VppApiBackend {
  info(): VppInfoView | Promise<VppInfoView>;
  lbState(): Promise<VppLbStateView>;
  /** frontend undefined: every VIP. Throws a NotFound error for an unknown frontend. */
  sync(frontend: string | undefined): Promise<VppSyncSummary>;
  counters(): VppCountersView | Promise<VppCountersView>;
}

// --- the whole backend ------------------------------------------------------------------------

type MaybePromise<T> = T | Promise<T>;

/**
 * Lookups return undefined for unknown names (the API answers NOT_FOUND). Actions throw the
 * coded errors of src/errors.ts (NotFoundError, FailedPreconditionError...), which the API maps
 * to a status by their code; anything else is a bug and answers INTERNAL.
 */
export interface MaglevApiBackend {
  frontends(): readonly FrontendView[];
  frontend(name: string): FrontendView | undefined;
  backends(): readonly BackendView[];
  backend(name: string): BackendView | undefined;
  healthChecks(): readonly HealthCheckView[];
  healthCheck(name: string): HealthCheckView | undefined;

  pauseBackend(name: string): MaybePromise<BackendView>;
  resumeBackend(name: string): MaybePromise<BackendView>;
  enableBackend(name: string): MaybePromise<BackendView>;
  disableBackend(name: string): MaybePromise<BackendView>;
  setPoolBackendWeight(input: SetWeightInput): MaybePromise<FrontendView>;
  /** The dry run of an action: refuses what the action refuses, changes nothing. */
  previewChange(change: PreviewChangeInput): Promise<ChangePreviewView>;

  /** Backend transitions, frontend state changes, checker faults and panics; returns the unsubscribe function. */
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Log records at or above `level` (the LogBroadcaster's contract). */
  subscribeLogs(level: LogLevel, listener: (record: LogRecord) => void): () => void;
  /** Every finished probe, synchronously (listeners must only take note). */
  subscribeProbes(listener: (backend: string, result: ProbeResult) => void): () => void;

  /** The file on disk, or the candidate; a valid one comes with its reload preview. */
  checkConfig(candidate?: ConfigCandidate): Promise<ConfigCheckResult>;
  reloadConfig(): Promise<ConfigReloadResult>;

  /** Undefined until VPP integration exists / while it is turned off. */
  vpp(): VppApiBackend | undefined;

  /** What this node announces through BIRD; undefined (or absent) when maglev.announce is not set. */
  announcements?(): AnnouncementsSnapshot | undefined;
}
