// Pure conversions from maglevd's views to protobuf messages (ts-proto shapes). Nothing here
// decides anything; it only renames, converts times (ms → Date / Duration) and keeps the
// protobuf rules (absent optional fields are undefined, never null).

import type { AnnounceEvent, AnnouncementsSnapshot, FrontendAnnouncementState } from '../announce/index.js';
import type { HealthCheckConfig } from '../config/types.js';
import type { Transition } from '../health/types.js';
import type { LogAttrs, LogRecord } from '../log/index.js';
import type {
  ApiEvent,
  BackendView,
  BackendTransitionEvent,
  CheckerFaultApiEvent,
  ChangePreviewView,
  ConfigCheckResult,
  ConfigReloadResult,
  FrontendStateEvent,
  FrontendView,
  HealthCheckView,
  PanicApiEvent,
  VppCountersView,
  VppInfoView,
  VppLbStateView,
  VppSyncSummary,
} from './backend.js';
import type { Duration } from './gen/google/protobuf/duration.js';
import type { ProbeSummaryEntry } from './probe-summary.js';
import type {
  Announcements,
  BackendInfo,
  ChangePreview,
  CheckConfigResponse,
  Event,
  FrontendAnnouncement,
  FrontendInfo,
  HealthCheckInfo,
  PlannedLbOp,
  ReloadConfigResponse,
  SyncVPPLBStateResponse,
  TransitionRecord,
  VPPInfo,
  VPPLBCounters,
  VPPLBState,
} from './gen/maglev.js';

export function durationFromMs(ms: number): Duration {
  const whole = Math.trunc(ms);
  const seconds = Math.trunc(whole / 1000);
  const nanos = (whole - seconds * 1000) * 1_000_000 + Math.round((ms - whole) * 1_000_000);
  return { seconds: BigInt(seconds), nanos };
}

export function msFromDuration(d: Duration): number {
  return Number(d.seconds) * 1000 + d.nanos / 1_000_000;
}

function dateOrUndefined(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}

export function transitionRecord(t: Transition): TransitionRecord {
  return { from: t.from, to: t.to, time: new Date(t.at), code: t.code, detail: t.detail };
}

export function frontendInfo(f: FrontendView): FrontendInfo {
  return {
    name: f.name,
    address: f.address,
    protocol: f.protocol,
    port: f.port,
    pools: f.pools.map((pool, i) => ({
      name: pool.name,
      active: i === f.activePool,
      backends: pool.backends.map((b) => ({
        name: b.name,
        weight: b.weight,
        effectiveWeight: b.effectiveWeight,
        flush: b.flush,
        state: b.state,
        enabled: b.enabled,
        address: b.address,
        lastTransition: dateOrUndefined(b.lastTransitionAt),
        vppBuckets: b.vppBuckets,
        predictedBuckets: b.predictedBuckets,
        checkerFault: b.checkerFault ?? '',
      })),
    })),
    description: f.description,
    srcIpSticky: f.srcIpSticky,
    flushOnDown: f.flushOnDown,
    flowTableLength: f.flowTableLength,
    state: f.state,
    activePool: f.activePool >= 0 ? f.activePool : undefined,
    addressFamily: f.family,
    stateSince: dateOrUndefined(f.stateSince),
    vppBucketsKnown: f.vppBucketsKnown ?? false,
    panicThreshold: f.panicThreshold,
    panic:
      f.panic === undefined
        ? undefined
        : { pool: f.pools[f.panic.pool]?.name ?? '', up: f.panic.up, eligible: f.panic.eligible },
    announcement: f.announcement && frontendAnnouncement(f.announcement),
  };
}

export function frontendAnnouncement(a: FrontendAnnouncementState): FrontendAnnouncement {
  return {
    frontend: a.frontend,
    address: a.address,
    announced: a.announced,
    wanted: a.wanted,
    reason: a.reason,
  };
}

/** GetAnnouncements: `enabled` false and nothing else without maglev.announce. */
export function announcements(snap: AnnouncementsSnapshot | undefined): Announcements {
  return {
    enabled: snap !== undefined,
    birdSocket: snap?.socket ?? '',
    includeFile: snap?.includeFile ?? '',
    protocol: snap?.protocol ?? '',
    birdOk: snap?.birdOk,
    lastErrorKind: snap?.lastError?.kind ?? '',
    lastError: snap?.lastError?.message ?? '',
    lastErrorTime: dateOrUndefined(snap?.lastError?.at),
    appliedTime: dateOrUndefined(snap?.appliedAt),
    frontends: snap?.frontends.map(frontendAnnouncement) ?? [],
    routes: snap?.routes.map((r) => ({ prefix: r.prefix, frontends: [...r.frontends] })) ?? [],
  };
}

export function announcementEvent(e: AnnounceEvent): Event {
  const value =
    e.type === 'announcement'
      ? {
          frontend: e.frontend,
          address: e.address,
          announced: e.announced,
          reason: e.reason,
          time: new Date(e.at),
          birdOk: false,
          errorKind: '',
          error: '',
        }
      : {
          frontend: '',
          address: '',
          announced: false,
          reason: '',
          time: new Date(e.at),
          birdOk: e.ok,
          errorKind: e.error?.kind ?? '',
          error: e.error?.message ?? '',
        };
  return { event: { $case: 'announcement', value } };
}

export function backendInfo(b: BackendView): BackendInfo {
  return {
    name: b.name,
    address: b.address,
    state: b.state,
    enabled: b.enabled,
    healthcheck: b.healthcheck ?? '',
    transitions: b.transitions.map(transitionRecord),
    counter: b.counter,
    rise: b.rise,
    fall: b.fall,
    addressFamily: b.family,
    frontends: [...b.frontends],
    checkerFault:
      b.checkerFault === undefined
        ? undefined
        : {
            reason: b.checkerFault.reason,
            detail: b.checkerFault.detail,
            since: new Date(b.checkerFault.since),
          },
  };
}

export function healthCheckInfo(view: HealthCheckView): HealthCheckInfo {
  const hc: HealthCheckConfig = view.config;
  return {
    name: hc.name,
    type: hc.type,
    port: hc.port,
    interval: durationFromMs(hc.intervalMs),
    fastInterval: durationFromMs(hc.fastIntervalMs),
    downInterval: durationFromMs(hc.downIntervalMs),
    timeout: durationFromMs(hc.timeoutMs),
    rise: hc.rise,
    fall: hc.fall,
    probeIpv4Src: hc.probeIpv4Src ?? '',
    probeIpv6Src: hc.probeIpv6Src ?? '',
    params: {
      path: hc.params.path,
      host: hc.params.host ?? '',
      responseCodeMin: hc.params.responseCode.min,
      responseCodeMax: hc.params.responseCode.max,
      responseRegexp: hc.params.responseRegexp ?? '',
      serverName: hc.params.serverName ?? '',
      insecureSkipVerify: hc.params.insecureSkipVerify,
      ssl: hc.params.ssl,
      halfOpen: hc.params.halfOpen,
      tlsSessionReuse: hc.params.tlsSessionReuse,
      resetClose: hc.params.resetClose,
    },
    backends: [...view.backends],
  };
}

function configVerdict(r: ConfigCheckResult) {
  return {
    ok: r.ok,
    parseError: r.parseError ?? '',
    semanticError: r.semanticError ?? '',
    warnings: [...(r.warnings ?? [])],
  };
}

export function checkConfigResponse(r: ConfigCheckResult): CheckConfigResponse {
  return { ...configVerdict(r), preview: r.preview ? changePreview(r.preview) : undefined };
}

export function reloadConfigResponse(r: ConfigReloadResult): ReloadConfigResponse {
  return { ...configVerdict(r), applyError: r.applyError ?? '' };
}

// --- previews --------------------------------------------------------------------------------

export function changePreview(p: ChangePreviewView): ChangePreview {
  return {
    backends: p.backends.map((b) => ({
      backend: b.backend,
      from: b.from ?? '',
      to: b.to ?? '',
      detail: b.detail,
    })),
    frontends: p.frontends.map((f) => ({ frontend: f.frontend, from: f.from ?? '', to: f.to ?? '' })),
    vppOps: p.vppOps.map((op): PlannedLbOp => ({
      op: op.op,
      frontend: op.frontend ?? '',
      prefix: op.prefix,
      protocol: op.protocol,
      port: op.port,
      address: op.address ?? '',
      weight: op.weight ?? 0,
      flush: op.flush ?? false,
      reason: op.reason ?? '',
      encap: op.encap ?? '',
      flowTableLength: op.flowTableLength ?? 0,
      srcIpSticky: op.srcIpSticky ?? false,
    })),
    vips: p.vips.map((v) => ({
      frontend: v.frontend ?? '',
      prefix: v.prefix,
      protocol: v.protocol,
      port: v.port,
      flowTableLength: v.flowTableLength,
      bucketsMoved: v.bucketsMoved,
      lbApiVersion: v.lbApiVersion,
      recreated: v.recreated,
      ases: v.ases.map((a) => ({
        address: a.address,
        backend: a.backend ?? '',
        weightBefore: a.weightBefore,
        weightAfter: a.weightAfter,
        bucketsBefore: a.bucketsBefore,
        bucketsAfter: a.bucketsAfter,
      })),
    })),
    vppRead: p.vppRead,
    notes: [...p.notes],
  };
}

// --- events ----------------------------------------------------------------------------------

export function backendEvent(e: BackendTransitionEvent): Event {
  return {
    event: {
      $case: 'backend',
      value: {
        frontend: e.frontend ?? '',
        backend: e.backend,
        address: e.address,
        transition: transitionRecord(e.transition),
      },
    },
  };
}

export function frontendEvent(e: FrontendStateEvent): Event {
  return {
    event: {
      $case: 'frontend',
      value: { frontend: e.frontend, from: e.from, to: e.to, time: new Date(e.at) },
    },
  };
}

export function checkerFaultEvent(e: CheckerFaultApiEvent): Event {
  const { type: _type, at, ...rest } = e;
  return { event: { $case: 'checkerFault', value: { ...rest, time: new Date(at) } } };
}

export function panicEvent(e: PanicApiEvent): Event {
  const { type: _type, at, ...rest } = e;
  return { event: { $case: 'panic', value: { ...rest, time: new Date(at) } } };
}

/** Any event of the checker's stream as its protobuf message. */
export function apiEvent(e: ApiEvent): Event {
  switch (e.type) {
    case 'frontend-state':
      return frontendEvent(e);
    case 'backend-transition':
      return backendEvent(e);
    case 'checker-fault':
      return checkerFaultEvent(e);
    case 'panic':
      return panicEvent(e);
    case 'announcement':
      return announcementEvent(e.change);
  }
}

export function probeSummariesEvent(batch: readonly ProbeSummaryEntry[]): Event {
  return {
    event: {
      $case: 'probes',
      value: {
        probes: batch.map((p) => ({
          backend: p.backend,
          count: p.count,
          ok: p.ok,
          code: p.code,
          detail: p.detail,
          time: new Date(p.at),
        })),
      },
    },
  };
}

export function logEvent(r: LogRecord): Event {
  return {
    event: {
      $case: 'log',
      value: { time: new Date(r.at), level: r.level, msg: r.event, attrs: jsonAttrs(r.attrs) },
    },
  };
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Log attributes as a google.protobuf.Struct can carry them. Loggers take anything (bigints,
 * Errors, Dates, Buffers); a Struct holds only JSON, so turn the rest into readable strings
 * rather than fail the whole stream on one odd attribute.
 */
export function jsonAttrs(attrs: LogAttrs): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(attrs)) {
    const j = toJsonValue(v, 0);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

function toJsonValue(v: unknown, depth: number): JsonValue | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'bigint':
      return v.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return null;
  if (depth >= 8) return '[nested too deep]';
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Error) return v.message;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x, depth + 1) ?? null);
  if (v instanceof Map) {
    const entries: Record<string, unknown> = {};
    for (const [k, x] of v as Map<unknown, unknown>) entries[String(k)] = x;
    return toJsonObject(entries, depth);
  }
  if (v instanceof Set) return [...v].map((x) => toJsonValue(x, depth + 1) ?? null);
  return toJsonObject(v as Record<string, unknown>, depth);
}

function toJsonObject(v: Record<string, unknown>, depth: number): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, x] of Object.entries(v)) {
    const j = toJsonValue(x, depth + 1);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

// --- VPP -------------------------------------------------------------------------------------

export function vppInfo(v: VppInfoView): VPPInfo {
  return {
    version: v.version,
    buildDate: v.buildDate,
    buildDirectory: v.buildDirectory,
    pid: v.pid,
    bootTime: dateOrUndefined(v.bootTime),
    connectTime: dateOrUndefined(v.connectTime),
    lbApiVersion: v.lbApiVersion,
    apiSocket: v.apiSocket,
    statsSocket: v.statsSocket,
  };
}

export function vppLbState(s: VppLbStateView): VPPLBState {
  return {
    conf: {
      ipv4SrcAddress: s.conf.ipv4SrcAddress,
      ipv6SrcAddress: s.conf.ipv6SrcAddress,
      stickyBucketsPerCore: s.conf.stickyBucketsPerCore,
      flowTimeout: s.conf.flowTimeoutS,
    },
    vips: s.vips.map((vip) => ({
      prefix: vip.prefix,
      protocol: vip.protocol,
      port: vip.port,
      encap: vip.encap,
      flowTableLength: vip.flowTableLength,
      srcIpSticky: vip.srcIpSticky,
      ases: vip.ases.map((as) => ({
        address: as.address,
        weight: as.weight,
        flags: as.flags,
        inUse: as.inUse,
        buckets: as.buckets,
        inUseSince: as.inUseSince,
        backend: as.backend ?? '',
        predictedBuckets: as.predictedBuckets,
      })),
      frontend: vip.frontend ?? '',
      index: vip.index,
    })),
    readAt: new Date(s.readAt),
  };
}

export function syncResponse(s: VppSyncSummary): SyncVPPLBStateResponse {
  return {
    vipsAdded: s.vipsAdded,
    vipsRemoved: s.vipsRemoved,
    asesAdded: s.asesAdded,
    asesRemoved: s.asesRemoved,
    weightsUpdated: s.weightsUpdated,
  };
}

export function vppLbCounters(c: VppCountersView): VPPLBCounters {
  return {
    vips: c.vips.map((v) => ({
      frontend: v.frontend ?? '',
      prefix: v.prefix,
      protocol: v.protocol,
      port: v.port,
      nextPackets: v.nextPackets,
      firstPackets: v.firstPackets,
      untrackedPackets: v.untrackedPackets,
      noServerPackets: v.noServerPackets,
      index: v.index,
      routePackets: v.routePackets,
      routeBytes: v.routeBytes,
      packetsPerSecond: v.packetsPerSecond,
      routePacketsPerSecond: v.routePacketsPerSecond,
      routeBytesPerSecond: v.routeBytesPerSecond,
    })),
    updatedAt: new Date(c.updatedAt),
    source: c.source,
    rateIntervalSeconds: c.rateIntervalSeconds,
  };
}
