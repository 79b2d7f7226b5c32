// maglevd's composition root: loads the configuration, starts the checker with the real probes,
// the VPP integration (connection, syncer, counters poller) when --vpp-api-addr is set, the
// announcer when maglev.announce is set, the metrics endpoint and the gRPC API, and owns the
// reload and shutdown paths (a stop withdraws the VIPs first). SIGHUP and the
// ReloadConfig RPC both go through reload(); --check and the CheckConfig RPC both go through
// check(). SIGHUP also re-reads the gRPC TLS files (reloadGrpcTls), which are read and checked
// at start before anything probes or listens.

import { Announcer } from '../announce/index.js';
import {
  checkConfig,
  formatProblem,
  loadConfigFile,
  loadConfigFileIsolated,
  parseConfig,
  warmConfigParser,
  type ConfigParseResult,
  type ParserWarmupResult,
} from '../config/index.js';
import type { MaglevConfig } from '../config/types.js';
import {
  createCheckerBackend,
  createVppBackend,
  ServerTls,
  startApiServer,
  type ApiServer,
  type CheckerBackend,
  type DaemonVppBackend,
  type ServerTlsSummary,
} from '../api/index.js';
import { Checker, ProbeFeed } from '../checker/index.js';
import { systemClock, systemRandom, type Clock, type Random, type TimerHandle } from '../clock/index.js';
import {
  CountersPoller,
  rehearseSync,
  Syncer,
  vppConfigProblems,
  vppStartTimeMs,
} from '../dataplane/index.js';
import type { JsonLogger, Logger } from '../log/index.js';
import { createMetrics, startMetricsServer, type Metrics, type MetricsServer } from '../metrics/index.js';
import { releaseFreeMemory } from '../native/index.js';
import {
  checkNetns,
  createIcmpProbe,
  createProber,
  createRepeatingProber,
  ensurePingGroupRange,
  probeEngineUnavailableReason,
  type RepeatingProber,
} from '../probe/index.js';
import type { ProbeFn } from '../probe/types.js';
import { VppConnection } from '../vpp/index.js';
import { versionInfo } from '../version.js';
import type { DaemonOptions } from './options.js';

export interface DaemonDeps {
  /** The daemon's logger; its broadcaster feeds WatchEvents log subscribers. */
  logger: JsonLogger;
  clock?: Clock;
  random?: Random;
  /** Probe implementation; defaults to the real network probes. */
  probe?: ProbeFn;
  /**
   * The config file's load, already under way (bin/maglevd starts it before the daemon's modules
   * load, so that the two overlap); by default start() loads options.config itself.
   */
  configLoad?: Promise<ConfigParseResult>;
  /** The parser's warm-up (warmParser); by default warmConfigParser with PARSER_WARMUP's sizes. */
  parserWarmup?: () => Promise<ParserWarmupResult>;
}

/** Outcome of a reload or check, in the shape both the RPCs and the logs need. */
export interface ConfigOutcome {
  ok: boolean;
  /** 'parse' for YAML syntax problems, 'semantic' for schema and cross-field problems. */
  kind?: 'parse' | 'semantic';
  /** Every problem as `file:line:col: message`. */
  errors: string[];
  warnings: string[];
}

export class ConfigRejectedError extends Error {
  constructor(readonly outcome: ConfigOutcome) {
    super(`configuration rejected (${outcome.kind} error):\n${outcome.errors.join('\n')}`);
    this.name = 'ConfigRejectedError';
  }
}

function outcomeOf(result: ConfigParseResult): ConfigOutcome {
  const warnings = result.warnings.map(formatProblem);
  if (result.ok) return { ok: true, errors: [], warnings };
  return { ok: false, kind: result.kind, errors: result.errors.map(formatProblem), warnings };
}

/** The VPP integration: one connection, the syncer (the only writer), the counters poller. */
export interface VppParts {
  readonly connection: VppConnection;
  readonly syncer: Syncer;
  readonly poller: CountersPoller;
  readonly backend: DaemonVppBackend;
}

/**
 * The parser's warm-up (src/config/warm-up.ts): when, after start, the main thread parses a small
 * synthetic config a number of times, and rehearses the sync's planning on each result
 * (src/dataplane/plan-rehearsal.ts), so that the first reload finds that code optimised. Well
 * after the start-up's load and first syncs, whose CPU it would otherwise take. Size and rounds:
 * a config of 1 000 backends, large enough that its maps take the shapes a large file's do, 10
 * times (0.6–0.7 s of CPU in all, once), brought the first reload's load at 10 000 backends down
 * to the later ones'; 100 backends 30 times left it a third above them
 * (bench/README.md §The first reload after start).
 */
export const PARSER_WARMUP = { delayMs: 5_000, rounds: 10, backends: 1_000 } as const;

/** Most checker events that may wait for the syncer; it never blocks, so this only bounds a burst. */
const SYNCER_EVENT_QUEUE = 1_000_000;

/** The listeners a running daemon owns; each is undefined when its address is empty. */
interface Servers {
  api?: { server: ApiServer; backend: CheckerBackend };
  metrics?: MetricsServer;
}

export class Daemon {
  private readonly servers: Servers = {};
  /** Undefined when VPP integration is off (empty --vpp-api-addr). */
  readonly vpp: VppParts | undefined;
  /** Undefined when the config has no maglev.announce (at start). */
  readonly announcer: Announcer | undefined;
  private readonly unfollow: (() => void)[] = [];
  private parserWarmup: TimerHandle | undefined;
  /** The warm-up under way, if any (stop() waits for it). */
  private parserWarming: Promise<void> | undefined;

  private constructor(
    readonly options: DaemonOptions,
    readonly checker: Checker,
    readonly metrics: Metrics,
    private readonly probes: ProbeFeed,
    private readonly logger: JsonLogger,
    private current: MaglevConfig,
    private readonly clock: Clock,
    /** The gRPC server's certificates; undefined when it serves plaintext or not at all. */
    private readonly grpcTls: ServerTls | undefined,
    private readonly parserWarmupRun: () => Promise<ParserWarmupResult>,
  ) {
    this.vpp = options.vppApiAddr === '' ? undefined : this.startVpp(clock);
    this.announcer = this.startAnnouncer(clock);
    this.parserWarmup = clock.setTimeout(() => {
      this.parserWarmup = undefined;
      this.parserWarming = this.warmParser();
    }, PARSER_WARMUP.delayMs);
  }

  /** The bound gRPC port (useful with --grpc-addr host:0), undefined when gRPC is off. */
  get grpcPort(): number | undefined {
    return this.servers.api?.server.port;
  }

  /** The bound metrics port, undefined when metrics are off. */
  get metricsPort(): number | undefined {
    return this.servers.metrics?.port;
  }

  /** Loads the configuration and starts probing. Throws ConfigRejectedError for a bad file. */
  static async start(options: DaemonOptions, deps: DaemonDeps): Promise<Daemon> {
    const { logger } = deps;
    logger.info('starting', { ...versionInfo(), config: options.config });
    const result = await (deps.configLoad ?? loadConfigFileIsolated(options.config));
    const outcome = outcomeOf(result);
    for (const w of outcome.warnings) logger.warn('config-warning', { warning: w });
    if (!result.ok) {
      logger.error('config-error', { kind: result.kind, errors: outcome.errors });
      throw new ConfigRejectedError(outcome);
    }
    // GRE needs both source addresses (docs/vpp.md §Turning it on): without them, refuse to start at all.
    const vppProblems = options.vppApiAddr === '' ? [] : vppConfigProblems(result.config);
    if (vppProblems.length > 0) {
      const refused: ConfigOutcome = { ok: false, kind: 'semantic', errors: vppProblems, warnings: [] };
      logger.error('config-error', { kind: refused.kind, errors: refused.errors });
      throw new ConfigRejectedError(refused);
    }
    const clock = deps.clock ?? systemClock;
    // A bad certificate or key is the operator's to fix before anything starts (TlsFileError).
    const grpcTls = await loadGrpcTls(options, logger, clock);
    prepareProbeEnvironment(result.config, logger);
    const metrics = createMetrics({ vpp: options.vppApiAddr !== '', clock });
    // Watchers that asked for probe summaries hear every probe through this feed.
    const probes = new ProbeFeed();
    const checker = new Checker({
      config: result.config,
      probe: deps.probe ?? createProber({ icmp: createIcmpProbe({ logger, clock }) }),
      repeat: deps.probe === undefined && clock === systemClock ? repeatingProber(logger) : undefined,
      clock,
      random: deps.random ?? systemRandom,
      logger,
      ...metrics.hooks,
      probeFeed: probes,
    });
    metrics.setChecker(checker);
    metrics.config.loaded(true);
    checker.start();
    logger.info('config-loaded', summary(result.config));
    const parserWarmup =
      deps.parserWarmup ??
      (() =>
        warmConfigParser(
          PARSER_WARMUP.rounds,
          PARSER_WARMUP.backends,
          () => new Promise((r) => setImmediate(r)),
          rehearseSync,
        ));
    const daemon = new Daemon(
      options,
      checker,
      metrics,
      probes,
      logger,
      result.config,
      clock,
      grpcTls,
      parserWarmup,
    );
    try {
      await daemon.listen(clock);
    } catch (err) {
      logger.error('listen-failed', { error: err instanceof Error ? err.message : String(err) });
      await daemon.stop();
      throw err;
    }
    return daemon;
  }

  private async listen(clock: Clock): Promise<void> {
    const { options, logger } = this;
    if (options.metricsAddr !== '') {
      this.servers.metrics = await startMetricsServer({
        addr: options.metricsAddr,
        registry: this.metrics.registry,
        logger,
      });
      logger.info('metrics-listening', { addr: options.metricsAddr, port: this.servers.metrics.port });
    }
    if (options.grpcAddr !== '') {
      const backend = createCheckerBackend({
        checker: this.checker,
        logs: logger.broadcaster,
        probes: this.probes,
        check: (candidate) => this.check(candidate),
        reload: () => this.reload(),
        vpp: () => this.vpp?.backend,
        syncPreview: this.vpp?.backend.preview,
        afterSetWeight: (input) => this.vpp?.syncer.afterSetWeight(input),
        generation: () => this.vpp?.backend.generation() ?? 'master',
        vppBucketsOf: (frontend) => this.vpp?.backend.vppBucketsOf(frontend),
        ...(this.announcer && { announcements: this.announcer }),
      });
      try {
        const server = await startApiServer({
          backend,
          address: options.grpcAddr,
          reflection: options.reflection,
          tls: this.grpcTls,
          logger,
          clock,
        });
        this.servers.api = { server, backend };
      } catch (err) {
        backend.close();
        throw err;
      }
      logger.info('grpc-listening', {
        addr: options.grpcAddr,
        port: this.servers.api.server.port,
        reflection: options.reflection,
        security: this.grpcTls === undefined ? 'plaintext' : this.grpcTls.mutual ? 'mtls' : 'tls',
      });
    }
  }

  /**
   * Wires the VPP side: every API message is metered, connect/disconnect drive the VPP gauges,
   * the syncer follows the checker's events, and the poller reads counters while connected.
   * Syncer and poller listen before the connection starts, so they see its first connect.
   */
  private startVpp(clock: Clock): VppParts {
    const { options, checker, metrics, logger } = this;
    const connection = new VppConnection({
      socketPath: options.vppApiAddr,
      clock,
      logger,
      metrics: (e) => metrics.vpp.apiCall(e.msg, e.direction, e.result === 'success'),
    });
    connection.onConnect.add((info) => {
      void vppStartTimeMs(info.pid).then((procStartMs) => {
        if (connection.info?.pid !== info.pid) return;
        // The stats segment's /sys/boottime when the poller has read it already (it also tells
        // the metrics itself when it reads it later), else VPP's process start from /proc.
        const startMs = poller.bootTimeMs() ?? procStartMs;
        metrics.vpp.connected({
          version: info.version,
          buildDate: info.buildDate,
          pid: info.pid,
          bootTimeS: startMs === undefined ? undefined : startMs / 1000,
        });
      });
    });
    connection.onDisconnect.add(() => metrics.vpp.disconnected());
    const syncer = new Syncer({
      source: {
        config: () => checker.config(),
        stateOf: (name) => checker.stateOf(name),
        subscribe: (listener) =>
          checker.subscribe(listener, {
            maxQueue: SYNCER_EVENT_QUEUE,
            // Cannot happen with a listener that never waits; if it did, the periodic sync heals.
            onDropped: () => logger.error('syncer-events-dropped', {}),
          }),
      },
      connection,
      clock,
      logger,
      metrics: metrics.vpp,
    });
    const poller = new CountersPoller({
      connection,
      config: () => checker.config(),
      clock,
      logger,
      metrics: metrics.vpp,
      statsSocket: options.vppStatsAddr,
    });
    syncer.onVipsChanged.add(() => poller.vipsChanged());
    const backend = createVppBackend({
      connection,
      syncer,
      counters: poller,
      config: () => checker.config(),
      clock,
      statsSocket: options.vppStatsAddr,
      startTimeOf: vppStartTimeMs,
      stickyBucketsPerCore: () => checker.config().vpp.lb.stickyBucketsPerCore,
      flowTimeoutS: () => checker.config().vpp.lb.flowTimeoutS,
    });
    syncer.start();
    poller.start();
    connection.start();
    return { connection, syncer, poller, backend };
  }

  /**
   * Announces what planAnnouncements() wants (src/announce): re-planned on every frontend state
   * change and every change in what VPP holds. Without VPP nothing is ever programmed, so
   * nothing is announced; that is said once at start.
   */
  private startAnnouncer(clock: Clock): Announcer | undefined {
    const bird = this.current.announce?.bird;
    if (bird === undefined) return undefined;
    const { checker, logger } = this;
    const programmed = this.vpp?.syncer.programmed;
    if (!programmed)
      logger.warn('announce-without-vpp', { reason: 'VPP integration is off: nothing is announced' });
    const announcer = new Announcer({
      bird,
      source: {
        config: () => checker.config(),
        frontendState: (name) => checker.frontendState(name),
        programmed: (name) => programmed?.isServing(name) ?? false,
      },
      clock,
      logger,
    });
    const subscription = checker.subscribe(
      (event) => {
        if (event.kind === 'frontend') announcer.update();
      },
      {
        maxQueue: SYNCER_EVENT_QUEUE,
        // Cannot happen with a listener that never waits; VPP changes would still re-plan.
        onDropped: () => logger.error('announce-events-dropped', {}),
      },
    );
    this.unfollow.push(() => subscription.unsubscribe());
    const syncer = this.vpp?.syncer;
    if (syncer) this.unfollow.push(syncer.onProgrammedChange.add(() => announcer.update()));
    this.metrics.setAnnouncements(() => announcer.snapshot());
    announcer.start();
    return announcer;
  }

  config(): MaglevConfig {
    return this.current;
  }

  /**
   * Re-reads the configuration file; a bad file changes nothing and is logged with every error.
   * Either way the outcome is what maglev_config_last_reload_successful reports.
   */
  async reload(): Promise<ConfigOutcome> {
    let outcome: ConfigOutcome | undefined;
    try {
      outcome = await this.reloadFile();
      return outcome;
    } finally {
      this.metrics.config.loaded(outcome?.ok === true);
    }
  }

  /**
   * A reload parses on the main thread, not on a fresh worker as at start-up, whose code starts
   * cold: at 10 000 backends that is ~0.12–0.15 s of CPU warm against ~0.6 s on a worker
   * (bench/README.md §scale). The main thread's parser code is warmed ahead of the first reload
   * by a small synthetic config (warmParser), not by a parse of the real file, which left
   * maglevd ~40 MiB larger for good at 10 000 backends. The main thread may stall for the parse:
   * probes run on the probe engine's own thread and their results carry their age. The parse's
   * garbage is collected with the rest (docs/maglevd.md §Memory).
   */
  private async reloadFile(): Promise<ConfigOutcome> {
    const started = this.clock.monotonic();
    const loadedFile = await loadConfigFile(this.options.config);
    const loaded = this.clock.monotonic();
    const { outcome, config } = this.validate(loadedFile);
    for (const w of outcome.warnings) this.logger.warn('config-warning', { warning: w });
    if (!config) {
      this.logger.error(
        outcome.kind === 'parse' ? 'config-reload-parse-error' : 'config-reload-semantic-error',
        {
          config: this.options.config,
          errors: outcome.errors,
        },
      );
      return outcome;
    }
    prepareProbeEnvironment(config, this.logger);
    this.checker.reload(config);
    this.current = config;
    // How long the file took to read and check, and the whole reload up to here (ms).
    const loadMs = Math.round(loaded - started);
    const durationMs = Math.round(this.clock.monotonic() - started);
    this.logger.info('config-reload', {
      config: this.options.config,
      ...summary(config),
      loadMs,
      durationMs,
    });
    this.vpp?.syncer.reloaded();
    if (this.announcer) this.announcer.reloaded(config);
    else if (config.announce)
      this.logger.warn('announce-reload-ignored', {
        reason: 'maglev.announce takes effect at the next start',
      });
    return outcome;
  }

  /**
   * Parses a small synthetic config on the main thread, for nothing but warming the code a reload
   * runs (reloadFile); the running config is not touched. Its outcome is logged at debug level
   * only: a warm-up that fails or throws changes nothing but the first reload's speed.
   */
  private async warmParser(): Promise<void> {
    const started = this.clock.monotonic();
    try {
      const result = await this.parserWarmupRun();
      this.logger.debug('config-parser-warmed', {
        ...result,
        durationMs: Math.round(this.clock.monotonic() - started),
      });
    } catch (err) {
      this.logger.debug('config-parser-warm-up-failed', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
    // Start-up's bursts of native allocation (the config worker, this warm-up) are over: what
    // malloc holds free goes back to the kernel now, not only at the first scrape, which may
    // never come (docs/maglevd.md §Memory).
    releaseFreeMemory();
  }

  /**
   * Re-reads the gRPC certificate, key and client CA (SIGHUP), for the next TLS handshakes;
   * connections already open keep what they agreed on. Any bad file is logged and changes
   * nothing. Resolves false when there was nothing to reload or the files were bad.
   */
  async reloadGrpcTls(): Promise<boolean> {
    if (this.grpcTls === undefined) return false;
    try {
      const summary = await this.grpcTls.reload();
      this.logger.info('grpc-tls-reload', tlsLogAttrs(summary));
      return true;
    } catch (err) {
      this.logger.error('grpc-tls-reload-failed', {
        error: err instanceof Error ? err.message : String(err),
      });
      return false;
    }
  }

  /**
   * Validates the configuration file (or a candidate's text) without applying it, by the rules
   * a reload applies; a valid one is returned with its config, for the reload preview.
   */
  async check(candidate?: {
    yaml: string;
    name: string;
  }): Promise<ConfigOutcome & { config?: MaglevConfig }> {
    const parsed = candidate
      ? parseConfig(candidate.yaml, candidate.name)
      : await loadConfigFile(this.options.config);
    const { outcome, config } = this.validate(parsed);
    return { ...outcome, config };
  }

  /** The file's own rules, then what this daemon needs of it (GRE source addresses with VPP). */
  private validate(result: ConfigParseResult): { outcome: ConfigOutcome; config?: MaglevConfig } {
    const outcome = outcomeOf(result);
    if (!result.ok) return { outcome };
    const vppProblems = this.vpp ? vppConfigProblems(result.config) : [];
    if (vppProblems.length > 0)
      return { outcome: { ok: false, kind: 'semantic', errors: vppProblems, warnings: outcome.warnings } };
    return { outcome, config: result.config };
  }

  /**
   * Withdraws the VIPs first (routers move traffic to the other nodes while this VPP still
   * forwards), then ends event streams and drains the gRPC server, stops syncing and probing,
   * leaves VPP, closes metrics.
   */
  async stop(): Promise<void> {
    this.logger.info('stopping', {});
    this.parserWarmup?.cancel();
    this.parserWarmup = undefined;
    await this.parserWarming;
    for (const off of this.unfollow.splice(0)) off();
    await this.announcer?.stop();
    const { api, metrics } = this.servers;
    if (api) {
      await api.server.shutdown();
      api.backend.close();
    }
    // The syncer first (no VPP write after this), then the poller, then the health checks; the
    // connection last, with a polite sockclnt_delete.
    await this.vpp?.syncer.stop();
    await this.vpp?.poller.stop();
    await this.checker.stop();
    await this.vpp?.connection.stop();
    await metrics?.close();
    this.logger.info('stopped', {});
  }
}

/** Reads the gRPC TLS files when gRPC is on and TLS asked for; logs what they hold. */
async function loadGrpcTls(
  options: DaemonOptions,
  logger: Logger,
  clock: Clock,
): Promise<ServerTls | undefined> {
  if (options.grpcAddr === '' || options.grpcTls === undefined) return undefined;
  let tls: ServerTls;
  try {
    tls = await ServerTls.load(options.grpcTls);
  } catch (err) {
    logger.error('grpc-tls-error', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  const summary = tls.summary();
  logger.info('grpc-tls', tlsLogAttrs(summary));
  const now = clock.now();
  if (Date.parse(summary.cert.notAfter) < now || Date.parse(summary.cert.notBefore) > now) {
    // Served anyway (clients decide), but a handshake will fail: say so where the operator looks.
    logger.warn('grpc-tls-cert-not-valid-now', { cert: options.grpcTls.cert, ...summary.cert });
  }
  return tls;
}

function tlsLogAttrs(summary: ServerTlsSummary): Record<string, unknown> {
  return {
    subject: summary.cert.subject,
    issuer: summary.cert.issuer,
    serial: summary.cert.serial,
    fingerprint: summary.cert.fingerprint,
    notAfter: summary.cert.notAfter,
    clientCas: summary.clientCas.map((ca) => ca.subject),
  };
}

/**
 * Checks, once per start or reload rather than once per probe, what probes will need from the
 * system: the probe namespace (missing, or no CAP_SYS_ADMIN) and, when any health check is
 * icmp, a ping_group_range that lets us open ping sockets there (widened when we may). Problems
 * are logged with their cause; the probes themselves then fail with L4CON and the same cause.
 */
function prepareProbeEnvironment(config: MaglevConfig, logger: Logger): void {
  const netns = config.healthchecker.netns;
  if (netns !== undefined && !checkNetns(netns, { logger }).ok) return;
  const usesIcmp = [...config.healthchecks.values()].some((hc) => hc.type === 'icmp');
  if (usesIcmp) ensurePingGroupRange({ netns, logger });
}

/**
 * The probe engine for plain tcp and http probes. Without the built addon every probe runs on
 * Node's sockets instead: correct, but several times the CPU, so say so once.
 */
function repeatingProber(logger: Logger): RepeatingProber | undefined {
  const prober = createRepeatingProber();
  if (prober === undefined)
    logger.warn('probe-engine-unavailable', { error: probeEngineUnavailableReason() ?? 'unknown' });
  return prober;
}

function summary(config: MaglevConfig): Record<string, number> {
  return {
    healthchecks: config.healthchecks.size,
    backends: config.backends.size,
    frontends: config.frontends.size,
  };
}

export { checkConfig };
