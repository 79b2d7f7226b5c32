// The MaglevApiBackend of a running maglevd: reads and operator actions go to the Checker (the
// one owner of backend health and the runtime config), effective weights come from the health
// module's pure frontend view, bucket predictions from the Maglev table of the dataplane's
// desired VIP, config check/reload from the daemon's shared code path, VPP from the syncer when
// there is one. Previews (dry runs) go through the same refusals as the actions they preview,
// then Checker.whatIf and the syncer's preview (checker-preview.ts).

import type { AnnounceEvent, AnnouncementsSnapshot, FrontendAnnouncementState } from '../announce/index.js';
import type { BackendActionName, Checker, CheckerEvent, ProbeFeed, Subscription } from '../checker/index.js';
import type { FrontendConfig, MaglevConfig } from '../config/types.js';
import { desiredVip } from '../dataplane/index.js';
import { FailedPreconditionError, NotFoundError, UnavailableError } from '../errors.js';
import { frontendWeights, type BackendState } from '../health/index.js';
import type { LogBroadcaster } from '../log/index.js';
import { bucketCounts, buildTable, type Generation } from '../maglev/index.js';
import { canonicalIp } from '../net/ip-address.js';
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
  PoolBackendView,
  PreviewChangeInput,
  SetWeightInput,
  VppApiBackend,
} from './backend.js';
import { previewHypothesis, type SyncPreviewFn } from './checker-preview.js';

/** The daemon's check/reload outcome (structurally; the API does not import the daemon). */
export interface ConfigOutcomeLike {
  ok: boolean;
  kind?: 'parse' | 'semantic' | undefined;
  errors: readonly string[];
  warnings: readonly string[];
  /** A check's valid configuration (what a reload to it would apply). */
  config?: MaglevConfig | undefined;
}

export interface CheckerBackendOptions {
  checker: Checker;
  /** The logger's broadcaster: WatchEvents log subscribers hang off it. */
  logs: LogBroadcaster;
  /**
   * Every finished probe: WatchEvents subscribers that asked for probe summaries hang off it.
   * Without one (tests that do not care) summaries stay empty.
   */
  probes?: ProbeFeed;
  /** `--check` / CheckConfig: validate the file on disk, or a candidate. */
  check(candidate?: ConfigCandidate): Promise<ConfigOutcomeLike>;
  /** SIGHUP / ReloadConfig: validate and apply; a throw is reported as apply_error. */
  reload(): Promise<ConfigOutcomeLike>;
  /** The VPP side, undefined while VPP integration is off or absent. */
  vpp?: () => VppApiBackend | undefined;
  /** What the syncer would send for a change (previews); undefined while VPP integration is off. */
  syncPreview?: SyncPreviewFn | undefined;
  /** After a weight change, e.g. the immediate per-VIP sync (with the flush the operator asked). */
  afterSetWeight?: (input: SetWeightInput) => void | Promise<void>;
  /** lb API generation the predictions model; default 'master' (weights). */
  generation?: () => Generation;
  /** Buckets VPP reports per canonical AS address for a frontend's VIP, when known. */
  vppBucketsOf?: (frontend: string) => ReadonlyMap<string, number> | undefined;
  /** The announcer, when maglev.announce is set: its snapshot and its events. */
  announcements?: {
    snapshot(): AnnouncementsSnapshot;
    readonly events: { add(listener: (e: AnnounceEvent) => void): () => void };
  };
}

export interface CheckerBackend extends MaglevApiBackend {
  /** Stops following the checker (state_since tracking). */
  close(): void;
}

/** ConfigOutcome → the check response: errors go to the field their kind names. */
export function configCheckResult(o: ConfigOutcomeLike): ConfigCheckResult {
  const text = o.errors.join('\n');
  return {
    ok: o.ok,
    parseError: !o.ok && o.kind === 'parse' ? text : undefined,
    semanticError: !o.ok && o.kind !== 'parse' ? text : undefined,
    warnings: [...o.warnings],
  };
}

/** Large: our listener never blocks, so the checker's queue only holds one synchronous burst. */
const CHECKER_QUEUE = 100_000;

export function createCheckerBackend(opts: CheckerBackendOptions): CheckerBackend {
  const { checker } = opts;
  const stateSince = new Map<string, number>();
  const predictionCache = new Map<
    string,
    {
      /** What the desired VIP was worked out from. */
      config: MaglevConfig;
      generation: Generation;
      states: string;
      /** The Maglev table's inputs: a new config with the same ones keeps the counts. */
      key: string;
      counts: ReadonlyMap<string, number>;
    }
  >();

  const tracking: Subscription = checker.subscribe(
    (e) => {
      if (e.kind === 'frontend' && e.from !== e.to) stateSince.set(e.frontend, e.at);
    },
    { maxQueue: CHECKER_QUEUE },
  );

  const stateOf = (name: string): BackendState => checker.stateOf(name) ?? 'unknown';

  function frontendsOf(cfg: MaglevConfig): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const fe of cfg.frontends.values()) {
      for (const pool of fe.pools) {
        for (const name of pool.backends.keys()) {
          const list = map.get(name) ?? [];
          if (!list.includes(fe.name)) list.push(fe.name);
          map.set(name, list);
        }
      }
    }
    return map;
  }

  function backendView(name: string, usedBy: Map<string, string[]>): BackendView | undefined {
    const s = checker.backend(name);
    if (!s) return undefined;
    return { ...s, frontends: usedBy.get(name) ?? [] };
  }

  /**
   * Buckets per canonical AS address of the frontend's VIP at its current effective weights.
   * The desired VIP follows from the config and the states of the frontend's backends alone, so
   * while neither changed (the config is replaced, never changed in place) the last answer stands
   * without working the VIP out again: a dashboard lists every frontend at every refresh.
   */
  function predictedBuckets(fe: FrontendConfig, cfg: MaglevConfig): ReadonlyMap<string, number> {
    const generation = opts.generation?.() ?? 'master';
    const states = fe.pools.map((pool) => [...pool.backends.keys()].map(stateOf).join()).join('|');
    const cached = predictionCache.get(fe.name);
    if (cached?.config === cfg && cached.generation === generation && cached.states === states)
      return cached.counts;
    const vip = desiredVip(fe, cfg.backends, stateOf);
    const ases = [...vip.ases].map(([address, as]) => ({ address, weight: as.weight }));
    const key = `${generation}|${vip.flowTableLength}|${ases.map((a) => `${a.address}=${a.weight}`).join(',')}`;
    const counts =
      cached?.key === key
        ? cached.counts
        : (() => {
            const buckets = bucketCounts(buildTable(generation, ases, vip.flowTableLength), ases.length);
            return new Map(ases.map((a, i) => [a.address, buckets[i] ?? 0]));
          })();
    predictionCache.set(fe.name, { config: cfg, generation, states, key, counts });
    return counts;
  }

  /** Each frontend's announcement, read once per request. */
  function announcementsByFrontend(): ReadonlyMap<string, FrontendAnnouncementState> {
    return new Map(opts.announcements?.snapshot().frontends.map((f) => [f.frontend, f]) ?? []);
  }

  function frontendView(
    fe: FrontendConfig,
    cfg: MaglevConfig,
    announced = announcementsByFrontend(),
  ): FrontendView {
    const { plan, pools: weights } = frontendWeights(fe, stateOf);
    const predicted = predictedBuckets(fe, cfg);
    const live = opts.vppBucketsOf?.(fe.name);
    return {
      name: fe.name,
      address: fe.address,
      family: fe.family,
      protocol: fe.protocol,
      port: fe.port,
      description: fe.description,
      srcIpSticky: fe.srcIpSticky,
      flushOnDown: fe.flushOnDown,
      flowTableLength: fe.flowTableLength,
      state: checker.frontendState(fe.name) ?? 'unknown',
      activePool: plan.active,
      stateSince: stateSince.get(fe.name),
      vppBucketsKnown: live !== undefined,
      panicThreshold: fe.panicThreshold,
      panic: plan.panic,
      announcement: announced.get(fe.name),
      pools: fe.pools.map((pool, index) => ({
        name: pool.name,
        backends: [...pool.backends].map(([name, settings]): PoolBackendView => {
          const snap = checker.backend(name);
          const state = snap?.state ?? 'unknown';
          const eff = weights[index]?.get(name) ?? { weight: 0, flush: false };
          const address = snap?.address ?? cfg.backends.get(name)?.address ?? '';
          const canonical = address === '' ? '' : canonicalIp(address);
          return {
            name,
            address,
            weight: settings.weight,
            effectiveWeight: eff.weight,
            flush: eff.flush,
            state,
            enabled: snap?.enabled ?? false,
            lastTransitionAt: snap?.transitions[0]?.at,
            vppBuckets: live?.get(canonical),
            predictedBuckets: predicted.get(canonical),
            checkerFault: snap?.checkerFault?.reason,
          };
        }),
      })),
    };
  }

  function action(name: string, act: BackendActionName): BackendView {
    checkAction(name, act);
    checker[act](name);
    return backendView(name, frontendsOf(checker.config())) as BackendView;
  }

  async function previewChange(change: PreviewChangeInput): Promise<ChangePreviewView> {
    switch (change.kind) {
      case 'backend-action': {
        checkAction(change.backend, change.action);
        const h = checker.whatIf({ kind: 'backend-action', action: change.action, backend: change.backend });
        return previewHypothesis(checker, h, { kind: 'transitions' }, opts.syncPreview);
      }
      case 'set-weight': {
        const { frontend, pool, backend, weight, flush } = change.input;
        const h = checker.whatIf({ kind: 'set-weight', frontend, pool, backend, weight });
        const trigger = { kind: 'set-weight', request: { frontend, backend, flush } } as const;
        return previewHypothesis(checker, h, trigger, opts.syncPreview);
      }
      case 'sync': {
        if (!opts.syncPreview) throw new UnavailableError('VPP integration is not connected');
        const h = checker.whatIf({ kind: 'none' });
        const trigger = { kind: 'operator', frontend: change.frontend } as const;
        return previewHypothesis(checker, h, trigger, opts.syncPreview);
      }
    }
  }

  /** A reload to this config, previewed; a failure to preview never fails the check itself. */
  async function reloadPreview(
    config: MaglevConfig,
  ): Promise<{ preview?: ChangePreviewView; warning?: string }> {
    try {
      const h = checker.whatIf({ kind: 'reload', config });
      return { preview: await previewHypothesis(checker, h, { kind: 'reload' }, opts.syncPreview) };
    } catch (err) {
      return { warning: `no reload preview: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** The refusals of an action, shared by the action and its dry run. */
  function checkAction(name: string, action: BackendActionName): void {
    if (checker.stateOf(name) === undefined) throw new NotFoundError('backend', name);
    // Pause and resume of a disabled backend would be silent no-ops; say why instead.
    if (action === 'pause' || action === 'resume') refuseWhenDisabled(name, action);
  }

  function refuseWhenDisabled(name: string, what: string): void {
    if (checker.stateOf(name) === 'disabled')
      throw new FailedPreconditionError(`backend "${name}" is disabled: enable it before you ${what} it`);
  }

  function toApiEvent(e: CheckerEvent): ApiEvent {
    switch (e.kind) {
      case 'frontend':
        return { type: 'frontend-state', frontend: e.frontend, from: e.from, to: e.to, at: e.at };
      case 'backend':
        return {
          type: 'backend-transition',
          frontend: e.frontend,
          backend: e.backend,
          address: e.address,
          transition: e.transition,
        };
      case 'checker-fault': {
        const { kind: _kind, ...rest } = e;
        return { type: 'checker-fault', ...rest };
      }
      case 'panic': {
        const { up, eligible, threshold } = e.panic;
        return {
          type: 'panic',
          frontend: e.frontend,
          active: e.active,
          pool: e.pool,
          up,
          eligible,
          threshold,
          at: e.at,
        };
      }
    }
  }

  return {
    frontends() {
      const cfg = checker.config();
      const announced = announcementsByFrontend();
      return [...cfg.frontends.values()].map((fe) => frontendView(fe, cfg, announced));
    },
    frontend(name) {
      const cfg = checker.config();
      const fe = cfg.frontends.get(name);
      return fe ? frontendView(fe, cfg) : undefined;
    },
    backends() {
      const usedBy = frontendsOf(checker.config());
      return checker.backends().map((s) => ({ ...s, frontends: usedBy.get(s.name) ?? [] }));
    },
    backend(name) {
      return backendView(name, frontendsOf(checker.config()));
    },
    healthChecks() {
      const cfg = checker.config();
      return [...cfg.healthchecks.values()].map((hc): HealthCheckView => ({
        config: hc,
        backends: [...cfg.backends.values()].filter((b) => b.healthcheck === hc.name).map((b) => b.name),
      }));
    },
    healthCheck(name) {
      const cfg = checker.config();
      const hc = cfg.healthchecks.get(name);
      if (!hc) return undefined;
      return {
        config: hc,
        backends: [...cfg.backends.values()].filter((b) => b.healthcheck === name).map((b) => b.name),
      };
    },

    pauseBackend: (name) => action(name, 'pause'),
    resumeBackend: (name) => action(name, 'resume'),
    enableBackend: (name) => action(name, 'enable'),
    disableBackend: (name) => action(name, 'disable'),
    previewChange,

    async setPoolBackendWeight(input) {
      checker.setWeight(input.frontend, input.pool, input.backend, input.weight);
      await opts.afterSetWeight?.(input);
      const cfg = checker.config();
      return frontendView(checker.frontend(input.frontend), cfg);
    },

    subscribe(listener) {
      const sub = checker.subscribe((e) => listener(toApiEvent(e)), { maxQueue: CHECKER_QUEUE });
      const offAnnouncements = opts.announcements?.events.add((change) =>
        listener({ type: 'announcement', change }),
      );
      return () => {
        sub.unsubscribe();
        offAnnouncements?.();
      };
    },
    subscribeLogs: (level, listener) => opts.logs.subscribe(level, listener),
    subscribeProbes: (listener) => opts.probes?.subscribe(listener) ?? (() => undefined),

    async checkConfig(candidate) {
      const outcome = await opts.check(candidate);
      const result = configCheckResult(outcome);
      if (!outcome.ok || !outcome.config) return result;
      const { preview, warning } = await reloadPreview(outcome.config);
      return { ...result, preview, warnings: [...(result.warnings ?? []), ...(warning ? [warning] : [])] };
    },
    async reloadConfig(): Promise<ConfigReloadResult> {
      try {
        return configCheckResult(await opts.reload());
      } catch (err) {
        return { ok: false, applyError: err instanceof Error ? err.message : String(err) };
      }
    },

    vpp: () => opts.vpp?.(),
    announcements: () => opts.announcements?.snapshot(),

    close() {
      tracking.unsubscribe();
    },
  };
}
