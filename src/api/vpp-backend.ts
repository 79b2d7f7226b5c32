// The VPP side of the API (GetVPPInfo, GetVPPLBState, SyncVPPLBState, GetVPPLBCounters) over the
// live connection, the syncer and the counters poller. Reads go to VPP live (lb state) or to the
// poller's snapshot (counters); the one write, a sync, goes through the syncer like every other
// trigger. The syncer's refusals become statuses here: not connected → UNAVAILABLE, warmup →
// FAILED_PRECONDITION, unknown frontend → NOT_FOUND, operations VPP refused → ABORTED.
// It also remembers the buckets of the last live read per frontend (the dashboard's "lb buckets"
// column) and the last bucket prediction per VIP (redone only when VPP's ASes or weights change),
// and tells the bucket predictor which lb generation to model.

import type { Clock } from '../clock/index.js';
import type { FrontendProtocol, MaglevConfig } from '../config/types.js';
import {
  LbSyncError,
  SyncerStoppedError,
  UnknownFrontendError,
  VppNotConnectedError,
  WarmupHoldError,
  desiredVip,
  frontendsByVip,
  vipKey,
  vipKeyString,
  type CountersSnapshot,
  type LbSyncSummary,
  type SyncPreview,
  type SyncPreviewRequest,
  type VipProtocol,
} from '../dataplane/index.js';
import {
  AbortedError,
  FailedPreconditionError,
  MaglevError,
  NotFoundError,
  UnavailableError,
} from '../errors.js';
import { bucketCounts, buildTable, isValidTableLength, type Generation } from '../maglev/index.js';
import { canonicalIp } from '../net/ip-address.js';
import {
  VppConnectionError,
  VppTimeoutError,
  cliInband,
  lbConfGet,
  lbState,
  type LbApi,
  type LbAs,
  type LbGeneration,
  type LbVip,
  type VppInfo,
} from '../vpp/index.js';
import type {
  VppApiBackend,
  VppAsView,
  VppCountersView,
  VppInfoView,
  VppLbStateView,
  VppSyncSummary,
  VppVipView,
} from './backend.js';

export interface VppBackendOptions {
  /** The live connection (VppConnection). */
  readonly connection: { readonly client: LbApi | undefined; readonly info: VppInfo | undefined };
  readonly syncer: {
    syncNow(frontend: string | undefined): Promise<LbSyncSummary>;
    preview(request: SyncPreviewRequest): Promise<SyncPreview>;
  };
  readonly counters: {
    snapshot(): CountersSnapshot | undefined;
    /** VPP's start (ms since the epoch) from the stats segment, when it was read. */
    bootTimeMs?(): number | undefined;
  };
  /** The runtime config (names VIPs and ASes). */
  readonly config: () => MaglevConfig;
  readonly clock: Clock;
  readonly statsSocket: string;
  /** VPP's start (ms since the epoch) for its pid, when it can be known. */
  readonly startTimeOf?: (pid: number) => Promise<number | undefined>;
  /** What lb 1.1 cannot report (no lb_conf_get): shown as sent, or VPP's defaults. */
  readonly stickyBucketsPerCore?: () => number | undefined;
  readonly flowTimeoutS?: () => number | undefined;
}

export interface DaemonVppBackend extends VppApiBackend {
  /** Buckets per canonical AS address of the frontend's VIP, from the last live read. */
  vppBucketsOf(frontend: string): ReadonlyMap<string, number> | undefined;
  /** The lb generation the bucket predictor should model. */
  generation(): Generation;
  /** The syncer's dry run of a change, its refusals as coded errors (as sync's). */
  readonly preview: (request: SyncPreviewRequest) => Promise<SyncPreview>;
}

const NOT_CONNECTED = 'VPP integration is not connected';
const VPP_DEFAULT_STICKY_BUCKETS = 1024;
const VPP_DEFAULT_FLOW_TIMEOUT_S = 40;

export function createVppBackend(opts: VppBackendOptions): DaemonVppBackend {
  let buckets: { client: LbApi; byFrontend: Map<string, Map<string, number>> } | undefined;
  const startTimes = new Map<number, number | undefined>();
  /**
   * The last prediction per VIP, with what it was computed from: a dashboard reads the lb state
   * every sync-interval and after every reconcile, and at 10 000 ASes building 100 Maglev tables
   * each time was most of what a watching dashboard cost maglevd while nothing changed.
   */
  const predictions = new Map<string, { key: string; counts: Map<string, number> | undefined }>();

  function client(): LbApi {
    const c = opts.connection.client;
    if (!c) throw new UnavailableError(NOT_CONNECTED);
    return c;
  }

  async function startTime(pid: number): Promise<number | undefined> {
    if (!opts.startTimeOf) return undefined;
    if (!startTimes.has(pid)) startTimes.set(pid, await opts.startTimeOf(pid));
    return startTimes.get(pid);
  }

  async function conf(api: LbApi): Promise<VppLbStateView['conf']> {
    if (api.hasMessage('lb_conf_get')) {
      const c = await lbConfGet(api);
      return {
        ipv4SrcAddress: c.ip4SrcAddress,
        ipv6SrcAddress: c.ip6SrcAddress,
        stickyBucketsPerCore: c.stickyBucketsPerCore,
        flowTimeoutS: c.flowTimeout,
      };
    }
    // lb 1.1: `show lb` prints the source addresses; the rest is not reported anywhere.
    const text = await cliInband(api, 'show lb');
    return {
      ipv4SrcAddress: /ip4-src-address:\s*(\S+)/.exec(text)?.[1] ?? '',
      ipv6SrcAddress: /ip6-src-address:\s*(\S+)/.exec(text)?.[1] ?? '',
      stickyBucketsPerCore: opts.stickyBucketsPerCore?.() ?? VPP_DEFAULT_STICKY_BUCKETS,
      flowTimeoutS: opts.flowTimeoutS?.() ?? VPP_DEFAULT_FLOW_TIMEOUT_S,
    };
  }

  /** predict() for one VIP, again only when its ASes, weights, table length or generation changed. */
  function predictOnce(
    vip: string,
    ases: readonly LbAs[],
    generation: LbGeneration,
    length: number | undefined,
  ): Map<string, number> | undefined {
    const key = `${generation}|${length}|${ases.map((as) => `${as.address}=${as.weight}=${as.inUse}`).join(',')}`;
    const cached = predictions.get(vip);
    if (cached?.key === key) return cached.counts;
    const counts = predict(ases, generation, length);
    predictions.set(vip, { key, counts });
    return counts;
  }

  function vipView(
    vip: LbVip,
    generation: LbGeneration,
    config: MaglevConfig,
    owners: Map<string, string>,
    /** Canonical address → the first backend in the config there (once per read, not per VIP). */
    anyBackendAt: ReadonlyMap<string, string>,
  ): VppVipView {
    const id = vipId(vip);
    const frontend = owners.get(id);
    const fe = frontend === undefined ? undefined : config.frontends.get(frontend);
    // Backend names per AS address: the frontend's own pools first, then any backend there.
    const names = new Map<string, string>();
    if (fe) {
      const desired = desiredVip(fe, config.backends, () => 'unknown');
      for (const [address, as] of desired.ases) if (as.backends[0]) names.set(address, as.backends[0]);
    }
    const nameOf = (address: string): string | undefined => names.get(address) ?? anyBackendAt.get(address);
    const length = vip.flowTableLength ?? fe?.flowTableLength;
    const predicted = predictOnce(id, vip.ases, generation, length);
    return {
      prefix: vip.prefix,
      protocol: protocolOf(vip.protocol),
      port: vip.port,
      encap: vip.encap ?? 'unknown',
      flowTableLength: vip.flowTableLength ?? 0,
      srcIpSticky: vip.srcIpSticky ?? false,
      frontend,
      index: vip.index,
      ases: vip.ases.map((as): VppAsView => {
        const address = canonicalIp(as.address);
        return {
          address,
          // lb 1.1 has no weights: every AS in use counts as 100.
          weight: as.weight ?? 100,
          flags: as.flags,
          inUse: as.inUse,
          buckets: as.buckets,
          inUseSince: as.inUseSince,
          backend: nameOf(address),
          predictedBuckets: predicted?.get(address),
        };
      }),
    };
  }

  return {
    async info(): Promise<VppInfoView> {
      const info = opts.connection.info;
      if (!info) throw new UnavailableError(NOT_CONNECTED);
      return {
        version: info.version,
        buildDate: info.buildDate,
        buildDirectory: info.buildDirectory,
        pid: info.pid,
        // /sys/boottime from the stats segment (the original's source), else /proc.
        bootTime: opts.counters.bootTimeMs?.() ?? (await startTime(info.pid)),
        connectTime: info.connectedAt,
        lbApiVersion: info.lbGeneration === undefined ? '' : `${info.lbGeneration}.0`,
        apiSocket: info.socketPath,
        statsSocket: opts.statsSocket,
      };
    },

    async lbState(): Promise<VppLbStateView> {
      const api = client();
      const read = await withVppErrors(async () => ({ state: await lbState(api), conf: await conf(api) }));
      const config = opts.config();
      const owners = frontendsByVip(config);
      const anyBackendAt = new Map<string, string>();
      for (const b of config.backends.values()) {
        const address = canonicalIp(b.address);
        if (!anyBackendAt.has(address)) anyBackendAt.set(address, b.name);
      }
      const vips = read.state.vips.map((v) =>
        vipView(v, read.state.generation, config, owners, anyBackendAt),
      );
      // VIPs gone from VPP take their predictions with them.
      const live = new Set(read.state.vips.map(vipId));
      for (const vip of predictions.keys()) if (!live.has(vip)) predictions.delete(vip);
      const byFrontend = new Map<string, Map<string, number>>();
      for (const vip of vips) {
        if (vip.frontend === undefined) continue;
        const counts = new Map<string, number>();
        for (const as of vip.ases)
          if (as.inUse && as.buckets !== undefined) counts.set(as.address, as.buckets);
        byFrontend.set(vip.frontend, counts);
      }
      buckets = { client: api, byFrontend };
      return { conf: read.conf, vips, readAt: opts.clock.now() };
    },

    async sync(frontend: string | undefined): Promise<VppSyncSummary> {
      try {
        const s = await opts.syncer.syncNow(frontend);
        return summaryView(s);
      } catch (err) {
        throw coded(err);
      }
    },

    preview: async (request) => {
      try {
        return await opts.syncer.preview(request);
      } catch (err) {
        throw coded(err);
      }
    },

    counters(): VppCountersView {
      if (!opts.connection.client) throw new UnavailableError(NOT_CONNECTED);
      const snap = opts.counters.snapshot();
      return {
        vips: (snap?.vips ?? []).map((v) => ({
          frontend: v.frontend,
          prefix: v.key.prefix,
          protocol: protocolOf(v.key.protocol),
          port: v.key.port,
          nextPackets: v.next,
          firstPackets: v.first,
          untrackedPackets: v.untracked,
          noServerPackets: v.noServer,
          index: v.index,
          ...(v.routePackets !== undefined && { routePackets: v.routePackets }),
          ...(v.routeBytes !== undefined && { routeBytes: v.routeBytes }),
          ...(v.rates && {
            packetsPerSecond: v.rates.packetsPerSecond,
            ...(v.rates.routePacketsPerSecond !== undefined && {
              routePacketsPerSecond: v.rates.routePacketsPerSecond,
            }),
            ...(v.rates.routeBytesPerSecond !== undefined && {
              routeBytesPerSecond: v.rates.routeBytesPerSecond,
            }),
          }),
        })),
        updatedAt: snap?.at ?? opts.connection.info?.connectedAt ?? opts.clock.now(),
        source: snap?.source ?? '',
        ...(snap?.intervalS !== undefined && { rateIntervalSeconds: snap.intervalS }),
      };
    },

    vppBucketsOf(frontend: string): ReadonlyMap<string, number> | undefined {
      const c = opts.connection.client;
      if (!c || buckets?.client !== c) return undefined;
      return buckets.byFrontend.get(frontend);
    },

    generation(): Generation {
      return opts.connection.client?.lbGeneration === '1.1' ? 'release' : 'master';
    },
  };
}

/** A dumped VIP's key, as the dataplane spells it (frontendsByVip's keys). */
function vipId(vip: LbVip): string {
  return vipKeyString(vipKey(vip.prefix, vip.protocol as VipProtocol, vip.port));
}

function protocolOf(protocol: number): FrontendProtocol {
  return protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : 'any';
}

function summaryView(s: LbSyncSummary): VppSyncSummary {
  return {
    vipsAdded: s.vip_added,
    vipsRemoved: s.vip_removed,
    asesAdded: s.as_added,
    asesRemoved: s.as_removed,
    weightsUpdated: s.as_weight_updated,
  };
}

/** Buckets the Maglev table gives each in-use AS at the weights VPP holds now. */
function predict(
  ases: readonly LbAs[],
  generation: LbGeneration,
  length: number | undefined,
): Map<string, number> | undefined {
  if (length === undefined || !isValidTableLength(length)) return undefined;
  const live = ases
    .filter((as) => as.inUse)
    .map((as) => ({ address: canonicalIp(as.address), weight: as.weight ?? 100 }));
  const gen: Generation = generation === '1.1' ? 'release' : 'master';
  const counts = bucketCounts(buildTable(gen, live, length), live.length);
  return new Map(live.map((as, i) => [as.address, counts[i] ?? 0]));
}

async function withVppErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw coded(err);
  }
}

/** The syncer's and the VPP client's refusals as coded errors; anything else (a bug) as it is. */
function coded(err: unknown): unknown {
  if (err instanceof MaglevError) return err;
  if (err instanceof VppNotConnectedError || err instanceof SyncerStoppedError)
    return new UnavailableError(NOT_CONNECTED);
  if (err instanceof VppConnectionError || err instanceof VppTimeoutError)
    return new UnavailableError(`VPP: ${err.message}`);
  if (err instanceof WarmupHoldError) return new FailedPreconditionError(err.message);
  if (err instanceof UnknownFrontendError) return new NotFoundError('frontend', err.frontend);
  if (err instanceof LbSyncError) return new AbortedError(err.message);
  return err;
}
