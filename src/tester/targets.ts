// From config files to the list of VIPs to probe: frontends from every file, merged and
// de-duplicated by (address, protocol, port), classed as http/https/tcp, narrowed by --filter.

import type { FrontendConfig, HealthCheckType, MaglevConfig } from '../config/index.js';
import { classifyVip } from './classify.js';
import type { SkippedVip, Target } from './types.js';

export interface TargetPlan {
  targets: Target[];
  skipped: SkippedVip[];
}

interface BackendCheck {
  type: HealthCheckType;
  port: number | undefined;
}

/** The health checks of a frontend's backends, in pool and backend order. */
function backendChecks(config: MaglevConfig, frontend: FrontendConfig): BackendCheck[] {
  const checks: BackendCheck[] = [];
  for (const pool of frontend.pools) {
    for (const backendName of pool.backends.keys()) {
      const checkName = config.backends.get(backendName)?.healthcheck;
      const check = checkName === undefined ? undefined : config.healthchecks.get(checkName);
      if (check) checks.push({ type: check.type, port: check.port });
    }
  }
  return checks;
}

function vipKey(f: FrontendConfig): string {
  return `${f.address} ${f.protocol} ${f.port}`;
}

interface Seen {
  frontend: FrontendConfig;
  names: string[];
  checks: BackendCheck[];
}

/** True when the filter matches any of the VIP's names or its address. */
function matches(filter: RegExp | undefined, names: readonly string[], address: string): boolean {
  if (!filter) return true;
  return names.some((n) => filter.test(n)) || filter.test(address);
}

/**
 * Every frontend of every config, once per (address, protocol, port) in reading order. UDP VIPs
 * are skipped (nothing to connect to); an all-ports VIP (protocol any, port 0) is probed on its
 * backends' health-check port, and skipped when no check names one.
 */
export function planTargets(configs: readonly MaglevConfig[], filter?: RegExp): TargetPlan {
  const seen = new Map<string, Seen>();
  for (const config of configs) {
    for (const frontend of config.frontends.values()) {
      const key = vipKey(frontend);
      const checks = backendChecks(config, frontend);
      const prior = seen.get(key);
      if (prior) {
        if (!prior.names.includes(frontend.name)) prior.names.push(frontend.name);
        prior.checks.push(...checks);
      } else {
        seen.set(key, { frontend, names: [frontend.name], checks });
      }
    }
  }

  const targets: Target[] = [];
  const skipped: SkippedVip[] = [];
  for (const [key, { frontend: f, names, checks }] of seen) {
    if (!matches(filter, names, f.address)) continue;
    const skip = (reason: string): void => {
      skipped.push({ name: f.name, address: f.address, protocol: f.protocol, port: f.port, reason });
    };
    if (f.protocol === 'udp') {
      skip('udp VIPs are not probed');
      continue;
    }
    let port = f.port;
    let types = checks.map((c) => c.type);
    let portNote = '';
    if (f.protocol === 'any') {
      const withPort = checks.find((c) => c.port !== undefined && c.type !== 'icmp');
      if (withPort?.port === undefined) {
        skip('all-ports VIP without a tcp/http/https health check to take a port from');
        continue;
      }
      port = withPort.port;
      types = [withPort.type];
      portNote = `, port ${port} from the backends' health check`;
    }
    const { kind, reason } = classifyVip(port, types);
    targets.push({
      key,
      name: f.name,
      names,
      address: f.address,
      family: f.family,
      protocol: f.protocol,
      port,
      kind,
      reason: reason + portNote,
    });
  }
  return { targets, skipped };
}

/** `198.51.100.10:80`, `[2001:db8::10]:443`. */
export function targetAddress(t: { address: string; port: number; family: 4 | 6 }): string {
  return t.family === 6 ? `[${t.address}]:${t.port}` : `${t.address}:${t.port}`;
}
