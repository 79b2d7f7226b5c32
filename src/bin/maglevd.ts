#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=4 --initial-old-space-size=32 --heap-growing-percent=25
// maglevd: the daemon. Thin: parse flags, handle the one-shot modes (--check, --print-schema,
// --withdraw-all), start the Daemon, and map signals: SIGHUP = checked reload of the config and
// of the gRPC TLS files, SIGTERM/SIGINT = graceful stop with exit 0 (VIPs withdrawn first).
//
// The shebang keeps V8's heap close to what maglevd really holds (docs/maglevd.md §Memory):
// 2 MB semi-spaces instead of 16, since maglevd allocates little once it runs; a first full
// collection at 32 MB of old generation instead of over 100; and each next one when the old
// generation has grown by 25 % over what the last one kept, instead of V8's up to 4×. Starting
// it as `node maglevd.js` instead, pass the flags yourself.
//
// Only the flags' parser, the config worker and the version are imported up front; the rest
// loads once the mode is known. Running, the config worker starts first, and the daemon's own
// modules (about 0.4 s of CPU, gRPC among them) load on the main thread meanwhile: on two cores
// the two overlap instead of adding up before anything probes (bench/README.md §scale).

import { loadConfigFileIsolated } from '../config/load-isolated.js';
import type { Daemon } from '../daemon/daemon.js';
import { parseDaemonArgs } from '../daemon/options.js';
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
    case 'print-schema': {
      const { configJsonSchema } = await import('../config/index.js');
      process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
      return 0;
    }
    case 'check': {
      const { checkConfig } = await import('../config/index.js');
      const { exitCode, lines } = await checkConfig(command.options.config);
      // Wait until the text is written: into a pipe, stderr is asynchronous, and leaving at once
      // would cut a long list of problems short (seen with hundreds of them).
      const out = exitCode === 0 ? process.stdout : process.stderr;
      await new Promise<void>((resolve) =>
        out.write(lines.map((line) => line + '\n').join(''), () => resolve()),
      );
      return exitCode;
    }
    case 'withdraw-all':
      return withdrawAllCommand(command.options.config);
    case 'run':
      break;
  }

  const configLoad = loadConfigFileIsolated(command.options.config);
  // Awaited by Daemon.start once loaded; until then a failed worker must not count as unhandled.
  configLoad.catch(() => undefined);
  const [{ TlsFileError }, { ConfigRejectedError, Daemon }, { JsonLogger }] = await Promise.all([
    import('../api/index.js'),
    import('../daemon/daemon.js'),
    import('../log/index.js'),
  ]);
  const logger = new JsonLogger({ level: command.options.logLevel });
  let daemon: Daemon;
  try {
    daemon = await Daemon.start(command.options, { logger, configLoad });
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
  const [{ withdrawAll }, { systemClock }, { formatProblem, loadConfigFile }] = await Promise.all([
    import('../announce/index.js'),
    import('../clock/index.js'),
    import('../config/index.js'),
  ]);
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
