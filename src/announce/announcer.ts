// The announcer: keeps BIRD's view of this node's VIPs equal to planAnnouncements() (wanted.ts).
// It owns the include file and every exchange with BIRD. One loop, one apply at a time: a
// change while an apply runs folds into one more apply after it. An apply writes the file
// (include-file.ts), then asks BIRD to `configure` (bird-control.ts):
//   - BIRD took it: the file's routes are what this node announces;
//   - BIRD refused it (8002 and friends): the last accepted file is put back, so bird.conf stays
//     loadable for BIRD and for an operator's own `birdc configure`, and the error is reported;
//   - no answer: the new file stays (a BIRD that restarts reads it: it is the wanted state).
// A failure is a log line, an event and a metric, then a retry with backoff; nothing here ever
// waits on or throws into health checking or VPP programming. While all is well, BIRD is asked
// `show status` every check interval, so the reachability metric stays true when nothing changes.
// stop() withdraws every route (one apply, bounded by the session timeout, no retry).

import type { Clock, TimerHandle } from '../clock/index.js';
import type { BirdAnnounceConfig, MaglevConfig } from '../config/types.js';
import type { FrontendState } from '../health/index.js';
import type { Logger } from '../log/index.js';
import { Signal } from '../vpp/index.js';
import { birdCommands, BirdUnreachableError } from './bird-control.js';
import { renderIncludeFile } from './bird-include.js';
import { configureOutcome } from './bird-reply.js';
import { replaceFile } from './include-file.js';
import {
  planAnnouncements,
  routeCarries,
  type AnnouncePlan,
  type AnnounceReason,
  type AnnouncedRoute,
  type FrontendAnnouncement,
} from './wanted.js';

/** What went wrong with BIRD: no answer, a refused configuration, or the file not written. */
export type BirdErrorKind = 'unreachable' | 'refused' | 'write';
export const BIRD_ERROR_KINDS: readonly BirdErrorKind[] = ['unreachable', 'refused', 'write'];

export interface BirdError {
  readonly kind: BirdErrorKind;
  readonly message: string;
  /** Wall time, ms. */
  readonly at: number;
}

export interface FrontendAnnouncementState extends FrontendAnnouncement {
  /** BIRD holds a route for the frontend's address from this node (its own or a neighbour's wish). */
  readonly announced: boolean;
}

export interface AnnouncementsSnapshot {
  readonly socket: string;
  readonly includeFile: string;
  readonly protocol: string;
  /** undefined until the first exchange with BIRD; then whether the last one went well. */
  readonly birdOk: boolean | undefined;
  readonly lastError: BirdError | undefined;
  /** Wall time (ms) BIRD last took the file. */
  readonly appliedAt: number | undefined;
  readonly frontends: readonly FrontendAnnouncementState[];
  /** The routes BIRD took last. */
  readonly routes: readonly AnnouncedRoute[];
  /** Failed exchanges with BIRD since start, by kind. */
  readonly errors: Readonly<Record<BirdErrorKind, number>>;
}

export type AnnounceEvent =
  | {
      readonly type: 'announcement';
      readonly frontend: string;
      readonly address: string;
      readonly announced: boolean;
      readonly reason: AnnounceReason;
      readonly at: number;
    }
  | {
      readonly type: 'bird';
      readonly ok: boolean;
      readonly error: BirdError | undefined;
      readonly at: number;
    };

/** What the announcer reads of maglevd: the live config, frontend health, and the syncer's word. */
export interface AnnounceSource {
  config(): Pick<MaglevConfig, 'announce' | 'frontends'>;
  frontendState(frontend: string): FrontendState | undefined;
  programmed(frontend: string): boolean;
}

export interface AnnouncerOptions {
  /** Read at start; socket, include-file and protocol stay fixed until a restart. */
  readonly bird: BirdAnnounceConfig;
  readonly source: AnnounceSource;
  readonly clock: Clock;
  readonly logger: Logger;
  /** One BIRD session (connect, welcome, reply); default 5 s. */
  readonly timeoutMs?: number;
  /** Retry after a failure: first delay, doubled per failure up to the max. Default 1 s .. 30 s. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** `show status` this often while all is well; default 30 s, 0 turns it off. */
  readonly checkIntervalMs?: number;
}

export const ANNOUNCE_DEFAULTS = {
  timeoutMs: 5_000,
  retryInitialMs: 1_000,
  retryMaxMs: 30_000,
  checkIntervalMs: 30_000,
} as const;

export class Announcer {
  readonly events = new Signal<AnnounceEvent>();
  private readonly timeoutMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly checkIntervalMs: number;

  private plan: AnnouncePlan = { frontends: [], routes: [] };
  /** What BIRD took last: the file's text and its routes. */
  private applied: { text: string; routes: readonly AnnouncedRoute[]; at: number } | undefined;
  private birdOk: boolean | undefined;
  private lastError: BirdError | undefined;
  private announcedBy = new Map<string, boolean>();
  private readonly errorCounts: Record<BirdErrorKind, number> = { unreachable: 0, refused: 0, write: 0 };

  private dirty = false;
  private running: Promise<void> | undefined;
  private failures = 0;
  private retryTimer: TimerHandle | undefined;
  private checkTimer: TimerHandle | undefined;
  private started = false;
  private stopping = false;

  constructor(private readonly opts: AnnouncerOptions) {
    this.timeoutMs = opts.timeoutMs ?? ANNOUNCE_DEFAULTS.timeoutMs;
    this.retryInitialMs = opts.retryInitialMs ?? ANNOUNCE_DEFAULTS.retryInitialMs;
    this.retryMaxMs = opts.retryMaxMs ?? ANNOUNCE_DEFAULTS.retryMaxMs;
    this.checkIntervalMs = opts.checkIntervalMs ?? ANNOUNCE_DEFAULTS.checkIntervalMs;
  }

  /** Writes the file once at start (withdrawing whatever a crashed predecessor left) and follows. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.opts.logger.info('announce-start', {
      socket: this.opts.bird.socket,
      includeFile: this.opts.bird.includeFile,
      protocol: this.opts.bird.protocol,
    });
    this.update();
  }

  /** Something the plan reads changed (frontend state, VPP, config): re-plan and apply if needed. */
  update(): void {
    if (!this.started || this.stopping) return;
    this.dirty = true;
    this.kick();
  }

  /**
   * After a reload: route-attributes and the frontends' announce keys apply now (and a config
   * without maglev.announce withdraws everything); socket, include-file and protocol wait for a
   * restart, which is logged.
   */
  reloaded(next: Pick<MaglevConfig, 'announce'>): void {
    const bird = next.announce?.bird;
    const fixed = this.opts.bird;
    const ignored = (['socket', 'includeFile', 'protocol'] as const).filter(
      (key) => bird !== undefined && bird[key] !== fixed[key],
    );
    if (ignored.length > 0)
      this.opts.logger.warn('announce-reload-ignored', {
        keys: ignored,
        reason: 'socket, include-file and protocol take effect at the next start',
      });
    this.update();
  }

  /** Withdraws every route (one attempt) and stops; resolves when BIRD answered or gave up. */
  async stop(): Promise<void> {
    if (this.stopping || !this.started) {
      await this.running;
      return;
    }
    this.stopping = true;
    this.retryTimer?.cancel();
    this.checkTimer?.cancel();
    await this.running;
    this.dirty = true;
    this.kick();
    await this.running;
  }

  /** Resolves once no apply runs or is queued (tests). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  snapshot(): AnnouncementsSnapshot {
    const routes = this.applied?.routes ?? [];
    return {
      socket: this.opts.bird.socket,
      includeFile: this.opts.bird.includeFile,
      protocol: this.opts.bird.protocol,
      birdOk: this.birdOk,
      lastError: this.lastError,
      appliedAt: this.applied?.at,
      frontends: this.plan.frontends.map((f) => ({ ...f, announced: routeCarries(routes, f) })),
      routes,
      errors: { ...this.errorCounts },
    };
  }

  // ---- the loop ------------------------------------------------------------------------------

  private kick(): void {
    if (this.running) return;
    this.running = this.drain()
      .catch((err: unknown) => this.opts.logger.error('announce-bug', { error: String(err) }))
      .finally(() => {
        this.running = undefined;
        if (this.dirty) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      this.plan = planAnnouncements({
        config: this.opts.source.config(),
        frontendState: (name) => this.opts.source.frontendState(name),
        programmed: (name) => this.opts.source.programmed(name),
        stopping: this.stopping,
      });
      const text = renderIncludeFile(
        { protocol: this.opts.bird.protocol, routeAttributes: this.routeAttributes() },
        this.plan.routes,
      );
      if (this.applied?.text !== text || this.birdOk !== true) await this.apply(text, this.plan.routes);
      this.publish();
    }
  }

  /** route-attributes follow reloads; the rest of announce.bird is fixed at start. */
  private routeAttributes(): string {
    return this.opts.source.config().announce?.bird.routeAttributes ?? this.opts.bird.routeAttributes;
  }

  private async apply(text: string, routes: readonly AnnouncedRoute[]): Promise<void> {
    const { bird, clock, logger } = this.opts;
    this.retryTimer?.cancel();
    this.checkTimer?.cancel();
    const started = clock.monotonic();
    try {
      await replaceFile(bird.includeFile, text);
    } catch (err) {
      this.failed('write', err);
      return;
    }
    let outcome;
    try {
      const [reply] = await birdCommands(this.session(), ['configure']);
      if (!reply) throw new BirdUnreachableError(bird.socket, 'no reply to configure');
      outcome = configureOutcome(reply);
    } catch (err) {
      this.failed('unreachable', err);
      return;
    }
    if (!outcome.ok) {
      // Put back what BIRD last took, so the file on disk keeps bird.conf loadable.
      const previous =
        this.applied?.text ??
        renderIncludeFile({ protocol: bird.protocol, routeAttributes: this.routeAttributes() }, []);
      await replaceFile(bird.includeFile, previous).catch((err: unknown) =>
        logger.error('announce-restore-failed', { includeFile: bird.includeFile, error: String(err) }),
      );
      this.failed('refused', new Error(outcome.message));
      return;
    }
    const before = new Set(this.applied?.routes.map((r) => r.prefix) ?? []);
    const after = new Set(routes.map((r) => r.prefix));
    this.applied = { text, routes, at: clock.now() };
    logger.info('announce', {
      announced: [...after].filter((p) => !before.has(p)),
      withdrawn: [...before].filter((p) => !after.has(p)),
      routes: routes.length,
      bird: outcome.message,
      durationMs: Math.round((clock.monotonic() - started) * 10) / 10,
    });
    this.succeeded();
  }

  private session() {
    return { socketPath: this.opts.bird.socket, clock: this.opts.clock, timeoutMs: this.timeoutMs };
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.birdOk !== true) {
      if (this.birdOk === false) this.opts.logger.info('announce-bird-ok', { socket: this.opts.bird.socket });
      this.birdOk = true;
      this.events.emit({ type: 'bird', ok: true, error: undefined, at: this.opts.clock.now() });
    }
    this.scheduleCheck();
  }

  private failed(kind: BirdErrorKind, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const error: BirdError = { kind, message, at: this.opts.clock.now() };
    const news = this.birdOk !== false || this.lastError?.message !== message;
    this.birdOk = false;
    this.lastError = error;
    this.errorCounts[kind]++;
    this.failures++;
    const retryMs = this.stopping
      ? undefined
      : Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(this.failures - 1, 30));
    this.opts.logger.error('announce-error', {
      kind,
      error: message,
      ...(retryMs !== undefined && { retryMs }),
    });
    if (news) this.events.emit({ type: 'bird', ok: false, error, at: error.at });
    if (retryMs === undefined) return;
    this.retryTimer = this.opts.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.update();
    }, retryMs);
  }

  /** While all is well, BIRD is asked how it is every check interval. */
  private scheduleCheck(): void {
    this.checkTimer?.cancel();
    if (this.checkIntervalMs <= 0 || this.stopping) return;
    this.checkTimer = this.opts.clock.setTimeout(() => {
      this.checkTimer = undefined;
      if (this.running || this.stopping) return;
      this.running = this.check().finally(() => {
        this.running = undefined;
        if (this.dirty) this.kick();
      });
    }, this.checkIntervalMs);
  }

  private async check(): Promise<void> {
    try {
      const [reply] = await birdCommands(this.session(), ['show status']);
      if (!reply || reply.code !== 13)
        throw new BirdUnreachableError(this.opts.bird.socket, 'unexpected status reply');
      this.scheduleCheck();
    } catch (err) {
      // The next apply configures again (a BIRD that restarted read our file; this is harmless).
      this.failed('unreachable', err);
    }
  }

  /** One event per frontend whose announced state changed. */
  private publish(): void {
    const at = this.opts.clock.now();
    const routes = this.applied?.routes ?? [];
    const next = new Map<string, boolean>();
    for (const f of this.plan.frontends) {
      const announced = routeCarries(routes, f);
      next.set(f.frontend, announced);
      if ((this.announcedBy.get(f.frontend) ?? false) === announced) continue;
      this.events.emit({
        type: 'announcement',
        frontend: f.frontend,
        address: f.address,
        announced,
        reason: f.reason,
        at,
      });
    }
    this.announcedBy = next;
  }
}
