// Dataplane test fixtures. For the planner: backend states, a compact rendering of plans, and
// vppsim's lb plugin in-process (SimLb) to check that a plan is executable in order and where it
// leads: the same simulator the syncer tests talk to over the socket. For the syncer: a health source the test drives by hand (events are
// emitted the way the checker emits them: once per frontend using the backend), a connection
// wrapper that can make chosen lb messages fail, and the usual two-frontend config. For the
// pipelined apply: a client wrapper that measures how many calls are in flight, and a config of
// many frontends with many backends each.

import fc from 'fast-check';
import type { FrontendConfig, MaglevConfig } from '../../src/config/types.js';
import { BACKEND_STATES, type BackendState } from '../../src/health/index.js';
import { FakeClock } from '../../src/clock/index.js';
import { canonicalIp } from '../../src/net/ip-address.js';
import {
  assumeInSync,
  vipKeyString,
  type AsState,
  type DesiredLbState,
  type HealthEvent,
  type LbGeneration,
  type LbOp,
  type LbOpStage,
  type LbState,
  type StateOf,
  type SyncerConnection,
  type SyncerSource,
  type VipKey,
  type VipProtocol,
  type VipState,
} from '../../src/dataplane/index.js';
import { VppApiError, vnetErrorName, type LbApi, type VppConnection } from '../../src/vpp/index.js';
import {
  LbEncap,
  LbPlugin,
  formatIp46,
  ip46FromText,
  ip46PrefixIsIp4,
  parseVipPrefix,
  vipTypeFor,
  vipTypeHasIp4Ases,
} from '../../src/vppsim/index.js';
import { backend, config, frontend } from '../helpers/config.js';

/** Backend states from a record; anything not listed is `fallback`. */
export function states(known: Record<string, BackendState>, fallback: BackendState = 'unknown'): StateOf {
  return (name) => known[name] ?? fallback;
}

export const EMPTY: LbState = { vips: new Map() };

/** What VPP would hold after a perfect sync of `desired` (the preview's own assumption). */
export function actualFrom(desired: DesiredLbState, generation: LbGeneration = '1.2'): LbState {
  return assumeInSync(desired, generation);
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

/**
 * vppsim's lb plugin, in-process (no socket, no codec): plans are executed the way VPP would
 * execute them, with VPP's refusals, and its state is read back in the dataplane's terms. It
 * judges whether a plan is executable and where it leads, so the planner is checked against
 * the same simulator the rest of the suite talks to, not against a model of its own.
 */
export class SimLb {
  readonly lb: LbPlugin;

  constructor(readonly generation: LbGeneration) {
    this.lb = new LbPlugin({ generation, clock: new FakeClock() });
  }

  /**
   * A plugin holding `state`: VIPs added, ASes added at their weight, and those not in use
   * deleted again (VPP keeps them, flagged unused, until garbage collection).
   */
  static holding(state: LbState, generation: LbGeneration): SimLb {
    const sim = new SimLb(generation);
    for (const vip of state.vips.values()) {
      sim.apply([
        {
          op: 'vip-add',
          vip: vip.key,
          encap: vip.encap,
          srcIpSticky: vip.srcIpSticky,
          // Unknown (undefined, or 0 as a 65536 table dumps): any valid length will do.
          flowTableLength: vip.flowTableLength || 1024,
        } as LbOp,
      ]);
      const index = sim.vipIndex(vip.key);
      for (const [address, as] of vip.ases) {
        const ip = ip46FromText(address);
        sim.check(sim.lb.addAs(index, ip, { weight: as.weight }), `seed ${address}`);
        if (!as.inUse) sim.check(sim.lb.delAs(index, ip, false), `seed ${address} (unused)`);
      }
    }
    return sim;
  }

  /** Executes ops in order; the first one VPP refuses throws, with VPP's error name. */
  apply(ops: readonly LbOp[]): this {
    for (const op of ops) this.check(this.applyOne(op), describeOps([op])[0] ?? op.op);
    return this;
  }

  /** What the plugin holds, as LbState: VIPs in use, each with every AS it lists. */
  state(): LbState {
    const vips = new Map<string, VipState>();
    for (const v of this.lb.vips()) {
      if (!v.used) continue;
      const v4 = ip46PrefixIsIp4(v.prefix, v.plen);
      const address = canonicalIp(formatIp46(v.prefix));
      const key = {
        prefix: `${address}/${v4 ? v.plen - 96 : v.plen}`,
        protocol: v.protocol as VipProtocol,
        port: v.port,
      };
      const ases = new Map<string, AsState>(
        this.lb
          .ases(v.index)
          .map((as) => [canonicalIp(formatIp46(as.address)), { weight: as.weight, inUse: as.used }]),
      );
      vips.set(vipKeyString(key), {
        key,
        encap: vipTypeHasIp4Ases(v.type) ? 'gre4' : 'gre6',
        srcIpSticky: v.srcIpSticky,
        flowTableLength: v.newFlowsTableLength,
        ases,
      });
    }
    return { vips };
  }

  private applyOne(op: LbOp): number {
    if (op.op === 'vip-add') {
      const { prefix, plen } = parseVipPrefix(op.vip.prefix);
      const encap = op.encap === 'gre4' ? LbEncap.GRE4 : LbEncap.GRE6;
      const type = vipTypeFor(ip46PrefixIsIp4(prefix, plen), encap);
      return this.lb.addVip({
        prefix,
        plen,
        protocol: op.vip.protocol,
        port: op.vip.port,
        type,
        newFlowsTableLength: op.flowTableLength,
        srcIpSticky: op.srcIpSticky,
      }).rv;
    }
    const { prefix, plen } = parseVipPrefix(op.vip.prefix);
    const found = this.lb.findVip({ prefix, plen, protocol: op.vip.protocol, port: op.vip.port });
    if (found.rv !== 0) return found.rv;
    switch (op.op) {
      case 'vip-del':
        return this.lb.delVip(found.index);
      case 'as-add':
        return this.lb.addAs(found.index, ip46FromText(op.address), { weight: op.weight });
      case 'as-del':
        return this.lb.delAs(found.index, ip46FromText(op.address), op.flush);
      case 'as-weight':
        // The release has no such message: a plan that asks for it could not be sent at all.
        if (this.generation === '1.1') throw new Error('as-weight does not exist on lb 1.1');
        return this.lb.setAsWeight(found.index, ip46FromText(op.address), op.weight, op.flush);
    }
  }

  private vipIndex(key: VipKey): number {
    const { prefix, plen } = parseVipPrefix(key.prefix);
    const found = this.lb.findVip({ prefix, plen, protocol: key.protocol, port: key.port });
    this.check(found.rv, `find ${vipKeyString(key)}`);
    return found.index;
  }

  private check(rv: number, what: string): void {
    if (rv !== 0) throw new Error(`${what}: VPP refuses with ${vnetErrorName(rv)} (${rv})`);
  }
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
  /** Runs before each request is handed to VPP; the request waits for it. */
  beforeRequest: ((name: string) => Promise<void>) | undefined;
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
          await this.beforeRequest?.(name);
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

/** `frontends` frontends (fe0, fe1... at 192.0.2.1, .2...; tcp/80) of `perFrontend` backends each, all on 10.x.y.z. */
export function manyFrontends(frontends: number, perFrontend: number): MaglevConfig {
  const backends = [];
  const fes = [];
  for (let f = 0; f < frontends; f++) {
    const pool: Record<string, number> = {};
    for (let i = 0; i < perFrontend; i++) {
      const n = f * perFrontend + i;
      backends.push(backend(`b${n}`, `10.${f}.${i >> 8}.${(i & 255) + 1}`));
      pool[`b${n}`] = 100;
    }
    fes.push(frontend(`fe${f}`, { address: `192.0.2.${f + 1}`, port: 80, pools: [['p', pool]] }));
  }
  return config({
    backends,
    frontends: fes,
    lb: { ipv4SrcAddress: SRC4, ipv6SrcAddress: SRC6, startupMinDelayMs: 0, startupMaxDelayMs: 0 },
  });
}

/** A client wrapper that counts the lb calls in flight: now, and the most there ever were. */
export class InFlightMeter implements LbApi {
  inFlight = 0;
  most = 0;

  constructor(private readonly inner: LbApi) {}

  get lbGeneration(): LbGeneration | undefined {
    return this.inner.lbGeneration;
  }

  hasMessage(name: string): boolean {
    return this.inner.hasMessage(name);
  }

  request(...args: Parameters<LbApi['request']>): ReturnType<LbApi['request']> {
    this.most = Math.max(this.most, ++this.inFlight);
    return this.inner.request(...args).finally(() => this.inFlight--);
  }

  dump(...args: Parameters<LbApi['dump']>): ReturnType<LbApi['dump']> {
    return this.inner.dump(...args);
  }
}

// ---- random configs and health, for the property tests ----------------------------------------

export const V4 = ['10.0.0.1', '10.0.0.2', '10.0.0.10', '10.1.0.1', '9.9.9.9'];
export const V6 = ['2001:db8::a', '2001:db8::b', '2001:db8::1:0', '2001:db8::10'];
export const BACKENDS = [
  ...V4.map((a, i) => backend(`v4-${i}`, a)),
  ...V6.map((a, i) => backend(`v6-${i}`, a)),
];
export const VIP_ADDRESSES = ['192.0.2.1', '192.0.2.2', '2001:db8:f::1'];

export const arbFrontend = fc.record({
  vip: fc.integer({ min: 0, max: VIP_ADDRESSES.length - 1 }),
  protocol: fc.constantFrom('tcp' as const, 'udp' as const),
  port: fc.constantFrom(53, 80, 443),
  pools: fc.array(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 100 })), { minLength: 1, maxLength: 4 }),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  srcIpSticky: fc.boolean(),
  flushOnDown: fc.boolean(),
  flowTableLength: fc.constantFrom(512, 1024),
});

// Per VIP address one backend family and one port style: config validation guarantees both.
export const arbConfig = fc.record({
  frontends: fc.array(arbFrontend, { maxLength: 5 }),
  familyOfVip: fc.array(fc.constantFrom(4, 6), { minLength: 3, maxLength: 3 }),
  allPortsOfVip: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
});

export type ConfigSpec = typeof arbConfig extends fc.Arbitrary<infer T> ? T : never;

export function buildConfig(spec: ConfigSpec): MaglevConfig {
  const frontends: FrontendConfig[] = spec.frontends.map((f, i) => {
    const family = spec.familyOfVip[f.vip] ?? 4;
    const names = family === 4 ? V4.map((_, j) => `v4-${j}`) : V6.map((_, j) => `v6-${j}`);
    return frontend(`fe${i}`, {
      address: VIP_ADDRESSES[f.vip] ?? '192.0.2.1',
      protocol: spec.allPortsOfVip[f.vip] ? 'any' : f.protocol,
      port: f.port,
      pools: f.pools.map((members, p) => [
        `pool${p}`,
        Object.fromEntries(members.map(([n, w]) => [names[n % names.length] ?? 'none', w])),
      ]),
      srcIpSticky: f.srcIpSticky,
      flushOnDown: f.flushOnDown,
      flowTableLength: f.flowTableLength,
    });
  });
  return config({ backends: BACKENDS, frontends: frontends });
}

export const arbStates = fc.array(fc.constantFrom(...BACKEND_STATES), {
  minLength: BACKENDS.length,
  maxLength: BACKENDS.length,
});

export function stateMap(list: BackendState[]): Record<string, BackendState> {
  return Object.fromEntries(BACKENDS.map((b, i) => [b.name, list[i] ?? 'unknown']));
}

const STAGE_ORDER: readonly LbOpStage[] = [
  'teardown-ases',
  'teardown-vip',
  'vip-add',
  'as-add',
  'weight-raise',
  'weight-lower',
  'as-del',
];

/** A stage's place in a VIP's sequence (plan.ts, LbOpStage). */
export function stageRank(stage: LbOpStage): number {
  return STAGE_ORDER.indexOf(stage);
}
