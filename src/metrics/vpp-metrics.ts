// The VPP families. The VPP connection and syncer feed them through these setters; this module
// imports nothing from src/vpp, so metrics sit beside the dataplane rather than under it. While
// VPP is disconnected, the maglev_vpp_* gauges and the per-VIP counters are left out (there is
// nothing true to say about them); maglev_vpp_connected itself stays, at 0, so an alert can
// fire on it. The API and sync counters live for the whole process, across reconnects.

import type { Clock } from '../clock/index.js';
import type { SampleSink } from './collected.js';

/** What the connection learns at connect time (show_version and the stats segment). */
export interface VppInfo {
  version: string;
  buildDate: string;
  pid: number;
  /** /sys/boottime from the stats segment: VPP's start, in seconds since the epoch; undefined when unknown. */
  bootTimeS: number | undefined;
}

export type VppApiDirection = 'send' | 'recv';

export const LB_SYNC_KINDS = [
  'vip_added',
  'vip_removed',
  'as_added',
  'as_removed',
  'as_weight_updated',
] as const;
export type LbSyncKind = (typeof LB_SYNC_KINDS)[number];
export type LbSyncScope = 'all' | 'vip';

/** One VIP's LB plugin counters (docs/vpp-lb.md §The four per-VIP counters), summed over worker threads. */
export interface VipCounters {
  frontend: string;
  /** The VIP as the dataplane spells it (vipKeyString), e.g. `192.0.2.1/32 tcp:80`. */
  vip: string;
  next: number;
  first: number;
  untracked: number;
  noServer: number;
  /** FIB /net/route/to for the VIP, when the stats reader has it. */
  routePackets?: number;
  routeBytes?: number;
}

const VIP_PACKET_KINDS = [
  ['next', 'next'],
  ['first', 'first'],
  ['untracked', 'untracked'],
  ['noServer', 'no-server'],
] as const;

/** [send success, send failure, recv success, recv failure] per message name. */
type ApiCounts = [number, number, number, number];

export class VppMetrics {
  private info: VppInfo | undefined;
  private connectedAt = 0;
  private readonly api = new Map<string, ApiCounts>();
  private readonly lbSyncCounts = new Map<LbSyncScope, Map<LbSyncKind, number>>();
  private readonly lbSyncErrors = new Map<LbSyncScope, number>();
  private vips: readonly VipCounters[] = [];

  constructor(
    private readonly clock: Clock,
    /** False when maglevd runs without VPP: then even maglev_vpp_connected is left out. */
    private readonly enabled: boolean,
  ) {}

  /** After a successful connect (version read, boottime read). */
  connected(info: VppInfo): void {
    this.info = { ...info };
    this.connectedAt = this.clock.now();
  }

  /** VPP's start as the stats segment's /sys/boottime has it (better than what /proc could say). */
  bootTime(bootTimeS: number): void {
    if (this.info) this.info = { ...this.info, bootTimeS };
  }

  /** After the API or stats socket dropped: gauges and VIP counters disappear until the next connect. */
  disconnected(): void {
    this.info = undefined;
    this.vips = [];
  }

  isConnected(): boolean {
    return this.info !== undefined;
  }

  /** Every binary API message through the logged wrapper (docs/metrics.md §VPP): maglev_vpp_api_total. */
  apiCall(msg: string, direction: VppApiDirection, ok: boolean): void {
    let counts = this.api.get(msg);
    if (!counts) {
      counts = [0, 0, 0, 0];
      this.api.set(msg, counts);
    }
    const slot = ((direction === 'recv' ? 2 : 0) + (ok ? 0 : 1)) as 0 | 1 | 2 | 3;
    counts[slot]++;
  }

  /** One sync run's counts; kinds with zero count are not incremented (docs/metrics.md §VPP). */
  lbSync(scope: LbSyncScope, counts: Partial<Record<LbSyncKind, number>>): void {
    let byKind = this.lbSyncCounts.get(scope);
    for (const kind of LB_SYNC_KINDS) {
      const n = counts[kind] ?? 0;
      if (!(n > 0)) continue;
      if (!byKind) {
        byKind = new Map();
        this.lbSyncCounts.set(scope, byKind);
      }
      byKind.set(kind, (byKind.get(kind) ?? 0) + n);
    }
  }

  /** A sync run that failed (maglev_vpp_lbsync_errors_total): VPP refused an operation, or went away mid-run. */
  lbSyncFailed(scope: LbSyncScope): void {
    this.lbSyncErrors.set(scope, (this.lbSyncErrors.get(scope) ?? 0) + 1);
  }

  /** The latest stats poll, replacing the previous one whole (VIPs that went away go with it). */
  vipCounters(snapshot: readonly VipCounters[]): void {
    this.vips = snapshot.map((v) => ({ ...v }));
  }

  // ---- collectors ----------------------------------------------------------------------------

  collectConnected(sink: SampleSink): void {
    if (this.enabled) sink.sample({}, this.info ? 1 : 0);
  }

  collectUptime(sink: SampleSink): void {
    const boot = this.info?.bootTimeS;
    if (boot !== undefined) sink.sample({}, Math.max(0, this.clock.now() / 1000 - boot));
  }

  collectConnectedSeconds(sink: SampleSink): void {
    if (this.info) sink.sample({}, Math.max(0, (this.clock.now() - this.connectedAt) / 1000));
  }

  collectInfo(sink: SampleSink): void {
    const i = this.info;
    if (i) sink.sample({ version: i.version, build_date: i.buildDate, pid: String(i.pid) }, 1);
  }

  collectApi(sink: SampleSink): void {
    for (const [msg, c] of this.api) {
      if (c[0]) sink.sample({ msg, direction: 'send', result: 'success' }, c[0]);
      if (c[1]) sink.sample({ msg, direction: 'send', result: 'failure' }, c[1]);
      if (c[2]) sink.sample({ msg, direction: 'recv', result: 'success' }, c[2]);
      if (c[3]) sink.sample({ msg, direction: 'recv', result: 'failure' }, c[3]);
    }
  }

  collectLbSync(sink: SampleSink): void {
    for (const [scope, byKind] of this.lbSyncCounts) {
      for (const [kind, n] of byKind) sink.sample({ scope, kind }, n);
    }
  }

  /** Both scopes from 0 while VPP is on, so that rate() and increase() see the first failure. */
  collectLbSyncErrors(sink: SampleSink): void {
    if (!this.enabled) return;
    for (const scope of ['all', 'vip'] as const) sink.sample({ scope }, this.lbSyncErrors.get(scope) ?? 0);
  }

  collectVipPackets(sink: SampleSink): void {
    for (const v of this.vips) {
      for (const [field, kind] of VIP_PACKET_KINDS) {
        sink.sample({ frontend: v.frontend, vip: v.vip, kind }, v[field]);
      }
    }
  }

  collectVipRoutePackets(sink: SampleSink): void {
    for (const v of this.vips) {
      if (v.routePackets !== undefined) sink.sample({ frontend: v.frontend, vip: v.vip }, v.routePackets);
    }
  }

  collectVipRouteBytes(sink: SampleSink): void {
    for (const v of this.vips) {
      if (v.routeBytes !== undefined) sink.sample({ frontend: v.frontend, vip: v.vip }, v.routeBytes);
    }
  }
}
