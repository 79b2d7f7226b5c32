// The syncer owns "what VPP should look like" and is the only writer of VPP's lb plugin. It is the
// thin, I/O half of the dataplane: it decides WHEN to reconcile, and for every run reads VPP (one
// dump of everything) or, for a reload's or a transition's sync, takes what it believes VPP holds
// (believed.ts, docs/vpp.md §What a sync reads), asks the pure planner for the ordered operations
// and sends them.
//
// Triggers (docs/vpp.md §When it syncs): a full sync every vpp.lb.sync-interval (counted from the last full
// sync, whatever started it), right after every (re)connect, on reload and on SyncVPPLBState without a
// frontend; a per-VIP sync for every frontend that uses a backend that transitioned (checker events arrive
// once per such frontend), on SyncVPPLBState for one frontend, and at once on SetFrontendPoolBackendWeight.
//
// One sync at a time. Requests that arrive meanwhile are queued and coalesced: one pending per-VIP
// job per frontend, and a pending full sync absorbs every pending per-VIP job (it covers them).
// All per-VIP jobs pending when a run starts go in that run, planned one frontend at a time over
// one read of VPP at most: a switch failure that takes down backends of 50 frontends costs one
// plan, not 50 dumps.
//
// Flush bookkeeping. A transition into a state that asks for flush (down with flush-on-down,
// disabled, removed) puts the backend's address in `forceFlush` for that frontend; an operator's
// weight change with flush puts it in `operatorFlush`. Both stay until a sync that covered the
// frontend finished without a failure there: a flush that VPP never received is retried at the
// next trigger (plan.ts explains why a periodic sync must not re-flush by itself).
//
// Warmup (docs/vpp.md §Startup warmup; warmup.ts): until startup-min-delay nothing is sent to VPP (not even
// lb_conf; suppressed triggers are logged at debug); then each frontend is released, with one per-VIP sync,
// once all its backends left unknown; at startup-max-delay one final full sync. The gate is made once, at
// start(): a reload does not restart it.
//
// lb_conf (source addresses, sticky buckets, flow timeout) is sent by the first sync on each
// connection, and again when the config changes it; with lb 1.2 it is read back first and not
// written when VPP already has it.
//
// preview() is the dry run of a change: the same scopes, flush bookkeeping (on copies), read and
// planner as a run, and nothing sent.
//
// Errors never escape a trigger: each failed run is logged (`lb-sync-error`, with the VNET error
// name) and the next trigger tries again. Only syncNow() (the RPC) hands the error to its caller.
// What a run logs and counts (the lb-sync lines, the metric) is syncer-report.ts: run() below is
// the sync algorithm only.

import type { Clock, TimerHandle } from '../clock/index.js';
import type { MaglevConfig } from '../config/types.js';
import { effectiveWeight, type BackendState } from '../health/index.js';
import type { Logger } from '../log/index.js';
import { canonicalIp } from '../net/ip-address.js';
import {
  Signal,
  lbConf,
  lbConfGet,
  lbGenerationOf,
  type LbApi,
  type VppDisconnect,
  type VppInfo,
} from '../vpp/index.js';
import { withApplied } from './believed.js';
import { desiredState, frontendBackendsKnown, type StateOf } from './desired.js';
import type { LbState } from './model.js';
import { planSync, UnknownFrontendError } from './plan.js';
import { ProgrammedVips } from './programmed.js';
import type { LbOp, LbSyncSummary, SyncScope } from './plan.js';
import { previewPlan, type PlanPreview } from './preview.js';
import { applyOps } from './syncer-apply.js';
import { LbSyncError, SyncerStoppedError, VppNotConnectedError, WarmupHoldError } from './syncer-errors.js';
import { readActualState } from './syncer-read.js';
import { logSyncFailure, SyncRunReport, tallyUnit, type SyncerMetrics } from './syncer-report.js';
import { wantedLbConf, type WantedLbConf } from './vpp-config.js';
import { WarmupGate, type WarmupSnapshot } from './warmup.js';

export type { SyncerMetrics } from './syncer-report.js';

/** What the syncer needs of a health event (the checker's events fit this shape). */
export interface HealthEvent {
  /** 'backend' transitions drive syncs; every other kind ('frontend', 'checker-fault'...) is ignored. */
  readonly kind: string;
  readonly frontend: string;
  readonly backend?: string;
  /** The backend's runtime address. */
  readonly address?: string;
  readonly transition?: { readonly from: BackendState; readonly to: BackendState };
}

/** The owner of health and of the runtime config (the Checker). */
export interface SyncerSource {
  config(): MaglevConfig;
  stateOf(backend: string): BackendState | undefined;
  subscribe(listener: (event: HealthEvent) => void): { unsubscribe(): void };
}

interface Listenable<T> {
  add(listener: (value: T) => void): () => void;
}

/** The live VPP connection (VppConnection). */
export interface SyncerConnection {
  /** undefined while disconnected. */
  readonly client: LbApi | undefined;
  readonly onConnect: Listenable<VppInfo>;
  readonly onDisconnect: Listenable<VppDisconnect>;
}

export interface SyncerOptions {
  readonly source: SyncerSource;
  readonly connection: SyncerConnection;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: SyncerMetrics;
}

/**
 * The syncs that follow a change of our own desired state plan against what the syncer believes
 * VPP holds, when it has a belief for this connection, instead of reading every VIP and AS back:
 * at 10 000 ASes that read is most of a reload's sync. Drift (someone else writing to VPP) is
 * repaired by the syncs that always read: periodic, (re)connect, warm-up, operator requests.
 */
const PLANS_FROM_BELIEF: ReadonlySet<SyncReason> = new Set<SyncReason>(['reload', 'transition']);

export type SyncReason =
  | 'periodic'
  | 'connect'
  | 'reload'
  | 'transition'
  | 'operator'
  | 'set-weight'
  | 'warmup-release'
  | 'warmup-final';

/** What starts the syncs of a change, as the syncer's own triggers see it. */
export type PreviewTrigger =
  /** Backend transitions: a per-VIP sync of each frontend an event names. */
  | { readonly kind: 'transitions' }
  /** A weight change: a per-VIP sync of its frontend, with the flush the operator asked. */
  | { readonly kind: 'set-weight'; readonly request: SetWeightRequest }
  /** A reload: a full sync. */
  | { readonly kind: 'reload' }
  /** SyncVPPLBState: every VIP, or one frontend's. */
  | { readonly kind: 'operator'; readonly frontend: string | undefined };

/** A change the syncer is asked to preview: the world after it, and what it would trigger. */
export interface SyncPreviewRequest {
  /** The runtime config after the change. */
  readonly config: MaglevConfig;
  /** Backend states after the change. */
  readonly stateOf: StateOf;
  /** The backend transitions the change would emit. */
  readonly events: readonly HealthEvent[];
  readonly trigger: PreviewTrigger;
}

export interface SyncPreview extends PlanPreview {
  /** The plan is against a live read of VPP (not an assumed one). */
  readonly vppRead: boolean;
  readonly notes: readonly string[];
}

export interface SetWeightRequest {
  readonly frontend: string;
  readonly backend: string;
  /** The operator asked for the AS's flows to be flushed. */
  readonly flush: boolean;
}

interface Waiter {
  resolve(summary: LbSyncSummary): void;
  reject(error: Error): void;
}

interface Job {
  readonly reasons: Set<SyncReason>;
  readonly waiters: Waiter[];
}

/** frontend → canonical AS addresses. */
type FlushBook = Map<string, Set<string>>;

export class Syncer {
  /** A sync added or removed VIPs (their pool indexes, which key the stats counters, changed). */
  readonly onVipsChanged = new Signal<void>();
  private gate: WarmupGate | undefined;
  private started = false;
  private stopped = false;
  private periodic: TimerHandle | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  private fullJob: Job | undefined;
  private readonly vipJobs = new Map<string, Job>();
  private draining: Promise<void> | undefined;

  private readonly forceFlush: FlushBook = new Map();
  private readonly operatorFlush: FlushBook = new Map();
  /** lb_conf as last sent to (or found in) the VPP of this client. */
  private conf: { client: LbApi; key: string } | undefined;
  /**
   * What the VPP of this client holds as far as the syncer knows (believed.ts): the last read with
   * the operations VPP accepted since. Gone on disconnect and after any run that did not finish
   * cleanly, so that the next run reads again.
   */
  private believed: { client: LbApi; state: LbState } | undefined;
  /** Which VIPs VPP holds as wanted, serving: what the announcer waits for. */
  readonly programmed = new ProgrammedVips();
  /** The frontends whose `programmed` answer changed, after each run and on disconnect. */
  readonly onProgrammedChange = new Signal<readonly string[]>();

  constructor(private readonly opts: SyncerOptions) {}

  /** Starts the warmup clock, follows health events and connects, schedules the periodic sync. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { source, connection, clock, logger } = this.opts;
    const lb = source.config().vpp.lb;
    this.gate = new WarmupGate({
      clock,
      minDelayMs: lb.startupMinDelayMs,
      maxDelayMs: lb.startupMaxDelayMs,
      onReleaseWindow: () => this.openReleaseWindow(),
      onFinalSync: () => this.finishWarmup(),
    });
    if (this.gate.disabled) logger.info('warmup-disabled', {});
    else logger.info('warmup-start', { minDelayMs: lb.startupMinDelayMs, maxDelayMs: lb.startupMaxDelayMs });
    const subscription = source.subscribe((event) => this.onHealthEvent(event));
    this.unsubscribe.push(
      () => subscription.unsubscribe(),
      connection.onConnect.add(() => this.onConnect()),
      connection.onDisconnect.add(() => {
        this.conf = undefined;
        this.believed = undefined;
        this.programmedChanged(this.programmed.disconnected());
      }),
    );
    this.schedulePeriodic();
    // Already connected (the connection came up first): treat it as a connect.
    if (connection.client) this.onConnect();
  }

  /** Stops every trigger, fails pending requests, and waits for a sync in flight. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.periodic?.cancel();
    this.gate?.stop();
    for (const off of this.unsubscribe.splice(0)) off();
    const pending = [...(this.fullJob ? [this.fullJob] : []), ...this.vipJobs.values()];
    this.fullJob = undefined;
    this.vipJobs.clear();
    for (const job of pending) for (const w of job.waiters) w.reject(new SyncerStoppedError());
    await this.draining;
  }

  /** Resolves once no sync runs and none is queued (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  warmup(): WarmupSnapshot | undefined {
    return this.gate?.snapshot();
  }

  // ---- triggers ------------------------------------------------------------------------------

  /** A full sync when the warmup allows it (reload, periodic, connect). */
  requestFull(reason: SyncReason): void {
    if (!this.accepting()) return;
    if (!this.gate?.allowsFull()) {
      this.suppressed('all', undefined, reason);
      return;
    }
    this.enqueue('all', reason);
  }

  /** A per-VIP sync when the warmup allows it for this frontend (releasing it if it can). */
  requestFrontend(frontend: string, reason: SyncReason): void {
    if (!this.accepting() || !this.gate) return;
    if (this.gate.allows(frontend)) {
      this.enqueue({ frontend }, reason);
      return;
    }
    if (this.tryRelease(frontend)) return;
    this.suppressed('vip', frontend, reason);
  }

  /** After a reload was applied. */
  reloaded(): void {
    this.requestFull('reload');
  }

  /**
   * SetFrontendPoolBackendWeight: a per-VIP sync at once (weights take effect immediately:
   * docs/vpp.md §When it syncs), with flush for the backend's AS when the operator asked for it. Resolves
   * when the sync is done; a failure is logged, not thrown (the weight itself was accepted).
   */
  async afterSetWeight(req: SetWeightRequest): Promise<void> {
    if (!this.accepting()) return;
    noteOperatorFlush(this.operatorFlush, req, this.opts.source.config());
    if (!this.gate?.allows(req.frontend)) {
      this.suppressed('vip', req.frontend, 'set-weight');
      return;
    }
    if (!this.opts.connection.client) return;
    try {
      await new Promise<LbSyncSummary>((resolve, reject) =>
        this.enqueue({ frontend: req.frontend }, 'set-weight', { resolve, reject }),
      );
    } catch {
      // Logged by the run; the next trigger retries (the flush request is kept).
    }
  }

  /**
   * SyncVPPLBState: runs a sync now (queued behind one in flight) and returns what it changed.
   * Throws VppNotConnectedError, UnknownFrontendError, WarmupHoldError, or LbSyncError when
   * VPP refused operations.
   */
  syncNow(frontend: string | undefined): Promise<LbSyncSummary> {
    const refusal = this.syncNowRefusal(frontend);
    if (refusal) return Promise.reject(refusal);
    return new Promise((resolve, reject) =>
      this.enqueue(frontend === undefined ? 'all' : { frontend }, 'operator', { resolve, reject }),
    );
  }

  /** Why syncNow would refuse, or undefined when it would run. */
  private syncNowRefusal(frontend: string | undefined): Error | undefined {
    if (!this.accepting() || !this.gate) return new SyncerStoppedError();
    if (!this.opts.connection.client) return new VppNotConnectedError();
    if (frontend !== undefined && !this.opts.source.config().frontends.has(frontend))
      return new UnknownFrontendError(frontend);
    const allowed = frontend === undefined ? this.gate.allowsFull() : this.gate.allows(frontend);
    if (!allowed) return new WarmupHoldError(this.gate.phase, frontend);
    return undefined;
  }

  // ---- dry runs ------------------------------------------------------------------------------

  /**
   * What a change would make this syncer send (docs/vpp.md §Previews), without sending anything
   * or touching its own bookkeeping: the syncs the change's trigger would start (less those the
   * warmup would hold back), the flushes they would carry (pending ones included), one read of
   * VPP, and the same planner as a run. The `operator` trigger refuses as syncNow does.
   */
  async preview(change: SyncPreviewRequest): Promise<SyncPreview> {
    const { source, connection } = this.opts;
    if (change.trigger.kind === 'operator') {
      const refusal = this.syncNowRefusal(change.trigger.frontend);
      if (refusal) throw refusal;
    }
    const notes: string[] = [];
    const force = copyBook(this.forceFlush);
    const operator = copyBook(this.operatorFlush);
    for (const event of change.events) noteTransitionFlush(force, event, change.config);
    if (change.trigger.kind === 'set-weight')
      noteOperatorFlush(operator, change.trigger.request, change.config);
    const scopes = scopesOf(change.trigger, change.events).filter((scope) => {
      const held = this.heldBack(scope, change);
      if (held) notes.push(`${held.message}: nothing would be sent for it now`);
      return !held;
    });
    const client = this.accepting() ? connection.client : undefined;
    const desired = desiredState(change.config, change.stateOf);
    const current = desiredState(source.config(), this.stateOf);
    let actual: LbState | undefined;
    if (!client) {
      notes.push(
        'VPP is not connected: planned against the desired state as if VPP held it; the full sync after it connects sends what is needed then',
      );
    } else {
      try {
        actual = (await readActualState(client, desired)).state;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        notes.push(`VPP could not be read (${reason}): planned against the desired state as if VPP held it`);
      }
    }
    const flush = flushFor(force, operator, scopes);
    const plan = previewPlan({
      desired,
      current,
      actual,
      scopes,
      generation: client ? lbGenerationOf(client) : '1.2',
      forceFlush: flush.force,
      operatorFlush: flush.operator,
    });
    return { ...plan, vppRead: actual !== undefined, notes };
  }

  /** The warmup's refusal of a scope (a per-VIP sync of a frontend it would release runs). */
  private heldBack(scope: SyncScope, change: SyncPreviewRequest): WarmupHoldError | undefined {
    const gate = this.gate;
    if (!gate || !this.accepting()) return undefined;
    if (scope === 'all') return gate.allowsFull() ? undefined : new WarmupHoldError(gate.phase, undefined);
    if (gate.allows(scope.frontend)) return undefined;
    const fe = change.config.frontends.get(scope.frontend);
    const releasable =
      gate.phase === 'releasing' && fe !== undefined && frontendBackendsKnown(fe, change.stateOf);
    return releasable ? undefined : new WarmupHoldError(gate.phase, scope.frontend);
  }

  // ---- event handlers ------------------------------------------------------------------------

  private onHealthEvent(event: HealthEvent): void {
    if (event.kind !== 'backend' || !event.transition || !this.accepting()) return;
    noteTransitionFlush(this.forceFlush, event, this.opts.source.config());
    this.requestFrontend(event.frontend, 'transition');
  }

  private onConnect(): void {
    this.conf = undefined;
    if (!this.accepting() || !this.gate) return;
    if (this.gate.allowsFull()) {
      this.enqueue('all', 'connect');
      return;
    }
    // During the release window: bring back what was already released; the rest waits.
    const released = this.gate.snapshot().released;
    for (const frontend of released) this.enqueue({ frontend }, 'connect');
    this.suppressed('all', undefined, 'connect');
  }

  private openReleaseWindow(): void {
    this.opts.logger.info('warmup-release-window', {});
    for (const frontend of this.opts.source.config().frontends.keys()) this.tryRelease(frontend);
  }

  private finishWarmup(): void {
    this.opts.logger.info('warmup-done', { released: this.gate?.snapshot().released.length ?? 0 });
    this.requestFull('warmup-final');
  }

  private tryRelease(frontend: string): boolean {
    const fe = this.opts.source.config().frontends.get(frontend);
    if (!fe || !this.gate) return false;
    if (!this.gate.tryRelease(frontend, frontendBackendsKnown(fe, this.stateOf))) return false;
    this.opts.logger.info('warmup-release', { frontend });
    this.enqueue({ frontend }, 'warmup-release');
    return true;
  }

  /** (Re)arms the periodic sync: sync-interval after the last full sync, whatever started it. */
  private schedulePeriodic(): void {
    this.periodic?.cancel();
    this.periodic = undefined;
    const ms = this.opts.source.config().vpp.lb.syncIntervalMs;
    if (this.stopped || !(ms > 0)) return;
    this.periodic = this.opts.clock.setTimeout(() => {
      this.periodic = undefined;
      this.requestFull('periodic');
      // A suppressed request starts no sync, so re-arm here too.
      if (!this.fullJob) this.schedulePeriodic();
    }, ms);
  }

  // ---- the queue -----------------------------------------------------------------------------

  private accepting(): boolean {
    return this.started && !this.stopped;
  }

  private suppressed(scope: 'all' | 'vip', frontend: string | undefined, reason: SyncReason): void {
    this.opts.logger.debug('lb-sync-suppressed', {
      scope,
      ...(frontend !== undefined && { frontend }),
      reason,
      warmup: this.gate?.phase ?? 'not-started',
    });
  }

  private enqueue(scope: SyncScope, reason: SyncReason, waiter?: Waiter): void {
    let job: Job;
    if (scope === 'all') {
      job = this.fullJob ??= { reasons: new Set(), waiters: [] };
    } else {
      job = this.vipJobs.get(scope.frontend) ?? { reasons: new Set(), waiters: [] };
      this.vipJobs.set(scope.frontend, job);
    }
    job.reasons.add(reason);
    if (waiter) job.waiters.push(waiter);
    this.kick();
  }

  private kick(): void {
    if (this.draining || this.stopped) return;
    // Start on a later tick, so a synchronous burst of requests coalesces before the first run.
    this.draining = Promise.resolve()
      .then(() => this.drain())
      .catch((err: unknown) => this.opts.logger.error('lb-sync-bug', { error: String(err) }))
      .finally(() => {
        this.draining = undefined;
        if (this.fullJob || this.vipJobs.size > 0) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      if (this.fullJob) {
        const job = this.fullJob;
        this.fullJob = undefined;
        // A full sync covers every pending per-VIP request.
        for (const absorbed of this.vipJobs.values()) {
          for (const r of absorbed.reasons) job.reasons.add(r);
          job.waiters.push(...absorbed.waiters);
        }
        this.vipJobs.clear();
        this.schedulePeriodic();
        await this.runJobs([{ scope: 'all', job }]);
        continue;
      }
      if (this.vipJobs.size === 0) return;
      // Every pending frontend in one run: one read of VPP serves them all.
      const batch = [...this.vipJobs].map(([frontend, job]) => ({ scope: { frontend }, job }));
      this.vipJobs.clear();
      await this.runJobs(batch);
    }
  }

  /** Runs the units and settles their waiters; every failure is logged here. */
  private async runJobs(units: { scope: SyncScope; job: Job }[]): Promise<void> {
    let outcomes: Map<SyncScope, LbSyncSummary | Error>;
    try {
      outcomes = await this.run(units.map((u) => ({ scope: u.scope, reasons: [...u.job.reasons] })));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const u of units) {
        logSyncFailure(this.opts.logger, u.scope, [...u.job.reasons], error, this.opts.metrics);
        for (const w of u.job.waiters) w.reject(error);
      }
      return;
    }
    for (const u of units) {
      const outcome = outcomes.get(u.scope) ?? new Error('no outcome');
      if (outcome instanceof Error) {
        logSyncFailure(this.opts.logger, u.scope, [...u.job.reasons], outcome, this.opts.metrics);
        for (const w of u.job.waiters) w.reject(outcome);
      } else {
        for (const w of u.job.waiters) w.resolve(outcome);
      }
    }
  }

  // ---- one run -------------------------------------------------------------------------------

  private readonly stateOf = (backend: string): BackendState =>
    this.opts.source.stateOf(backend) ?? 'unknown';

  /**
   * One read of VPP, one plan per unit (the full scope, or one per frontend), all operations in
   * order. Throws when nothing could be done (not connected, the read failed); otherwise each
   * unit gets its summary, or the error that stopped it (unknown frontend, refused operations).
   */
  private async run(
    units: readonly { scope: SyncScope; reasons: readonly SyncReason[] }[],
  ): Promise<Map<SyncScope, LbSyncSummary | Error>> {
    const { connection, source, clock, logger, metrics } = this.opts;
    const client = connection.client;
    if (!client) throw new VppNotConnectedError();
    const generation = lbGenerationOf(client);
    const config = source.config();
    const outcomes = new Map<SyncScope, LbSyncSummary | Error>();
    const live = units.filter(({ scope }) => {
      if (scope === 'all' || config.frontends.has(scope.frontend)) return true;
      outcomes.set(scope, new UnknownFrontendError(scope.frontend));
      return false;
    });
    if (live.length === 0) return outcomes;
    const started = clock.monotonic();

    await this.ensureConf(client, config);
    const desired = desiredState(config, this.stateOf);
    const believed = this.believed?.client === client ? this.believed.state : undefined;
    const fromBelief =
      believed !== undefined && live.every((u) => u.reasons.every((r) => PLANS_FROM_BELIEF.has(r)));
    const actual = fromBelief ? believed : (await readActualState(client, desired)).state;
    const flush = this.takeFlush(live.map((u) => u.scope));
    const planned: { scope: SyncScope; reasons: readonly SyncReason[]; ops: LbOp[] }[] = [];
    for (const unit of live) {
      try {
        const ops = planSync(desired, actual, {
          scope: unit.scope,
          generation,
          forceFlush: flush.force,
          operatorFlush: flush.operator,
        });
        planned.push({ ...unit, ops });
      } catch (err) {
        // A frontend without a VIP of its own (shadowed by another on the same key).
        if (!(err instanceof UnknownFrontendError)) throw err;
        outcomes.set(unit.scope, err);
      }
    }

    const report = new SyncRunReport(logger, planned);
    report.recreates();
    const result = await applyOps(
      client,
      planned.flatMap((p) => p.ops),
      report.hooks,
    );
    const durationMs = Math.round((clock.monotonic() - started) * 10) / 10;
    // Only a run whose every operation VPP accepted leaves a state the syncer can vouch for; after
    // a refusal, a skip or a lost connection, the next run reads VPP again. Forgotten first, so
    // that no stale belief outlives a fold that throws.
    this.believed = undefined;
    if (result.failed.length === 0 && result.skipped.length === 0)
      this.believed = { client, state: withApplied(actual, result.applied) };

    const troubled = new Set([...result.failed.map((f) => f.op), ...result.skipped].map((op) => op.frontend));
    this.settleFlush(flush.taken, troubled);
    this.programmedChanged(
      this.programmed.afterRun(
        desired,
        planned.map((p) => p.scope),
        troubled,
      ),
    );
    const tallies = planned.map((p) => tallyUnit(p, result));
    report.finished({
      metrics,
      full: live.some((u) => u.scope === 'all'),
      vppRead: !fromBelief,
      generation,
      durationMs,
      result,
      tallies,
    });
    for (const t of tallies)
      outcomes.set(t.unit.scope, t.failures.length > 0 ? new LbSyncError(t.failures, t.summary) : t.summary);
    if (tallies.some((t) => t.summary.vip_added + t.summary.vip_removed > 0)) this.onVipsChanged.emit();
    return outcomes;
  }

  private programmedChanged(frontends: readonly string[]): void {
    if (frontends.length > 0) this.onProgrammedChange.emit(frontends);
  }

  /** lb_conf once per connection and whenever the config changes it (lb 1.2: only if different). */
  private async ensureConf(client: LbApi, config: MaglevConfig): Promise<void> {
    const want = wantedLbConf(config);
    // The daemon refuses such a config; without source addresses GRE cannot work at all.
    if (!want) throw new Error('vpp.lb.ipv4-src-address and ipv6-src-address are required');
    const key = JSON.stringify(want);
    if (this.conf?.client === client && this.conf.key === key) return;
    if (client.hasMessage('lb_conf_get') && sameConf(await lbConfGet(client), want)) {
      this.conf = { client, key };
      return;
    }
    await lbConf(client, want);
    this.opts.logger.info('lb-conf', {
      ip4SrcAddress: want.ip4SrcAddress,
      ip6SrcAddress: want.ip6SrcAddress,
      stickyBucketsPerCore: want.stickyBucketsPerCore ?? null,
      flowTimeout: want.flowTimeout ?? null,
    });
    this.conf = { client, key };
  }

  /** The pending flush requests these scopes cover, and a record of what was taken. */
  private takeFlush(scopes: readonly SyncScope[]): FlushTaken {
    return flushFor(this.forceFlush, this.operatorFlush, scopes);
  }

  /** Forgets the flush requests a run delivered; keeps those of frontends it did not finish. */
  private settleFlush(
    taken: { book: FlushBook; frontend: string; addresses: string[] }[],
    troubled: ReadonlySet<string | undefined>,
  ): void {
    for (const { book, frontend, addresses } of taken) {
      if (troubled.has(frontend)) continue;
      const set = book.get(frontend);
      if (!set) continue;
      for (const a of addresses) set.delete(a);
      if (set.size === 0) book.delete(frontend);
    }
  }
}

/** The syncs a trigger starts (before the warmup has its say), as requestFrontend/requestFull get them. */
export function scopesOf(trigger: PreviewTrigger, events: readonly HealthEvent[]): SyncScope[] {
  switch (trigger.kind) {
    case 'transitions':
      return [...new Set(events.map((e) => e.frontend))].map((frontend) => ({ frontend }));
    case 'set-weight':
      return [{ frontend: trigger.request.frontend }];
    case 'reload':
      return ['all'];
    case 'operator':
      return [trigger.frontend === undefined ? 'all' : { frontend: trigger.frontend }];
  }
}

interface FlushTaken {
  force: Set<string>;
  operator: Map<string, Set<string>>;
  taken: { book: FlushBook; frontend: string; addresses: string[] }[];
}

/** The pending flush requests these scopes cover (and a record of what was taken, to settle). */
function flushFor(forceBook: FlushBook, operatorBook: FlushBook, scopes: readonly SyncScope[]): FlushTaken {
  const all = scopes.includes('all');
  const named = new Set(scopes.flatMap((s) => (s === 'all' ? [] : [s.frontend])));
  const frontends = (book: FlushBook): string[] => [...book.keys()].filter((f) => all || named.has(f));
  const force = new Set<string>();
  const operator = new Map<string, Set<string>>();
  const taken: { book: FlushBook; frontend: string; addresses: string[] }[] = [];
  for (const frontend of frontends(forceBook)) {
    const addresses = [...(forceBook.get(frontend) ?? [])];
    for (const a of addresses) force.add(a);
    taken.push({ book: forceBook, frontend, addresses });
  }
  for (const frontend of frontends(operatorBook)) {
    const addresses = [...(operatorBook.get(frontend) ?? [])];
    operator.set(frontend, new Set(addresses));
    taken.push({ book: operatorBook, frontend, addresses });
  }
  return { force, operator, taken };
}

/** A transition into a state that asks for flush books the backend's address for its frontend. */
function noteTransitionFlush(book: FlushBook, event: HealthEvent, config: MaglevConfig): void {
  const fe = config.frontends.get(event.frontend);
  if (event.address !== undefined && event.transition && fe && asksFlush(event.transition.to, fe.flushOnDown))
    add(book, event.frontend, canonicalIp(event.address));
}

/** A weight change with flush books the backend's address for its frontend. */
function noteOperatorFlush(book: FlushBook, req: SetWeightRequest, config: MaglevConfig): void {
  const address = config.backends.get(req.backend)?.address;
  if (req.flush && address !== undefined) add(book, req.frontend, canonicalIp(address));
}

function copyBook(book: FlushBook): FlushBook {
  return new Map([...book].map(([frontend, set]) => [frontend, new Set(set)]));
}

/**
 * The state's own flush rule (docs/health.md §Effective weight): down with flush-on-down, disabled,
 * removed.
 */
function asksFlush(state: BackendState, flushOnDown: boolean): boolean {
  return effectiveWeight({ state, poolWeight: 0, inActivePool: false, flushOnDown }).flush;
}

function add(book: FlushBook, frontend: string, address: string): void {
  const set = book.get(frontend) ?? new Set<string>();
  set.add(address);
  book.set(frontend, set);
}

function sameConf(
  have: { ip4SrcAddress: string; ip6SrcAddress: string; stickyBucketsPerCore: number; flowTimeout: number },
  want: WantedLbConf,
): boolean {
  return (
    canonicalIp(have.ip4SrcAddress) === canonicalIp(want.ip4SrcAddress) &&
    canonicalIp(have.ip6SrcAddress) === canonicalIp(want.ip6SrcAddress) &&
    (want.stickyBucketsPerCore === undefined || want.stickyBucketsPerCore === have.stickyBucketsPerCore) &&
    (want.flowTimeout === undefined || want.flowTimeout === have.flowTimeout)
  );
}
