// The full refresh of one maglevd: frontends, backends, health checks, then VPP, published as one
// snapshot. Owns the refresh loop: `periodMs` after the last refresh (longer for a large
// maglevd, see refreshPeriodMs) as a safety net for anything the event stream missed, and on
// request (a reconnect, a config reload, maglevd coming back). Requests during a refresh fold into one more
// run after it, so a burst of them never stacks fetches.

import type { BackendInfo, FrontendInfo, HealthCheckInfo } from '../api/index.js';
import type { TimerHandle } from '../clock/index.js';
import { backendJson, frontendJson, healthCheckJson } from './convert.js';
import { RpcError } from './rpc.js';
import type { UpstreamContext } from './upstream-context.js';
import type { MaglevdStateJson } from './wire.js';

export interface RefreshCalls {
  listFrontends(): Promise<FrontendInfo[]>;
  listBackends(): Promise<BackendInfo[]>;
  listHealthChecks(): Promise<HealthCheckInfo[]>;
}

export interface RefreshOptions {
  /** The safety net's period for a small maglevd (refreshPeriodMs scales it with the size). */
  periodMs: number;
  calls: RefreshCalls;
  /** Reads VPP into the view (the lb-state part's); never rejects. */
  readVpp: () => Promise<void>;
  /** What the calls found about maglevd answering (the reachability part's report). */
  reachable: (reachable: boolean, err?: RpcError) => void;
  /** The whole picture, status included, for the snapshot event. */
  snapshot: () => MaglevdStateJson;
}

/** Backends per `periodMs` of the safety-net refresh: a larger maglevd is refreshed less often. */
export const REFRESH_BACKENDS_PER_PERIOD = 1000;
/** The safety-net refresh comes at least this often, whatever the size. */
export const REFRESH_MAX_MS = 5 * 60_000;

/**
 * The safety-net refresh's period for a maglevd with this many backends: `periodMs` per started
 * thousand backends, at most REFRESH_MAX_MS (30 s up to 1 000 backends, 5 min at 10 000). What a
 * refresh costs maglevd (listing, converting and encoding every frontend and backend, reading
 * VPP) grows with its size; this keeps the safety net's share of maglevd's CPU about the same at
 * any size (bench/README.md §dashboard). The stream carries every change as it happens, and a
 * stream that lost events ends and is reopened with a full refresh, so a longer safety net delays
 * no change the page shows.
 */
export function refreshPeriodMs(periodMs: number, backends: number): number {
  const thousands = Math.max(1, Math.ceil(backends / REFRESH_BACKENDS_PER_PERIOD));
  return Math.max(periodMs, Math.min(REFRESH_MAX_MS, periodMs * thousands));
}

export class RefreshLoop {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly ctx: UpstreamContext,
    private readonly opts: RefreshOptions,
  ) {}

  start(): void {
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** Runs a full refresh now (or once more after the one in progress); resolves when done. */
  request(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        await this.refresh();
      } while (this.again && !this.stopped);
    };
    this.running = this.ctx.track(run()).finally(() => {
      this.running = undefined;
      // The safety net comes a period after the last refresh, whatever asked for it, at the
      // size that refresh found (not 30 s after start for a maglevd then still of unknown size).
      if (!this.stopped) this.arm();
    });
    return this.running;
  }

  private arm(): void {
    this.timer?.cancel();
    this.timer = this.ctx.clock.setTimeout(
      () => {
        if (!this.stopped) void this.request();
      },
      refreshPeriodMs(this.opts.periodMs, this.ctx.view.backends.size),
    );
  }

  private async refresh(): Promise<void> {
    const { calls } = this.opts;
    const { view } = this.ctx;
    try {
      const [frontends, backends, healthchecks] = await Promise.all([
        calls.listFrontends(),
        calls.listBackends(),
        calls.listHealthChecks(),
      ]);
      if (this.stopped) return;
      view.frontends = frontends.map(frontendJson);
      view.backends = new Map(backends.map((b) => [b.name, backendJson(b)]));
      view.healthchecks = healthchecks.map(healthCheckJson);
      this.opts.reachable(true);
      await this.opts.readVpp();
      if (this.stopped) return;
      view.refreshedAt = this.ctx.clock.now();
      this.ctx.publish('snapshot', this.opts.snapshot());
    } catch (err) {
      if (this.stopped) return;
      const e = RpcError.from(err);
      this.ctx.logger.warn('maglevd-refresh-failed', {
        maglevd: this.ctx.name,
        code: e.code,
        error: e.message,
      });
      this.opts.reachable(false, e);
    }
  }
}
