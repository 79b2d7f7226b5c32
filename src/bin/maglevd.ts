#!/usr/bin/env -S node --max-semi-space-size=2
// maglevd: the daemon. Thin: parse flags, handle the one-shot modes (--check, --print-schema,
// --withdraw-all), start the Daemon, and map signals: SIGHUP = checked reload of the config and
// of the gRPC TLS files, SIGTERM/SIGINT = graceful stop with exit 0 (VIPs withdrawn first).
//
// The shebang keeps V8's young generation small (2 MB semi-spaces instead of 16): maglevd
// allocates little once it runs, and the default would keep ~25 MB of RSS for nothing
// (bench/README.md). Starting it as `node maglevd.js` instead, pass the flag yourself.

import { withdrawAll } from '../announce/index.js';
import { TlsFileError } from '../api/index.js';
import { systemClock } from '../clock/index.js';
import { checkConfig, configJsonSchema, formatProblem, loadConfigFile } from '../config/index.js';
import { ConfigRejectedError, Daemon } from '../daemon/daemon.js';
import { parseDaemonArgs } from '../daemon/options.js';
import { JsonLogger } from '../log/index.js';
import { versionLine } from '../version.js';
import { leaveWith, serveUntilSignalled } from './lifecycle.js';

async function main(): Promise<number> {
  const command = parseDaemonArgs(process.argv.slice(2), process.env);
  switch (command.kind) {
    case 'help':
      process.stdout.write(command.text);
      return 0;
    case 'usage-error':
      process.stderr.write(`maglevd: ${command.message}\nTry 'maglevd --help'.\n`);
      return 2;
    case 'version':
      process.stdout.write(versionLine('maglevd') + '\n');
      return 0;
    case 'print-schema':
      process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
      return 0;
    case 'check': {
      const { exitCode, lines } = await checkConfig(command.options.config);
      for (const line of lines) (exitCode === 0 ? process.stdout : process.stderr).write(line + '\n');
      return exitCode;
    }
    case 'withdraw-all':
      return withdrawAllCommand(command.options.config);
    case 'run':
      break;
  }

  const logger = new JsonLogger({ level: command.options.logLevel });
  let daemon: Daemon;
  try {
    daemon = await Daemon.start(command.options, { logger });
  } catch (err) {
    if (err instanceof ConfigRejectedError) {
      for (const line of err.outcome.errors) process.stderr.write(line + '\n');
      logger.flush();
      return err.outcome.kind === 'parse' ? 1 : 2;
    }
    if (err instanceof TlsFileError) {
      process.stderr.write(`maglevd: ${err.message}\n`);
      logger.flush();
      return 2;
    }
    throw err;
  }

  process.on('SIGHUP', () => {
    logger.info('signal', { signal: 'SIGHUP' });
    daemon.reload().catch((err: unknown) => logger.error('config-reload-failed', { error: String(err) }));
    void daemon.reloadGrpcTls();
  });
  return serveUntilSignalled(logger, () => daemon.stop());
}

/** --withdraw-all: 0 when BIRD took the empty file (or nothing is announced at all), else 1. */
async function withdrawAllCommand(configPath: string): Promise<number> {
  const loaded = await loadConfigFile(configPath);
  if (!loaded.ok) {
    for (const problem of loaded.errors) process.stderr.write(formatProblem(problem) + '\n');
    return loaded.kind === 'parse' ? 1 : 2;
  }
  const bird = loaded.config.announce?.bird;
  if (bird === undefined) {
    process.stdout.write(`maglevd: nothing to withdraw: ${configPath} has no maglev.announce\n`);
    return 0;
  }
  const result = await withdrawAll(bird, systemClock);
  (result.ok ? process.stdout : process.stderr).write(`maglevd: ${result.message}\n`);
  return result.ok ? 0 : 1;
}

// Timers of a stopped daemon are all cancelled; it exits explicitly anyway so a stray handle
// (a half-closed probe socket) cannot keep it alive.
leaveWith('maglevd', main());
