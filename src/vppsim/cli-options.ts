// vppsim's command line, parsed purely (argv in, a command out) so it is tested without starting
// anything. The binary (src/bin/vppsim.ts) acts on the result.

import { Command, Option } from 'commander';
import { parseCommandLine } from '../command-line.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../log/index.js';
import type { LbGeneration } from '../vpp/index.js';

export interface VppsimOptions {
  apiSocket: string;
  lbApi: LbGeneration;
  /** Undefined: no text CLI socket. */
  cliSocket: string | undefined;
  /** Undefined: no stats socket. */
  statsSocket?: string;
  logLevel: LogLevel;
  /** --forward: forward TCP connections to VIPs (local addresses only) by the Maglev table. */
  forward?: true;
}

export type VppsimCommand =
  | { kind: 'run'; options: VppsimOptions }
  | { kind: 'version' }
  | { kind: 'help'; text: string }
  | { kind: 'usage-error'; message: string };

function buildCommand(): Command {
  return new Command('vppsim')
    .description(
      "A stand-in for VPP: serves VPP's binary API on a unix socket with the lb (Maglev) plugin's semantics",
    )
    .addOption(new Option('--api-socket <path>', 'binary API socket to listen on (like /run/vpp/api.sock)'))
    .addOption(
      new Option('--lb-api <version>', 'lb API generation: 1.1 (releases, with their quirks) or 1.2 (master)')
        .choices(['1.1', '1.2'])
        .default('1.2'),
    )
    .addOption(new Option('--cli-socket <path>', 'also serve the debug CLI as text (like /run/vpp/cli.sock)'))
    .addOption(
      new Option(
        '--stats-socket <path>',
        'also serve a stats segment with the lb and route counters (like /run/vpp/stats.sock)',
      ),
    )
    .addOption(
      new Option(
        '--forward',
        'forward TCP connections to local per-port TCP VIPs to their ASes by the Maglev table',
      ),
    )
    .addOption(new Option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}`).default('info'))
    .option('--version', 'print version, git commit and build date, then exit')
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
}

/** Parses vppsim's arguments (without the node and script paths). */
export function parseVppsimArgs(argv: readonly string[]): VppsimCommand {
  const cmd = buildCommand();
  const parsed = parseCommandLine(cmd, argv);
  if (parsed.kind !== 'parsed') return parsed;
  const o = cmd.opts<{
    apiSocket?: string;
    lbApi: LbGeneration;
    cliSocket?: string;
    statsSocket?: string;
    logLevel: string;
    forward?: boolean;
    version?: boolean;
  }>();
  if (o.version) return { kind: 'version' };
  if (!o.apiSocket)
    return { kind: 'usage-error', message: "required option '--api-socket <path>' not specified" };
  if (!isLogLevel(o.logLevel))
    return {
      kind: 'usage-error',
      message: `invalid --log-level "${o.logLevel}": use one of ${LOG_LEVELS.join(', ')}`,
    };
  if (o.cliSocket === '') return { kind: 'usage-error', message: '--cli-socket needs a path' };
  if (o.statsSocket === '') return { kind: 'usage-error', message: '--stats-socket needs a path' };
  return {
    kind: 'run',
    options: {
      apiSocket: o.apiSocket,
      lbApi: o.lbApi,
      cliSocket: o.cliSocket,
      ...(o.statsSocket !== undefined && { statsSocket: o.statsSocket }),
      logLevel: o.logLevel,
      ...(o.forward === true && { forward: true }),
    },
  };
}
