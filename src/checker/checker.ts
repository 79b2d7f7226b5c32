// The checker owns backend health: one probe worker per backend that some frontend uses (however
// many frontends use it), the operator actions, reloads, and the event stream that the dataplane,
// the API and the metrics follow. It holds the runtime config, and answers every question about
// backends and frontend states from one place.

import type { Clock, Random } from '../clock/index.js';
import type { BackendConfig, FrontendConfig, HealthCheckConfig, MaglevConfig } from '../config/types.js';
import {
  BackendHealth,
  firstProbeDelayMs,
  frontendState,
  nextIntervalMs,
  type BackendState,
  type FrontendState,
  type ProbeResult,
  type Transition,
} from '../health/index.js';
import type { Logger } from '../log/index.js';
import type { ProbeFn } from '../probe/types.js';
import { NotFoundError } from '../errors.js';
import { EventBus, type EventListener, type SubscribeOptions, type Subscription } from './event-bus.js';
import type { CheckerEvent } from './events.js';
import { frontendsByBackend, healthCheckOf, probesUnchanged, referencedBackendNames } from './reload-plan.js';
import type { BackendSnapshot } from './snapshot.js';
import { ProbeWorker, type ProbeTarget } from './worker.js';

export interface CheckerOptions {
  config: MaglevConfig;
  probe: ProbeFn;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** After every real probe (not synthetic passes): its result and how late it started (ms). */
  onProbeDone?: (backend: string, result: ProbeResult, lagMs: number) => void;
  /** After every backend transition, synchronously (metrics). */
  onTransition?: (backend: string, transition: Transition) => void;
}

export interface CheckerSubscribeOptions extends SubscribeOptions {
  /** Start with one frontend event per frontend with from == to (the current state). */
  replayFrontends?: boolean;
}

interface Entry extends ProbeTarget {
  /** The runtime Enabled flag. */
  enabled: boolean;
  worker: ProbeWorker | undefined;
}

export class Checker {
  private cfg: MaglevConfig;
  private readonly entries = new Map<string, Entry>();
  private usedBy = new Map<string, string[]>();
  private readonly feStates = new Map<string, FrontendState>();
  private readonly bus: EventBus;
  /** Probes of stopped workers that have not unwound yet; stop() waits for them. */
  private readonly unwinding = new Set<Promise<void>>();
  private phase: 'new' | 'running' | 'stopped' = 'new';
  /** True inside reload(): frontend states wait until the new config is fully in place. */
  private reloading = false;

  constructor(private readonly opts: CheckerOptions) {
    this.cfg = opts.config;
    this.bus = new EventBus(opts.logger);
    this.usedBy = frontendsByBackend(this.cfg);
    for (const name of referencedBackendNames(this.cfg)) this.entries.set(name, this.freshEntry(name));
    for (const fe of this.cfg.frontends.values()) this.feStates.set(fe.name, this.computeFrontendState(fe));
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Starts probing. The first probes of all backends are spread evenly over one interval. */
  start(): void {
    if (this.phase !== 'new') return;
    this.phase = 'running';
    this.startWorkers([...this.entries.values()]);
  }

  /** Cancels every timer, aborts probes in flight and waits for them to unwind. */
  async stop(): Promise<void> {
    this.phase = 'stopped';
    for (const e of this.entries.values()) this.stopWorker(e);
    while (this.unwinding.size > 0) await Promise.all([...this.unwinding]);
  }

  /**
   * Applies a new config (docs/health.md §Reload). New backends start; backends no frontend uses any more go
   * `removed` (the transition is emitted to the frontends that used them) and are forgotten.
   * A backend whose address, health check settings and netns are unchanged keeps its worker,
   * counter, history and runtime state (an operator disable or pause survives), with its config
   * entry refreshed. If the file's own `enabled` changed, the new value is applied, since that
   * edit is the operator's latest word. Any other backend restarts from a fresh state, in which
   * the file's `enabled` applies. A restart is not a transition (the fresh history is empty), so
   * a consumer should re-read backend states after a reload, as the dataplane's reconcile does.
   */
  reload(next: MaglevConfig): void {
    const now = this.opts.clock.now();
    const prev = this.cfg;
    const wanted = referencedBackendNames(next);
    const wantedSet = new Set(wanted);
    // Frontend states are judged once, against the finished new config, so a reload cannot
    // emit a flicker that only existed halfway through it.
    this.reloading = true;
    try {
      this.applyReload(prev, next, wanted, wantedSet, now);
    } finally {
      this.reloading = false;
    }
    for (const fe of prev.frontends.keys()) if (!next.frontends.has(fe)) this.feStates.delete(fe);
    this.refreshFrontendStates([...next.frontends.keys()]);
  }

  private applyReload(
    prev: MaglevConfig,
    next: MaglevConfig,
    wanted: readonly string[],
    wantedSet: ReadonlySet<string>,
    now: number,
  ): void {
    const prevUsedBy = this.usedBy;

    for (const [name, e] of this.entries) {
      if (wantedSet.has(name)) continue;
      this.stopWorker(e);
      this.opts.logger.info('backend-stop', { backend: name });
      const t = e.health.remove(now);
      if (t) this.emitTransition(e, t, prevUsedBy.get(name) ?? []);
      this.entries.delete(name);
    }

    this.cfg = next;
    this.usedBy = frontendsByBackend(next);
    const toStart: Entry[] = [];
    for (const name of wanted) {
      const b = next.backends.get(name) as BackendConfig;
      const hc = healthCheckOf(next, b);
      const e = this.entries.get(name);
      const same =
        e !== undefined &&
        probesUnchanged(
          { address: e.config.address, hc: e.hc, netns: prev.healthchecker.netns },
          { address: b.address, hc, netns: next.healthchecker.netns },
        );
      if (e && same) {
        const fileEnabledBefore = e.config.enabled;
        e.config = b;
        e.hc = hc;
        e.health.address = b.address;
        e.health.setHistoryLimit(next.healthchecker.transitionHistory);
        if (b.enabled !== fileEnabledBefore) {
          if (b.enabled) this.applyEnable(e, 'enabled in config');
          else this.applyDisable(e, 'disabled in config');
        }
        continue;
      }
      if (e) {
        this.stopWorker(e);
        this.opts.logger.info('backend-restart', { backend: name });
      } else {
        this.opts.logger.info('backend-start', { backend: name });
      }
      const fresh = this.freshEntry(name);
      this.entries.set(name, fresh);
      toStart.push(fresh);
    }
    if (this.phase === 'running') this.startWorkers(toStart);
  }

  // ---- operator actions (docs/health.md §Operator actions) -------------------------------------

  /** Stops probing; results are ignored until resume. No-op unless unknown/up/down. */
  pause(name: string): BackendSnapshot {
    const e = this.entry(name);
    const t = e.health.pause(this.opts.clock.now());
    if (t) {
      this.stopWorker(e);
      this.emitTransition(e, t);
    }
    return this.snapshot(e);
  }

  /** From paused only: back to unknown (counter rise-1) and probing again. */
  resume(name: string): BackendSnapshot {
    const e = this.entry(name);
    const t = e.health.resume(this.opts.clock.now());
    if (t) {
      this.restartWorker(e);
      this.emitTransition(e, t);
    }
    return this.snapshot(e);
  }

  /** Clears the Enabled flag; from any state but disabled it goes disabled and stops probing. */
  disable(name: string): BackendSnapshot {
    const e = this.entry(name);
    this.applyDisable(e);
    return this.snapshot(e);
  }

  /** Sets the Enabled flag; from disabled it goes unknown and probing restarts. */
  enable(name: string): BackendSnapshot {
    const e = this.entry(name);
    this.applyEnable(e);
    return this.snapshot(e);
  }

  /**
   * Changes a backend's weight in one pool of one frontend (SetFrontendPoolBackendWeight). No
   * backend transition (docs/health.md §Operator actions), but the frontend's aggregate state may change and
   * is emitted.
   */
  setWeight(frontend: string, pool: string, backend: string, weight: number): FrontendConfig {
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      throw new RangeError(`weight must be an integer in 0..100, got ${weight}`);
    }
    const fe = this.frontend(frontend);
    const poolIndex = fe.pools.findIndex((p) => p.name === pool);
    const p = fe.pools[poolIndex];
    if (!p) throw new NotFoundError('pool', `${frontend}/${pool}`);
    if (!p.backends.has(backend)) throw new NotFoundError('backend', `${frontend}/${pool}/${backend}`);
    const backends = new Map([...p.backends].map(([n, s]) => [n, n === backend ? { ...s, weight } : s]));
    const pools = fe.pools.map((q, i) => (i === poolIndex ? { ...q, backends } : q));
    const updated: FrontendConfig = { ...fe, pools };
    const frontends = new Map([...this.cfg.frontends].map(([n, f]) => [n, n === frontend ? updated : f]));
    this.cfg = { ...this.cfg, frontends };
    this.refreshFrontendStates([frontend]);
    return updated;
  }

  // ---- readers -------------------------------------------------------------------------------

  /** The runtime config (the file's, plus weight changes made through setWeight). */
  config(): MaglevConfig {
    return this.cfg;
  }

  backend(name: string): BackendSnapshot | undefined {
    const e = this.entries.get(name);
    return e ? this.snapshot(e) : undefined;
  }

  /** Every backend some frontend uses, in the file's order. */
  backends(): BackendSnapshot[] {
    return [...this.entries.values()].map((e) => this.snapshot(e));
  }

  backendNames(): string[] {
    return [...this.entries.keys()];
  }

  /** A backend's state without building a snapshot (the dataplane asks this a lot). */
  stateOf(name: string): BackendState | undefined {
    return this.entries.get(name)?.health.state;
  }

  frontendNames(): string[] {
    return [...this.cfg.frontends.keys()];
  }

  /** Throws NotFoundError for an unknown name. */
  frontend(name: string): FrontendConfig {
    const fe = this.cfg.frontends.get(name);
    if (!fe) throw new NotFoundError('frontend', name);
    return fe;
  }

  frontendState(name: string): FrontendState | undefined {
    return this.feStates.get(name);
  }

  frontendStates(): ReadonlyMap<string, FrontendState> {
    return new Map(this.feStates);
  }

  healthcheckNames(): string[] {
    return [...this.cfg.healthchecks.keys()];
  }

  /** Throws NotFoundError for an unknown name. */
  healthcheck(name: string): HealthCheckConfig {
    const hc = this.cfg.healthchecks.get(name);
    if (!hc) throw new NotFoundError('healthcheck', name);
    return hc;
  }

  // ---- events --------------------------------------------------------------------------------

  /**
   * Events are delivered asynchronously through a bounded per-subscriber queue; a subscriber
   * that falls more than maxQueue events behind is dropped (onDropped fires) so it can never
   * hold the checker back.
   */
  subscribe(listener: EventListener, opts: CheckerSubscribeOptions = {}): Subscription {
    const initial: CheckerEvent[] = [];
    if (opts.replayFrontends) {
      const at = this.opts.clock.now();
      for (const [frontend, state] of this.feStates) {
        initial.push({ kind: 'frontend', frontend, from: state, to: state, at });
      }
    }
    return this.bus.subscribe(listener, opts, initial);
  }

  /** Subscribers dropped for falling behind, since construction. */
  droppedSubscribers(): number {
    return this.bus.droppedSubscribers();
  }

  // ---- internals -----------------------------------------------------------------------------

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw new NotFoundError('backend', name);
    return e;
  }

  private freshEntry(name: string): Entry {
    const config = this.cfg.backends.get(name) as BackendConfig;
    const hc = healthCheckOf(this.cfg, config);
    // No health check: one synthetic pass decides, so rise = fall = 1.
    const health = new BackendHealth({
      name,
      address: config.address,
      rise: hc?.rise ?? 1,
      fall: hc?.fall ?? 1,
      historyLimit: this.cfg.healthchecker.transitionHistory,
      initialState: config.enabled ? 'unknown' : 'disabled',
    });
    return { health, config, hc, enabled: config.enabled, worker: undefined };
  }

  private snapshot(e: Entry): BackendSnapshot {
    const h = e.health;
    return Object.freeze({
      name: h.name,
      address: h.address,
      family: e.config.family,
      state: h.state,
      counter: h.counter,
      rise: h.rise,
      fall: h.fall,
      enabled: e.enabled,
      healthcheck: e.config.healthcheck,
      transitions: Object.freeze([...h.transitions]),
    });
  }

  private applyDisable(e: Entry, detail?: string): void {
    e.enabled = false;
    const t = e.health.disable(this.opts.clock.now(), detail);
    if (t) {
      this.stopWorker(e);
      this.emitTransition(e, t);
    }
  }

  private applyEnable(e: Entry, detail?: string): void {
    e.enabled = true;
    const t = e.health.enable(this.opts.clock.now(), detail);
    if (t) {
      this.restartWorker(e);
      this.emitTransition(e, t);
    }
  }

  /** Starts workers for a batch, spreading their first probes over one interval. */
  private startWorkers(batch: Entry[]): void {
    const probing = batch.filter((e) => e.health.active && e.hc !== undefined);
    probing.forEach((e, i) => this.launch(e, firstProbeDelayMs(i, probing.length, e.hc?.intervalMs ?? 0)));
    // Synthetic passes cost nothing, so they need no spreading.
    for (const e of batch) if (e.health.active && e.hc === undefined) this.launch(e, 0);
  }

  /** After resume/enable: the usual wait (fast-interval while unknown), then probe. */
  private restartWorker(e: Entry): void {
    this.stopWorker(e);
    if (this.phase !== 'running') return;
    this.launch(e, e.hc ? nextIntervalMs(e.health, e.hc, this.opts.random) : 0);
  }

  private launch(e: Entry, delayMs: number): void {
    const worker = new ProbeWorker(e, {
      clock: this.opts.clock,
      random: this.opts.random,
      probe: this.opts.probe,
      logger: this.opts.logger,
      netns: this.cfg.healthchecker.netns,
      onResult: (result) => this.recordResult(e, worker, result),
      onProbeDone: this.opts.onProbeDone,
    });
    e.worker = worker;
    worker.start(delayMs);
  }

  private stopWorker(e: Entry): void {
    const w = e.worker;
    if (!w) return;
    e.worker = undefined;
    w.stop();
    const pending = w.inflight;
    if (pending) {
      this.unwinding.add(pending);
      void pending.finally(() => this.unwinding.delete(pending));
    }
  }

  private recordResult(e: Entry, worker: ProbeWorker, result: ProbeResult): void {
    // A worker that has been replaced must not write into the entry any more.
    if (e.worker !== worker || this.entries.get(e.health.name) !== e) return;
    const t = e.health.record(result, this.opts.clock.now());
    if (t) this.emitTransition(e, t);
  }

  private emitTransition(e: Entry, t: Transition, frontends = this.usedBy.get(e.health.name) ?? []): void {
    const backend = e.health.name;
    this.opts.logger.info('backend-transition', {
      backend,
      from: t.from,
      to: t.to,
      code: t.code,
      detail: t.detail,
    });
    if (this.opts.onTransition) {
      try {
        this.opts.onTransition(backend, t);
      } catch (err) {
        this.opts.logger.error('transition-hook-error', {
          backend,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    const address = e.health.address;
    for (const frontend of frontends) {
      this.bus.publish({ kind: 'backend', frontend, backend, address, transition: t });
    }
    this.refreshFrontendStates(frontends);
  }

  private computeFrontendState(fe: FrontendConfig): FrontendState {
    return frontendState(fe, (name) => this.entries.get(name)?.health.state ?? 'unknown');
  }

  /** Recomputes the named frontends' aggregate states and emits the ones that changed. */
  private refreshFrontendStates(names: readonly string[]): void {
    if (this.reloading) return;
    const at = this.opts.clock.now();
    for (const name of names) {
      const fe = this.cfg.frontends.get(name);
      if (!fe) continue;
      const to = this.computeFrontendState(fe);
      const from = this.feStates.get(name) ?? 'unknown';
      this.feStates.set(name, to);
      if (from !== to) {
        this.opts.logger.info('frontend-transition', { frontend: name, from, to });
        this.bus.publish({ kind: 'frontend', frontend: name, from, to, at });
      }
    }
  }
}
