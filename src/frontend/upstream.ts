// One maglevd as the dashboard sees it. Four loops keep the picture current
// (docs/dashboard.md §What it keeps up to date):
//   1. a WatchEvents stream at debug level (transitions, frontend states, every log record),
//      reconnected with backoff whenever it ends;
//   2. a full refresh every 30 s (frontends, backends, health checks, VPP info and lb state), a
//      safety net for anything the stream missed, and run at once after every reconnect;
//   3. a reachability probe every 5 s, so a dead maglevd turns its tab red quickly;
//   4. an lb-state fetch (GetVPPLBState plus the frontends, whose effective weights follow the
//      transitions), debounced to 1 s on both edges and woken by transitions, `vpp-connect`,
//      maglevd's `lb-sync` records (so the state read after a reconcile is never a stale one) and
//      admin actions (a weight change emits no transition, so admin handlers wake it themselves).
// Everything learnt is kept as page JSON and published to the SSE broker as it changes.

import { status } from '@grpc/grpc-js';
import type { Event, EventStream } from '../api/index.js';
import type { Clock, Random, TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { Backoff } from './backoff.js';
import {
  backendJson,
  frontendJson,
  healthCheckJson,
  msOrNull,
  transitionJson,
  vppInfoJson,
  vppLbStateJson,
} from './convert.js';
import { Debouncer } from './debouncer.js';
import { MaglevRpc, RpcError } from './rpc.js';
import type { SseBroker } from './sse-broker.js';
import type {
  BackendAction,
  BackendJson,
  FrontendJson,
  HealthCheckJson,
  MaglevdStateJson,
  MaglevdStatusJson,
  VppJson,
} from './wire.js';

export const REFRESH_MS = 30_000;
export const HEALTH_MS = 5000;
export const HEALTH_DEADLINE_MS = 4000;
export const LB_DEBOUNCE_MS = 1000;
/** Transitions kept per backend between refreshes (maglevd's own history is the real record). */
const TRANSITIONS_KEPT = 10;

export interface UpstreamTimings {
  refreshMs: number;
  healthMs: number;
  healthDeadlineMs: number;
  lbDebounceMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_TIMINGS: UpstreamTimings = {
  refreshMs: REFRESH_MS,
  healthMs: HEALTH_MS,
  healthDeadlineMs: HEALTH_DEADLINE_MS,
  lbDebounceMs: LB_DEBOUNCE_MS,
  backoffInitialMs: 500,
  backoffMaxMs: 15_000,
};

export interface UpstreamOptions {
  /** The maglevd gRPC address (host:port); also its name on the page. */
  target: string;
  clock: Clock;
  random: Random;
  logger: Logger;
  broker: SseBroker;
  timings?: Partial<UpstreamTimings>;
}

/** Log records from maglevd that change what the dashboard must fetch. */
const VPP_UP = new Set(['vpp-connect']);
const VPP_DOWN = new Set(['vpp-disconnect']);
const CONFIG_CHANGED = new Set(['config-reload', 'config-loaded']);
/** maglevd reconciled VPP: what VPP holds now is worth reading (the "next lb-state reconcile"). */
const LB_SYNCED = new Set(['lb-sync']);

export class MaglevdUpstream {
  readonly name: string;
  readonly rpc: MaglevRpc;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly broker: SseBroker;
  private readonly timings: UpstreamTimings;
  private readonly backoff: Backoff;
  private readonly lbDebouncer: Debouncer;

  private status: MaglevdStatusJson;
  private frontends: FrontendJson[] = [];
  private backends = new Map<string, BackendJson>();
  private healthchecks: HealthCheckJson[] = [];
  private vpp: VppJson = { connected: false, info: null, error: null, lbState: null };
  private refreshedAt: number | null = null;

  private watch: EventStream | undefined;
  private watchLive = false;
  private reconnectTimer: TimerHandle | undefined;
  private refreshTimer: TimerHandle | undefined;
  private healthTimer: TimerHandle | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private pinging = false;
  private stopped = false;
  private readonly idleWaiters = new Set<() => void>();
  private inFlight = 0;

  constructor(opts: UpstreamOptions) {
    this.name = opts.target;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.broker = opts.broker;
    this.timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    this.rpc = new MaglevRpc(opts.target);
    this.backoff = new Backoff(opts.random, this.timings.backoffInitialMs, this.timings.backoffMaxMs);
    this.lbDebouncer = new Debouncer(this.clock, this.timings.lbDebounceMs, () => {
      void this.track(this.fetchLbState());
    });
    this.status = { name: this.name, reachable: false, error: 'not contacted yet', since: this.clock.now() };
  }

  start(): void {
    // The stream's first response headers trigger the first full refresh; if maglevd is down,
    // the reachability probe triggers it once maglevd answers.
    this.openWatch();
    this.armRefresh();
    this.armHealth();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reconnectTimer?.cancel();
    this.refreshTimer?.cancel();
    this.healthTimer?.cancel();
    this.lbDebouncer.stop();
    this.watch?.cancel();
    this.watch = undefined;
    this.rpc.close();
  }

  state(): MaglevdStateJson {
    return {
      status: { ...this.status },
      frontends: this.frontends,
      backends: [...this.backends.values()],
      healthchecks: this.healthchecks,
      vpp: this.vpp,
      refreshedAt: this.refreshedAt,
    };
  }

  statusJson(): MaglevdStatusJson {
    return { ...this.status };
  }

  /** Schedules a debounced lb-state fetch. */
  wakeLbState(): void {
    this.lbDebouncer.wake();
  }

  /** Runs a full refresh now (or once more after the one in progress); resolves when done. */
  requestRefresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    const run = async (): Promise<void> => {
      do {
        this.refreshAgain = false;
        await this.refresh();
      } while (this.refreshAgain && !this.stopped);
    };
    this.refreshing = this.track(run()).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Resolves once no fetch started by this upstream is still running (tests). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add(resolve));
  }

  // --- admin actions: call maglevd, publish what changed, wake the lb-state fetch ---------------

  async backendAction(action: BackendAction, backend: string): Promise<BackendJson> {
    const json = backendJson(await this.rpc.backendAction(action, backend));
    this.backends.set(json.name, json);
    this.broker.publish('backend-info', { maglevd: this.name, backend: json });
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
    this.mergeFrontends([json]);
    this.broker.publish('frontends', { maglevd: this.name, frontends: [json] });
    this.wakeLbState();
    return json;
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

  // --- loops -------------------------------------------------------------------------------------

  private armRefresh(): void {
    this.refreshTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      void this.requestRefresh();
      this.armRefresh();
    }, this.timings.refreshMs);
  }

  private armHealth(): void {
    this.healthTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      if (!this.pinging) void this.track(this.checkHealth());
      this.armHealth();
    }, this.timings.healthMs);
  }

  private async checkHealth(): Promise<void> {
    this.pinging = true;
    try {
      await this.rpc.ping(this.timings.healthDeadlineMs);
      if (this.stopped) return;
      const wasDown = !this.status.reachable;
      this.setReachable(true);
      if (wasDown) {
        void this.requestRefresh();
        // Do not wait out the stream's backoff once maglevd answers again.
        if (!this.watch) this.reconnectNow();
      }
    } catch (err) {
      if (!this.stopped) this.setReachable(false, RpcError.from(err));
    } finally {
      this.pinging = false;
    }
  }

  private async refresh(): Promise<void> {
    try {
      const [frontends, backends, healthchecks] = await Promise.all([
        this.rpc.listFrontends(),
        this.rpc.listBackends(),
        this.rpc.listHealthChecks(),
      ]);
      if (this.stopped) return;
      this.frontends = frontends.map(frontendJson);
      this.backends = new Map(backends.map((b) => [b.name, backendJson(b)]));
      this.healthchecks = healthchecks.map(healthCheckJson);
      this.setReachable(true);
      await this.refreshVpp();
      if (this.stopped) return;
      this.refreshedAt = this.clock.now();
      this.broker.publish('snapshot', this.state());
    } catch (err) {
      if (this.stopped) return;
      const e = RpcError.from(err);
      this.logger.warn('maglevd-refresh-failed', { maglevd: this.name, code: e.code, error: e.message });
      this.setReachable(false, e);
    }
  }

  /** VPP info and lb state; VPP being absent is a state to show, not an error. */
  private async refreshVpp(): Promise<void> {
    try {
      const info = await this.rpc.vppInfo();
      this.vpp = { connected: true, info: vppInfoJson(info), error: null, lbState: this.vpp.lbState };
    } catch (err) {
      this.vpp = { connected: false, info: null, error: vppError(err), lbState: null };
      return;
    }
    try {
      this.vpp = { ...this.vpp, lbState: vppLbStateJson(await this.rpc.vppLbState()) };
    } catch (err) {
      this.vpp = { ...this.vpp, lbState: null, error: vppError(err) };
    }
  }

  private async fetchLbState(): Promise<void> {
    const [frontends, lb] = await Promise.allSettled([this.rpc.listFrontends(), this.rpc.vppLbState()]);
    if (this.stopped) return;
    if (frontends.status === 'fulfilled') {
      const json = frontends.value.map(frontendJson);
      this.mergeFrontends(json);
      this.broker.publish('frontends', { maglevd: this.name, frontends: json });
    }
    if (lb.status === 'fulfilled') {
      const lbState = vppLbStateJson(lb.value);
      if (!this.vpp.connected) {
        // Connected since we last looked (the vpp-connect record may have been missed).
        await this.refreshVpp();
        if (this.stopped) return;
      }
      this.vpp = { ...this.vpp, connected: true, error: null, lbState };
    } else {
      const e = RpcError.from(lb.reason);
      if (e.status === status.UNAVAILABLE)
        this.vpp = { connected: false, info: null, error: e.message, lbState: null };
      else this.vpp = { ...this.vpp, error: e.message };
    }
    this.broker.publish('vpp', { maglevd: this.name, vpp: this.vpp });
  }

  private mergeFrontends(updates: FrontendJson[]): void {
    const byName = new Map(updates.map((f) => [f.name, f]));
    this.frontends = this.frontends.map((f) => byName.get(f.name) ?? f);
    for (const f of updates) if (!this.frontends.some((g) => g.name === f.name)) this.frontends.push(f);
  }

  // --- the event stream --------------------------------------------------------------------------

  private openWatch(): void {
    if (this.stopped) return;
    const stream = this.rpc.watchEvents();
    this.watch = stream;
    this.watchLive = false;
    let ended = false;
    const end = (err: unknown): void => {
      if (ended) return;
      ended = true;
      // Only the current stream reconnects (stop() cancels it; a replaced one is forgotten).
      if (this.stopped || this.watch !== stream) return;
      this.watch = undefined;
      this.watchLive = false;
      const e = err === undefined ? undefined : RpcError.from(err);
      const delay = this.backoff.next();
      this.logger.info('maglevd-watch-ended', {
        maglevd: this.name,
        code: e?.code ?? 'OK',
        error: e?.message ?? '',
        retryMs: delay,
      });
      if (e?.status === status.UNAVAILABLE) this.setReachable(false, e);
      this.reconnectTimer?.cancel();
      this.reconnectTimer = this.clock.setTimeout(() => this.openWatch(), delay);
    };
    stream.on('metadata', () => {
      // The subscription is live: whatever happened while it was down is fetched in full.
      this.watchLive = true;
      this.backoff.reset();
      this.setReachable(true);
      this.logger.info('maglevd-watch', { maglevd: this.name });
      void this.requestRefresh();
    });
    stream.on('data', (event: Event) => this.onEvent(event));
    stream.on('error', (err: unknown) => end(err));
    stream.on('end', () => end(undefined));
  }

  private reconnectNow(): void {
    this.reconnectTimer?.cancel();
    this.reconnectTimer = undefined;
    this.openWatch();
  }

  /** Whether the WatchEvents stream currently has a live subscription. */
  watching(): boolean {
    return this.watchLive && this.watch !== undefined;
  }

  private onEvent(event: Event): void {
    const e = event.event;
    if (!e || this.stopped) return;
    switch (e.$case) {
      case 'backend': {
        const { frontend, backend, address } = e.value;
        const transition = transitionJson(e.value.transition);
        this.applyTransition(frontend, backend, transition);
        this.broker.publish('backend', { maglevd: this.name, frontend, backend, address, transition });
        this.wakeLbState();
        return;
      }
      case 'frontend': {
        const { frontend, from, to } = e.value;
        const at = msOrNull(e.value.time);
        const f = this.frontends.find((x) => x.name === frontend);
        if (f) {
          f.state = to;
          // from == to is the replay of the current state on subscribe, not a change.
          if (from !== to) f.stateSince = at;
        }
        this.broker.publish('frontend', { maglevd: this.name, frontend, from, to, at });
        return;
      }
      case 'log': {
        const { level, msg } = e.value;
        const attrs: Record<string, unknown> = e.value.attrs ?? {};
        this.broker.publish('log', { maglevd: this.name, at: msOrNull(e.value.time), level, msg, attrs });
        if (VPP_UP.has(msg)) {
          void this.track(this.refreshVpp().then(() => this.publishVpp()));
          this.wakeLbState();
        } else if (VPP_DOWN.has(msg)) {
          this.vpp = { connected: false, info: null, error: 'VPP disconnected', lbState: null };
          this.publishVpp();
        } else if (CONFIG_CHANGED.has(msg)) {
          void this.requestRefresh();
        } else if (LB_SYNCED.has(msg)) {
          this.wakeLbState();
        }
        return;
      }
    }
  }

  private publishVpp(): void {
    if (!this.stopped) this.broker.publish('vpp', { maglevd: this.name, vpp: this.vpp });
  }

  private applyTransition(frontend: string, backend: string, t: ReturnType<typeof transitionJson>): void {
    const b = this.backends.get(backend);
    // maglevd sends one BackendEvent per frontend using the backend: record the transition once.
    const newest = b?.transitions[0];
    if (b && !(newest && newest.at === t.at && newest.to === t.to && newest.code === t.code)) {
      b.state = t.to;
      b.transitions = [t, ...b.transitions].slice(0, TRANSITIONS_KEPT);
    }
    for (const f of this.frontends) {
      if (frontend !== '' && f.name !== frontend) continue;
      for (const pool of f.pools) {
        for (const pb of pool.backends) {
          if (pb.name !== backend) continue;
          pb.state = t.to;
          pb.lastTransitionAt = t.at;
        }
      }
    }
  }

  private setReachable(reachable: boolean, err?: RpcError): void {
    const error = reachable ? null : (err?.message ?? 'unreachable');
    if (this.status.reachable === reachable && (reachable || this.status.error === error)) return;
    const changed = this.status.reachable !== reachable;
    this.status = {
      name: this.name,
      reachable,
      error,
      since: changed ? this.clock.now() : this.status.since,
    };
    if (changed) {
      if (reachable) this.logger.info('maglevd-reachable', { maglevd: this.name });
      else this.logger.warn('maglevd-unreachable', { maglevd: this.name, error: error ?? '' });
    }
    this.broker.publish('maglevd-status', this.statusJson());
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight++;
    return p.finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) {
        for (const w of [...this.idleWaiters]) w();
        this.idleWaiters.clear();
      }
    });
  }
}

function vppError(err: unknown): string {
  const e = RpcError.from(err);
  return e.status === status.UNAVAILABLE ? e.message : `${e.statusName}: ${e.message}`;
}
