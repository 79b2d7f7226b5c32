// maglevd's composition root: loads the configuration, starts the checker with the real probes,
// the metrics endpoint and the gRPC API, and owns the reload and shutdown paths. SIGHUP and the
// ReloadConfig RPC both go through reload(); --check and the CheckConfig RPC both go through
// check().

import { checkConfig, formatProblem, loadConfigFile, type ConfigParseResult } from '../config/index.js';
import type { MaglevConfig } from '../config/types.js';
import { createCheckerBackend, startApiServer, type ApiServer, type CheckerBackend } from '../api/index.js';
import { Checker } from '../checker/index.js';
import { systemClock, systemRandom, type Clock, type Random } from '../clock/index.js';
import type { JsonLogger } from '../log/index.js';
import { createMetrics, startMetricsServer, type Metrics, type MetricsServer } from '../metrics/index.js';
import { createProber } from '../probe/index.js';
import type { ProbeFn } from '../probe/types.js';
import { versionInfo } from '../version.js';
import type { DaemonOptions } from './options.js';

export interface DaemonDeps {
  /** The daemon's logger; its broadcaster feeds WatchEvents log subscribers. */
  logger: JsonLogger;
  clock?: Clock;
  random?: Random;
  /** Probe implementation; defaults to the real network probes. */
  probe?: ProbeFn;
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

/** The listeners a running daemon owns; each is undefined when its address is empty. */
interface Servers {
  api?: { server: ApiServer; backend: CheckerBackend };
  metrics?: MetricsServer;
}

export class Daemon {
  private readonly servers: Servers = {};

  private constructor(
    readonly options: DaemonOptions,
    readonly checker: Checker,
    readonly metrics: Metrics,
    private readonly logger: JsonLogger,
    private current: MaglevConfig,
  ) {}

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
    const result = await loadConfigFile(options.config);
    const outcome = outcomeOf(result);
    for (const w of outcome.warnings) logger.warn('config-warning', { warning: w });
    if (!result.ok) {
      logger.error('config-error', { kind: result.kind, errors: outcome.errors });
      throw new ConfigRejectedError(outcome);
    }
    const clock = deps.clock ?? systemClock;
    const metrics = createMetrics({ vpp: options.vppApiAddr !== '', clock });
    const checker = new Checker({
      config: result.config,
      probe: deps.probe ?? createProber({}),
      clock,
      random: deps.random ?? systemRandom,
      logger,
      ...metrics.hooks,
    });
    metrics.setChecker(checker);
    checker.start();
    logger.info('config-loaded', summary(result.config));
    const daemon = new Daemon(options, checker, metrics, logger, result.config);
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
        check: () => this.check(),
        reload: () => this.reload(),
      });
      try {
        const server = await startApiServer({
          backend,
          address: options.grpcAddr,
          reflection: options.reflection,
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
      });
    }
  }

  config(): MaglevConfig {
    return this.current;
  }

  /** Re-reads the configuration file; a bad file changes nothing and is logged with every error. */
  async reload(): Promise<ConfigOutcome> {
    const result = await loadConfigFile(this.options.config);
    const outcome = outcomeOf(result);
    for (const w of outcome.warnings) this.logger.warn('config-warning', { warning: w });
    if (!result.ok) {
      this.logger.error(
        result.kind === 'parse' ? 'config-reload-parse-error' : 'config-reload-semantic-error',
        {
          config: this.options.config,
          errors: outcome.errors,
        },
      );
      return outcome;
    }
    this.checker.reload(result.config);
    this.current = result.config;
    this.logger.info('config-reload', { config: this.options.config, ...summary(result.config) });
    return outcome;
  }

  /** Validates the configuration file without applying it. */
  async check(): Promise<ConfigOutcome> {
    return outcomeOf(await loadConfigFile(this.options.config));
  }

  /** Ends event streams and drains the gRPC server, stops probing, closes the metrics endpoint. */
  async stop(): Promise<void> {
    this.logger.info('stopping', {});
    const { api, metrics } = this.servers;
    if (api) {
      await api.server.shutdown();
      api.backend.close();
    }
    await this.checker.stop();
    await metrics?.close();
    this.logger.info('stopped', {});
  }
}

function summary(config: MaglevConfig): Record<string, number> {
  return {
    healthchecks: config.healthchecks.size,
    backends: config.backends.size,
    frontends: config.frontends.size,
  };
}

export { checkConfig };
