// maglevd-frontend's command line (docs/dashboard.md §Running it): every flag has a MAGLEV_FRONTEND_*
// environment variable and the flag wins. The admin credentials come only from the environment, never from
// flags, so they do not show up in `ps`. Parsing is pure (argv and env in, a command out).

import { Command, Option } from 'commander';
import { parseCommandLine } from '../command-line.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../log/index.js';

export interface FrontendCliOptions {
  servers: string[];
  listen: string;
  logLevel: LogLevel;
  user: string | undefined;
  password: string | undefined;
}

export type FrontendCommand =
  | { kind: 'run'; options: FrontendCliOptions }
  | { kind: 'version' }
  | { kind: 'help'; text: string }
  | { kind: 'usage-error'; message: string };

export const FRONTEND_DEFAULTS = {
  server: 'localhost:9090',
  listen: ':8080',
  logLevel: 'info',
} as const;

const ENV_HELP = `
Environment:
  MAGLEV_FRONTEND_SERVER     same as --server
  MAGLEV_FRONTEND_LISTEN     same as --listen
  MAGLEV_FRONTEND_LOG_LEVEL  same as --log-level
  MAGLEV_FRONTEND_USER       with MAGLEV_FRONTEND_PASSWORD: enables /admin/ with basic auth
  MAGLEV_FRONTEND_PASSWORD
`;

function buildCommand(env: NodeJS.ProcessEnv): Command {
  const fromEnv = (name: string, fallback: string): string => env[name] ?? fallback;
  return new Command('maglevd-frontend')
    .description(
      'Web dashboard for one or more maglevds: read-only /view/, basic-auth /admin/, live over SSE',
    )
    .addOption(
      new Option('--server <addr[,addr...]>', 'maglevd gRPC addresses (env MAGLEV_FRONTEND_SERVER)').default(
        fromEnv('MAGLEV_FRONTEND_SERVER', FRONTEND_DEFAULTS.server),
      ),
    )
    .addOption(
      new Option(
        '--listen <addr>',
        'HTTP listen address, host:port or :port (env MAGLEV_FRONTEND_LISTEN)',
      ).default(fromEnv('MAGLEV_FRONTEND_LISTEN', FRONTEND_DEFAULTS.listen)),
    )
    .addOption(
      new Option(
        '--log-level <level>',
        `log level: ${LOG_LEVELS.join(', ')} (env MAGLEV_FRONTEND_LOG_LEVEL)`,
      ).default(fromEnv('MAGLEV_FRONTEND_LOG_LEVEL', FRONTEND_DEFAULTS.logLevel)),
    )
    .option('--version', 'print version, git commit and build date, then exit')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', ENV_HELP)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
}

export function parseFrontendArgs(argv: readonly string[], env: NodeJS.ProcessEnv): FrontendCommand {
  const cmd = buildCommand(env);
  const parsed = parseCommandLine(cmd, argv, ENV_HELP);
  if (parsed.kind !== 'parsed') return parsed;
  const o = cmd.opts<{ server: string; listen: string; logLevel: string; version?: boolean }>();
  if (o.version) return { kind: 'version' };
  if (!isLogLevel(o.logLevel)) {
    return {
      kind: 'usage-error',
      message: `invalid --log-level "${o.logLevel}": use one of ${LOG_LEVELS.join(', ')}`,
    };
  }
  const servers = o.server
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (servers.length === 0) return { kind: 'usage-error', message: '--server needs at least one address' };
  const nonEmpty = (s: string | undefined) => (s === undefined || s === '' ? undefined : s);
  const user = nonEmpty(env.MAGLEV_FRONTEND_USER);
  const password = nonEmpty(env.MAGLEV_FRONTEND_PASSWORD);
  if ((user === undefined) !== (password === undefined)) {
    return {
      kind: 'usage-error',
      message: 'set both MAGLEV_FRONTEND_USER and MAGLEV_FRONTEND_PASSWORD to enable /admin/, or neither',
    };
  }
  return { kind: 'run', options: { servers, listen: o.listen, logLevel: o.logLevel, user, password } };
}
