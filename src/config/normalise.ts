// Turns a validated document into the MaglevConfig the daemon reads: defaults filled in,
// durations in milliseconds, addresses canonical, maps in file order.

import { DEFAULTS } from './defaults.js';
import { parseGoDuration } from './duration.js';
import type { ConfigPath } from './finding.js';
import type { KeyOrder } from './key-order.js';
import { parsePercent, parseResponseCode, type ConfigInput } from './schema.js';
import { canonicalIp, mustReadIpText, parseIp } from '../net/ip-address.js';
import type {
  AnnounceConfig,
  BackendConfig,
  FrontendConfig,
  HealthCheckConfig,
  HealthCheckParams,
  MaglevConfig,
  PoolBackendConfig,
  PoolConfig,
} from './types.js';

type Section<T> = Readonly<Record<string, T>> | null | undefined;

// Values reaching this module passed the schema; a failure here is a bug, not bad input.
function invariant(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`config normalise: ${what} (validated input expected)`);
}

function ms(value: string | number): number {
  if (typeof value === 'number') return 0;
  const parsed = parseGoDuration(value);
  invariant(parsed.ok, `bad duration ${value}`);
  return parsed.ms;
}

function canonical(text: string | undefined): string | undefined {
  return text === undefined ? undefined : canonicalIp(text);
}

function ordered<T>(section: Section<T>, path: ConfigPath, order: KeyOrder): [string, T][] {
  if (!section) return [];
  return order(section, path).map((k) => [k, section[k] as T]);
}

/** SNI defaults to the Host header's name part, unless that is an IP literal (SNI has no IPs). */
function defaultServerName(host: string | undefined): string | undefined {
  if (host === undefined || host.startsWith('[')) return undefined;
  const name = host.split(':').length === 2 ? (host.split(':')[0] ?? host) : host;
  return parseIp(name).ok ? undefined : name;
}

type HealthCheckInput = NonNullable<ConfigInput['maglev']['healthchecks']>[string];
type FrontendInput = NonNullable<ConfigInput['maglev']['frontends']>[string];

function healthCheck(name: string, hc: HealthCheckInput): HealthCheckConfig {
  const interval = ms(hc.interval ?? DEFAULTS.interval);
  const p = hc.params ?? {};
  const tls = hc.type === 'https' || (hc.type === 'tcp' && (p.ssl ?? DEFAULTS.ssl));
  const responseCode = parseResponseCode(p['response-code'] ?? DEFAULTS.responseCode);
  invariant(responseCode, 'bad response-code');
  const params: HealthCheckParams = {
    path: p.path ?? DEFAULTS.path,
    host: p.host,
    responseCode,
    responseRegexp: p['response-regexp'],
    serverName: tls ? (p['server-name'] ?? defaultServerName(p.host)) : undefined,
    insecureSkipVerify: p['insecure-skip-verify'] ?? DEFAULTS.insecureSkipVerify,
    ssl: p.ssl ?? DEFAULTS.ssl,
    halfOpen: hc.type === 'tcp' && !tls && (p['half-open'] ?? DEFAULTS.halfOpen),
    tlsSessionReuse: tls && (p['tls-session-reuse'] ?? DEFAULTS.tlsSessionReuse),
    resetClose: hc.type === 'http' && (p['reset-close'] ?? DEFAULTS.resetClose),
  };
  return {
    name,
    type: hc.type,
    port: hc.type === 'icmp' ? undefined : hc.port,
    intervalMs: interval,
    fastIntervalMs: hc['fast-interval'] === undefined ? interval : ms(hc['fast-interval']),
    downIntervalMs: hc['down-interval'] === undefined ? interval : ms(hc['down-interval']),
    timeoutMs: ms(hc.timeout ?? DEFAULTS.timeout),
    rise: hc.rise ?? DEFAULTS.rise,
    fall: hc.fall ?? DEFAULTS.fall,
    probeIpv4Src: canonical(hc['probe-ipv4-src']),
    probeIpv6Src: canonical(hc['probe-ipv6-src']),
    params,
  };
}

function frontend(
  name: string,
  f: FrontendInput,
  path: ConfigPath,
  order: KeyOrder,
  announcing: boolean,
): FrontendConfig {
  const vip = mustReadIpText(f.address);
  const protocol = f.protocol ?? DEFAULTS.protocol;
  const pools: PoolConfig[] = f.pools.map((pool, index) => {
    const backends = new Map<string, PoolBackendConfig>();
    for (const [backend, settings] of ordered(pool.backends, [...path, 'pools', index, 'backends'], order)) {
      backends.set(backend, { weight: settings?.weight ?? DEFAULTS.weight });
    }
    return { name: pool.name, backends };
  });
  return {
    name,
    address: vip.canonical,
    family: vip.family,
    protocol,
    port: protocol === 'any' ? 0 : (f.port ?? 0),
    description: f.description ?? DEFAULTS.description,
    pools,
    srcIpSticky: f['src-ip-sticky'] ?? DEFAULTS.srcIpSticky,
    flushOnDown: f['flush-on-down'] ?? DEFAULTS.flushOnDown,
    flowTableLength: f['flow-table-length'] ?? DEFAULTS.flowTableLength,
    panicThreshold: f['panic-threshold'] === undefined ? undefined : parsePercent(f['panic-threshold']),
    announce: announcing && (f.announce ?? true),
  };
}

function announce(input: ConfigInput['maglev']['announce']): AnnounceConfig | undefined {
  // `announce:` written with everything under it commented out still turns announcing on.
  if (input === undefined) return undefined;
  const bird = input?.bird ?? {};
  return {
    bird: {
      socket: bird.socket ?? DEFAULTS.birdSocket,
      includeFile: bird['include-file'] ?? DEFAULTS.birdIncludeFile,
      protocol: bird.protocol ?? DEFAULTS.birdProtocol,
      routeAttributes: bird['route-attributes'] ?? DEFAULTS.birdRouteAttributes,
    },
  };
}

export function normalise(input: ConfigInput, order: KeyOrder): MaglevConfig {
  const m = input.maglev;
  const checker = m.healthchecker ?? {};
  const lb = m.vpp?.lb ?? {};
  const flowTimeout = lb['flow-timeout'];

  const healthchecks = new Map<string, HealthCheckConfig>();
  for (const [name, hc] of ordered(m.healthchecks, ['maglev', 'healthchecks'], order)) {
    healthchecks.set(name, healthCheck(name, hc));
  }
  const backends = new Map<string, BackendConfig>();
  for (const [name, b] of ordered(m.backends, ['maglev', 'backends'], order)) {
    const ip = mustReadIpText(b.address);
    backends.set(name, {
      name,
      address: ip.canonical,
      family: ip.family,
      healthcheck: b.healthcheck,
      enabled: b.enabled ?? DEFAULTS.enabled,
    });
  }
  const announcing = announce(m.announce);
  const frontends = new Map<string, FrontendConfig>();
  for (const [name, f] of ordered(m.frontends, ['maglev', 'frontends'], order)) {
    frontends.set(name, frontend(name, f, ['maglev', 'frontends', name], order, announcing !== undefined));
  }

  return {
    healthchecker: {
      transitionHistory: checker['transition-history'] ?? DEFAULTS.transitionHistory,
      netns: checker.netns === undefined || checker.netns === '' ? undefined : checker.netns,
    },
    vpp: {
      lb: {
        ipv4SrcAddress: canonical(lb['ipv4-src-address']),
        ipv6SrcAddress: canonical(lb['ipv6-src-address']),
        syncIntervalMs: ms(lb['sync-interval'] ?? DEFAULTS.syncInterval),
        startupMinDelayMs: ms(lb['startup-min-delay'] ?? DEFAULTS.startupMinDelay),
        startupMaxDelayMs: ms(lb['startup-max-delay'] ?? DEFAULTS.startupMaxDelay),
        stickyBucketsPerCore: lb['sticky-buckets-per-core'],
        flowTimeoutS: flowTimeout === undefined ? undefined : ms(flowTimeout) / 1000,
      },
    },
    ...(announcing && { announce: announcing }),
    healthchecks,
    backends,
    frontends,
  };
}
