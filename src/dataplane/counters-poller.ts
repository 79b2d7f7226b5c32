// The per-VIP counters (docs/vpp.md §Counters): every 5 s while VPP is connected, one poll of the four lb
// counters and the VIP route's packets and bytes, named by frontend, with rates since the previous
// poll. Kept as one snapshot (GetVPPLBCounters, the dashboard, Prometheus).
//
// Where the numbers come from (counters-read.ts): VPP's stats segment when the stats socket
// (--vpp-stats-addr) hands it over — a pread per counter, no call into VPP — and otherwise, with a
// warning once per outage, `show lb vips verbose` through the API (no route counters then). The
// segment belongs to one VPP process: it is opened on the first poll of a connection and dropped
// on disconnect, so a restarted VPP is read from its new segment and never from the dead one's.
// The snapshot is dropped on disconnect too: nothing stale is ever served.

import type { Clock, TimerHandle } from '../clock/index.js';
import type { MaglevConfig } from '../config/types.js';
import type { Logger } from '../log/index.js';
import {
  StatsBusyError,
  StatsSegment,
  StatsSegmentError,
  StatsVersionError,
  type LbApi,
} from '../vpp/index.js';
import { vipRates, type VipCounterValues, type VipRates } from './counter-rates.js';
import {
  readCountersFromCli,
  readCountersFromStats,
  readVipDirectory,
  type VipCounterReading,
  type VipDirectoryEntry,
} from './counters-read.js';
import { protocolNumber, vipKey, vipKeyString } from './model.js';
import type { SyncerConnection } from './syncer.js';

export const COUNTERS_POLL_INTERVAL_MS = 5_000;
/**
 * The VIP directory (pool and route indexes) is re-read when maglevd changes VIPs and at least
 * this often, in case someone else did.
 */
export const VIP_DIRECTORY_MAX_AGE_MS = 60_000;

/** Which reader produced a snapshot. */
export type CountersSource = 'stats-segment' | 'cli';

export interface VipCounterSample extends VipCounterReading {
  /** The frontend whose VIP this is; undefined for a VIP maglevd does not manage. */
  readonly frontend: string | undefined;
  /** Since the previous poll; undefined on a connection's first poll and for a VIP new since. */
  readonly rates: VipRates | undefined;
}

export interface CountersSnapshot {
  readonly vips: readonly VipCounterSample[];
  /** clock.now() of the poll. */
  readonly at: number;
  readonly source: CountersSource;
  /** Seconds since the previous poll (the rates' interval); undefined on a connection's first poll. */
  readonly intervalS: number | undefined;
}

/** The metrics sink (metrics.vpp). */
export interface CountersMetrics {
  vipCounters(
    snapshot: readonly {
      frontend: string;
      vip: string;
      next: number;
      first: number;
      untracked: number;
      noServer: number;
      routePackets?: number;
      routeBytes?: number;
    }[],
  ): void;
  /** VPP's start (unix seconds) as the stats segment's /sys/boottime tells it. */
  bootTime?(bootTimeS: number): void;
}

/** How a stats segment is opened (StatsSegment.connect; a seam for tests). */
export type StatsConnect = (socketPath: string) => Promise<StatsSegment>;

export interface CountersPollerOptions {
  readonly connection: SyncerConnection;
  /** The runtime config, to name each VIP's frontend. */
  readonly config: () => MaglevConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: CountersMetrics;
  readonly intervalMs?: number;
  /** VPP's stats socket; empty or undefined: the CLI reader only. */
  readonly statsSocket?: string;
  readonly statsConnect?: StatsConnect;
}

interface Previous {
  readonly values: readonly VipCounterValues[];
  /** clock.monotonic() of the poll. */
  readonly monotonic: number;
}

export class CountersPoller {
  private timer: TimerHandle | undefined;
  private current: CountersSnapshot | undefined;
  private previous: Previous | undefined;
  private polling: Promise<void> | undefined;
  private failing = false;
  private running = false;
  private readonly unsubscribe: (() => void)[] = [];
  /** The open segment and the client (connection) it was opened on. */
  private stats: { client: LbApi; segment: StatsSegment } | undefined;
  /** Set while the stats socket is out, so its warning is given once per outage. */
  private statsOut = false;
  private directory: { client: LbApi; entries: VipDirectoryEntry[]; at: number } | undefined;
  private directoryStale = true;
  private boot: { client: LbApi; s: number } | undefined;

  constructor(private readonly opts: CountersPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const { connection, logger, statsSocket } = this.opts;
    if (!statsSocket) logger.info('vpp-stats-disabled', { reader: 'cli' });
    this.unsubscribe.push(
      connection.onConnect.add(() => this.poll()),
      connection.onDisconnect.add(() => {
        this.timer?.cancel();
        this.timer = undefined;
        this.forgetConnection();
      }),
    );
    if (connection.client) this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    for (const off of this.unsubscribe.splice(0)) off();
    await this.polling;
    this.forgetConnection();
  }

  /** The latest poll; undefined while disconnected or before the first poll. */
  snapshot(): CountersSnapshot | undefined {
    return this.current;
  }

  /** VPP's start (ms since the epoch) from the stats segment of the current connection, when read. */
  bootTimeMs(): number | undefined {
    const b = this.boot;
    return b && b.client === this.opts.connection.client ? b.s * 1000 : undefined;
  }

  /** VIPs were added or removed (by the syncer): re-read where their counters are at the next poll. */
  vipsChanged(): void {
    this.directoryStale = true;
  }

  /** Polls now (and restarts the interval); resolves when the poll is done. */
  async pollNow(): Promise<void> {
    this.poll();
    await this.polling;
  }

  private forgetConnection(): void {
    this.current = undefined;
    this.previous = undefined;
    this.directory = undefined;
    this.directoryStale = true;
    this.boot = undefined;
    this.stats?.segment.close();
    this.stats = undefined;
  }

  private poll(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (!this.running || this.polling) return;
    const client = this.opts.connection.client;
    if (!client) return;
    this.polling = this.read(client).finally(() => {
      this.polling = undefined;
      if (this.running && this.opts.connection.client)
        this.timer = this.opts.clock.setTimeout(
          () => this.poll(),
          this.opts.intervalMs ?? COUNTERS_POLL_INTERVAL_MS,
        );
    });
  }

  private connected(client: LbApi): boolean {
    return this.running && client === this.opts.connection.client;
  }

  private async read(client: LbApi): Promise<void> {
    const { logger, clock } = this.opts;
    let readings: VipCounterReading[] | undefined;
    let source: CountersSource = 'stats-segment';
    try {
      readings = await this.readFromStats(client);
      if (!readings) {
        source = 'cli';
        readings = await readCountersFromCli(client);
      }
    } catch (err) {
      // Loud once per outage; while it lasts, debug only.
      const attrs = { error: err instanceof Error ? err.message : String(err) };
      if (this.failing) logger.debug('vpp-lb-stats-error', attrs);
      else logger.warn('vpp-lb-stats-error', attrs);
      this.failing = true;
      return;
    }
    if (!this.connected(client)) return; // disconnected meanwhile
    if (this.failing) logger.info('vpp-lb-stats-recovered', {});
    this.failing = false;

    const frontends = frontendsByVip(this.opts.config());
    const monotonic = clock.monotonic();
    const values = readings.map(counterValues);
    const intervalS = this.previous && (monotonic - this.previous.monotonic) / 1000;
    const rates: ReadonlyMap<string, VipRates> = this.previous
      ? vipRates(this.previous.values, values, intervalS ?? 0)
      : new Map();
    this.previous = { values, monotonic };
    const vips: VipCounterSample[] = readings.map((r, i) => ({
      ...r,
      frontend: frontends.get(vipKeyString(r.key)),
      rates: rates.get(values[i]?.id ?? ''),
    }));
    this.current = { vips, at: clock.now(), source, intervalS };
    if (logger.enabled('debug'))
      for (const v of vips)
        logger.debug('vpp-lb-stats', {
          frontend: v.frontend ?? null,
          vip: vipKeyString(v.key),
          index: v.index,
          source,
          next: Number(v.next),
          first: Number(v.first),
          untracked: Number(v.untracked),
          noServer: Number(v.noServer),
          ...(v.routePackets !== undefined && {
            routePackets: Number(v.routePackets),
            routeBytes: Number(v.routeBytes),
          }),
        });
    this.opts.metrics?.vipCounters(
      vips.map((v) => ({
        frontend: v.frontend ?? '',
        vip: vipKeyString(v.key),
        next: Number(v.next),
        first: Number(v.first),
        untracked: Number(v.untracked),
        noServer: Number(v.noServer),
        ...(v.routePackets !== undefined && { routePackets: Number(v.routePackets) }),
        ...(v.routeBytes !== undefined && { routeBytes: Number(v.routeBytes) }),
      })),
    );
  }

  /**
   * The counters from the stats segment, or undefined when it cannot be had now (the CLI reads
   * them instead). Errors of the API calls (the VIP directory) propagate: the poll failed.
   */
  private async readFromStats(client: LbApi): Promise<VipCounterReading[] | undefined> {
    const segment = await this.segmentFor(client);
    if (!segment || !this.connected(client)) return undefined;
    const { clock } = this.opts;
    const dir = this.directory;
    if (
      !dir ||
      dir.client !== client ||
      this.directoryStale ||
      clock.monotonic() - dir.at >= VIP_DIRECTORY_MAX_AGE_MS
    ) {
      this.directoryStale = false;
      const entries = await readVipDirectory(client);
      if (!this.connected(client)) return undefined;
      this.directory = { client, entries, at: clock.monotonic() };
    }
    try {
      const r = readCountersFromStats(segment, this.directory?.entries ?? []);
      this.learnBootTime(client, r.bootTimeS);
      return r.vips;
    } catch (err) {
      if (!isStatsError(err)) throw err;
      // A segment we cannot read now is dropped and opened again at the next poll.
      this.statsUnavailable(err);
      this.stats?.segment.close();
      this.stats = undefined;
      return undefined;
    }
  }

  /** The segment of this connection, opened on first use; undefined when not configured or out. */
  private async segmentFor(client: LbApi): Promise<StatsSegment | undefined> {
    const { statsSocket, logger } = this.opts;
    if (!statsSocket) return undefined;
    if (this.stats?.client === client) return this.stats.segment;
    this.stats?.segment.close();
    this.stats = undefined;
    let segment: StatsSegment;
    try {
      segment = await (this.opts.statsConnect ?? ((path) => StatsSegment.connect(path)))(statsSocket);
    } catch (err) {
      this.statsUnavailable(err);
      return undefined;
    }
    // One poll runs at a time, so only a disconnect can have happened meanwhile.
    if (!this.connected(client)) {
      segment.close();
      return undefined;
    }
    this.stats = { client, segment };
    // VPP's start is known from here on, before the record that says so (the dashboard asks
    // for VPP's info again on it).
    try {
      this.learnBootTime(client, readCountersFromStats(segment, []).bootTimeS);
    } catch (err) {
      if (!isStatsError(err)) throw err;
    }
    logger.info('vpp-stats-connected', { socket: statsSocket, bytes: segment.size });
    this.statsOut = false;
    return segment;
  }

  private learnBootTime(client: LbApi, bootTimeS: number | undefined): void {
    if (bootTimeS === undefined || (this.boot?.client === client && this.boot.s === bootTimeS)) return;
    this.boot = { client, s: bootTimeS };
    this.opts.metrics?.bootTime?.(bootTimeS);
  }

  private statsUnavailable(err: unknown): void {
    const attrs = {
      socket: this.opts.statsSocket ?? '',
      error: err instanceof Error ? err.message : String(err),
      reader: 'cli',
    };
    if (this.statsOut) this.opts.logger.debug('vpp-stats-unavailable', attrs);
    else this.opts.logger.warn('vpp-stats-unavailable', attrs);
    this.statsOut = true;
  }
}

function isStatsError(err: unknown): boolean {
  return (
    err instanceof StatsSegmentError || err instanceof StatsBusyError || err instanceof StatsVersionError
  );
}

/** What a rate is taken of; the id ties a VIP to its previous sample (same VIP, same pool index). */
function counterValues(r: VipCounterReading): VipCounterValues {
  return {
    id: `${vipKeyString(r.key)}#${r.index}`,
    packets: r.next + r.first + r.untracked + r.noServer,
    routePackets: r.routePackets,
    routeBytes: r.routeBytes,
  };
}

/** vipKeyString → frontend name (the first frontend of a key, as desiredState decides). */
export function frontendsByVip(config: MaglevConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const fe of config.frontends.values()) {
    const id = vipKeyString(vipKey(fe.address, protocolNumber(fe.protocol), fe.port));
    if (!out.has(id)) out.set(id, fe.name);
  }
  return out;
}
