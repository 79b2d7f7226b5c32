// What VPP holds for one maglevd, as the page shows it: VPP's info, its lb state, and the
// frontends whose effective weights go with it. Owns the lb-state loop: a fetch debounced on both
// edges (the Debouncer's window is its one timer), woken by whatever may have changed VPP
// (transitions, vpp-connect, maglevd's lb-sync records of a reconcile that changed VPP, admin
// actions). VPP being absent is a state to show, not an error.

import { status } from '@grpc/grpc-js';
import type { FrontendInfo, VPPInfo, VPPLBState } from '../api/index.js';
import { frontendJson, vppInfoJson, vppLbStateJson } from './convert.js';
import { Debouncer } from './debouncer.js';
import { RpcError } from './rpc.js';
import type { UpstreamContext } from './upstream-context.js';

export interface LbStateCalls {
  listFrontends(): Promise<FrontendInfo[]>;
  vppInfo(): Promise<VPPInfo>;
  vppLbState(): Promise<VPPLBState>;
}

export interface LbStateOptions {
  debounceMs: number;
  calls: LbStateCalls;
}

/** An lb-sync record's counts of what it did to VPP. */
const LB_SYNC_COUNTS = ['vipsAdded', 'vipsRemoved', 'asesAdded', 'asesRemoved', 'weightsUpdated', 'failed'];

/**
 * Whether a reconcile may have changed what VPP holds. maglevd's periodic reconcile (every 30 s)
 * mostly finds VPP as it wants it and changes nothing: reading VPP's whole lb state after that
 * costs maglevd a dump of every AS for a picture the dashboard already has. A record without the
 * counts (another maglevd version) counts as a change.
 */
export function lbSyncChangedVpp(attrs: Record<string, unknown>): boolean {
  return LB_SYNC_COUNTS.some((key) => attrs[key] !== 0);
}

export class LbStateLoop {
  private readonly debouncer: Debouncer;
  private stopped = false;

  constructor(
    private readonly ctx: UpstreamContext,
    private readonly opts: LbStateOptions,
  ) {
    this.debouncer = new Debouncer(ctx.clock, opts.debounceMs, () => {
      void ctx.track(this.fetch());
    });
  }

  /** Schedules a debounced fetch: at once if none ran within the window, else at its end. */
  wake(): void {
    this.debouncer.wake();
  }

  stop(): void {
    this.stopped = true;
    this.debouncer.stop();
  }

  /** VPP info and lb state into the view, without publishing (the refresh's snapshot does). */
  async readVpp(): Promise<void> {
    const { view } = this.ctx;
    const { calls } = this.opts;
    try {
      const info = await calls.vppInfo();
      view.vpp = { connected: true, info: vppInfoJson(info), error: null, lbState: view.vpp.lbState };
    } catch (err) {
      view.vpp = { connected: false, info: null, error: vppError(err), lbState: null };
      return;
    }
    try {
      view.vpp = { ...view.vpp, lbState: vppLbStateJson(await calls.vppLbState()) };
    } catch (err) {
      view.vpp = { ...view.vpp, lbState: null, error: vppError(err) };
    }
  }

  /** maglevd connected to VPP: read it, publish it, and fetch the lb state with the frontends. */
  vppConnected(): void {
    void this.ctx.track(this.readVpp().then(() => this.publishVpp()));
    this.wake();
  }

  /** maglevd lost VPP: nothing of VPP is known any more. */
  vppDisconnected(): void {
    this.ctx.view.vpp = { connected: false, info: null, error: 'VPP disconnected', lbState: null };
    this.publishVpp();
  }

  private async fetch(): Promise<void> {
    const { view, name } = this.ctx;
    const { calls } = this.opts;
    const [frontends, lb] = await Promise.allSettled([calls.listFrontends(), calls.vppLbState()]);
    if (this.stopped) return;
    if (frontends.status === 'fulfilled') {
      const json = frontends.value.map(frontendJson);
      view.mergeFrontends(json);
      this.ctx.publish('frontends', { maglevd: name, frontends: json });
    }
    if (lb.status === 'fulfilled') {
      const lbState = vppLbStateJson(lb.value);
      if (!view.vpp.connected) {
        // Connected since we last looked (the vpp-connect record may have been missed).
        await this.readVpp();
        if (this.stopped) return;
      }
      view.vpp = { ...view.vpp, connected: true, error: null, lbState };
    } else {
      const e = RpcError.from(lb.reason);
      if (e.status === status.UNAVAILABLE)
        view.vpp = { connected: false, info: null, error: e.message, lbState: null };
      else view.vpp = { ...view.vpp, error: e.message };
    }
    this.ctx.publish('vpp', { maglevd: name, vpp: view.vpp });
  }

  private publishVpp(): void {
    if (!this.stopped) this.ctx.publish('vpp', { maglevd: this.ctx.name, vpp: this.ctx.view.vpp });
  }
}

function vppError(err: unknown): string {
  const e = RpcError.from(err);
  return e.status === status.UNAVAILABLE ? e.message : `${e.statusName}: ${e.message}`;
}
