#!/usr/bin/env -S node --max-semi-space-size=2 --initial-old-space-size=32 --heap-growing-percent=25
// maglevd-frontend: the web dashboard. Thin: parse flags, start the server, stop on
// SIGTERM/SIGINT with exit 0. SIGHUP is ignored (logged), so losing the controlling terminal
// does not kill it (docs/dashboard.md §Running it).

import { FrontendOptionsError, parseFrontendArgs, startFrontend } from '../frontend/index.js';
import { JsonLogger } from '../log/index.js';
import { ListenAddressError } from '../metrics/index.js';
import { versionLine } from '../version.js';
import { leaveWith, serveUntilSignalled } from './lifecycle.js';

async function main(): Promise<number> {
  const command = parseFrontendArgs(process.argv.slice(2), process.env);
  switch (command.kind) {
    case 'help':
      process.stdout.write(command.text);
      return 0;
    case 'usage-error':
      process.stderr.write(`maglevd-frontend: ${command.message}\nTry 'maglevd-frontend --help'.\n`);
      return 2;
    case 'version':
      process.stdout.write(versionLine('maglevd-frontend') + '\n');
      return 0;
    case 'run':
      break;
  }
  const { options } = command;
  const logger = new JsonLogger({ level: options.logLevel });
  // Ignore SIGHUP from the first moment: a terminal closing during start-up must not kill us.
  process.on('SIGHUP', () => logger.info('signal', { signal: 'SIGHUP', action: 'ignored' }));
  logger.info('starting', { version: versionLine('maglevd-frontend') });
  let frontend;
  try {
    frontend = await startFrontend({
      servers: options.servers,
      listen: options.listen,
      user: options.user,
      password: options.password,
      logger,
    });
  } catch (err) {
    if (err instanceof FrontendOptionsError || err instanceof ListenAddressError) {
      process.stderr.write(`maglevd-frontend: ${err.message}\n`);
      logger.flush();
      return 2;
    }
    logger.error('listen-failed', { error: err instanceof Error ? err.message : String(err) });
    logger.flush();
    return 1;
  }
  const running = frontend;
  return serveUntilSignalled(logger, () => running.close());
}

leaveWith('maglevd-frontend', main());
