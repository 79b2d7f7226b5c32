// A scripted MaglevApiBackend for the API tests: fixed frontends, backends and health checks,
// actions that change state the way the checker would, and hooks to emit events and logs.

import type {
  ApiEvent,
  BackendView,
  ChangePreviewView,
  ConfigCandidate,
  ConfigCheckResult,
  ConfigReloadResult,
  FrontendView,
  HealthCheckView,
  MaglevApiBackend,
  PreviewChangeInput,
  SetWeightInput,
  VppApiBackend,
} from '../../src/api/index.js';
import type { HealthCheckConfig } from '../../src/config/types.js';
import { ProbeFeed } from '../../src/checker/index.js';
import { FailedPreconditionError, NotFoundError } from '../../src/errors.js';
import type { BackendState, Transition } from '../../src/health/types.js';
import { LogBroadcaster } from '../../src/log/index.js';
import { broadcastOnlyLogger } from './logger.js';

export const T0 = Date.UTC(2026, 3, 15, 12, 0, 0);

const http: HealthCheckConfig = {
  name: 'http',
  type: 'http',
  port: 80,
  intervalMs: 2000,
  fastIntervalMs: 500,
  downIntervalMs: 10_000,
  timeoutMs: 1500,
  rise: 2,
  fall: 3,
  probeIpv4Src: '192.0.2.254',
  probeIpv6Src: undefined,
  params: {
    path: '/healthz',
    host: 'www.example',
    responseCode: { min: 200, max: 299 },
    responseRegexp: 'ok',
    serverName: undefined,
    insecureSkipVerify: false,
    ssl: false,
    halfOpen: false,
    tlsSessionReuse: false,
    resetClose: false,
  },
};

function transition(
  from: BackendState,
  to: BackendState,
  at: number,
  code: Transition['code'],
  detail = '',
): Transition {
  return { from, to, at, code, detail };
}

/** A preview as maglevd would give it for disabling nginx0-ams (web-v4's only backend up). */
export const SAMPLE_PREVIEW: ChangePreviewView = {
  backends: [{ backend: 'nginx0-ams', from: 'up', to: 'disabled', detail: 'disabled by operator' }],
  frontends: [{ frontend: 'web-v4', from: 'up', to: 'down' }],
  vppOps: [
    {
      op: 'as-weight',
      frontend: 'web-v4',
      prefix: '198.51.100.1/32',
      protocol: 'tcp',
      port: 80,
      address: '192.0.2.10',
      weight: 0,
      flush: true,
    },
  ],
  vips: [
    {
      frontend: 'web-v4',
      prefix: '198.51.100.1/32',
      protocol: 'tcp',
      port: 80,
      flowTableLength: 1024,
      bucketsMoved: 1024,
      lbApiVersion: '1.2.0',
      recreated: false,
      ases: [
        {
          address: '192.0.2.10',
          backend: 'nginx0-ams',
          weightBefore: 100,
          weightAfter: 0,
          bucketsBefore: 1024,
          bucketsAfter: 0,
        },
      ],
    },
  ],
  vppRead: true,
  notes: [],
};

export class FakeBackend implements MaglevApiBackend {
  readonly logs = new LogBroadcaster();
  /** Finished probes: tests publish here, as the checker's workers do in maglevd. */
  readonly probes = new ProbeFeed();
  /** Daemon log level error: what subscribers get must not depend on it. */
  readonly logger = broadcastOnlyLogger(this.logs);
  readonly calls: string[] = [];
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  vppBackend: VppApiBackend | undefined;
  checkResult: ConfigCheckResult = { ok: true, warnings: [] };
  reloadResult: ConfigReloadResult = { ok: true };

  readonly backendMap = new Map<string, BackendView>([
    [
      'nginx0-ams',
      {
        name: 'nginx0-ams',
        address: '192.0.2.10',
        family: 4,
        state: 'up',
        counter: 4,
        rise: 2,
        fall: 3,
        enabled: true,
        healthcheck: 'http',
        transitions: [transition('unknown', 'up', T0, 'L7OK', 'status 200')],
        frontends: ['web-v4'],
      },
    ],
    [
      'nginx0-fra',
      {
        name: 'nginx0-fra',
        address: '192.0.2.11',
        family: 4,
        state: 'down',
        counter: 0,
        rise: 2,
        fall: 3,
        enabled: true,
        healthcheck: 'http',
        transitions: [
          transition('up', 'down', T0 + 5000, 'L4CON', 'connect ECONNREFUSED'),
          transition('unknown', 'up', T0, 'L7OK', 'status 200'),
        ],
        frontends: ['web-v4'],
      },
    ],
    [
      'nginx0-zrh',
      {
        name: 'nginx0-zrh',
        address: '192.0.2.12',
        family: 4,
        state: 'up',
        counter: 4,
        rise: 2,
        fall: 3,
        enabled: true,
        healthcheck: undefined,
        transitions: [],
        frontends: ['web-v4'],
      },
    ],
    [
      'nginx6',
      {
        name: 'nginx6',
        address: '2001:db8::10',
        family: 6,
        state: 'unknown',
        counter: 1,
        rise: 2,
        fall: 3,
        enabled: true,
        healthcheck: 'http',
        transitions: [],
        frontends: ['web-v6'],
      },
    ],
  ]);

  readonly weights = new Map<string, number>([
    ['web-v4/primary/nginx0-ams', 100],
    ['web-v4/primary/nginx0-fra', 50],
    ['web-v4/fallback/nginx0-zrh', 100],
    ['web-v6/primary/nginx6', 100],
  ]);

  frontends(): readonly FrontendView[] {
    return [this.view('web-v4'), this.view('web-v6')];
  }

  frontend(name: string): FrontendView | undefined {
    return name === 'web-v4' || name === 'web-v6' ? this.view(name) : undefined;
  }

  backends(): readonly BackendView[] {
    return [...this.backendMap.values()];
  }

  backend(name: string): BackendView | undefined {
    return this.backendMap.get(name);
  }

  healthChecks(): readonly HealthCheckView[] {
    return [{ config: http, backends: ['nginx0-ams', 'nginx0-fra', 'nginx6'] }];
  }

  healthCheck(name: string): HealthCheckView | undefined {
    return name === 'http' ? this.healthChecks()[0] : undefined;
  }

  pauseBackend(name: string): BackendView {
    return this.act('pause', name, (b) => (b.state === 'paused' ? b : this.move(b, 'paused', 'paused')));
  }

  resumeBackend(name: string): BackendView {
    return this.act('resume', name, (b) => {
      if (b.state !== 'paused') throw new FailedPreconditionError(`backend "${name}" is not paused`);
      return this.move(b, 'unknown', 'resumed');
    });
  }

  enableBackend(name: string): Promise<BackendView> {
    return Promise.resolve(
      this.act('enable', name, (b) =>
        b.state === 'disabled' ? { ...this.move(b, 'unknown', 'enabled'), enabled: true } : b,
      ),
    );
  }

  disableBackend(name: string): BackendView {
    return this.act('disable', name, (b) => ({ ...this.move(b, 'disabled', 'disabled'), enabled: false }));
  }

  setPoolBackendWeight(input: SetWeightInput): FrontendView {
    this.calls.push(
      `weight ${input.frontend}/${input.pool}/${input.backend}=${input.weight}${input.flush ? ' flush' : ''}`,
    );
    this.weights.set(`${input.frontend}/${input.pool}/${input.backend}`, input.weight);
    return this.view(input.frontend);
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeLogs: MaglevApiBackend['subscribeLogs'] = (level, listener) =>
    this.logs.subscribe(level, listener);

  subscribeProbes: MaglevApiBackend['subscribeProbes'] = (listener) => this.probes.subscribe(listener);

  listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: ApiEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  checkConfig(candidate?: ConfigCandidate): Promise<ConfigCheckResult> {
    this.calls.push(candidate ? `check ${candidate.name} (${candidate.yaml.length} bytes)` : 'check');
    return Promise.resolve(this.checkResult);
  }

  /** What previewChange answers (after recording the change). */
  previewResult: ChangePreviewView = SAMPLE_PREVIEW;

  previewChange(change: PreviewChangeInput): Promise<ChangePreviewView> {
    this.calls.push(`preview ${JSON.stringify(change)}`);
    return Promise.resolve(this.previewResult);
  }

  reloadConfig(): Promise<ConfigReloadResult> {
    this.calls.push('reload');
    return Promise.resolve(this.reloadResult);
  }

  vpp(): VppApiBackend | undefined {
    return this.vppBackend;
  }

  private act(what: string, name: string, change: (b: BackendView) => BackendView): BackendView {
    this.calls.push(`${what} ${name}`);
    const b = this.backendMap.get(name);
    if (!b) throw new NotFoundError('backend', name);
    const next = change(b);
    this.backendMap.set(name, next);
    return next;
  }

  private move(b: BackendView, to: BackendState, code: Transition['code']): BackendView {
    const t = transition(b.state, to, T0 + 60_000, code);
    for (const frontend of b.frontends) {
      this.emit({ type: 'backend-transition', frontend, backend: b.name, address: b.address, transition: t });
    }
    return { ...b, state: to, transitions: [t, ...b.transitions] };
  }

  private view(name: string): FrontendView {
    const pb = (pool: string, backend: string, inActive: boolean) => {
      const b = this.backendMap.get(backend);
      if (!b) throw new Error(`fake: no backend ${backend}`);
      const weight = this.weights.get(`${name}/${pool}/${backend}`) ?? 0;
      const up = b.state === 'up';
      return {
        name: backend,
        address: b.address,
        weight,
        effectiveWeight: up && inActive ? weight : 0,
        flush: b.state === 'down' || b.state === 'disabled',
        state: b.state,
        enabled: b.enabled,
        lastTransitionAt: b.transitions[0]?.at,
        predictedBuckets: up && inActive && weight > 0 ? 512 : 0,
      };
    };
    if (name === 'web-v4') {
      return {
        name,
        address: '198.51.100.1',
        family: 4,
        protocol: 'tcp',
        port: 80,
        description: 'IPng website',
        srcIpSticky: false,
        flushOnDown: true,
        flowTableLength: 1024,
        pools: [
          {
            name: 'primary',
            backends: [pb('primary', 'nginx0-ams', true), pb('primary', 'nginx0-fra', true)],
          },
          { name: 'fallback', backends: [pb('fallback', 'nginx0-zrh', false)] },
        ],
        state: 'up',
        activePool: 0,
        stateSince: T0,
      };
    }
    return {
      name,
      address: '2001:db8:1::1',
      family: 6,
      protocol: 'any',
      port: 0,
      description: '',
      srcIpSticky: true,
      flushOnDown: false,
      flowTableLength: 2048,
      pools: [{ name: 'primary', backends: [pb('primary', 'nginx6', false)] }],
      state: 'unknown',
      activePool: -1,
    };
  }
}
