// Builders for dataplane tests, and a small model of the lb plugin's rules used to check that a
// plan is executable in order and converges (the real stand-in is vppsim; this only encodes the
// constraints the planner's ordering exists for).

import type {
  BackendConfig,
  FrontendConfig,
  FrontendProtocol,
  MaglevConfig,
} from '../../src/config/types.js';
import type { BackendState } from '../../src/health/index.js';
import { mustParseIp } from '../../src/net/ip-address.js';
import {
  vipAddress,
  vipKeyString,
  type AsState,
  type DesiredLbState,
  type LbGeneration,
  type LbOp,
  type LbState,
  type StateOf,
  type VipState,
} from '../../src/dataplane/index.js';

export function backend(name: string, address: string, enabled = true): BackendConfig {
  return { name, address, family: mustParseIp(address).family, healthcheck: undefined, enabled };
}

export interface FrontendSpec {
  address: string;
  protocol?: FrontendProtocol;
  port?: number;
  /** Pools in priority order: [pool name, {backend: weight}]. */
  pools: [string, Record<string, number>][];
  srcIpSticky?: boolean;
  flushOnDown?: boolean;
  flowTableLength?: number;
}

export function frontend(name: string, spec: FrontendSpec): FrontendConfig {
  const protocol = spec.protocol ?? 'tcp';
  return {
    name,
    address: spec.address,
    family: mustParseIp(spec.address).family,
    protocol,
    port: protocol === 'any' ? 0 : (spec.port ?? 80),
    description: '',
    pools: spec.pools.map(([poolName, members]) => ({
      name: poolName,
      backends: new Map(Object.entries(members).map(([b, weight]) => [b, { weight }])),
    })),
    srcIpSticky: spec.srcIpSticky ?? false,
    flushOnDown: spec.flushOnDown ?? true,
    flowTableLength: spec.flowTableLength ?? 1024,
  };
}

export function config(backends: BackendConfig[], frontends: FrontendConfig[]): MaglevConfig {
  return {
    healthchecker: { transitionHistory: 5, netns: undefined },
    vpp: {
      lb: {
        ipv4SrcAddress: undefined,
        ipv6SrcAddress: undefined,
        syncIntervalMs: 30_000,
        startupMinDelayMs: 5_000,
        startupMaxDelayMs: 30_000,
        stickyBucketsPerCore: undefined,
        flowTimeoutS: undefined,
      },
    },
    healthchecks: new Map(),
    backends: new Map(backends.map((b) => [b.name, b])),
    frontends: new Map(frontends.map((f) => [f.name, f])),
  };
}

/** Backend states from a record; anything not listed is `fallback`. */
export function states(known: Record<string, BackendState>, fallback: BackendState = 'unknown'): StateOf {
  return (name) => known[name] ?? fallback;
}

export const EMPTY: LbState = { vips: new Map() };

/** What VPP would hold after a perfect sync of `desired` (weights as desired, all in use). */
export function actualFrom(desired: DesiredLbState, generation: LbGeneration = '1.2'): LbState {
  const vips = new Map<string, VipState>();
  for (const [key, vip] of desired.vips) {
    const ases = new Map<string, AsState>();
    for (const [address, as] of vip.ases) {
      if (generation === '1.1' && as.weight === 0) continue;
      ases.set(address, { weight: generation === '1.1' ? 100 : as.weight, inUse: true });
    }
    vips.set(key, {
      key: vip.key,
      encap: vip.encap,
      srcIpSticky: vip.srcIpSticky,
      flowTableLength: vip.flowTableLength,
      ases,
    });
  }
  return { vips };
}

/** A compact, order-preserving rendering of a plan for assertions. */
export function describeOps(ops: readonly LbOp[]): string[] {
  return ops.map((op) => {
    const vip = vipKeyString(op.vip);
    switch (op.op) {
      case 'vip-add':
        return `vip-add ${vip} ${op.encap}${op.srcIpSticky ? ' sticky' : ''} len=${op.flowTableLength}`;
      case 'vip-del':
        return `vip-del ${vip} (${op.reason})`;
      case 'as-add':
        return `as-add ${vip} ${op.address} w=${op.weight}`;
      case 'as-del':
        return `as-del ${vip} ${op.address}${op.flush ? ' flush' : ''}`;
      case 'as-weight':
        return `as-weight ${vip} ${op.address} w=${op.weight}${op.flush ? ' flush' : ''}`;
    }
  });
}

interface ModelVip {
  state: VipState;
  ases: Map<string, { weight: number; inUse: boolean }>;
}

/**
 * Applies ops the way the lb plugin would, throwing with VPP's error name where VPP would
 * refuse: NO_SUCH_ENTRY, VALUE_EXIST, INVALID_ARGUMENT (encap clash on a prefix),
 * INVALID_ADDRESS_FAMILY, INVALID_MEMORY_SIZE. Deleted ASes linger with inUse = false.
 */
export function applyOps(actual: LbState, ops: readonly LbOp[], generation: LbGeneration): LbState {
  const vips = new Map<string, ModelVip>();
  for (const [key, vip] of actual.vips) {
    vips.set(key, { state: vip, ases: new Map([...vip.ases].map(([a, s]) => [a, { ...s }])) });
  }
  for (const op of ops) {
    const key = vipKeyString(op.vip);
    const vip = vips.get(key);
    switch (op.op) {
      case 'vip-add': {
        if (vip) throw new Error(`VALUE_EXIST: ${key}`);
        if (op.flowTableLength < 1 || (op.flowTableLength & (op.flowTableLength - 1)) !== 0) {
          throw new Error(`INVALID_MEMORY_SIZE: ${op.flowTableLength}`);
        }
        for (const other of vips.values()) {
          if (vipAddress(other.state.key) !== vipAddress(op.vip)) continue;
          if ((other.state.key.port === 0) !== (op.vip.port === 0))
            throw new Error(`VALUE_EXIST: port clash ${key}`);
          if (other.state.encap !== op.encap) throw new Error(`INVALID_ARGUMENT: encap clash ${key}`);
        }
        vips.set(key, {
          state: {
            key: op.vip,
            encap: op.encap,
            srcIpSticky: op.srcIpSticky,
            flowTableLength: op.flowTableLength,
            ases: new Map(),
          },
          ases: new Map(),
        });
        break;
      }
      case 'vip-del':
        if (!vip) throw new Error(`NO_SUCH_ENTRY: ${key}`);
        vips.delete(key);
        break;
      case 'as-add': {
        if (!vip) throw new Error(`NO_SUCH_ENTRY: ${key}`);
        if ((mustParseIp(op.address).family === 4 ? 'gre4' : 'gre6') !== vip.state.encap) {
          throw new Error(`INVALID_ADDRESS_FAMILY: ${op.address} on ${key}`);
        }
        const existing = vip.ases.get(op.address);
        if (existing?.inUse) throw new Error(`VALUE_EXIST: ${op.address} on ${key}`);
        vip.ases.set(op.address, { weight: generation === '1.1' ? 100 : op.weight, inUse: true });
        break;
      }
      case 'as-del': {
        const existing = vip?.ases.get(op.address);
        if (!existing?.inUse) throw new Error(`NO_SUCH_ENTRY: ${op.address} on ${key}`);
        existing.inUse = false;
        break;
      }
      case 'as-weight': {
        if (generation === '1.1') throw new Error('as-weight does not exist on lb 1.1');
        const existing = vip?.ases.get(op.address);
        if (!existing?.inUse) throw new Error(`NO_SUCH_ENTRY: ${op.address} on ${key}`);
        existing.weight = op.weight;
        break;
      }
    }
  }
  return {
    vips: new Map([...vips].map(([key, vip]) => [key, { ...vip.state, ases: new Map(vip.ases) }])),
  };
}
