// One maglevd as the dashboard sees it. Five loops keep the picture current
// (docs/dashboard.md §What it keeps up to date), each a part in its own file with its own timer
// (as Seesaw splits its server into updater, manager and notifier); this file only wires them
// together, routes the stream's events to them, and runs the admin actions:
//   1. watch (upstream-watch.ts): a WatchEvents stream at debug level (transitions, frontend
//      states, every log record), reconnected with backoff whenever it ends;
//   2. refresh (upstream-refresh.ts): a full refresh every 30 s (frontends, backends, health
//      checks, VPP info and lb state), a safety net for anything the stream missed, and run at
//      once after every reconnect;
//   3. reachability (upstream-reachability.ts): a probe every 5 s, so a dead maglevd turns its
//      tab red quickly;
//   4. lb-state (upstream-lb-state.ts): GetVPPLBState plus the frontends, whose effective weights
//      follow the transitions, debounced to 1 s on both edges and woken by transitions,
//      `vpp-connect`, maglevd's `lb-sync` records of a reconcile that changed VPP (so the state
//      read after a reconcile is never a stale one) and admin actions (a weight change emits no transition, so admin handlers wake
//      it themselves);
//   5. traffic (upstream-traffic.ts): GetVPPLBCounters every 5 s, each new poll appended to the
//      rates and sparkline history and published as a `traffic` event; dropped with VPP.
// Everything learnt is kept as page JSON (upstream-view.ts) and published to the SSE broker as it
// changes.

import { WATCH_EVERYTHING, type ChannelSecurity, type Event } from '../api/index.js';
import type { Clock, Random } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { backendJson, changePreviewJson, frontendJson, msOrNull, transitionJson } from './convert.js';
import { MaglevRpc, type RpcError } from './rpc.js';
import type { SseBroker } from './sse-broker.js';
import { InFlight, type UpstreamContext } from './upstream-context.js';
import { LbStateLoop, lbSyncChangedVpp } from './upstream-lb-state.js';
import { Reachability } from './upstream-reachability.js';
import { RefreshLoop } from './upstream-refresh.js';
import { TRAFFIC_POLL_MS, TrafficLoop } from './upstream-traffic.js';
import { UpstreamView } from './upstream-view.js';
import { WatchLoop } from './upstream-watch.js';
import type {
  BackendAction,
  BackendJson,
  ChangePreviewJson,
  FrontendJson,
  MaglevdStateJson,
  MaglevdStatusJson,
  SsePayloads,
} from './wire.js';

export const REFRESH_MS = 30_000;
export const HEALTH_MS = 5000;
export const HEALTH_DEADLINE_MS = 4000;
export const LB_DEBOUNCE_MS = 1000;
/**
 * Probe heartbeats come from maglevd coalesced, one batch per this many ms: a heart beats for
 * every backend probed in the batch. Every probe as two log records would cost maglevd more than
 * probing does at 10 000 backends (bench/README.md §Dashboard).
 */
export const PROBE_SUMMARY_MS = 1000;

export interface UpstreamTimings {
  refreshMs: number;
  healthMs: number;
  healthDeadlineMs: number;
  lbDebounceMs: number;
  trafficMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_TIMINGS: UpstreamTimings = {
  refreshMs: REFRESH_MS,
  healthMs: HEALTH_MS,
  healthDeadlineMs: HEALTH_DEADLINE_MS,
  lbDebounceMs: LB_DEBOUNCE_MS,
  trafficMs: TRAFFIC_POLL_MS,
  backoffInitialMs: 500,
  backoffMaxMs: 15_000,
};

export interface UpstreamOptions {
  /** The maglevd gRPC address (host:port); also its name on the page. */
  target: string;
  /** How the channel to it is secured (default plaintext). */
  security?: ChannelSecurity;
  clock: Clock;
  random: Random;
  logger: Logger;
  broker: SseBroker;
  timings?: Partial<UpstreamTimings>;
}

// Log records from maglevd that change what the dashboard must fetch.
/** VPP (re)connected, or maglevd opened its stats segment (VPP's boot time is known from then). */
const VPP_UP = new Set(['vpp-connect', 'vpp-stats-connected']);
const VPP_DOWN = new Set(['vpp-disconnect']);
const CONFIG_CHANGED = new Set(['config-reload', 'config-loaded']);
/** maglevd reconciled VPP: what VPP holds now is worth reading (the "next lb-state reconcile"). */
const LB_SYNCED = new Set(['lb-sync']);
export class MaglevdUpstream {
  readonly name: string;
  readonly rpc: MaglevRpc;
  private readonly view = new UpstreamView();
  private readonly inFlight = new InFlight();
  private readonly ctx: UpstreamContext;
  private readonly reachability: Reachability;
  private readonly refresher: RefreshLoop;
  private readonly lbState: LbStateLoop;
  private readonly watch: WatchLoop;
  private readonly traffic: TrafficLoop;
  private stopped = false;

  constructor(opts: UpstreamOptions) {
    this.name = opts.target;
    const timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    const rpc = new MaglevRpc(opts.target, opts.security);
    this.rpc = rpc;
    const broker = opts.broker;
    const ctx: UpstreamContext = {
      name: this.name,
      clock: opts.clock,
      logger: opts.logger,
      view: this.view,
      publish: (type, payload) => void broker.publish(type, payload),
      track: this.inFlight.track,
    };
    this.ctx = ctx;
    const reachable = (ok: boolean, err?: RpcError): void => this.reachability.report(ok, err);
    this.reachability = new Reachability(ctx, {
      intervalMs: timings.healthMs,
      deadlineMs: timings.healthDeadlineMs,
      ping: (deadlineMs) => rpc.ping(deadlineMs),
      onBack: () => {
        void this.refresher.request();
        // Do not wait out the stream's backoff once maglevd answers again.
        this.watch.reconnectIfDown();
      },
    });
    this.lbState = new LbStateLoop(ctx, { debounceMs: timings.lbDebounceMs, calls: rpc });
    this.refresher = new RefreshLoop(ctx, {
      periodMs: timings.refreshMs,
      calls: rpc,
      readVpp: () => this.lbState.readVpp(),
      reachable,
      snapshot: () => this.state(),
    });
    this.traffic = new TrafficLoop(ctx, {
      intervalMs: timings.trafficMs,
      counters: () => rpc.vppLbCounters(),
    });
    this.watch = new WatchLoop(ctx, {
      random: opts.random,
      backoffInitialMs: timings.backoffInitialMs,
      backoffMaxMs: timings.backoffMaxMs,
      open: () => rpc.watchEvents({ ...WATCH_EVERYTHING, probeSummaryMs: PROBE_SUMMARY_MS }),
      reachable,
      onLive: () => void this.refresher.request(),
      onEvent: (event) => this.onEvent(event),
    });
  }

  start(): void {
    // The stream's first response headers trigger the first full refresh; if maglevd is down,
    // the reachability probe triggers it once maglevd answers.
    this.watch.start();
    this.refresher.start();
    this.reachability.start();
    this.traffic.start();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.watch.stop();
    this.refresher.stop();
    this.reachability.stop();
    this.lbState.stop();
    this.traffic.stop();
    this.rpc.close();
  }

  state(): MaglevdStateJson {
    return this.view.snapshot(this.reachability.status());
  }

  statusJson(): MaglevdStatusJson {
    return this.reachability.status();
  }

  /** Whether the WatchEvents stream currently has a live subscription. */
  watching(): boolean {
    return this.watch.watching();
  }

  /** Schedules a debounced lb-state fetch. */
  wakeLbState(): void {
    this.lbState.wake();
  }

  /** Runs a full refresh now (or once more after the one in progress); resolves when done. */
  requestRefresh(): Promise<void> {
    return this.refresher.request();
  }

  /** Resolves once no fetch started by this upstream is still running (tests). */
  idle(): Promise<void> {
    return this.inFlight.idle();
  }

  // --- admin actions: call maglevd, publish what changed, wake the lb-state fetch ---------------

  async backendAction(action: BackendAction, backend: string): Promise<BackendJson> {
    const json = backendJson(await this.rpc.backendAction(action, backend));
    this.view.backends.set(json.name, json);
    this.ctx.publish('backend-info', { maglevd: this.name, backend: json });
    this.wakeLbState();
    return json;
  }

  async setWeight(
    frontend: string,
    pool: string,
    backend: string,
    weight: number,
    flush: boolean,
  ): Promise<FrontendJson> {
    const json = frontendJson(await this.rpc.setWeight({ frontend, pool, backend, weight, flush }));
    this.view.mergeFrontends([json]);
    this.ctx.publish('frontends', { maglevd: this.name, frontends: [json] });
    this.wakeLbState();
    return json;
  }

  /** What a weight change would do, changing nothing (the weight dialog's preview). */
  async previewWeight(
    frontend: string,
    pool: string,
    backend: string,
    weight: number,
    flush: boolean,
  ): Promise<ChangePreviewJson> {
    const value = { frontend, pool, backend, weight, flush };
    return changePreviewJson(await this.rpc.previewChange({ $case: 'setWeight', value }));
  }

  async syncVpp(frontend: string | undefined): Promise<Record<string, number>> {
    const res = await this.rpc.syncVppLbState(frontend ?? '');
    this.wakeLbState();
    return { ...res };
  }

  async reloadConfig(): Promise<Record<string, unknown>> {
    const res = await this.rpc.reloadConfig();
    // maglevd logs config-reload too, but a refresh now does not depend on the stream being up.
    if (res.ok) void this.requestRefresh();
    return { ...res };
  }

  // --- the stream's events: update the view, publish, and wake the part that must fetch ---------

  private onEvent(event: Event): void {
    const e = event.event;
    if (!e || this.stopped) return;
    switch (e.$case) {
      case 'backend': {
        const { frontend, backend, address } = e.value;
        const transition = transitionJson(e.value.transition);
        this.view.applyTransition(frontend, backend, transition);
        this.ctx.publish('backend', { maglevd: this.name, frontend, backend, address, transition });
        this.wakeLbState();
        return;
      }
      case 'frontend': {
        const { frontend, from, to } = e.value;
        const at = msOrNull(e.value.time);
        this.view.applyFrontendState(frontend, from, to, at);
        this.ctx.publish('frontend', { maglevd: this.name, frontend, from, to, at });
        return;
      }
      case 'checkerFault': {
        const { frontend, backend, active, reason, detail } = e.value;
        const at = msOrNull(e.value.time);
        this.view.applyCheckerFault(frontend, backend, active ? { reason, detail, since: at } : null);
        this.ctx.publish('checker-fault', {
          maglevd: this.name,
          frontend,
          backend,
          active,
          reason,
          detail,
          at,
        });
        return;
      }
      case 'panic':
        // The page derives panics itself from live states and the threshold; the log says why.
        return;
      case 'probes': {
        // Names only, and the details of the failures: the page beats a heart per name.
        const backends: string[] = [];
        const failed: SsePayloads['probes']['failed'] = [];
        let count = 0;
        for (const p of e.value.probes) {
          backends.push(p.backend);
          count += p.count;
          if (!p.ok) failed.push({ backend: p.backend, code: p.code, detail: p.detail });
        }
        this.ctx.publish('probes', { maglevd: this.name, count, backends, failed });
        return;
      }
      case 'announcement':
        // Rare (a VIP announced or withdrawn, BIRD's state): the next full refresh carries it.
        void this.requestRefresh();
        return;
      case 'log': {
        const { level, msg } = e.value;
        const attrs: Record<string, unknown> = e.value.attrs ?? {};
        this.ctx.publish('log', { maglevd: this.name, at: msOrNull(e.value.time), level, msg, attrs });
        if (VPP_UP.has(msg)) this.lbState.vppConnected();
        else if (VPP_DOWN.has(msg)) {
          this.lbState.vppDisconnected();
          this.traffic.clear();
        } else if (CONFIG_CHANGED.has(msg)) void this.requestRefresh();
        else if (LB_SYNCED.has(msg) && lbSyncChangedVpp(attrs)) this.wakeLbState();
        return;
      }
    }
  }
}
