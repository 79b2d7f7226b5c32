// The traffic part of an upstream: GetVPPLBCounters every few seconds (maglevd itself polls VPP
// every 5 s, so asking as often never misses a point), each new poll appended to the picture
// (traffic-history.ts) in the view and sent to the pages as a `traffic` event. When the counters
// go away (VPP disconnected, or maglevd has no VPP) the picture is dropped and the pages are told
// so: no stale rate stays on screen.

import { status } from '@grpc/grpc-js';
import type { VPPLBCounters } from '../api/index.js';
import type { TimerHandle } from '../clock/index.js';
import { RpcError } from './rpc.js';
import { appendTraffic } from './traffic-history.js';
import { trafficSample } from './traffic.js';
import type { UpstreamContext } from './upstream-context.js';

export const TRAFFIC_POLL_MS = 5_000;

export interface TrafficOptions {
  intervalMs: number;
  counters: () => Promise<VPPLBCounters>;
}

export class TrafficLoop {
  private timer: TimerHandle | undefined;
  private fetching: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: UpstreamContext,
    private readonly opts: TrafficOptions,
  ) {}

  start(): void {
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The counters are gone: forget the picture and tell the pages. */
  clear(): void {
    if (this.ctx.view.traffic === null || this.stopped) return;
    this.ctx.view.traffic = null;
    this.ctx.publish('traffic', { maglevd: this.ctx.name, sample: null });
  }

  /** Fetches now (once at a time); resolves when done. */
  fetchNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.fetching ??= this.ctx.track(this.fetch()).finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private arm(): void {
    this.timer = this.ctx.clock.setTimeout(() => {
      if (this.stopped) return;
      void this.fetchNow();
      this.arm();
    }, this.opts.intervalMs);
  }

  private async fetch(): Promise<void> {
    let counters: VPPLBCounters;
    try {
      counters = await this.opts.counters();
    } catch (err) {
      // No VPP (or no maglevd): nothing true to show. Anything else: keep the picture, try again.
      if (RpcError.from(err).status === status.UNAVAILABLE) this.clear();
      return;
    }
    if (this.stopped) return;
    const sample = trafficSample(counters);
    if (!sample) return;
    const { view } = this.ctx;
    const next = appendTraffic(view.traffic, sample);
    if (next === view.traffic) return;
    view.traffic = next;
    this.ctx.publish('traffic', { maglevd: this.ctx.name, sample });
  }
}
