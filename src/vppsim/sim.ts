// The simulator put together: the API socket server (server.ts) with the lb plugin model, its
// handlers and CLI commands, ip_route_lookup over the model's FIB, the lb garbage-collection
// process, and optionally the text CLI socket, the stats socket with its segment (stats-segment.ts)
// and the TCP forwarder (forward.ts: real connections to VIPs, forwarded by the model's tables).
// This is what the vppsim binary runs and what integration tests start in-process.

import { systemClock, type Clock, type TimerHandle } from '../clock/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { Signal } from '../vpp/index.js';
import { CliSocketServer } from './cli-socket.js';
import { Forwarder } from './forward.js';
import { registerIpHandlers } from './ip-handlers.js';
import { registerLbHandlers } from './lb-handlers.js';
import { LbPlugin, type LbSimulatedCrash } from './lb-plugin.js';
import { VppSimServer, type VppSimServerOptions } from './server.js';
import { SimStatsSegment } from './stats-segment.js';

/** lb_garbage_collection's period in master's GC process. */
export const LB_GC_PROCESS_INTERVAL_MS = 60_000;

export interface VppSimOptions extends VppSimServerOptions {
  /** Also serve the debug CLI as text on this unix socket. */
  readonly cliSocketPath?: string;
  /** Also serve a stats segment on this stats socket (like /run/vpp/stats.sock). */
  readonly statsSocketPath?: string;
  /** Time for the lb plugin (uptime, GC, flow expiry) and the GC process. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * How often lb_garbage_collection runs. Default: every 60 s with lb 1.2 (master's GC process);
   * never with 1.1 (releases only collect from CLI commands the simulator does not offer, so
   * removed ASes of deleted VIPs linger, as they do in VPP). 0 disables.
   */
  readonly gcIntervalMs?: number;
  /** See LbPluginOptions.maxTableLength. */
  readonly maxTableLength?: number;
  /** Forward real TCP connections to local per-port TCP VIPs by the Maglev table (`--forward`). */
  readonly forward?: boolean;
  /** Which VIP addresses the forwarder may bind; default loopback and this host's addresses. */
  readonly isLocalAddress?: (address: string) => boolean;
}

export interface VppSimCrash {
  readonly error: LbSimulatedCrash;
  readonly request: string;
}

export class VppSim {
  /** Emitted when a request made the simulated VPP die; the simulator has stopped by then. */
  readonly onCrash = new Signal<VppSimCrash>();
  readonly server: VppSimServer;
  readonly lb: LbPlugin;
  readonly cli: CliSocketServer | undefined;
  /** Present with `forward`: the data path's listeners and proxied connections. */
  readonly forwarder: Forwarder | undefined;
  /** Present with `statsSocketPath` once started. */
  stats: SimStatsSegment | undefined;

  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly gcIntervalMs: number;
  private gcTimer: TimerHandle | undefined;
  private closing: Promise<void> | undefined;

  private constructor(opts: VppSimOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.server = new VppSimServer(opts);
    this.lb = new LbPlugin({
      generation: this.server.lbGeneration,
      clock: this.clock,
      ...(opts.maxTableLength !== undefined && { maxTableLength: opts.maxTableLength }),
    });
    this.gcIntervalMs =
      opts.gcIntervalMs ?? (this.server.lbGeneration === '1.2' ? LB_GC_PROCESS_INTERVAL_MS : 0);
    registerLbHandlers(this.server, this.lb, { onCrash: (error, request) => this.crash(error, request) });
    registerIpHandlers(this.server, this.lb);
    this.cli =
      opts.cliSocketPath === undefined
        ? undefined
        : new CliSocketServer({
            socketPath: opts.cliSocketPath,
            run: (cmd) => this.server.runCli(cmd),
            logger: this.logger,
          });
    this.forwarder = opts.forward
      ? new Forwarder({
          lb: this.lb,
          logger: this.logger,
          ...(opts.isLocalAddress && { isLocalAddress: opts.isLocalAddress }),
          onCrash: (error) => this.crash(error, 'packet'),
        })
      : undefined;
  }

  /** Creates the simulator and starts listening on its socket(s). */
  static async start(opts: VppSimOptions): Promise<VppSim> {
    const sim = new VppSim(opts);
    await sim.server.start();
    try {
      await sim.cli?.start();
      if (opts.statsSocketPath !== undefined)
        sim.stats = await SimStatsSegment.start({
          socketPath: opts.statsSocketPath,
          lb: sim.lb,
          clock: sim.clock,
          logger: sim.logger,
        });
    } catch (err) {
      await Promise.all([sim.server.close(), sim.cli?.close()]);
      throw err;
    }
    sim.forwarder?.start();
    sim.scheduleGc();
    return sim;
  }

  get socketPath(): string {
    return this.server.socketPath;
  }

  /** Stops everything and removes the socket files. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.gcTimer?.cancel();
      this.gcTimer = undefined;
      await Promise.all([
        this.server.close(),
        this.cli?.close(),
        this.stats?.close(),
        this.forwarder?.close(),
      ]);
    })();
    return this.closing;
  }

  private scheduleGc(): void {
    if (this.gcIntervalMs <= 0 || this.closing) return;
    this.gcTimer = this.clock.setTimeout(() => {
      this.lb.garbageCollect();
      this.scheduleGc();
    }, this.gcIntervalMs);
  }

  private crash(error: LbSimulatedCrash, request: string): void {
    this.logger.error('vppsim-crash', { request, error: error.message });
    // VPP is gone: its clients see EOF, nothing answers any more.
    this.close().then(
      () => this.onCrash.emit({ error, request }),
      (err: unknown) => this.logger.error('vppsim-close-failed', { error: String(err) }),
    );
  }
}
