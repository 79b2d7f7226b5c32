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
  frontendStateAndPlan,
  isCheckerFault,
  nextIntervalMs,
  type BackendState,
  type CheckerFault,
  type FrontendState,
  type PanicState,
  type ProbeResult,
  type Transition,
} from '../health/index.js';
import type { Logger } from '../log/index.js';
import type { RepeatingProber } from '../probe/engine-probes.js';
import type { ProbeFn } from '../probe/types.js';
import { NotFoundError } from '../errors.js';
import { EventBus, type EventListener, type SubscribeOptions, type Subscription } from './event-bus.js';
import type { BackendEvent, CheckerEvent } from './events.js';
import { MassFailureDetector, type BackendMark, type SuspectEpisode } from './mass-failure.js';
import { withPoolWeight } from './pool-weight.js';
import type { ProbeFeed } from './probe-feed.js';
import {
  frontendsByBackend,
  healthCheckOf,
  initialStateOf,
  referencedBackendNames,
  reloadFate,
} from './reload-plan.js';
import type { ActiveCheckerFault, BackendSnapshot } from './snapshot.js';
import type {
  BackendActionName,
  BackendStateChange,
  CheckerChange,
  FrontendStateChange,
  Hypothesis,
} from './what-if.js';
import { ProbeWorker, type ProbeObserver, type ProbeTarget, type WorkerDeps } from './worker.js';

export interface CheckerOptions {
  config: MaglevConfig;
  probe: ProbeFn;
  /**
   * Takes over the whole probe loop of the backends it can run (the probe engine: plain tcp and
   * http, off the event loop, on real time). Leave it out with a fake clock.
   */
  repeat?: RepeatingProber | undefined;
  clock: Clock;
  random: Random;
  logger: Logger;
  /**
   * Per backend, when its worker starts: what each of its real probes (not synthetic passes) is
   * also told to (metrics).
   */
  observeProbes?: (backend: string) => ProbeObserver;
  /** Where every backend's real probes are published next, after its observer (WatchEvents). */
  probeFeed?: ProbeFeed;
  /** After every backend transition, synchronously (metrics). */
  onTransition?: (backend: string, transition: Transition) => void;
  /** When a suspect mass failure of one health check starts (metrics). */
  onSuspect?: (episode: SuspectEpisode) => void;
}

export interface CheckerSubscribeOptions extends SubscribeOptions {
  /** Start with one frontend event per frontend with from == to (the current state). */
  replayFrontends?: boolean;
}

/** Transition details of a reload that flips the file's own `enabled` flag. */
const ENABLED_IN_CONFIG = 'enabled in config';
const DISABLED_IN_CONFIG = 'disabled in config';

interface Entry extends ProbeTarget {
  /** The runtime Enabled flag. */
  enabled: boolean;
  worker: ProbeWorker<Entry> | undefined;
  /** The checker fault the backend's latest probe ended in, while it lasts. */
  fault: ActiveCheckerFault | undefined;
  /** The backend's mark in the suspect detector, asked for once per health check config. */
  suspectMark: BackendMark | undefined;
  /** The health check config suspectMark was asked for with. */
  suspectMarkFor: HealthCheckConfig | undefined;
}

export class Checker {
  private cfg: MaglevConfig;
  private readonly entries = new Map<string, Entry>();
  private usedBy = new Map<string, string[]>();
  private readonly feStates = new Map<string, FrontendState>();
  /** Frontends serving in panic, with the count that put them there. */
  private readonly fePanic = new Map<string, PanicState>();
  private readonly bus: EventBus;
  private readonly suspects = new MassFailureDetector();
  /** What the workers share (workerDeps()). */
  private sharedDeps: WorkerDeps<Entry> | undefined;
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
    for (const fe of this.cfg.frontends.values()) {
      const { state, plan } = this.computeFrontendStatus(fe);
      this.feStates.set(fe.name, state);
      if (plan.panic) this.fePanic.set(fe.name, plan.panic);
    }
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
    for (const e of this.entries.values()) this.stopWorker(e, { quiet: true });
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
    for (const fe of prev.frontends.keys()) {
      if (next.frontends.has(fe)) continue;
      this.feStates.delete(fe);
      this.fePanic.delete(fe);
    }
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
      this.stopWorker(e, { frontends: prevUsedBy.get(name) ?? [] });
      this.suspects.forget(name);
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
      const e = this.entries.get(name);
      const fate = reloadFate(prev, next, name, e);
      if (e && fate.kind === 'keep') {
        e.config = b;
        e.hc = healthCheckOf(next, b);
        e.health.address = b.address;
        e.health.setHistoryLimit(next.healthchecker.transitionHistory);
        if (fate.enable === true) this.applyEnable(e, ENABLED_IN_CONFIG);
        else if (fate.enable === false) this.applyDisable(e, DISABLED_IN_CONFIG);
        continue;
      }
      if (e) {
        this.stopWorker(e, { frontends: prevUsedBy.get(name) ?? [] });
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
    this.cfg = withPoolWeight(this.cfg, frontend, pool, backend, weight);
    this.refreshFrontendStates([frontend]);
    return this.frontend(frontend);
  }

  // ---- dry runs ------------------------------------------------------------------------------

  /**
   * What the change would leave behind, without making it (what-if.ts). Refuses what the change
   * itself refuses: NotFoundError for an unknown name, RangeError for a bad weight.
   */
  whatIf(change: CheckerChange): Hypothesis {
    const now = this.opts.clock.now();
    const current = (name: string): BackendState => this.entries.get(name)?.health.state ?? 'unknown';
    switch (change.kind) {
      case 'none':
        return { config: this.cfg, stateOf: current, events: [], backends: [], frontends: [] };
      case 'set-weight': {
        const config = withPoolWeight(this.cfg, change.frontend, change.pool, change.backend, change.weight);
        return this.hypothesis(config, new Map(), [], []);
      }
      case 'backend-action': {
        const e = this.entry(change.backend);
        const fork = e.health.fork();
        const t = applyAction(fork, change.action, now);
        const forks = new Map([[change.backend, fork]]);
        const events = t ? this.eventsOf(e, t, this.usedBy.get(change.backend) ?? []) : [];
        const backends = t ? [{ backend: change.backend, from: t.from, to: t.to, detail: t.detail }] : [];
        return this.hypothesis(this.cfg, forks, events, backends);
      }
      case 'reload':
        return this.reloadHypothesis(change.config, now);
    }
  }

  /** A reload's dry run: the fates of applyReload, applied to copies. */
  private reloadHypothesis(next: MaglevConfig, now: number): Hypothesis {
    const wanted = new Set(referencedBackendNames(next));
    const forks = new Map<string, BackendHealth | BackendState>();
    const nextUsedBy = frontendsByBackend(next);
    const events: BackendEvent[] = [];
    const backends: BackendStateChange[] = [];
    for (const [name, e] of this.entries) {
      if (wanted.has(name)) continue;
      const t = e.health.fork().remove(now);
      forks.set(name, 'removed');
      if (t) events.push(...this.eventsOf(e, t, this.usedBy.get(name) ?? []));
      backends.push({ backend: name, from: e.health.state, to: undefined, detail: 'removed from config' });
    }
    for (const name of wanted) {
      const b = next.backends.get(name) as BackendConfig;
      const e = this.entries.get(name);
      const fate = reloadFate(this.cfg, next, name, e);
      if (e && fate.kind === 'keep') {
        if (fate.enable === undefined) continue;
        const fork = e.health.fork();
        const t = fate.enable ? fork.enable(now, ENABLED_IN_CONFIG) : fork.disable(now, DISABLED_IN_CONFIG);
        forks.set(name, fork);
        if (t) {
          events.push(...this.eventsOf(e, t, nextUsedBy.get(name) ?? []));
          backends.push({ backend: name, from: t.from, to: t.to, detail: t.detail });
        }
        continue;
      }
      const initial = initialStateOf(b);
      forks.set(name, initial);
      backends.push({
        backend: name,
        from: e?.health.state,
        to: initial,
        detail: e ? 'address, health check or netns changed: probing restarts' : 'new in config',
      });
    }
    return this.hypothesis(next, forks, events, backends);
  }

  /** Backend states after the change (a fork, or a fresh state), and the frontend changes. */
  private hypothesis(
    config: MaglevConfig,
    changed: ReadonlyMap<string, BackendHealth | BackendState>,
    events: BackendEvent[],
    backends: BackendStateChange[],
  ): Hypothesis {
    const stateOf = (name: string): BackendState => {
      const c = changed.get(name);
      if (c === undefined) return this.entries.get(name)?.health.state ?? 'unknown';
      return typeof c === 'string' ? c : c.state;
    };
    const frontends: FrontendStateChange[] = [];
    for (const name of new Set([...this.cfg.frontends.keys(), ...config.frontends.keys()])) {
      const fe = config.frontends.get(name);
      const from = this.cfg.frontends.has(name) ? (this.feStates.get(name) ?? 'unknown') : undefined;
      const to = fe ? frontendState(fe, stateOf) : undefined;
      if (from !== to) frontends.push({ frontend: name, from, to });
    }
    return { config, stateOf, events, backends, frontends };
  }

  private eventsOf(e: Entry, t: Transition, frontends: readonly string[]): BackendEvent[] {
    const backend = e.health.name;
    const address = e.health.address;
    return frontends.map((frontend) => ({ kind: 'backend', frontend, backend, address, transition: t }));
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

  /** The frontend's panic while it serves in panic (docs/safety.md §The panic threshold). */
  frontendPanic(name: string): PanicState | undefined {
    return this.fePanic.get(name);
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
      initialState: initialStateOf(config),
    });
    return {
      health,
      config,
      hc,
      enabled: config.enabled,
      worker: undefined,
      fault: undefined,
      suspectMark: undefined,
      suspectMarkFor: undefined,
    };
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
      checkerFault: e.fault,
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
    const worker = new ProbeWorker(e, this.workerDeps());
    e.worker = worker;
    worker.start(delayMs);
  }

  /** What every worker shares; made again only when the probes' netns changes. */
  private workerDeps(): WorkerDeps<Entry> {
    const netns = this.cfg.healthchecker.netns;
    if (this.sharedDeps === undefined || this.sharedDeps.netns !== netns) {
      this.sharedDeps = {
        clock: this.opts.clock,
        random: this.opts.random,
        probe: this.opts.probe,
        repeat: this.opts.repeat,
        logger: this.opts.logger,
        netns,
        results: { recordResult: (e, worker, result, ageMs) => this.recordResult(e, worker, result, ageMs) },
        observeProbes: this.opts.observeProbes,
        probeFeed: this.opts.probeFeed,
      };
    }
    return this.sharedDeps;
  }

  /**
   * Stops the backend's probing. A checker fault in progress ends with it (nothing probes any
   * more), told to `frontends` unless `quiet` (shutdown).
   */
  private stopWorker(e: Entry, opts: { quiet?: boolean; frontends?: readonly string[] } = {}): void {
    const w = e.worker;
    if (!w) return;
    e.worker = undefined;
    if (e.fault && !opts.quiet) this.endFault(e, 'probing stopped', opts.frontends);
    w.stop();
    const pending = w.inflight;
    if (pending) {
      this.unwinding.add(pending);
      void pending.finally(() => this.unwinding.delete(pending));
    }
  }

  /** `ageMs`: how long ago the probe ended; what it causes is dated then. */
  private recordResult(e: Entry, worker: ProbeWorker<Entry>, result: ProbeResult, ageMs: number): void {
    // A worker that has been replaced must not write into the entry any more. An entry that
    // left the map had its worker stopped first (stopWorker), and a stopped worker hands over
    // nothing, so this is the whole check: no map lookup per probe, whose cache misses at 10 000
    // backends cost more than the rest of this method (bench/probe-path.ts).
    if (e.worker !== worker) return;
    const now = this.opts.clock.now() - ageMs;
    if (isCheckerFault(result)) this.noteFault(e, result, now);
    else if (e.fault) this.endFault(e, result.detail);
    this.watchForMassFailure(e, result, ageMs);
    // A checker fault leaves the backend as it was (docs/safety.md §What happens to the backend).
    const t = e.health.record(result, now);
    if (t) this.emitTransition(e, t);
  }

  // ---- checker faults (docs/safety.md) ---------------------------------------------------------

  /** A fault starts, or changes reason: one log line and one event per frontend. */
  private noteFault(e: Entry, result: CheckerFault, now: number): void {
    if (e.fault?.reason === result.reason) return;
    e.fault = Object.freeze({ reason: result.reason, detail: result.detail, since: now });
    this.opts.logger.warn('checker-fault', {
      backend: e.health.name,
      healthcheck: e.config.healthcheck ?? '',
      reason: result.reason,
      detail: result.detail,
      state: e.health.state,
    });
    this.publishFault(e, true, result.reason, result.detail, now);
  }

  /** Probing is sound again (or stopped): the fault ends, nothing else moves. */
  private endFault(e: Entry, detail: string, frontends?: readonly string[]): void {
    const fault = e.fault;
    if (!fault) return;
    e.fault = undefined;
    const now = this.opts.clock.now();
    this.opts.logger.info('checker-fault-cleared', {
      backend: e.health.name,
      healthcheck: e.config.healthcheck ?? '',
      reason: fault.reason,
      detail,
      lastedMs: Math.max(0, now - fault.since),
    });
    this.publishFault(e, false, fault.reason, detail, now, frontends);
  }

  private publishFault(
    e: Entry,
    active: boolean,
    reason: CheckerFault['reason'],
    detail: string,
    at: number,
    frontends: readonly string[] = this.usedBy.get(e.health.name) ?? [],
  ): void {
    const backend = e.health.name;
    const healthcheck = e.config.healthcheck ?? '';
    const address = e.health.address;
    for (const frontend of frontends) {
      this.bus.publish({
        kind: 'checker-fault',
        frontend,
        backend,
        address,
        healthcheck,
        active,
        reason,
        detail,
        at,
      });
    }
  }

  /**
   * The backend's mark in the suspect detector. A result counts there while the backend could
   * have been probed again. A reload that keeps the backend swaps `e.hc` for the new config's
   * object: it is asked for again then (the window may have changed).
   */
  private suspectMark(e: Entry, hc: HealthCheckConfig): BackendMark {
    if (e.suspectMarkFor !== hc || e.suspectMark === undefined) {
      const windowMs = Math.max(hc.intervalMs, hc.fastIntervalMs) + hc.timeoutMs;
      e.suspectMark = this.suspects.mark({ name: hc.name, windowMs }, e.health.name);
      e.suspectMarkFor = hc;
    }
    return e.suspectMark;
  }

  /** Feeds the suspect detector (docs/safety.md §Suspect mass failures); logs episodes. */
  private watchForMassFailure(e: Entry, result: ProbeResult, ageMs: number): void {
    const hc = e.hc;
    if (!hc) return;
    const change = this.suspects.observe(
      this.suspectMark(e, hc),
      result,
      this.opts.clock.monotonic() - ageMs,
    );
    if (!change) return;
    const { healthcheck, signature, failing, probed } = change.episode;
    if (change.kind === 'suspect') {
      this.opts.logger.warn('checker-suspect', { healthcheck, error: signature, failing, probed });
      try {
        this.opts.onSuspect?.(change.episode);
      } catch (err) {
        this.opts.logger.error('suspect-hook-error', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    } else {
      this.opts.logger.info('checker-suspect-cleared', { healthcheck, error: signature });
    }
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

  private computeFrontendStatus(fe: FrontendConfig): ReturnType<typeof frontendStateAndPlan> {
    return frontendStateAndPlan(fe, this.stateForRules);
  }

  /** A backend's state as the frontend rules read it (one function, not one per call). */
  private readonly stateForRules = (name: string): BackendState =>
    this.entries.get(name)?.health.state ?? 'unknown';

  /** Recomputes the named frontends' aggregate states and emits the ones that changed. */
  private refreshFrontendStates(names: readonly string[]): void {
    if (this.reloading) return;
    const at = this.opts.clock.now();
    for (const name of names) {
      const fe = this.cfg.frontends.get(name);
      if (!fe) continue;
      const { state: to, plan } = this.computeFrontendStatus(fe);
      const from = this.feStates.get(name) ?? 'unknown';
      this.feStates.set(name, to);
      if (from !== to) {
        this.opts.logger.info('frontend-transition', { frontend: name, from, to });
        this.bus.publish({ kind: 'frontend', frontend: name, from, to, at });
      }
      this.refreshPanic(fe, plan.panic, at);
    }
  }

  /** Emits the start or end of a frontend's panic (a change of pool counts as a new start). */
  private refreshPanic(fe: FrontendConfig, panic: PanicState | undefined, at: number): void {
    const before = this.fePanic.get(fe.name);
    if (panic) this.fePanic.set(fe.name, panic);
    else this.fePanic.delete(fe.name);
    const poolName = (p: PanicState) => fe.pools[p.pool]?.name ?? '';
    if (before && (!panic || panic.pool !== before.pool)) {
      this.opts.logger.info('frontend-panic-ended', { frontend: fe.name, pool: poolName(before) });
      this.bus.publish({
        kind: 'panic',
        frontend: fe.name,
        active: false,
        pool: poolName(before),
        panic: before,
        at,
      });
    }
    if (panic && (!before || panic.pool !== before.pool)) {
      const { up, eligible, threshold } = panic;
      this.opts.logger.warn('frontend-panic', {
        frontend: fe.name,
        pool: poolName(panic),
        up,
        eligible,
        threshold,
      });
      this.bus.publish({ kind: 'panic', frontend: fe.name, active: true, pool: poolName(panic), panic, at });
    }
  }
}

/** The health state machine's own method for each operator action. */
function applyAction(health: BackendHealth, action: BackendActionName, now: number): Transition | undefined {
  switch (action) {
    case 'pause':
      return health.pause(now);
    case 'resume':
      return health.resume(now);
    case 'enable':
      return health.enable(now);
    case 'disable':
      return health.disable(now);
  }
}
