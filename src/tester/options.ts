// maglevt's command line. Pure (argv and env in, a decision out). Go-style single-dash flags
// (`-config a.yaml -insecure=false`) from the original's documentation are accepted too.

import { Command, Option } from 'commander';
import { parseCommandLine, rewriteGoStyleFlags, type GoStyleFlags } from '../command-line.js';
import { formatGoDuration, parseGoDuration } from '../config/index.js';

export const DEFAULT_CONFIG = '/etc/vpp-maglev/maglev.yaml';
export const DEFAULTS = {
  intervalMs: 100,
  timeoutMs: 2_000,
  uri: '/.well-known/ipng/healthz',
  header: 'X-IPng-Frontend',
} as const;

export interface TesterOptions {
  /** Config files, in the order given. */
  configs: string[];
  intervalMs: number;
  timeoutMs: number;
  /** Host header; undefined: the VIP address literal. */
  host: string | undefined;
  uri: string;
  header: string;
  insecure: boolean;
  keepalive: boolean;
  filter: RegExp | undefined;
  once: boolean;
  json: boolean;
  /** Stop after this long; undefined: run until stopped. */
  durationMs: number | undefined;
}

export type TesterInvocation =
  | { kind: 'run'; options: TesterOptions }
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'usage-error'; message: string };

const VALUE_FLAGS = ['config', 'interval', 'timeout', 'host', 'uri', 'path', 'header', 'filter', 'duration'];
const BOOL_FLAGS = ['insecure', 'keepalive', 'once', 'json'];

/** `-config x` → `--config x`; `--insecure=false` → `--no-insecure`. */
const GO_STYLE: GoStyleFlags = {
  names: new Set([...VALUE_FLAGS, ...BOOL_FLAGS, 'version', 'help']),
  bools: new Set(BOOL_FLAGS),
};

function collectFiles(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim())];
}

function buildCommand(): Command {
  return new Command('maglevt')
    .description(
      'Probe every VIP of one or more maglev.yaml files from outside the load balancer, and watch ' +
        'latency and which backend answers (a tally of one response header) as it happens.',
    )
    .usage('[options]')
    .option(
      '--config <file>',
      `maglev.yaml to read; repeat or comma-separate for several (env MAGLEV_CONFIG, default ${DEFAULT_CONFIG})`,
      collectFiles,
    )
    .option(
      '--interval <duration>',
      `time between probes of one VIP, ±10% jitter (default ${DEFAULTS.intervalMs}ms)`,
    )
    .option(
      '--timeout <duration>',
      `time a whole probe may take (default ${formatGoDuration(DEFAULTS.timeoutMs)})`,
    )
    .option('--host <name>', 'Host header (and TLS SNI when a name); default the VIP address')
    .option('--uri <path>', `path to GET on HTTP(S) VIPs (default ${DEFAULTS.uri})`)
    .option('--path <path>', 'older name of --uri')
    .option('--header <name>', `response header to tally (default ${DEFAULTS.header})`)
    .option('--insecure', 'do not verify TLS certificates (also --insecure=true|false, as -insecure in Go)')
    .addOption(new Option('--no-insecure', 'verify TLS certificates (the default)').hideHelp())
    .option('--keepalive', 'reuse one connection per VIP (default: a new connection per probe)')
    .addOption(new Option('--no-keepalive', 'a new connection for every probe (the default)').hideHelp())
    .option('--filter <regex>', 'only VIPs whose frontend name or address matches')
    .option('--once', 'probe every VIP once, print a table, exit 0 when all answered OK, else 1')
    .addOption(new Option('--no-once', 'run continuously (the default)').hideHelp())
    .option('--json', 'one JSON object per probe result (with --once: one JSON summary)')
    .addOption(new Option('--no-json', 'the terminal UI (the default)').hideHelp())
    .option('--duration <duration>', 'stop after this long (handy with --json)')
    .option('--version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

const EXAMPLES = `
Examples:
  maglevt --config /etc/vpp-maglev/maglev.yaml
  maglevt --config lb1.yaml,lb2.yaml --filter '^web' --interval 50ms
  maglevt --once                            exit status says whether every VIP answers
  maglevt --json --duration 30s > probes.jsonl
`;

interface RawOptions {
  config?: string[];
  interval?: string;
  timeout?: string;
  host?: string;
  uri?: string;
  path?: string;
  header?: string;
  insecure?: boolean;
  keepalive?: boolean;
  filter?: string;
  once?: boolean;
  json?: boolean;
  duration?: string;
  version?: boolean;
}

function duration(
  flag: string,
  text: string | undefined,
  fallback: number | undefined,
): number | string | undefined {
  if (text === undefined) return fallback;
  const d = parseGoDuration(text);
  if (!d.ok) return `--${flag}: ${d.reason} (e.g. 100ms, 2s, 1m30s)`;
  if (d.ms <= 0) return `--${flag} must be more than 0`;
  return d.ms;
}

export function parseTesterArgs(argv: readonly string[], env: NodeJS.ProcessEnv): TesterInvocation {
  const args = rewriteGoStyleFlags(argv, GO_STYLE);
  if (!Array.isArray(args)) return { kind: 'usage-error', message: args.error };
  const cmd = buildCommand();
  const parsed = parseCommandLine(cmd, args, EXAMPLES);
  if (parsed.kind !== 'parsed') return parsed;
  const o = cmd.opts<RawOptions>();
  if (o.version) return { kind: 'version' };
  const usage = (message: string): TesterInvocation => ({ kind: 'usage-error', message });

  const configs = o.config ?? [env.MAGLEV_CONFIG || DEFAULT_CONFIG];
  if (configs.some((c) => c === '')) return usage('--config: empty file name');

  const intervalMs = duration('interval', o.interval, DEFAULTS.intervalMs);
  if (typeof intervalMs !== 'number') return usage(intervalMs ?? '--interval');
  const timeoutMs = duration('timeout', o.timeout, DEFAULTS.timeoutMs);
  if (typeof timeoutMs !== 'number') return usage(timeoutMs ?? '--timeout');
  const durationMs = duration('duration', o.duration, undefined);
  if (typeof durationMs === 'string') return usage(durationMs);

  const uri = o.uri ?? o.path ?? DEFAULTS.uri;
  if (!uri.startsWith('/')) return usage(`--uri must start with /, got "${uri}"`);
  const header = o.header ?? DEFAULTS.header;
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header))
    return usage(`--header: "${header}" is not a header name`);
  if (o.host !== undefined && o.host.trim() === '') return usage('--host must not be empty');

  let filter: RegExp | undefined;
  if (o.filter !== undefined) {
    try {
      filter = new RegExp(o.filter);
    } catch (err) {
      return usage(`--filter: ${(err as Error).message}`);
    }
  }

  return {
    kind: 'run',
    options: {
      configs,
      intervalMs,
      timeoutMs,
      host: o.host,
      uri,
      header,
      insecure: o.insecure ?? false,
      keepalive: o.keepalive ?? false,
      filter,
      once: o.once ?? false,
      json: o.json ?? false,
      durationMs,
    },
  };
}
