// One backend's probe loop: wait, probe, hand the result over, wait again. Timers come from
// the injected Clock; stopping cancels the wait and aborts a probe in flight, and a stopped
// worker never hands over a result, so a pause or reload can never be undone by a late probe.

import type { Clock, Random, TimerHandle } from '../clock/index.js';
import type { BackendConfig, HealthCheckConfig } from '../config/types.js';
import { nextIntervalMs, type BackendHealth, type ProbeResult } from '../health/index.js';
import type { Logger } from '../log/index.js';
import type { ProbeLoop, RepeatingProber, ResultReceiver } from '../probe/engine-probes.js';
import type { ProbeFn, ProbeRequest } from '../probe/types.js';
import type { ProbeFeed } from './probe-feed.js';

/** What a worker probes. The checker may swap `config` and `hc` in place on a reload's unchanged path. */
export interface ProbeTarget {
  readonly health: BackendHealth;
  config: BackendConfig;
  /** Undefined: no health check, a synthetic pass and no traffic. */
  hc: HealthCheckConfig | undefined;
}

/**
 * What a worker's results are recorded in: the checker (health, checker faults, the suspect
 * detector). One object for every worker of a checker, told which worker each result is from.
 */
export interface ResultSink<T extends ProbeTarget> {
  recordResult(target: T, worker: ProbeWorker<T>, result: ProbeResult, ageMs: number): void;
}

/**
 * What else a backend's real probes (not synthetic passes) are told to: the metrics. Asked for
 * once per worker, so a result reaches its backend's counts without a look-up by name.
 */
export interface ProbeObserver {
  /** A probe finished: its result, and how late it started (ms). */
  probeDone(result: ProbeResult, lagMs: number): void;
}

/** What workers need; one object for all the workers of a checker (per netns). */
export interface WorkerDeps<T extends ProbeTarget> {
  clock: Clock;
  random: Random;
  probe: ProbeFn;
  /**
   * Runs the whole probe loop of the backends it can take (the probe engine: waits and probes
   * off the event loop); the others go through `probe` with a timer per wait.
   */
  repeat?: RepeatingProber | undefined;
  logger: Logger;
  netns: string | undefined;
  /**
   * Records each result and emits; called only while the worker runs. `ageMs`: how long ago the
   * probe ended (the engine hands results over in batches), so that what follows from it (a
   * transition, a fault) is dated when the probe ended; 0 for probes run here.
   */
  results: ResultSink<T>;
  /** The observer of a backend's probes, asked once when its worker is made. */
  observeProbes?: ((backend: string) => ProbeObserver) | undefined;
  /**
   * Every backend's real probes, after its observer, with the backend's name: one feed for all
   * workers, so that no backend needs an object of its own to reach it.
   */
  probeFeed?: ProbeFeed | undefined;
}

/** The result a backend without a health check gets: it is assumed healthy, no traffic sent. */
export const SYNTHETIC_PASS: ProbeResult = Object.freeze({
  ok: true,
  layer: 'L7',
  code: 'L7OK',
  detail: 'no healthcheck',
  durationMs: 0,
});

export class ProbeWorker<T extends ProbeTarget = ProbeTarget> implements ResultReceiver {
  private timer: TimerHandle | undefined;
  /**
   * One per worker, not per probe: it is only ever aborted when the worker stops for good, and
   * creating an AbortSignal costs more than the rest of a probe's bookkeeping together.
   */
  private readonly abort = new AbortController();
  private plannedAt = 0;
  private stopped = false;
  /** The repeating prober's loop, when it took this backend. */
  private loop: ProbeLoop | undefined;
  /** Settles when the probe in flight (if any) has finished; never rejects. */
  inflight: Promise<void> | undefined;
  private readonly observer: ProbeObserver | undefined;

  constructor(
    private readonly target: T,
    private readonly deps: WorkerDeps<T>,
  ) {
    this.observer = deps.observeProbes?.(target.health.name);
  }

  /** Starts the loop; the first probe runs after delayMs. */
  start(delayMs: number): void {
    const hc = this.target.hc;
    if (hc !== undefined && this.deps.repeat !== undefined) {
      this.loop = this.deps.repeat.repeat(this.request(hc), delayMs, this);
      if (this.loop !== undefined) return;
    }
    this.schedule(delayMs);
  }

  /** Cancels the wait and aborts a probe in flight. Await `inflight` to know it has unwound. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.loop?.stop();
    this.loop = undefined;
    this.abort.abort();
  }

  get running(): boolean {
    return !this.stopped;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.plannedAt = this.deps.clock.monotonic() + delayMs;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.inflight = this.runOnce()
        .catch((err: unknown) => {
          // A bug in a hook must not end this backend's probing for good.
          this.deps.logger.error('probe-worker-error', {
            backend: this.target.health.name,
            error: err instanceof Error ? err.message : String(err),
          });
          this.schedule(this.fallbackDelayMs());
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }, delayMs);
  }

  private fallbackDelayMs(): number {
    return this.target.hc ? nextIntervalMs(this.target.health, this.target.hc, this.deps.random) : 30_000;
  }

  private request(hc: HealthCheckConfig): ProbeRequest {
    const { address, family } = this.target.config;
    return { healthcheck: hc, address, family, netns: this.deps.netns };
  }

  private logStart(hc: HealthCheckConfig): void {
    const { address } = this.target.config;
    this.deps.logger.debug('probe-start', { backend: this.target.health.name, type: hc.type, address });
  }

  /** Records a finished probe: the health state, then the per-probe hook (metrics), then the feed. */
  private handOver(
    hc: HealthCheckConfig,
    result: ProbeResult,
    lagMs: number,
    debug: boolean,
    ageMs: number,
    durationMs = result.durationMs,
  ): void {
    if (debug) {
      this.deps.logger.debug('probe-done', {
        backend: this.target.health.name,
        type: hc.type,
        ok: result.ok,
        code: result.code,
        detail: result.detail,
        durationMs: Math.round(durationMs * 10) / 10,
      });
    }
    this.deps.results.recordResult(this.target, this, result, ageMs);
    this.observer?.probeDone(result, lagMs);
    this.deps.probeFeed?.publish(this.target.health.name, result);
  }

  /**
   * A result from the repeating prober; returns the wait before the next probe. The engine ran
   * the probe off the event loop, so probe-start is logged now, just before probe-done.
   */
  onProbeResult(result: ProbeResult, lagMs: number, ageMs: number): number | undefined {
    if (this.stopped) return undefined;
    const hc = this.target.hc;
    if (hc === undefined) return undefined;
    try {
      const debug = this.deps.logger.enabled('debug');
      if (debug) this.logStart(hc);
      this.handOver(hc, result, lagMs, debug, ageMs);
    } catch (err) {
      // A bug in a hook must not end this backend's probing for good.
      this.deps.logger.error('probe-worker-error', {
        backend: this.target.health.name,
        error: err instanceof Error ? err.message : String(err),
      });
      return this.stopped ? undefined : this.fallbackDelayMs();
    }
    if (this.stopped) return undefined;
    return nextIntervalMs(this.target.health, this.target.hc ?? hc, this.deps.random);
  }

  private async runOnce(): Promise<void> {
    if (this.stopped) return;
    const { clock, logger } = this.deps;
    const hc = this.target.hc;
    if (!hc) {
      // Only operator actions can move a synthetic backend, and they restart the worker,
      // so one pass per start is all it ever needs: no repeating timer.
      this.deps.results.recordResult(this.target, this, SYNTHETIC_PASS, 0);
      return;
    }
    const startedAt = clock.monotonic();
    const lagMs = Math.max(0, startedAt - this.plannedAt);
    const debug = logger.enabled('debug');
    if (debug) this.logStart(hc);
    let result: ProbeResult;
    try {
      result = await this.deps.probe({ ...this.request(hc), signal: this.abort.signal });
    } catch (err) {
      // ProbeFn promises never to reject; if one does anyway, count it as a failed probe
      // rather than letting the loop die silently.
      result = {
        ok: false,
        layer: 'L4',
        code: 'L4CON',
        detail: `probe error: ${err instanceof Error ? err.message : String(err)}`,
        durationMs: clock.monotonic() - startedAt,
      };
    }
    if (this.stopped) return;
    this.handOver(hc, result, lagMs, debug, 0, clock.monotonic() - startedAt);
    if (this.stopped) return;
    this.schedule(nextIntervalMs(this.target.health, this.target.hc ?? hc, this.deps.random));
  }
}
