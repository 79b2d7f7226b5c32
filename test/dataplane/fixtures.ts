// Dataplane test fixtures. For the planner: backend states, a compact rendering of plans, and a
// small model of the lb plugin's rules used to check that a plan is executable in order and
// converges (the real stand-in is vppsim; this only encodes the constraints the planner's
// ordering exists for). For the syncer: a health source the test drives by hand (events are
// emitted the way the checker emits them: once per frontend using the backend), a connection
// wrapper that can make chosen lb messages fail, and the usual two-frontend config.

import type { MaglevConfig } from '../../src/config/types.js';
import type { BackendState } from '../../src/health/index.js';
import { mustParseIp } from '../../src/net/ip-address.js';
import {
  vipAddress,
  vipKeyString,
  type AsState,
  type DesiredLbState,
  type HealthEvent,
  type LbGeneration,
  type LbOp,
  type LbState,
  type StateOf,
  type SyncerConnection,
  type SyncerSource,
  type VipState,
} from '../../src/dataplane/index.js';
import { VppApiError, type LbApi, type VppConnection } from '../../src/vpp/index.js';
import { backend, config, frontend } from '../helpers/config.js';

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

export class FakeSource implements SyncerSource {
  private readonly states = new Map<string, BackendState>();
  private readonly listeners = new Set<(e: HealthEvent) => void>();

  constructor(
    public cfg: MaglevConfig,
    initial: BackendState = 'unknown',
  ) {
    for (const name of cfg.backends.keys()) this.states.set(name, initial);
  }

  config(): MaglevConfig {
    return this.cfg;
  }

  stateOf(name: string): BackendState | undefined {
    return this.states.get(name);
  }

  subscribe(listener: (e: HealthEvent) => void): { unsubscribe(): void } {
    this.listeners.add(listener);
    return { unsubscribe: () => this.listeners.delete(listener) };
  }

  /** A transition, announced to every frontend that uses the backend. */
  set(name: string, to: BackendState): void {
    const from = this.states.get(name) ?? 'unknown';
    this.states.set(name, to);
    const address = this.cfg.backends.get(name)?.address ?? '';
    for (const fe of this.cfg.frontends.values()) {
      if (!fe.pools.some((p) => p.backends.has(name))) continue;
      for (const l of this.listeners)
        l({ kind: 'backend', frontend: fe.name, backend: name, address, transition: { from, to } });
    }
  }

  /** Changes a pool weight the way Checker.setWeight does (no event). */
  setWeight(frontendName: string, pool: string, name: string, weight: number): void {
    const fe = this.cfg.frontends.get(frontendName);
    if (!fe) throw new Error(`no frontend ${frontendName}`);
    const pools = fe.pools.map((p) =>
      p.name !== pool
        ? p
        : {
            ...p,
            backends: new Map([...p.backends].map(([n, s]) => [n, n === name ? { ...s, weight } : s])),
          },
    );
    this.cfg = {
      ...this.cfg,
      frontends: new Map(
        [...this.cfg.frontends].map(([n, f]) => [n, n === frontendName ? { ...f, pools } : f]),
      ),
    };
  }
}

/**
 * The live connection, with a switch that makes lb messages fail as VPP would refuse them, and a
 * hook run after a request VPP answered, before the syncer sees the answer (to lose VPP there).
 */
export class FlakyConnection implements SyncerConnection {
  /** msg name → retval to answer with. */
  readonly failing = new Map<string, number>();
  /** Runs after each answered request; the syncer waits for it. */
  afterAnswer: ((name: string) => Promise<void>) | undefined;
  private readonly wrapped = new WeakMap<LbApi, LbApi>();

  constructor(readonly inner: VppConnection) {}

  get client(): LbApi | undefined {
    const c = this.inner.client;
    if (!c) return undefined;
    let w = this.wrapped.get(c);
    if (!w) {
      const fail = this.failing;
      w = {
        get lbGeneration() {
          return c.lbGeneration;
        },
        hasMessage: (name) => c.hasMessage(name),
        request: async (name, fields, opts) => {
          const retval = fail.get(name);
          if (retval !== undefined) throw new VppApiError(name, retval);
          const reply = await c.request(name, fields, opts);
          await this.afterAnswer?.(name);
          return reply;
        },
        dump: (name, fields, opts) => c.dump(name, fields, opts),
      };
      this.wrapped.set(c, w);
    }
    return w;
  }

  get onConnect(): VppConnection['onConnect'] {
    return this.inner.onConnect;
  }

  get onDisconnect(): VppConnection['onDisconnect'] {
    return this.inner.onDisconnect;
  }
}

export const SRC4 = '192.0.2.254';
export const SRC6 = '2001:db8::fe';

/**
 * web (tcp/80): primary {a, b}, fallback {c}, flush-on-down. dns (udp/53): {a, b at 50},
 * flush-on-down false. Both share a and b.
 */
export function twoFrontends(lb: Partial<MaglevConfig['vpp']['lb']> = {}): MaglevConfig {
  return config({
    backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')],
    frontends: [
      frontend('web', {
        address: '192.0.2.1',
        port: 80,
        pools: [
          ['primary', { a: 100, b: 100 }],
          ['fallback', { c: 100 }],
        ],
      }),
      frontend('dns', {
        address: '192.0.2.2',
        protocol: 'udp',
        port: 53,
        flushOnDown: false,
        pools: [['only', { a: 100, b: 50 }]],
      }),
    ],
    lb: { ipv4SrcAddress: SRC4, ipv6SrcAddress: SRC6, startupMinDelayMs: 0, startupMaxDelayMs: 0, ...lb },
  });
}

export const WEB = '192.0.2.1/32 6:80';
export const DNS = '192.0.2.2/32 17:53';
