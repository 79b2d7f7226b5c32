// maglevc's command line: `maglevc [--server host:port] [--tls-* ...] [--color[=bool]] [--json]
// [command...]`. Pure (argv and env in, a decision out), so it is tested without running
// anything. Go-style single-dash flags (`-server`, `-color=false`) from the original's
// documentation are accepted. Every flag but --color and --json has a MAGLEV_* variable; the
// flag wins.

import { Command } from 'commander';
import {
  clientTlsChoice,
  tlsFlagsOverEnvironment,
  type ClientTlsChoice,
  type ClientTlsFlags,
} from '../api/index.js';
import { parseCommandLine, rewriteGoStyleFlags, type GoStyleFlags } from '../command-line.js';

export const DEFAULT_SERVER = 'localhost:9090';

export interface CliOptions {
  server: string;
  /** Plaintext, or TLS with the files to read (docs/maglevc.md §TLS). */
  tls: ClientTlsChoice;
  /** undefined: decide from the terminal and NO_COLOR. */
  color: boolean | undefined;
  json: boolean;
  /** Preview the command instead of running it (the `dry-run` option word, as a flag). */
  dryRun: boolean;
  /** The command words; empty starts the shell. */
  command: string[];
}

export type CliInvocation =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'usage-error'; message: string };

/** Go-style `-server x`, and `--color=<bool>` / `--tls=<bool>` folded into --x / --no-x. */
const GO_STYLE: GoStyleFlags = {
  names: new Set(['server', 'color', 'no-color', 'json', 'dry-run', 'version', 'help', 'tls', 'no-tls']),
  bools: new Set(['color', 'tls']),
};

function buildCommand(): Command {
  return new Command('maglevc')
    .description('CLI for maglevd: one command, or an interactive shell when none is given')
    .usage('[--server host:port] [--tls-* ...] [--color[=bool]] [--json] [--dry-run] [command...]')
    .option('--server <host:port>', `maglevd's gRPC address (env MAGLEV_SERVER, default ${DEFAULT_SERVER})`)
    .option('--tls', 'use TLS; implied by any --tls-* flag (env MAGLEV_TLS)')
    .option('--no-tls', 'plaintext, whatever --tls-* flags or variables say')
    .option('--tls-ca <file>', "PEM CA bundle maglevd's certificate must chain to (env MAGLEV_TLS_CA)")
    .option(
      '--tls-cert <file>',
      'PEM client certificate, for a maglevd that asks for one (env MAGLEV_TLS_CERT)',
    )
    .option('--tls-key <file>', 'the PEM private key of --tls-cert (env MAGLEV_TLS_KEY)')
    .option(
      '--tls-server-name <name>',
      "the name maglevd's certificate must carry, when not the --server host (env MAGLEV_TLS_SERVER_NAME)",
    )
    .option('--color', 'colour the output even when it is not a terminal')
    .option('--no-color', 'never colour the output (as does NO_COLOR=1)')
    .option('--json', 'print API answers as JSON, and events as one compact JSON object per line')
    .option('--dry-run', 'change nothing: show what the command would change (set, sync, config reload)')
    .option('--version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .argument('[command...]', "a command, e.g. 'show backends'; none starts the shell")
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

const EXAMPLES = `
Examples:
  maglevc                                  start the interactive shell
  maglevc show frontends
  maglevc sh ba nginx0                     backends whose name starts with nginx0
  maglevc set backend nginx0-ams pause
  maglevc --dry-run set backend nginx0-ams disable   what it would change, changing nothing
  maglevc --json watch events num 10 backend
  maglevc help                             every command (in the shell: ? and Tab)
`;

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliInvocation {
  const args = rewriteGoStyleFlags(argv, GO_STYLE);
  if (!Array.isArray(args)) return { kind: 'usage-error', message: args.error };
  const cmd = buildCommand();
  const parsed = parseCommandLine(cmd, args, EXAMPLES);
  if (parsed.kind !== 'parsed') return parsed;
  const o = cmd.opts<
    ClientTlsFlags & { server?: string; color?: boolean; json?: boolean; dryRun?: boolean; version?: boolean }
  >();
  if (o.version) return { kind: 'version' };
  const server = o.server ?? (env.MAGLEV_SERVER || DEFAULT_SERVER);
  if (server.trim() === '') return { kind: 'usage-error', message: '--server must not be empty' };
  if (o.dryRun && cmd.args.length === 0)
    return {
      kind: 'usage-error',
      message: '--dry-run needs a command (in the shell, end a command with dry-run)',
    };
  const flags = tlsFlagsOverEnvironment(o, env, 'MAGLEV');
  if ('error' in flags) return { kind: 'usage-error', message: flags.error };
  const tls = clientTlsChoice(flags);
  if ('error' in tls) return { kind: 'usage-error', message: tls.error };
  return {
    kind: 'run',
    options: {
      server,
      tls,
      color: o.color,
      json: o.json ?? false,
      dryRun: o.dryRun ?? false,
      command: cmd.args,
    },
  };
}
