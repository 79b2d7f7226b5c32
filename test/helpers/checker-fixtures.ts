// Builders and fakes shared by the checker tests: configs from a few lines and a scripted ProbeFn.

import type {
  BackendConfig,
  FrontendConfig,
  HealthCheckConfig,
  MaglevConfig,
} from '../../src/config/types.js';
import type { Clock } from '../../src/clock/index.js';
import type { ProbeResult } from '../../src/health/index.js';
import type { ProbeFn, ProbeRequest } from '../../src/probe/types.js';

export function healthcheck(name: string, over: Partial<HealthCheckConfig> = {}): HealthCheckConfig {
  return {
    name,
    type: 'tcp',
    port: 80,
    intervalMs: 2000,
    fastIntervalMs: 2000,
    downIntervalMs: 2000,
    timeoutMs: 1000,
    rise: 2,
    fall: 3,
    probeIpv4Src: undefined,
    probeIpv6Src: undefined,
    params: {
      path: '/',
      host: undefined,
      responseCode: { min: 200, max: 399 },
      responseRegexp: undefined,
      serverName: undefined,
      insecureSkipVerify: false,
      ssl: false,
    },
    ...over,
  };
}

export function backend(name: string, address: string, over: Partial<BackendConfig> = {}): BackendConfig {
  return {
    name,
    address,
    family: address.includes(':') ? 6 : 4,
    healthcheck: 'hc',
    enabled: true,
    ...over,
  };
}

/** pools: one record per pool, backend name → weight. */
export function frontend(
  name: string,
  pools: Array<Record<string, number>>,
  flushOnDown = true,
): FrontendConfig {
  return {
    name,
    address: '192.0.2.1',
    family: 4,
    protocol: 'tcp',
    port: 80,
    description: '',
    pools: pools.map((p, i) => ({
      name: `pool${i}`,
      backends: new Map(Object.entries(p).map(([n, w]) => [n, { weight: w }])),
    })),
    srcIpSticky: false,
    flushOnDown,
    flowTableLength: 1024,
  };
}

export function config(parts: {
  healthchecks?: HealthCheckConfig[];
  backends: BackendConfig[];
  frontends: FrontendConfig[];
  netns?: string;
  history?: number;
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
      },
    },
    healthchecks: new Map((parts.healthchecks ?? [healthcheck('hc')]).map((h) => [h.name, h])),
    backends: new Map(parts.backends.map((b) => [b.name, b])),
    frontends: new Map(parts.frontends.map((f) => [f.name, f])),
  };
}

export const PASS: ProbeResult = { ok: true, layer: 'L4', code: 'L4OK', detail: 'connected', durationMs: 1 };
export const FAIL: ProbeResult = {
  ok: false,
  layer: 'L4',
  code: 'L4CON',
  detail: 'connect ECONNREFUSED',
  durationMs: 1,
};

export interface ProbeCall {
  address: string;
  /** clock.monotonic() when the probe was called. */
  at: number;
  req: ProbeRequest;
}

/**
 * A ProbeFn whose results come from per-address scripts ('p' pass, 'f' fail; pass once the
 * script runs out), or, for an address put on hold, from a promise the test settles.
 */
export class ScriptedProbe {
  readonly calls: ProbeCall[] = [];
  private readonly scripts = new Map<string, ProbeResult[]>();
  private readonly held = new Set<string>();
  private readonly waiting: Array<{ address: string; resolve: (r: ProbeResult) => void }> = [];

  constructor(private readonly clock: Clock) {}

  script(address: string, steps: string): void {
    const list = this.scripts.get(address) ?? [];
    for (const c of steps) list.push(c === 'p' ? PASS : FAIL);
    this.scripts.set(address, list);
  }

  /** Probes of this address stay in flight until release() (or until aborted: then a timeout). */
  hold(address: string): void {
    this.held.add(address);
  }

  release(address: string, result: ProbeResult): void {
    this.held.delete(address);
    for (const w of this.waiting.splice(0)) {
      if (w.address === address) w.resolve(result);
      else this.waiting.push(w);
    }
  }

  callsTo(address: string): number[] {
    return this.calls.filter((c) => c.address === address).map((c) => c.at);
  }

  readonly fn: ProbeFn = (req) => {
    this.calls.push({ address: req.address, at: this.clock.monotonic(), req });
    if (this.held.has(req.address)) {
      return new Promise<ProbeResult>((resolve) => {
        this.waiting.push({ address: req.address, resolve });
        req.signal?.addEventListener('abort', () =>
          resolve({ ok: false, layer: 'L4', code: 'L4TOUT', detail: 'aborted', durationMs: 0 }),
        );
      });
    }
    return Promise.resolve(this.scripts.get(req.address)?.shift() ?? PASS);
  };
}
