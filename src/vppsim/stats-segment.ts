// vppsim's stats segment and stats socket: what VPP's src/vlib/stats/init.c provides. The segment is
// a memfd laid out like VPP's (stats-image.ts) and handed to every client of the stats socket as
// SCM_RIGHTS on a SOCK_SEQPACKET connection (the addon's statsServeFd), exactly as VPP does, so
// the same reader works against either. It holds what maglevd reads: the three /sys scalars, the lb
// plugin's four per-VIP counters (by VIP pool index) and the FIB's `/net/route/to` (by route stats
// index), all following the lb model: a count is written through at once (in place, no lock), a VIP
// added or deleted re-syncs everything (VPP validates the vectors under the lock, and zeroes a
// reused index). Counts land on the first worker thread, as a VPP with one worker counts them;
// every other thread's vectors exist and stay zero, so a reader has to sum them all.

import { closeSync, ftruncateSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { systemClock, type Clock } from '../clock/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import {
  LB_VIP_COUNTER_NAMES,
  ROUTE_TO,
  SYS_BOOTTIME,
  SYS_HEARTBEAT,
  SYS_LAST_STATS_CLEAR,
  loadStatsNative,
  type StatsFdServer,
  type StatsNative,
} from '../vpp/index.js';
import type { LbChange, LbCount, LbPlugin } from './lb-plugin.js';
import { StatsImage, type StatsImageSink } from './stats-image.js';

/** VPP's default segment is 32 MiB; pages of a memfd cost nothing until written. */
export const SIM_STATS_SEGMENT_SIZE = 32 << 20;
/** The main thread and one worker. */
export const SIM_STATS_THREADS = 2;

export interface SimStatsSegmentOptions {
  readonly socketPath: string;
  readonly lb: LbPlugin;
  /** /sys/boottime is the simulator's start. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** vlib threads (main + workers); counts go to thread 1 when there is a worker, else 0. */
  readonly threads?: number;
  readonly size?: number;
  /** Seam for tests. */
  readonly native?: StatsNative;
}

export class SimStatsSegment {
  private readonly image: StatsImage;
  private readonly sink: StatsImageSink;
  private readonly dataThread: number;
  private readonly unsubscribe: (() => void)[] = [];
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly opts: SimStatsSegmentOptions,
    private readonly memfd: number,
    private readonly server: StatsFdServer,
  ) {
    const threads = opts.threads ?? SIM_STATS_THREADS;
    const size = opts.size ?? SIM_STATS_SEGMENT_SIZE;
    this.image = new StatsImage({ size, threads });
    this.dataThread = threads > 1 ? 1 : 0;
    this.sink = { write: (offset, bytes) => void writeSync(memfd, bytes, 0, bytes.length, offset) };
    const bootS = BigInt(Math.floor((opts.clock ?? systemClock).now() / 1000));
    // VPP's first three entries, in its order (stats.h).
    this.image.setScalar(SYS_HEARTBEAT, 0n);
    this.image.setScalar(SYS_LAST_STATS_CLEAR, bootS);
    this.image.setScalar(SYS_BOOTTIME, bootS);
    this.resync();
    this.unsubscribe.push(
      opts.lb.onChange.add((change) => this.onChange(change)),
      opts.lb.onCount.add((count) => this.onCount(count)),
    );
  }

  /** Creates the segment and listens on the stats socket (replacing a stale socket file). */
  static async start(opts: SimStatsSegmentOptions): Promise<SimStatsSegment> {
    const native = opts.native ?? loadStatsNative();
    const memfd = native.statsMemfd('stat segment');
    let server: StatsFdServer | undefined;
    try {
      ftruncateSync(memfd, opts.size ?? SIM_STATS_SEGMENT_SIZE);
      await rm(opts.socketPath, { force: true });
      server = native.statsServeFd(opts.socketPath, memfd);
      const segment = new SimStatsSegment(opts, memfd, server);
      (opts.logger ?? silentLogger).info('vppsim-stats-listen', { socket: opts.socketPath });
      return segment;
    } catch (err) {
      server?.close();
      closeSync(memfd);
      throw err;
    }
  }

  get socketPath(): string {
    return this.opts.socketPath;
  }

  /** Clients handed the segment so far. */
  served(): number {
    return this.server.served();
  }

  /** Stops listening, removes the socket file and drops our descriptor (clients keep theirs). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const off of this.unsubscribe.splice(0)) off();
      this.server.close();
      closeSync(this.memfd);
      await rm(this.opts.socketPath, { force: true });
    })();
    return this.closing;
  }

  private onChange(change: LbChange): void {
    if (change.kind !== 'flush') this.resync();
  }

  private onCount(count: LbCount): void {
    if (count.kind === 'vip')
      this.image.setSimple(count.counter, this.dataThread, count.vipIndex, BigInt(count.total));
    else
      this.image.setCombined(
        ROUTE_TO,
        this.dataThread,
        count.statsIndex,
        BigInt(count.packets),
        BigInt(count.bytes),
      );
    this.image.commit(this.sink);
  }

  /** Writes every counter the model has (VIPs not yet garbage-collected included). */
  private resync(): void {
    const { lb } = this.opts;
    // The FIB's counters exist from start-up (VPP's own load balances come first).
    this.image.validateCombined(ROUTE_TO, 0);
    for (const route of lb.routeCounters())
      this.image.setCombined(
        ROUTE_TO,
        this.dataThread,
        route.statsIndex,
        BigInt(route.packets),
        BigInt(route.bytes),
      );
    for (const vip of lb.vips())
      for (const name of LB_VIP_COUNTER_NAMES)
        this.image.setSimple(name, this.dataThread, vip.index, BigInt(vip.counters[name]));
    this.image.commit(this.sink);
  }
}
