// maglevd's command line (docs/maglevd.md §Options): every flag has an environment variable, and the flag
// wins when both are set. Parsing is pure (argv and env in, options or a usage error out), so
// it is tested without starting anything.

import { Command, Option } from 'commander';
import { boolArgument, parseCommandLine } from '../command-line.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../log/index.js';

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
}

export type DaemonCommand =
  | { kind: 'run'; options: DaemonOptions }
  | { kind: 'check'; options: DaemonOptions }
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
    .option('--check', 'validate the configuration and exit: 0 valid, 1 YAML parse error, 2 semantic error')
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
    check?: boolean;
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
  const options: DaemonOptions = {
    config: o.config,
    grpcAddr: o.grpcAddr,
    metricsAddr: o.metricsAddr,
    vppApiAddr: o.vppApiAddr,
    vppStatsAddr: o.vppStatsAddr,
    logLevel: o.logLevel,
    reflection: o.reflection,
  };
  return o.check ? { kind: 'check', options } : { kind: 'run', options };
}
