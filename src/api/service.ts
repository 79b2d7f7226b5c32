// The maglev.Maglev handlers: validate the request, ask the backend, convert the answer, map
// failures to statuses. WatchEvents sessions are tracked so shutdown can end them first.

import {
  Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  type handleUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { Clock } from '../clock/index.js';
import { InvalidArgumentError, NotFoundError, UnavailableError } from '../errors.js';
import type { Logger } from '../log/index.js';
import type { MaglevApiBackend, PreviewChangeInput, SetWeightInput, VppApiBackend } from './backend.js';
import * as convert from './convert.js';
import type {
  Event,
  MaglevServer,
  PreviewChangeRequest,
  SetWeightRequest,
  WatchRequest,
} from './gen/maglev.js';
import { statusOf, toServiceError } from './status.js';
import { WatchSession, watchFilter } from './watch.js';

export interface MaglevServiceOptions {
  backend: MaglevApiBackend;
  logger: Logger;
  clock: Clock;
  /** Events a WatchEvents subscriber may fall behind by before it is cut off. */
  watchQueueLimit: number;
}

/** Counters the metrics module (and tests) read. */
export interface MaglevServiceStats {
  /** WatchEvents streams open now. */
  watchers: number;
  /** WatchEvents subscribers cut off with RESOURCE_EXHAUSTED since start. */
  watchOverflows: number;
}

export interface MaglevServiceImpl {
  handlers: MaglevServer;
  stats(): MaglevServiceStats;
  /** Ends every WatchEvents stream with the given status (shutdown). */
  endWatchers(code: number, details: string): void;
}

const MAX_WEIGHT = 100;

const PREVIEW_ACTIONS = {
  pauseBackend: 'pause',
  resumeBackend: 'resume',
  enableBackend: 'enable',
  disableBackend: 'disable',
} as const;

export function createMaglevService(opts: MaglevServiceOptions): MaglevServiceImpl {
  const { backend, logger, clock } = opts;
  const sessions = new Set<WatchSession>();
  let overflows = 0;

  /** Runs a possibly-async handler body and answers with its result or its mapped error. */
  function unary<Req, Res>(
    method: string,
    body: (req: Req) => Res | Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      void (async () => {
        try {
          callback(null, await body(call.request));
        } catch (err) {
          const s = statusOf(err);
          if (s.internal) logger.error('grpc-error', { method, peer: call.getPeer(), error: s.details });
          callback(toServiceError(err));
        }
      })();
    };
  }

  function requireName(kind: string, name: string): void {
    if (name === '') throw new InvalidArgumentError(`${kind} name is required`);
  }

  function frontend(name: string) {
    requireName('frontend', name);
    const f = backend.frontend(name);
    if (!f) throw new NotFoundError('frontend', name);
    return f;
  }

  function knownBackend(name: string) {
    requireName('backend', name);
    const b = backend.backend(name);
    if (!b) throw new NotFoundError('backend', name);
    return b;
  }

  function vpp(): VppApiBackend {
    const v = backend.vpp();
    if (!v) throw new UnavailableError('VPP integration is not connected');
    return v;
  }

  function action(method: string, act: (name: string) => ReturnType<MaglevApiBackend['pauseBackend']>) {
    return unary(method, async (req: { name: string }) => {
      knownBackend(req.name);
      return convert.backendInfo(await act(req.name));
    });
  }

  function watchEvents(call: ServerWritableStream<WatchRequest, Event>): void {
    let filter;
    try {
      filter = watchFilter(call.request);
    } catch (err) {
      call.emit('error', toServiceError(err));
      return;
    }
    const session = new WatchSession(call, filter, opts.watchQueueLimit, {
      onOverflow: (s, queued) => {
        overflows++;
        logger.warn('watch-overflow', { peer: s.peer, queued, limit: opts.watchQueueLimit });
      },
      onClose: (s) => {
        sessions.delete(s);
      },
    });
    sessions.add(session);
    logger.debug('watch-start', { peer: session.peer, ...describeFilter(filter) });
    // Headers now, not with the first event: a client knows the subscription is live even when
    // nothing happens for a while.
    call.sendMetadata(new Metadata());
    session.start(backend, clock);
  }

  const handlers: MaglevServer = {
    listFrontends: unary('ListFrontends', (req) => {
      const all = backend.frontends();
      return { names: all.map((f) => f.name), frontends: req.namesOnly ? [] : all.map(convert.frontendInfo) };
    }),
    getFrontend: unary('GetFrontend', (req) => convert.frontendInfo(frontend(req.name))),
    listBackends: unary('ListBackends', (req) => {
      const all = backend.backends();
      return { names: all.map((b) => b.name), backends: req.namesOnly ? [] : all.map(convert.backendInfo) };
    }),
    getBackend: unary('GetBackend', (req) => convert.backendInfo(knownBackend(req.name))),
    pauseBackend: action('PauseBackend', (n) => backend.pauseBackend(n)),
    resumeBackend: action('ResumeBackend', (n) => backend.resumeBackend(n)),
    enableBackend: action('EnableBackend', (n) => backend.enableBackend(n)),
    disableBackend: action('DisableBackend', (n) => backend.disableBackend(n)),
    listHealthChecks: unary('ListHealthChecks', (req) => {
      const all = backend.healthChecks();
      return {
        names: all.map((h) => h.config.name),
        healthchecks: req.namesOnly ? [] : all.map(convert.healthCheckInfo),
      };
    }),
    getHealthCheck: unary('GetHealthCheck', (req) => {
      requireName('health check', req.name);
      const hc = backend.healthCheck(req.name);
      if (!hc) throw new NotFoundError('health check', req.name);
      return convert.healthCheckInfo(hc);
    }),
    setFrontendPoolBackendWeight: unary('SetFrontendPoolBackendWeight', async (req) =>
      convert.frontendInfo(await backend.setPoolBackendWeight(weightInput(req))),
    ),
    watchEvents,
    checkConfig: unary('CheckConfig', async (req) => {
      const candidate =
        req.candidateYaml === ''
          ? undefined
          : { yaml: req.candidateYaml, name: req.candidateName === '' ? 'candidate' : req.candidateName };
      return convert.checkConfigResponse(await backend.checkConfig(candidate));
    }),
    reloadConfig: unary('ReloadConfig', async () =>
      convert.reloadConfigResponse(await backend.reloadConfig()),
    ),
    getVppInfo: unary('GetVPPInfo', async () => convert.vppInfo(await vpp().info())),
    getVpplbState: unary('GetVPPLBState', async () => convert.vppLbState(await vpp().lbState())),
    syncVpplbState: unary('SyncVPPLBState', async (req) => {
      const v = vpp();
      if (req.frontend !== '') frontend(req.frontend);
      return convert.syncResponse(await v.sync(req.frontend === '' ? undefined : req.frontend));
    }),
    getVpplbCounters: unary('GetVPPLBCounters', async () => convert.vppLbCounters(await vpp().counters())),
    getAnnouncements: unary('GetAnnouncements', () => convert.announcements(backend.announcements?.())),
    previewChange: unary('PreviewChange', async (req) => {
      const change = req.change;
      if (!change) throw new InvalidArgumentError('change is required: name the action to preview');
      return convert.changePreview(await backend.previewChange(previewInput(change)));
    }),
  };

  /** A weight change as the action validates it (its dry run validates it the same way). */
  function weightInput(req: SetWeightRequest): SetWeightInput {
    if (!Number.isInteger(req.weight) || req.weight < 0 || req.weight > MAX_WEIGHT)
      throw new InvalidArgumentError(`weight ${req.weight} is outside 0..${MAX_WEIGHT}`);
    const f = frontend(req.frontend);
    requireName('pool', req.pool);
    requireName('backend', req.backend);
    const pool = f.pools.find((p) => p.name === req.pool);
    if (!pool) throw new NotFoundError(`pool of frontend "${f.name}"`, req.pool);
    if (!pool.backends.some((b) => b.name === req.backend))
      throw new NotFoundError(`backend in pool "${pool.name}" of frontend "${f.name}"`, req.backend);
    return {
      frontend: req.frontend,
      pool: req.pool,
      backend: req.backend,
      weight: req.weight,
      flush: req.flush,
    };
  }

  /** The preview's input, after the checks its action's own handler makes. */
  function previewInput(change: NonNullable<PreviewChangeRequest['change']>): PreviewChangeInput {
    switch (change.$case) {
      case 'pauseBackend':
      case 'resumeBackend':
      case 'enableBackend':
      case 'disableBackend': {
        knownBackend(change.value.name);
        const action = PREVIEW_ACTIONS[change.$case];
        return { kind: 'backend-action', action, backend: change.value.name };
      }
      case 'setWeight':
        return { kind: 'set-weight', input: weightInput(change.value) };
      case 'syncVppLbState':
        vpp();
        if (change.value.frontend !== '') frontend(change.value.frontend);
        return { kind: 'sync', frontend: change.value.frontend === '' ? undefined : change.value.frontend };
    }
  }

  return {
    handlers,
    stats: () => ({ watchers: sessions.size, watchOverflows: overflows }),
    endWatchers(code, details) {
      for (const s of [...sessions]) s.end(code, details);
    },
  };
}

function describeFilter(f: ReturnType<typeof watchFilter>): Record<string, unknown> {
  return {
    log: f.log,
    logLevel: f.logLevel,
    backend: f.backend,
    frontend: f.frontend,
    backendNames: [...f.backendNames],
    frontendNames: [...f.frontendNames],
    probeSummaryMs: f.probeSummaryMs,
    announcement: f.announcement,
  };
}
