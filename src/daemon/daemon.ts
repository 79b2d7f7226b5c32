// maglevd's composition root: loads the configuration, starts the checker with the real probes,
// and owns the reload and shutdown paths. SIGHUP and the ReloadConfig RPC both go through
// reload(); --check and the CheckConfig RPC both go through check().

import { checkConfig, formatProblem, loadConfigFile, type ConfigParseResult } from '../config/index.js';
import type { MaglevConfig } from '../config/types.js';
import { Checker } from '../checker/index.js';
import { systemClock, systemRandom, type Clock, type Random } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { createProber } from '../probe/index.js';
import type { ProbeFn } from '../probe/types.js';
import { versionInfo } from '../version.js';
import type { DaemonOptions } from './options.js';

export interface DaemonDeps {
  logger: Logger;
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

export class Daemon {
  private constructor(
    readonly options: DaemonOptions,
    readonly checker: Checker,
    private readonly logger: Logger,
    private current: MaglevConfig,
  ) {}

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
    const checker = new Checker({
      config: result.config,
      probe: deps.probe ?? createProber({}),
      clock: deps.clock ?? systemClock,
      random: deps.random ?? systemRandom,
      logger,
    });
    checker.start();
    logger.info('config-loaded', summary(result.config));
    return new Daemon(options, checker, logger, result.config);
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

  async stop(): Promise<void> {
    this.logger.info('stopping', {});
    await this.checker.stop();
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
