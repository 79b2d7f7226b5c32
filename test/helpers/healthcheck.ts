// Building HealthCheckConfig values in tests: sensible defaults, override what the test is about.

import { isIPv6 } from 'node:net';
import type { HealthCheckConfig, HealthCheckParams } from '../../src/config/types.js';
import type { ProbeRequest } from '../../src/probe/index.js';

export const defaultParams: HealthCheckParams = {
  path: '/',
  host: undefined,
  responseCode: { min: 200, max: 399 },
  responseRegexp: undefined,
  serverName: undefined,
  insecureSkipVerify: false,
  ssl: false,
};

export type HealthCheckOverrides = Partial<Omit<HealthCheckConfig, 'params'>> & {
  params?: Partial<HealthCheckParams>;
};

export function healthcheck(overrides: HealthCheckOverrides = {}): HealthCheckConfig {
  const { params, ...rest } = overrides;
  return {
    name: 'test',
    type: 'http',
    port: 80,
    intervalMs: 2000,
    fastIntervalMs: 1000,
    downIntervalMs: 5000,
    timeoutMs: 2000,
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
    family: isIPv6(address) ? 6 : 4,
    netns: extra.netns,
    signal: extra.signal,
  };
}
