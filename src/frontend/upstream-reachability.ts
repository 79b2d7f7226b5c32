// Whether one maglevd answers, as the dashboard shows it (the tab turns red or green). Owns the
// reachability probe loop: a cheap call every `intervalMs`, never two at once, so a dead maglevd
// shows within seconds even while no stream or fetch happens to notice. The other parts report
// what their own calls find through report().

import type { TimerHandle } from '../clock/index.js';
import { RpcError } from './rpc.js';
import type { UpstreamContext } from './upstream-context.js';
import type { MaglevdStatusJson } from './wire.js';

export interface ReachabilityOptions {
  intervalMs: number;
  /** Deadline of one probe: shorter than the interval, so a hung maglevd fails the probe. */
  deadlineMs: number;
  ping: (deadlineMs: number) => Promise<void>;
  /** The probe found maglevd answering again after it was unreachable. */
  onBack: () => void;
}

export class Reachability {
  private current: MaglevdStatusJson;
  private timer: TimerHandle | undefined;
  private pinging = false;
  private stopped = false;

  constructor(
    private readonly ctx: UpstreamContext,
    private readonly opts: ReachabilityOptions,
  ) {
    this.current = { name: ctx.name, reachable: false, error: 'not contacted yet', since: ctx.clock.now() };
  }

  start(): void {
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  status(): MaglevdStatusJson {
    return { ...this.current };
  }

  /** Records what a call found; logs and publishes only a change (or a new reason for being down). */
  report(reachable: boolean, err?: RpcError): void {
    const error = reachable ? null : (err?.message ?? 'unreachable');
    if (this.current.reachable === reachable && (reachable || this.current.error === error)) return;
    const changed = this.current.reachable !== reachable;
    this.current = {
      name: this.ctx.name,
      reachable,
      error,
      since: changed ? this.ctx.clock.now() : this.current.since,
    };
    if (changed) {
      if (reachable) this.ctx.logger.info('maglevd-reachable', { maglevd: this.ctx.name });
      else this.ctx.logger.warn('maglevd-unreachable', { maglevd: this.ctx.name, error: error ?? '' });
    }
    this.ctx.publish('maglevd-status', this.status());
  }

  private arm(): void {
    this.timer = this.ctx.clock.setTimeout(() => {
      if (this.stopped) return;
      if (!this.pinging) void this.ctx.track(this.probe());
      this.arm();
    }, this.opts.intervalMs);
  }

  private async probe(): Promise<void> {
    this.pinging = true;
    try {
      await this.opts.ping(this.opts.deadlineMs);
      if (this.stopped) return;
      const wasDown = !this.current.reachable;
      this.report(true);
      if (wasDown) this.opts.onBack();
    } catch (err) {
      if (!this.stopped) this.report(false, RpcError.from(err));
    } finally {
      this.pinging = false;
    }
  }
}
