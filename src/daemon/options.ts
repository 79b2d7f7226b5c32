// maglevd's command line (docs/maglevd.md §Options): every flag has an environment variable, and the flag
// wins when both are set. Parsing is pure (argv and env in, options or a usage error out), so
// it is tested without starting anything. It also refuses plaintext gRPC off loopback unless
// --grpc-insecure says so (api/listen-policy.ts): a usage error, before anything starts.

import { Command, Option } from 'commander';
// Each from its own file, not the folders' index: bin/maglevd reads its flags before the daemon's
// modules load (gRPC alone is a good part of that), so this module keeps its imports small.
import type { ServerTlsFiles } from '../api/index.js';
import { plaintextRefusal } from '../api/listen-policy.js';
import { boolArgument, parseBool, parseCommandLine } from '../command-line.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../log/levels.js';

export interface DaemonOptions {
  config: string;
  grpcAddr: string;
  /** Empty disables the metrics endpoint. */
  metricsAddr: string;
  /** Empty disables VPP integration. */
  vppApiAddr: string;
  vppStatsAddr: string;
  logLevel: LogLevel;
  reflection: boolean;
  /** Serve gRPC over TLS with these files; absent serves plaintext. */
  grpcTls?: ServerTlsFiles;
  /** --grpc-insecure: plaintext gRPC off loopback was asked for (maglevd warns at start). */
  grpcInsecure?: boolean;
}

export type DaemonCommand =
  | { kind: 'run'; options: DaemonOptions }
  | { kind: 'check'; options: DaemonOptions }
  | { kind: 'withdraw-all'; options: DaemonOptions }
  | { kind: 'print-schema' }
  | { kind: 'version' }
  | { kind: 'help'; text: string }
  | { kind: 'usage-error'; message: string };

export const DEFAULTS = {
  config: '/etc/vpp-maglev/maglev.yaml',
  grpcAddr: 'localhost:9090',
  metricsAddr: ':9091',
  vppApiAddr: '/run/vpp/api.sock',
  vppStatsAddr: '/run/vpp/stats.sock',
  logLevel: 'info',
} as const;

function buildCommand(env: NodeJS.ProcessEnv): Command {
  const fromEnv = (name: string, fallback: string): string => env[name] ?? fallback;
  /** A file flag's default from its variable; an empty variable counts as unset. */
  const fileFromEnv = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  return new Command('maglevd')
    .description('Health-checking control plane for the Maglev load balancer in VPP')
    .addOption(
      new Option('--config <file>', 'configuration file (env MAGLEV_CONFIG)').default(
        fromEnv('MAGLEV_CONFIG', DEFAULTS.config),
      ),
    )
    .addOption(
      new Option('--grpc-addr <addr>', 'gRPC listen address (env MAGLEV_GRPC_ADDR)').default(
        fromEnv('MAGLEV_GRPC_ADDR', DEFAULTS.grpcAddr),
      ),
    )
    .addOption(
      new Option(
        '--metrics-addr <addr>',
        'Prometheus listen address, empty disables (env MAGLEV_METRICS_ADDR)',
      ).default(fromEnv('MAGLEV_METRICS_ADDR', DEFAULTS.metricsAddr)),
    )
    .addOption(
      new Option(
        '--vpp-api-addr <path>',
        'VPP API socket, empty disables VPP (env MAGLEV_VPP_API_ADDR)',
      ).default(fromEnv('MAGLEV_VPP_API_ADDR', DEFAULTS.vppApiAddr)),
    )
    .addOption(
      new Option('--vpp-stats-addr <path>', 'VPP stats socket (env MAGLEV_VPP_STATS_ADDR)').default(
        fromEnv('MAGLEV_VPP_STATS_ADDR', DEFAULTS.vppStatsAddr),
      ),
    )
    .addOption(
      new Option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')} (env MAGLEV_LOG_LEVEL)`).default(
        fromEnv('MAGLEV_LOG_LEVEL', DEFAULTS.logLevel),
      ),
    )
    .addOption(
      new Option('--reflection [bool]', 'serve gRPC server reflection').default(true).argParser(boolArgument),
    )
    .addOption(
      new Option(
        '--grpc-tls-cert <file>',
        'serve gRPC over TLS with this PEM certificate (or chain, leaf first) (env MAGLEV_GRPC_TLS_CERT)',
      ).default(fileFromEnv('MAGLEV_GRPC_TLS_CERT')),
    )
    .addOption(
      new Option(
        '--grpc-tls-key <file>',
        'the PEM private key of --grpc-tls-cert (env MAGLEV_GRPC_TLS_KEY)',
      ).default(fileFromEnv('MAGLEV_GRPC_TLS_KEY')),
    )
    .addOption(
      new Option(
        '--grpc-tls-client-ca <file>',
        'require client certificates issued by this PEM CA bundle (mTLS) (env MAGLEV_GRPC_TLS_CLIENT_CA)',
      ).default(fileFromEnv('MAGLEV_GRPC_TLS_CLIENT_CA')),
    )
    .addOption(
      new Option(
        '--grpc-insecure [bool]',
        'allow plaintext gRPC on a non-loopback --grpc-addr (env MAGLEV_GRPC_INSECURE)',
      ).argParser(boolArgument),
    )
    .option('--check', 'validate the configuration and exit: 0 valid, 1 YAML parse error, 2 semantic error')
    .option(
      '--withdraw-all',
      "withdraw every VIP from BIRD (maglev.announce) and exit: the systemd unit's ExecStopPost",
    )
    .option('--print-schema', "print the configuration's JSON Schema and exit")
    .option('--version', 'print version, git commit and build date, then exit')
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
}

/** Parses maglevd's arguments (without the node and script paths). */
export function parseDaemonArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DaemonCommand {
  const cmd = buildCommand(env);
  const parsed = parseCommandLine(cmd, argv);
  if (parsed.kind !== 'parsed') return parsed;
  const o = cmd.opts<{
    config: string;
    grpcAddr: string;
    metricsAddr: string;
    vppApiAddr: string;
    vppStatsAddr: string;
    logLevel: string;
    reflection: boolean;
    grpcTlsCert?: string;
    grpcTlsKey?: string;
    grpcTlsClientCa?: string;
    grpcInsecure?: boolean;
    check?: boolean;
    withdrawAll?: boolean;
    printSchema?: boolean;
    version?: boolean;
  }>();
  if (o.version) return { kind: 'version' };
  if (o.printSchema) return { kind: 'print-schema' };
  if (!isLogLevel(o.logLevel)) {
    return {
      kind: 'usage-error',
      message: `invalid --log-level "${o.logLevel}": use one of ${LOG_LEVELS.join(', ')}`,
    };
  }
  const insecureEnv = env.MAGLEV_GRPC_INSECURE;
  const insecureFromEnv = insecureEnv === undefined || insecureEnv === '' ? false : parseBool(insecureEnv);
  if (insecureFromEnv === undefined) {
    return {
      kind: 'usage-error',
      message: `invalid MAGLEV_GRPC_INSECURE "${insecureEnv}": expected true or false`,
    };
  }
  const grpcTls = grpcTlsFiles(o.grpcTlsCert, o.grpcTlsKey, o.grpcTlsClientCa);
  if ('error' in grpcTls) return { kind: 'usage-error', message: grpcTls.error };
  const options: DaemonOptions = {
    config: o.config,
    grpcAddr: o.grpcAddr,
    metricsAddr: o.metricsAddr,
    vppApiAddr: o.vppApiAddr,
    vppStatsAddr: o.vppStatsAddr,
    logLevel: o.logLevel,
    reflection: o.reflection,
    ...(grpcTls.files !== undefined && { grpcTls: grpcTls.files }),
    grpcInsecure: o.grpcInsecure ?? insecureFromEnv,
  };
  if (o.check && o.withdrawAll)
    return { kind: 'usage-error', message: '--check and --withdraw-all exclude each other' };
  if (o.check) return { kind: 'check', options };
  // --withdraw-all, like --check, only reads the file and talks to BIRD: it serves nothing.
  if (o.withdrawAll) return { kind: 'withdraw-all', options };
  // --check only reads the file; the refusal is about serving, so it applies to a run.
  const refusal = plaintextRefusal(
    options.grpcAddr,
    grpcTls.files !== undefined,
    options.grpcInsecure === true,
  );
  if (refusal !== undefined) return { kind: 'usage-error', message: refusal };
  return { kind: 'run', options };
}

/** The TLS flags together: a certificate needs its key, and a client CA needs both. */
function grpcTlsFiles(
  cert: string | undefined,
  key: string | undefined,
  clientCa: string | undefined,
): { files: ServerTlsFiles | undefined } | { error: string } {
  const given = (s: string | undefined): s is string => s !== undefined && s !== '';
  if (given(cert) !== given(key)) {
    return { error: '--grpc-tls-cert and --grpc-tls-key go together: give both or neither' };
  }
  if (!given(cert) || !given(key)) {
    if (given(clientCa)) return { error: '--grpc-tls-client-ca needs --grpc-tls-cert and --grpc-tls-key' };
    return { files: undefined };
  }
  return { files: { cert, key, ...(given(clientCa) && { clientCa }) } };
}
