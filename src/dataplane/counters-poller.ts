// The per-VIP lb counters (docs/vpp.md §Counters): every 5 s while VPP is connected, one `show lb vips
// verbose` through cli_inband, parsed for the four counters of every VIP (summed over workers by
// VPP itself). Node cannot map VPP's stats segment (SOCK_SEQPACKET + SCM_RIGHTS + mmap), and the
// CLI text carries the same numbers together with the VIP identity, so no index bookkeeping is
// needed. The latest poll is kept as one snapshot (GetVPPLBCounters, Prometheus); it is dropped
// on disconnect, so nothing stale is ever served.

import type { Clock, TimerHandle } from '../clock/index.js';
import type { MaglevConfig } from '../config/types.js';
import type { Logger } from '../log/index.js';
import { cliInband, parseShowLbVipsVerbose, type LbApi } from '../vpp/index.js';
import { protocolNumber, vipKey, vipKeyString } from './model.js';
import type { VipKey, VipProtocol } from './model.js';
import type { SyncerConnection } from './syncer.js';

export const COUNTERS_POLL_INTERVAL_MS = 5_000;

export interface VipCounterSample {
  /** The frontend whose VIP this is; undefined for a VIP maglevd does not manage. */
  readonly frontend: string | undefined;
  readonly key: VipKey;
  /** VPP's VIP pool index. */
  readonly index: number;
  /** packet from existing sessions */
  readonly next: number;
  /** first session packet */
  readonly first: number;
  /** untracked packet */
  readonly untracked: number;
  /** no server configured */
  readonly noServer: number;
}

export interface CountersSnapshot {
  readonly vips: readonly VipCounterSample[];
  /** clock.now() of the poll. */
  readonly at: number;
}

/** The metrics sink (metrics.vpp.vipCounters). */
export interface CountersMetrics {
  vipCounters(
    snapshot: readonly {
      frontend: string;
      vip: string;
      next: number;
      first: number;
      untracked: number;
      noServer: number;
    }[],
  ): void;
}

export interface CountersPollerOptions {
  readonly connection: SyncerConnection;
  /** The runtime config, to name each VIP's frontend. */
  readonly config: () => MaglevConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: CountersMetrics;
  readonly intervalMs?: number;
}

export class CountersPoller {
  private timer: TimerHandle | undefined;
  private current: CountersSnapshot | undefined;
  private polling: Promise<void> | undefined;
  private failing = false;
  private running = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly opts: CountersPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const { connection } = this.opts;
    this.unsubscribe.push(
      connection.onConnect.add(() => this.poll()),
      connection.onDisconnect.add(() => {
        this.timer?.cancel();
        this.timer = undefined;
        this.current = undefined;
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
  }

  /** The latest poll; undefined while disconnected or before the first poll. */
  snapshot(): CountersSnapshot | undefined {
    return this.current;
  }

  /** Polls now (and restarts the interval); resolves when the poll is done. */
  async pollNow(): Promise<void> {
    this.poll();
    await this.polling;
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

  private async read(client: LbApi): Promise<void> {
    const { logger, clock } = this.opts;
    let text: string;
    try {
      text = await cliInband(client, 'show lb vips verbose');
    } catch (err) {
      // Loud once per outage; while it lasts, debug only.
      const attrs = { error: err instanceof Error ? err.message : String(err) };
      if (this.failing) logger.debug('vpp-lb-stats-error', attrs);
      else logger.warn('vpp-lb-stats-error', attrs);
      this.failing = true;
      return;
    }
    if (client !== this.opts.connection.client) return; // disconnected meanwhile
    if (this.failing) logger.info('vpp-lb-stats-recovered', {});
    this.failing = false;
    const frontends = frontendsByVip(this.opts.config());
    const vips: VipCounterSample[] = [];
    for (const block of parseShowLbVipsVerbose(text)) {
      if (block.removed || !block.counters) continue;
      let key: VipKey;
      try {
        key = vipKey(block.prefix, (block.protocol ?? 255) as VipProtocol, block.port ?? 0);
      } catch {
        continue; // not an address we can read: not one of ours
      }
      const c = block.counters;
      vips.push({
        frontend: frontends.get(vipKeyString(key)),
        key,
        index: block.index,
        next: c.existingSessions,
        first: c.firstSessionPacket,
        untracked: c.untrackedPacket,
        noServer: c.noServerConfigured,
      });
    }
    this.current = { vips, at: clock.now() };
    if (logger.enabled('debug'))
      for (const v of vips)
        logger.debug('vpp-lb-stats', {
          frontend: v.frontend ?? null,
          vip: vipKeyString(v.key),
          index: v.index,
          next: v.next,
          first: v.first,
          untracked: v.untracked,
          noServer: v.noServer,
        });
    this.opts.metrics?.vipCounters(
      vips.map((v) => ({
        frontend: v.frontend ?? '',
        vip: vipKeyString(v.key),
        next: v.next,
        first: v.first,
        untracked: v.untracked,
        noServer: v.noServer,
      })),
    );
  }
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
