// maglevd-frontend's command line (docs/dashboard.md §Running it): every flag has a MAGLEV_FRONTEND_*
// environment variable and the flag wins. The admin credentials come only from the environment, never from
// flags, so they do not show up in `ps`. The --tls-* flags apply to every server unless its --server entry
// says otherwise (server-list.ts). Parsing is pure (argv and env in, a command out).

import { Command, Option } from 'commander';
import { tlsFlagsOverEnvironment, type ClientTlsFlags } from '../api/index.js';
import { boolArgument, parseCommandLine } from '../command-line.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../log/index.js';
import { parseServerList, type MaglevdServer } from './server-list.js';

export interface FrontendCliOptions {
  servers: MaglevdServer[];
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
Per-server TLS: an entry of --server may replace the --tls-* flags for that server with
  keys after its address: 'lb1:9090;tls-ca=/etc/a.crt;tls-server-name=lb1,127.0.0.1:9090;tls=false'

Environment:
  MAGLEV_FRONTEND_SERVER           same as --server
  MAGLEV_FRONTEND_LISTEN           same as --listen
  MAGLEV_FRONTEND_LOG_LEVEL        same as --log-level
  MAGLEV_FRONTEND_TLS              same as --tls
  MAGLEV_FRONTEND_TLS_CA           same as --tls-ca
  MAGLEV_FRONTEND_TLS_CERT         same as --tls-cert
  MAGLEV_FRONTEND_TLS_KEY          same as --tls-key
  MAGLEV_FRONTEND_TLS_SERVER_NAME  same as --tls-server-name
  MAGLEV_FRONTEND_USER             with MAGLEV_FRONTEND_PASSWORD: enables /admin/ with basic auth
  MAGLEV_FRONTEND_PASSWORD
`;

function buildCommand(env: NodeJS.ProcessEnv): Command {
  const fromEnv = (name: string, fallback: string): string => env[name] ?? fallback;
  return new Command('maglevd-frontend')
    .description(
      'Web dashboard for one or more maglevds: read-only /view/, basic-auth /admin/, live over SSE',
    )
    .addOption(
      new Option(
        '--server <addr[,addr...]>',
        'maglevd gRPC addresses, each optionally with ;key=value TLS settings (env MAGLEV_FRONTEND_SERVER)',
      ).default(fromEnv('MAGLEV_FRONTEND_SERVER', FRONTEND_DEFAULTS.server)),
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
    .addOption(
      new Option('--tls [bool]', 'use TLS for every server; implied by any --tls-* flag').argParser(
        boolArgument,
      ),
    )
    .option('--tls-ca <file>', "PEM CA bundle the maglevds' certificates must chain to")
    .option('--tls-cert <file>', 'PEM client certificate, for maglevds that ask for one')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option(
      '--tls-server-name <name>',
      "the name a maglevd's certificate must carry, when not its --server host",
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
  const o = cmd.opts<
    ClientTlsFlags & { server: string; listen: string; logLevel: string; version?: boolean }
  >();
  if (o.version) return { kind: 'version' };
  if (!isLogLevel(o.logLevel)) {
    return {
      kind: 'usage-error',
      message: `invalid --log-level "${o.logLevel}": use one of ${LOG_LEVELS.join(', ')}`,
    };
  }
  const flags = tlsFlagsOverEnvironment(o, env, 'MAGLEV_FRONTEND');
  if ('error' in flags) return { kind: 'usage-error', message: flags.error };
  const list = parseServerList(o.server, flags);
  if ('error' in list) return { kind: 'usage-error', message: list.error };
  const { servers } = list;
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
