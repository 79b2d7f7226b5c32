// Protobuf messages (from the generated client) to the page's JSON (wire.ts): Dates become
// epoch milliseconds, absent optionals become null, Durations become milliseconds.

import type {
  BackendInfo,
  ChangePreview,
  FrontendInfo,
  PlannedLbOp,
  HealthCheckInfo,
  TransitionRecord,
  VPPInfo,
  VPPLBState,
} from '../api/index.js';
import { msFromDuration } from '../api/index.js';
import type {
  BackendJson,
  ChangePreviewJson,
  FrontendJson,
  HealthCheckJson,
  TransitionJson,
  VppInfoJson,
  VppLbStateJson,
} from './wire.js';

export function msOrNull(d: Date | undefined): number | null {
  return d === undefined ? null : d.getTime();
}

export function transitionJson(t: TransitionRecord | undefined): TransitionJson {
  return {
    from: t?.from ?? '',
    to: t?.to ?? '',
    at: msOrNull(t?.time),
    code: t?.code ?? '',
    detail: t?.detail ?? '',
  };
}

export function frontendJson(f: FrontendInfo): FrontendJson {
  return {
    name: f.name,
    address: f.address,
    protocol: f.protocol,
    port: f.port,
    family: f.addressFamily,
    description: f.description,
    srcIpSticky: f.srcIpSticky,
    flushOnDown: f.flushOnDown,
    flowTableLength: f.flowTableLength,
    state: f.state,
    stateSince: msOrNull(f.stateSince),
    activePool: f.activePool ?? null,
    panicThreshold: f.panicThreshold ?? null,
    announcement: f.announcement
      ? { announced: f.announcement.announced, reason: f.announcement.reason }
      : null,
    pools: f.pools.map((p) => ({
      name: p.name,
      active: p.active,
      backends: p.backends.map((b) => ({
        name: b.name,
        address: b.address,
        weight: b.weight,
        effectiveWeight: b.effectiveWeight,
        state: b.state,
        enabled: b.enabled,
        lastTransitionAt: msOrNull(b.lastTransition),
        vppBuckets: f.vppBucketsKnown ? (b.vppBuckets ?? null) : null,
        predictedBuckets: b.predictedBuckets ?? null,
        checkerFault: b.checkerFault === '' ? null : b.checkerFault,
      })),
    })),
  };
}

export function backendJson(b: BackendInfo): BackendJson {
  return {
    name: b.name,
    address: b.address,
    family: b.addressFamily,
    state: b.state,
    enabled: b.enabled,
    healthcheck: b.healthcheck,
    counter: b.counter,
    rise: b.rise,
    fall: b.fall,
    frontends: [...b.frontends],
    transitions: b.transitions.map(transitionJson),
    checkerFault:
      b.checkerFault === undefined
        ? null
        : {
            reason: b.checkerFault.reason,
            detail: b.checkerFault.detail,
            since: msOrNull(b.checkerFault.since),
          },
  };
}

export function healthCheckJson(h: HealthCheckInfo): HealthCheckJson {
  const ms = (d: HealthCheckInfo['interval']) => (d === undefined ? 0 : msFromDuration(d));
  return {
    name: h.name,
    type: h.type,
    port: h.port ?? null,
    intervalMs: ms(h.interval),
    fastIntervalMs: ms(h.fastInterval),
    downIntervalMs: ms(h.downInterval),
    timeoutMs: ms(h.timeout),
    rise: h.rise,
    fall: h.fall,
    backends: [...h.backends],
  };
}

export function vppInfoJson(v: VPPInfo): VppInfoJson {
  return {
    version: v.version,
    buildDate: v.buildDate,
    pid: v.pid,
    bootTime: msOrNull(v.bootTime),
    connectTime: msOrNull(v.connectTime),
    lbApiVersion: v.lbApiVersion,
    apiSocket: v.apiSocket,
  };
}

export function vppLbStateJson(s: VPPLBState): VppLbStateJson {
  return {
    readAt: msOrNull(s.readAt),
    vips: s.vips.map((v) => ({
      prefix: v.prefix,
      protocol: v.protocol,
      port: v.port,
      encap: v.encap,
      flowTableLength: v.flowTableLength,
      srcIpSticky: v.srcIpSticky,
      frontend: v.frontend === '' ? null : v.frontend,
      ases: v.ases.map((a) => ({
        address: a.address,
        weight: a.weight,
        inUse: a.inUse,
        buckets: a.buckets ?? null,
        backend: a.backend === '' ? null : a.backend,
        predictedBuckets: a.predictedBuckets ?? null,
      })),
    })),
  };
}

/** An lb operation in one line: `as-weight 192.0.2.1/32 tcp/80 10.0.0.2 weight 20 flush`. */
export function lbOpText(op: PlannedLbOp): string {
  const vip = `${op.prefix} ${op.protocol}/${op.port}`;
  switch (op.op) {
    case 'vip-add':
      return `vip-add ${vip} encap ${op.encap} flow-table ${op.flowTableLength}`;
    case 'vip-del':
      return `vip-del ${vip} (${op.reason})`;
    case 'as-del':
      return `as-del ${vip} ${op.address}${op.flush ? ' flush' : ''}`;
    default:
      return `${op.op} ${vip} ${op.address} weight ${op.weight}${op.flush ? ' flush' : ''}`;
  }
}

export function changePreviewJson(p: ChangePreview): ChangePreviewJson {
  return {
    vppOps: p.vppOps.map(lbOpText),
    vips: p.vips.map((v) => ({
      frontend: v.frontend === '' ? null : v.frontend,
      prefix: v.prefix,
      protocol: v.protocol,
      port: v.port,
      flowTableLength: v.flowTableLength,
      bucketsMoved: v.bucketsMoved,
      recreated: v.recreated,
      ases: v.ases.map((a) => ({
        address: a.address,
        backend: a.backend === '' ? null : a.backend,
        weightBefore: a.weightBefore ?? null,
        weightAfter: a.weightAfter ?? null,
        bucketsBefore: a.bucketsBefore,
        bucketsAfter: a.bucketsAfter,
      })),
    })),
    vppRead: p.vppRead,
    notes: [...p.notes],
  };
}
