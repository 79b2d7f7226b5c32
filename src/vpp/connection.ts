// Keeps one live client to VPP (docs/vpp.md §Failure handling): connect, ask show_version and control_ping
// (for the vpe pid), log `vpp-connect`, then control_ping every 10 s. A closed socket or a failed ping is a
// disconnect (`vpp-disconnect`), followed by a new attempt every 5 s until VPP answers again. Every connect
// builds a fresh client — a new registration and a new message table — so plugin ids are never carried across
// a VPP restart; a changed vpe pid is reported as `restarted` (and, seen on a live connection, forces a
// reconnect at once). Time comes from the injected Clock.

import { systemClock, type Clock, type TimerHandle } from '../clock/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { VppClient, type VppApiMetrics, type VppClientOptions } from './client.js';
import type { LbGeneration } from './lb-generation.js';
import { Signal } from './signal.js';
import { getNumber, getString } from './values.js';

export const DEFAULT_PING_INTERVAL_MS = 10_000;
export const DEFAULT_RECONNECT_DELAY_MS = 5_000;

/** What we learnt about the VPP we are connected to. */
export interface VppInfo {
  readonly socketPath: string;
  readonly program: string;
  readonly version: string;
  readonly buildDate: string;
  readonly buildDirectory: string;
  /** vpe_pid from control_ping_reply. */
  readonly pid: number;
  readonly clientIndex: number;
  readonly lbGeneration: LbGeneration | undefined;
  readonly messageCount: number;
  /** clock.now() when the connection came up. */
  readonly connectedAt: number;
  /** The pid differs from the previous connection's: VPP restarted (ids and state are new). */
  readonly restarted: boolean;
}

export interface VppDisconnect {
  readonly reason: 'socket-closed' | 'ping-failed' | 'vpp-restarted' | 'stopped';
  readonly error?: Error;
}

export interface VppConnectionOptions extends Omit<VppClientOptions, 'clock' | 'logger' | 'metrics'> {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly metrics?: VppApiMetrics;
  readonly pingIntervalMs?: number;
  readonly reconnectDelayMs?: number;
  /** Seam for tests: how a client is made (default VppClient.connect). */
  readonly connectClient?: (opts: VppClientOptions) => Promise<VppClient>;
}

export class VppConnection {
  readonly onConnect = new Signal<VppInfo>();
  readonly onDisconnect = new Signal<VppDisconnect>();

  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly pingIntervalMs: number;
  private readonly reconnectDelayMs: number;
  private started = false;
  private current: VppClient | undefined;
  private currentInfo: VppInfo | undefined;
  private lastPid: number | undefined;
  private timer: TimerHandle | undefined;
  private attempt: Promise<void> | undefined;
  private failures = 0;

  constructor(private readonly opts: VppConnectionOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.pingIntervalMs = opts.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.reconnectDelayMs = opts.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS;
  }

  /** The live client, or undefined while disconnected. */
  get client(): VppClient | undefined {
    return this.current;
  }

  get info(): VppInfo | undefined {
    return this.currentInfo;
  }

  get connected(): boolean {
    return this.current !== undefined;
  }

  /** Starts connecting (at once) and keeps the connection alive until stop(). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.connectNow();
  }

  /** Stops pinging and reconnecting, and closes the client politely. */
  async stop(): Promise<void> {
    this.started = false;
    this.timer?.cancel();
    this.timer = undefined;
    await this.attempt;
    const client = this.current;
    if (!client) return;
    this.current = undefined;
    this.currentInfo = undefined;
    await client.close();
    this.logger.info('vpp-disconnect', { socket: this.opts.socketPath, reason: 'stopped' });
    this.onDisconnect.emit({ reason: 'stopped' });
  }

  private connectNow(): void {
    this.timer = undefined;
    if (!this.started || this.attempt) return;
    this.attempt = this.tryConnect().finally(() => {
      this.attempt = undefined;
    });
  }

  private schedule(fn: () => void, ms: number): void {
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(fn, ms);
  }

  private async tryConnect(): Promise<void> {
    let client: VppClient | undefined;
    let info: VppInfo;
    try {
      client = await (this.opts.connectClient ?? ((o) => VppClient.connect(o)))({
        ...this.opts,
        clock: this.clock,
        logger: this.logger,
        ...(this.opts.metrics && { metrics: this.opts.metrics }),
      });
      const version = await client.request('show_version');
      const ping = await client.request('control_ping');
      const pid = getNumber(ping, 'vpe_pid', 'control_ping_reply');
      info = {
        socketPath: this.opts.socketPath,
        program: getString(version, 'program', 'show_version_reply'),
        version: getString(version, 'version', 'show_version_reply'),
        buildDate: getString(version, 'build_date', 'show_version_reply'),
        buildDirectory: getString(version, 'build_directory', 'show_version_reply'),
        pid,
        clientIndex: client.clientIndex,
        lbGeneration: client.lbGeneration,
        messageCount: client.messageTable.size,
        connectedAt: this.clock.now(),
        restarted: this.lastPid !== undefined && this.lastPid !== pid,
      };
    } catch (err) {
      client?.destroy();
      const attrs = {
        socket: this.opts.socketPath,
        error: (err as Error).message,
        retryInMs: this.reconnectDelayMs,
      };
      // Say it loudly once; while VPP stays away, every retry is only debug noise.
      if (this.failures++ === 0) this.logger.warn('vpp-connect-failed', attrs);
      else this.logger.debug('vpp-connect-failed', attrs);
      if (this.started) this.schedule(() => this.connectNow(), this.reconnectDelayMs);
      return;
    }
    if (!this.started) {
      await client.close();
      return;
    }
    this.failures = 0;
    this.lastPid = info.pid;
    this.current = client;
    this.currentInfo = info;
    const connected = client;
    client.onClose.add(({ error }) => this.lost(connected, 'socket-closed', error));
    this.logger.info('vpp-connect', {
      socket: info.socketPath,
      version: info.version,
      buildDate: info.buildDate,
      pid: info.pid,
      clientIndex: info.clientIndex,
      lbGeneration: info.lbGeneration ?? null,
      messages: info.messageCount,
      restarted: info.restarted,
    });
    this.onConnect.emit(info);
    if (this.current === client) this.schedule(() => void this.ping(client), this.pingIntervalMs);
  }

  private async ping(client: VppClient): Promise<void> {
    if (client !== this.current) return;
    let pid: number;
    try {
      pid = getNumber(await client.request('control_ping'), 'vpe_pid', 'control_ping_reply');
    } catch (err) {
      this.lost(client, 'ping-failed', err as Error);
      return;
    }
    if (client !== this.current) return;
    if (pid !== this.currentInfo?.pid) {
      this.lost(client, 'vpp-restarted', undefined, 0);
      return;
    }
    this.schedule(() => void this.ping(client), this.pingIntervalMs);
  }

  private lost(
    client: VppClient,
    reason: VppDisconnect['reason'],
    error?: Error,
    delayMs = this.reconnectDelayMs,
  ): void {
    if (client !== this.current) return;
    this.current = undefined;
    this.currentInfo = undefined;
    this.timer?.cancel();
    this.timer = undefined;
    client.destroy();
    this.logger.warn('vpp-disconnect', {
      socket: this.opts.socketPath,
      reason,
      ...(error && { error: error.message }),
      retryInMs: delayMs,
    });
    this.onDisconnect.emit({ reason, ...(error && { error }) });
    if (this.started) this.schedule(() => this.connectNow(), delayMs);
  }
}
