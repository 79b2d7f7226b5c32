// Semantic rules: the ones that relate several values (references between sections, address
// families, port and params rules per type, VIP collisions). They read the raw document, taking
// each value through the same schema as the structural check: a value that schema rejects was
// already reported and is skipped here, so one mistake gives one message and every independent
// mistake in the file is still reported in the same run.

import type { z } from 'zod';
import { DEFAULTS, LIMITS } from './defaults.js';
import { describePath } from './describe.js';
import { formatGoDuration, parseGoDuration } from './duration.js';
import type { ConfigPath, Finding } from './finding.js';
import { NAME_RULE, didYouMean, isValidName } from './names.js';
import {
  addressValue,
  flowTableLength,
  frontendPort,
  frontendProtocol,
  healthCheckType,
  nameValue,
  startupDelay,
} from './schema.js';
import type { KeyOrder } from './key-order.js';
import type { FrontendProtocol, HealthCheckType } from './types.js';
import { canonicalIp, ipFamilyName, mustReadIpText, type IpFamily } from '../net/ip-address.js';

type RawMap = Record<string, unknown>;

function asMap(value: unknown): RawMap | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RawMap) : undefined;
}

/** The value if the schema accepts it; undefined if it is absent or already reported as bad. */
function valid<S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

const has = (map: RawMap, key: string): boolean => Object.hasOwn(map, key) && map[key] !== undefined;

/** Which params each check type uses. */
const PARAMS_FOR: Readonly<Record<HealthCheckType, readonly string[]>> = {
  icmp: [],
  tcp: ['ssl', 'server-name', 'insecure-skip-verify', 'half-open', 'tls-session-reuse'],
  http: ['path', 'host', 'response-code', 'response-regexp', 'reset-close'],
  https: [
    'path',
    'host',
    'response-code',
    'response-regexp',
    'server-name',
    'insecure-skip-verify',
    'tls-session-reuse',
  ],
};

const TLS_PARAMS = ['server-name', 'insecure-skip-verify', 'tls-session-reuse'];

function typesUsing(param: string): string {
  const types = (Object.keys(PARAMS_FOR) as HealthCheckType[]).filter((t) => PARAMS_FOR[t].includes(param));
  return types.length <= 1
    ? (types[0] ?? 'no')
    : `${types.slice(0, -1).join(', ')} and ${types[types.length - 1]}`;
}

function smallestPowerOfTwoAtLeast(n: number): number {
  let v = 1;
  while (v < n) v *= 2;
  return v;
}

interface VipSummary {
  name: string;
  base: ConfigPath;
  address: string | undefined;
  protocol: FrontendProtocol | undefined;
  /** Resolved port (0 for any), undefined when invalid. */
  port: number | undefined;
  /** The single family of all its backends, undefined if unknown or mixed. */
  family: IpFamily | undefined;
}

class RuleRun {
  readonly findings: Finding[] = [];
  readonly #order: KeyOrder;

  constructor(order: KeyOrder) {
    this.#order = order;
  }

  /** The map's keys in file order (key-order.ts). */
  keys(map: RawMap, path: ConfigPath): readonly string[] {
    return this.#order(map, path);
  }

  error(path: ConfigPath, at: Finding['at'], message: string): void {
    this.findings.push({ severity: 'error', path, at, message: `${describePath(path)}: ${message}` });
  }

  errorAt(path: ConfigPath, at: Finding['at'], where: ConfigPath, message: string): void {
    this.findings.push({ severity: 'error', path, at, message: `${describePath(where)}: ${message}` });
  }

  warning(path: ConfigPath, where: ConfigPath, message: string): void {
    this.findings.push({
      severity: 'warning',
      path,
      at: 'value',
      message: `${describePath(where)}: ${message}`,
    });
  }
}

function checkNames(run: RuleRun, section: string, entries: RawMap, what: string): void {
  for (const name of Object.keys(entries)) {
    if (!isValidName(name)) {
      const path = ['maglev', section, name];
      run.errorAt(
        path,
        'key',
        ['maglev', section],
        `${what} name ${JSON.stringify(name)} is not valid: ${NAME_RULE}`,
      );
    }
  }
}

function checkHealthCheck(run: RuleRun, name: string, hc: RawMap): void {
  const base = ['maglev', 'healthchecks', name];
  const type = valid(healthCheckType, hc.type);
  if (type === undefined) return;

  if (type === 'icmp' && has(hc, 'port')) {
    run.error([...base, 'port'], 'key', 'icmp checks take no port');
  } else if (type !== 'icmp' && !has(hc, 'port')) {
    run.errorAt([...base, 'port'], 'parent', base, `missing required key 'port' (${type} checks need one)`);
  }

  const params = asMap(hc.params);
  if (!params) return;
  const allowed = PARAMS_FOR[type];
  const known = new Set(Object.values(PARAMS_FOR).flat());
  for (const key of Object.keys(params)) {
    // Keys no type knows are reported by the schema as unknown.
    if (!known.has(key) || allowed.includes(key)) continue;
    run.error([...base, 'params', key], 'key', `not used by ${type} checks (only by ${typesUsing(key)})`);
  }
  if (type === 'tcp' && (params.ssl === undefined || params.ssl === false)) {
    for (const key of TLS_PARAMS) {
      if (has(params, key))
        run.error([...base, 'params', key], 'key', 'needs params.ssl: true on tcp checks');
    }
  }
  if (type === 'tcp' && params.ssl === true && params['half-open'] === true) {
    run.error(
      [...base, 'params', 'half-open'],
      'key',
      'cannot be used with params.ssl: TLS needs the whole handshake',
    );
  }
}

function checkBackend(run: RuleRun, name: string, backend: RawMap, healthChecks: RawMap): void {
  const ref = backend.healthcheck;
  if (typeof ref !== 'string' || ref === '' || Object.hasOwn(healthChecks, ref)) return;
  run.error(
    ['maglev', 'backends', name, 'healthcheck'],
    'value',
    `health check '${ref}' is not defined${didYouMean(ref, Object.keys(healthChecks))}`,
  );
}

function backendFamily(backends: RawMap, name: string): IpFamily | undefined {
  const address = valid(addressValue, asMap(backends[name])?.address);
  return address === undefined ? undefined : mustReadIpText(address).family;
}

function checkFrontend(run: RuleRun, name: string, f: RawMap, backends: RawMap): VipSummary {
  const base = ['maglev', 'frontends', name];

  const protocol: FrontendProtocol | undefined =
    f.protocol === undefined ? DEFAULTS.protocol : valid(frontendProtocol, f.protocol);
  const port = valid(frontendPort, f.port);
  let vipPort: number | undefined;
  if (protocol === 'any') {
    if (port !== undefined && port !== 0) {
      run.error(
        [...base, 'port'],
        'value',
        `protocol any serves all ports, so port must be 0 or omitted, got ${port}`,
      );
    } else if (!has(f, 'port') || port !== undefined) {
      vipPort = 0;
    }
  } else if (protocol !== undefined) {
    if (!has(f, 'port')) {
      run.errorAt(
        [...base, 'port'],
        'parent',
        base,
        `missing required key 'port' (${protocol} frontends need one; protocol any serves all ports)`,
      );
    } else if (port === 0) {
      run.error(
        [...base, 'port'],
        'value',
        `port 0 means all ports: use protocol any, or a port from 1 to 65535`,
      );
    } else {
      vipPort = port;
    }
  }

  // Pools: unique names, no empty pools, known backends, each backend in one pool only.
  const pools = Array.isArray(f.pools) ? (f.pools as unknown[]) : [];
  const poolNames = new Map<string, number>();
  const memberOf = new Map<string, string>();
  const referenced = new Set<string>();
  // Each member with its pool's path; a member's own path is built only for a finding, as a
  // config of 10 000 backends has as many members.
  const members: { name: string; poolPath: ConfigPath }[] = [];
  pools.forEach((item, index) => {
    const pool = asMap(item);
    if (!pool) return;
    const poolPath = [...base, 'pools', index];
    const poolName = valid(nameValue, pool.name);
    const label = poolName === undefined ? `pools[${index}]` : `pool '${poolName}'`;
    if (poolName !== undefined) {
      const first = poolNames.get(poolName);
      if (first !== undefined) {
        run.error(
          [...poolPath, 'name'],
          'value',
          `pool name '${poolName}' is already used by pools[${first}]`,
        );
      } else {
        poolNames.set(poolName, index);
      }
    }
    const poolBackends = asMap(pool.backends);
    if (!poolBackends) return;
    if (Object.keys(poolBackends).length === 0) {
      run.error([...poolPath, 'backends'], 'value', 'pool has no backends');
    }
    for (const backend of run.keys(poolBackends, [...poolPath, 'backends'])) {
      referenced.add(backend);
      if (!Object.hasOwn(backends, backend)) {
        run.errorAt(
          [...poolPath, 'backends', backend],
          'key',
          poolPath,
          `backend '${backend}' is not defined${didYouMean(backend, Object.keys(backends))}`,
        );
        continue;
      }
      const earlier = memberOf.get(backend);
      if (earlier !== undefined) {
        run.errorAt(
          [...poolPath, 'backends', backend],
          'key',
          poolPath,
          `backend '${backend}' is already in ${earlier} of this frontend; a backend can be in one pool of a frontend only`,
        );
        continue;
      }
      memberOf.set(backend, label);
      members.push({ name: backend, poolPath });
    }
  });

  // One address family per frontend: VPP picks the GRE encap (GRE4/GRE6) per VIP.
  let first: { name: string; family: IpFamily } | undefined;
  let mixed = false;
  for (const member of members) {
    const family = backendFamily(backends, member.name);
    if (family === undefined) continue;
    if (first === undefined) {
      first = { name: member.name, family };
    } else if (family !== first.family) {
      mixed = true;
      run.errorAt(
        [...member.poolPath, 'backends', member.name],
        'key',
        base,
        `backend '${member.name}' is ${ipFamilyName(family)} but backend '${first.name}' is ${ipFamilyName(first.family)}; ` +
          'all backends of a frontend must share one address family',
      );
    }
  }

  const ftlGiven = has(f, 'flow-table-length');
  const ftl = ftlGiven ? valid(flowTableLength, f['flow-table-length']) : DEFAULTS.flowTableLength;
  const wanted = LIMITS.bucketsPerBackend * referenced.size;
  if (ftl !== undefined && referenced.size > 0 && ftl < wanted) {
    const suggestion = Math.min(smallestPowerOfTwoAtLeast(wanted), LIMITS.maxFlowTableLength);
    run.warning(
      [...base, 'flow-table-length'],
      ftlGiven ? [...base, 'flow-table-length'] : base,
      `flow-table-length ${ftl}${ftlGiven ? '' : ' (the default)'} is below ${LIMITS.bucketsPerBackend} × ` +
        `${referenced.size} backends = ${wanted}; Maglev balance degrades (use ${suggestion})`,
    );
  }

  const address = valid(addressValue, f.address);
  return {
    name,
    base,
    address: address === undefined ? undefined : canonicalIp(address),
    protocol,
    port: vipPort,
    family: mixed ? undefined : first?.family,
  };
}

/** `announce: true` on a frontend does nothing while maglev.announce is absent: say so. */
function checkAnnounceFlag(run: RuleRun, name: string, f: RawMap, announcing: boolean): void {
  if (announcing || f.announce !== true) return;
  const path = ['maglev', 'frontends', name, 'announce'];
  run.warning(path, path, 'has no effect without maglev.announce (nothing is announced)');
}

function describeVip(v: VipSummary): string {
  return v.protocol === 'any' ? 'all ports' : `${v.protocol} port ${v.port}`;
}

/** Frontends sharing an address must be distinct VIPs that VPP can hold side by side. */
function checkVipCollisions(run: RuleRun, vips: VipSummary[]): void {
  const byAddress = new Map<string, VipSummary[]>();
  for (const vip of vips) {
    if (vip.address === undefined) continue;
    const earlier = byAddress.get(vip.address) ?? [];
    const path = [...vip.base, 'address'];
    for (const other of earlier) {
      const bothKnown = vip.protocol !== undefined && other.protocol !== undefined;
      if (bothKnown && vip.port !== undefined && vip.protocol === other.protocol && vip.port === other.port) {
        run.error(path, 'value', `same VIP as frontend '${other.name}' (${vip.address} ${describeVip(vip)})`);
      } else if (bothKnown && (vip.protocol === 'any') !== (other.protocol === 'any')) {
        const [all, one] = vip.protocol === 'any' ? [vip, other] : [other, vip];
        run.error(
          path,
          'value',
          `frontend '${all.name}' serves all ports of ${vip.address} and frontend '${one.name}' serves ` +
            `${describeVip(one)}; VPP cannot mix all-port and per-port VIPs on one address`,
        );
      } else if (vip.family !== undefined && other.family !== undefined && vip.family !== other.family) {
        run.error(
          path,
          'value',
          `frontend '${other.name}' on the same address ${vip.address} has ${ipFamilyName(other.family)} backends ` +
            `and this one has ${ipFamilyName(vip.family)} backends; VPP needs one encap per VIP address`,
        );
      }
    }
    earlier.push(vip);
    byAddress.set(vip.address, earlier);
  }
}

function delayMs(value: unknown, fallback: string): number | undefined {
  const v = value === undefined ? fallback : valid(startupDelay, value);
  if (v === undefined) return undefined;
  if (typeof v === 'number') return 0;
  const parsed = parseGoDuration(v);
  return parsed.ok ? parsed.ms : undefined;
}

function checkStartupDelays(run: RuleRun, lb: RawMap): void {
  const min = delayMs(lb['startup-min-delay'], DEFAULTS.startupMinDelay);
  const max = delayMs(lb['startup-max-delay'], DEFAULTS.startupMaxDelay);
  if (min === undefined || max === undefined || min === 0 || max === 0 || max >= min) return;
  const path = ['maglev', 'vpp', 'lb', 'startup-max-delay'];
  run.errorAt(
    path,
    'value',
    path,
    `${formatGoDuration(max)}${has(lb, 'startup-max-delay') ? '' : ' (the default)'} is shorter than ` +
      `startup-min-delay ${formatGoDuration(min)}; the release deadline cannot come before the warm-up ends ` +
      '(0 turns either off)',
  );
}

/** Runs every semantic rule over the raw document. */
export function checkRules(raw: unknown, order: KeyOrder): Finding[] {
  const run = new RuleRun(order);
  const root = asMap(asMap(raw)?.maglev);
  if (!root) return run.findings;
  const healthChecks = asMap(root.healthchecks) ?? {};
  const backends = asMap(root.backends) ?? {};
  const frontends = asMap(root.frontends) ?? {};

  checkNames(run, 'healthchecks', healthChecks, 'health check');
  checkNames(run, 'backends', backends, 'backend');
  checkNames(run, 'frontends', frontends, 'frontend');

  for (const name of run.keys(healthChecks, ['maglev', 'healthchecks'])) {
    const value = healthChecks[name];
    const hc = asMap(value);
    if (hc) checkHealthCheck(run, name, hc);
  }
  for (const name of run.keys(backends, ['maglev', 'backends'])) {
    const value = backends[name];
    const backend = asMap(value);
    if (backend) checkBackend(run, name, backend, healthChecks);
  }
  const announcing = has(root, 'announce');
  const vips: VipSummary[] = [];
  for (const name of run.keys(frontends, ['maglev', 'frontends'])) {
    const value = frontends[name];
    const f = asMap(value);
    if (!f) continue;
    vips.push(checkFrontend(run, name, f, backends));
    checkAnnounceFlag(run, name, f, announcing);
  }
  checkVipCollisions(run, vips);

  const lb = asMap(asMap(root.vpp)?.lb);
  if (lb) checkStartupDelays(run, lb);
  return run.findings;
}
