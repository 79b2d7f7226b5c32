#!/usr/bin/env node
// vppsim: a stand-in for VPP with the lb plugin, for tests and the demo. Thin: parse flags, start
// the simulator (with --forward, its TCP data path too), log `vppsim-ready` once listening (tests
// wait for that line), and stop on SIGTERM/SIGINT with exit 0, removing the socket files. A request
// that would kill a real VPP (a zero-length new-flow table) kills this process too, with exit 1.

import { JsonLogger } from '../log/index.js';
import { parseVppsimArgs, VppSim } from '../vppsim/index.js';
import { versionLine } from '../version.js';
import { leaveWith, serveUntilSignalled } from './lifecycle.js';

async function main(): Promise<number> {
  const command = parseVppsimArgs(process.argv.slice(2));
  switch (command.kind) {
    case 'help':
      process.stdout.write(command.text);
      return 0;
    case 'usage-error':
      process.stderr.write(`vppsim: ${command.message}\nTry 'vppsim --help'.\n`);
      return 2;
    case 'version':
      process.stdout.write(versionLine('vppsim') + '\n');
      return 0;
    case 'run':
      break;
  }
  const { options } = command;
  const logger = new JsonLogger({ level: options.logLevel });
  const sim = await VppSim.start({
    socketPath: options.apiSocket,
    lbGeneration: options.lbApi,
    ...(options.cliSocket !== undefined && { cliSocketPath: options.cliSocket }),
    ...(options.statsSocket !== undefined && { statsSocketPath: options.statsSocket }),
    // vpe_pid is the real pid, so a restarted vppsim looks like a restarted VPP to clients.
    pid: process.pid,
    logger,
    forward: options.forward === true,
  });
  logger.info('vppsim-ready', {
    socket: sim.socketPath,
    cliSocket: sim.cli?.socketPath ?? null,
    statsSocket: sim.stats?.socketPath ?? null,
    pid: process.pid,
    lbApi: options.lbApi,
    forward: options.forward === true,
    version: versionLine('vppsim'),
  });

  // A request that would kill a real VPP ends this process too, with exit 1.
  return serveUntilSignalled(
    logger,
    () => sim.close(),
    (exit) => sim.onCrash.add(() => exit(1)),
  );
}

leaveWith('vppsim', main());
