// The full refresh of one maglevd: frontends, backends, health checks, then VPP, published as one
// snapshot. Owns the refresh loop: every `periodMs` as a safety net for anything the event stream
// missed, and on request (a reconnect, a config reload, maglevd coming back). Requests during a
// refresh fold into one more run after it, so a burst of them never stacks fetches.

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
  periodMs: number;
  calls: RefreshCalls;
  /** Reads VPP into the view (the lb-state part's); never rejects. */
  readVpp: () => Promise<void>;
  /** What the calls found about maglevd answering (the reachability part's report). */
  reachable: (reachable: boolean, err?: RpcError) => void;
  /** The whole picture, status included, for the snapshot event. */
  snapshot: () => MaglevdStateJson;
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
    });
    return this.running;
  }

  private arm(): void {
    this.timer = this.ctx.clock.setTimeout(() => {
      if (this.stopped) return;
      void this.request();
      this.arm();
    }, this.opts.periodMs);
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
