// Building config values in tests, written once: a health check, a backend, a frontend and a
// whole MaglevConfig from a few words each. Every default is maglev.yaml's own (interval 2s,
// fast and down interval = interval, timeout 1s, rise 2, fall 3, weight as given, flush on down,
// 1024 buckets); a test overrides only what it is about.

import { isIPv6 } from 'node:net';
import type {
  BackendConfig,
  FrontendConfig,
  FrontendProtocol,
  HealthCheckConfig,
  HealthCheckParams,
  MaglevConfig,
  VppLbConfig,
} from '../../src/config/types.js';
import type { ProbeRequest } from '../../src/probe/index.js';

const familyOf = (address: string): 4 | 6 => (isIPv6(address) ? 6 : 4);

export const defaultParams: HealthCheckParams = {
  path: '/',
  host: undefined,
  responseCode: { min: 200, max: 399 },
  responseRegexp: undefined,
  serverName: undefined,
  insecureSkipVerify: false,
  ssl: false,
  halfOpen: false,
  tlsSessionReuse: false,
  resetClose: false,
};

export type HealthCheckOverrides = Partial<Omit<HealthCheckConfig, 'params'>> & {
  params?: Partial<HealthCheckParams>;
};

/** Health check `hc`: http on port 80 with maglev.yaml's default timing. */
export function healthcheck(overrides: HealthCheckOverrides = {}): HealthCheckConfig {
  const { params, ...rest } = overrides;
  return {
    name: 'hc',
    type: 'http',
    port: 80,
    intervalMs: 2000,
    fastIntervalMs: 2000,
    downIntervalMs: 2000,
    timeoutMs: 1000,
    rise: 2,
    fall: 3,
    probeIpv4Src: undefined,
    probeIpv6Src: undefined,
    ...rest,
    params: { ...defaultParams, ...params },
  };
}

/** A ProbeRequest for address (family from the literal), in maglevd's own namespace. */
export function probeRequest(
  hc: HealthCheckConfig,
  address = '127.0.0.1',
  extra: { netns?: string; signal?: AbortSignal } = {},
): ProbeRequest {
  return {
    healthcheck: hc,
    address,
    family: familyOf(address),
    netns: extra.netns,
    signal: extra.signal,
  };
}

/** An enabled backend checked by `hc`. */
export function backend(
  name: string,
  address: string,
  overrides: Partial<BackendConfig> = {},
): BackendConfig {
  return { name, address, family: familyOf(address), healthcheck: 'hc', enabled: true, ...overrides };
}

/** backend name → weight. */
export type PoolMembers = Record<string, number>;

export interface FrontendSpec {
  /** Default 192.0.2.1. */
  address?: string;
  protocol?: FrontendProtocol;
  /** Default 80 (0 for protocol any). */
  port?: number;
  /** In priority order: members alone (named pool0, pool1, ...) or [pool name, members]. */
  pools: readonly (PoolMembers | readonly [string, PoolMembers])[];
  srcIpSticky?: boolean;
  flushOnDown?: boolean;
  flowTableLength?: number;
  /** Percent; default none (never panics). */
  panicThreshold?: number;
}

function isNamedPool(pool: FrontendSpec['pools'][number]): pool is readonly [string, PoolMembers] {
  return Array.isArray(pool);
}

export function frontend(name: string, spec: FrontendSpec): FrontendConfig {
  const address = spec.address ?? '192.0.2.1';
  const protocol = spec.protocol ?? 'tcp';
  return {
    name,
    address,
    family: familyOf(address),
    protocol,
    port: protocol === 'any' ? 0 : (spec.port ?? 80),
    description: '',
    pools: spec.pools.map((pool, i) => {
      const [poolName, members]: readonly [string, PoolMembers] = isNamedPool(pool)
        ? pool
        : [`pool${i}`, pool];
      return {
        name: poolName,
        backends: new Map(Object.entries(members).map(([b, weight]) => [b, { weight }])),
      };
    }),
    srcIpSticky: spec.srcIpSticky ?? false,
    flushOnDown: spec.flushOnDown ?? true,
    flowTableLength: spec.flowTableLength ?? 1024,
    panicThreshold: spec.panicThreshold,
  };
}

/** A MaglevConfig; health checks default to one `hc`. */
export function config(parts: {
  healthchecks?: HealthCheckConfig[];
  backends: BackendConfig[];
  frontends: FrontendConfig[];
  netns?: string;
  history?: number;
  lb?: Partial<VppLbConfig>;
}): MaglevConfig {
  return {
    healthchecker: { transitionHistory: parts.history ?? 5, netns: parts.netns },
    vpp: {
      lb: {
        ipv4SrcAddress: undefined,
        ipv6SrcAddress: undefined,
        syncIntervalMs: 30_000,
        startupMinDelayMs: 5000,
        startupMaxDelayMs: 30_000,
        stickyBucketsPerCore: undefined,
        flowTimeoutS: undefined,
        ...parts.lb,
      },
    },
    healthchecks: new Map((parts.healthchecks ?? [healthcheck()]).map((h) => [h.name, h])),
    backends: new Map(parts.backends.map((b) => [b.name, b])),
    frontends: new Map(parts.frontends.map((f) => [f.name, f])),
  };
}
