// Plumbing for the syncer tests: a health source the test drives by hand (events are emitted the
// way the checker emits them: once per frontend using the backend), a connection wrapper that
// can make chosen lb messages fail, and the usual config.

import type { MaglevConfig } from '../../src/config/types.js';
import type { HealthEvent, SyncerConnection, SyncerSource } from '../../src/dataplane/index.js';
import type { BackendState } from '../../src/health/index.js';
import { VppApiError, type LbApi, type VppConnection } from '../../src/vpp/index.js';
import { backend, config, frontend } from './fixtures.js';

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

/** The live connection, with a switch that makes lb messages fail as VPP would refuse them. */
export class FlakyConnection implements SyncerConnection {
  /** msg name → retval to answer with. */
  readonly failing = new Map<string, number>();
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
        request: (name, fields, opts) => {
          const retval = fail.get(name);
          if (retval !== undefined) return Promise.reject(new VppApiError(name, retval));
          return c.request(name, fields, opts);
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
  const base = config(
    [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')],
    [
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
  );
  return {
    ...base,
    vpp: {
      lb: {
        ...base.vpp.lb,
        ipv4SrcAddress: SRC4,
        ipv6SrcAddress: SRC6,
        startupMinDelayMs: 0,
        startupMaxDelayMs: 0,
        ...lb,
      },
    },
  };
}

export const WEB = '192.0.2.1/32 6:80';
export const DNS = '192.0.2.2/32 17:53';
