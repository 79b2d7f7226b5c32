// The HTTP surface (docs/dashboard.md §HTTP surface), as a Hono app:
//   /healthz                      liveness of the dashboard itself
//   /view/                        the page, read-only, no auth
//   /view/api/{version,maglevds,state,state/:name}   JSON for hydration
//   /view/api/events              the SSE stream
//   /admin/                       the same page with actions, behind basic auth
//   /admin/api/...                the actions (and the weight preview): POST only, JSON only,
//                                 same-site only
// Admin actions are logged (who, what, outcome) as `admin-action`.

import { existsSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Clock } from '../clock/index.js';
import { RpcError } from '../errors.js';
import type { Logger } from '../log/index.js';
import { credentialsChecker, parseBasicAuth, REALM, type Credentials } from './auth.js';
import { crossSiteRefusal } from './cross-site.js';
import type { SseBroker } from './sse-broker.js';
import { openSseStream, type SseStream } from './sse-stream.js';
import { NOT_BUILT_HTML, PAGE_HEADERS, type WebAssets } from './static-files.js';
import type { MaglevdUpstream } from './upstream.js';
import type { AdminResultJson, BackendAction, DashboardStateJson, VersionJson } from './wire.js';

export interface AppDeps {
  upstreams: ReadonlyMap<string, MaglevdUpstream>;
  broker: SseBroker;
  clock: Clock;
  logger: Logger;
  version: VersionJson;
  web: WebAssets;
  /** Undefined: /admin/ is disabled. */
  admin: Credentials | undefined;
  /** Open SSE streams, so shutdown can end them. */
  streams: Set<SseStream>;
}

const BACKEND_ACTIONS: readonly BackendAction[] = ['pause', 'resume', 'enable', 'disable'];

/** A failed admin action's HTTP status, by the failure's code; 502 for whatever else maglevd said. */
function httpStatusOf(err: RpcError): ContentfulStatusCode {
  switch (err.code) {
    case 'not-found':
      return 404;
    case 'invalid-argument':
      return 400;
    case 'failed-precondition':
      return 409;
    case 'unavailable':
    case 'unreachable':
      return 503;
    case 'deadline':
      return 504;
    default:
      return 502;
  }
}

const WEIGHT_RANGE = 'weight must be an integer 0..100';

/** The body's weight when it is one maglevd would take; undefined otherwise. */
function weightOf(b: Record<string, unknown>): number | undefined {
  const w = b.weight;
  return typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 100 ? w : undefined;
}

export function dashboardState(deps: AppDeps): DashboardStateJson {
  return {
    eventId: deps.broker.lastId(),
    version: deps.version,
    admin: deps.admin !== undefined,
    maglevds: [...deps.upstreams.values()].map((u) => u.state()),
  };
}

/** Hono context variables: the authenticated admin user. */
type AdminEnv = { Variables: { user: string } };

export function createApp(deps: AppDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  const { upstreams, broker, logger } = deps;

  const page = (c: Context<AdminEnv>): Response => {
    for (const [k, v] of Object.entries(PAGE_HEADERS)) c.header(k, v);
    c.header('Cache-Control', 'no-cache');
    const html = deps.web.indexHtml();
    if (html === undefined) return c.html(NOT_BUILT_HTML, 503);
    return c.html(html);
  };
  // Created on first use once the page exists (serveStatic complains about a missing root).
  let serveAssets: MiddlewareHandler<AdminEnv> | undefined;
  const assets: MiddlewareHandler<AdminEnv> = (c, next) => {
    if (!serveAssets) {
      if (!existsSync(deps.web.root)) return next();
      serveAssets = serveStatic<AdminEnv>({
        root: deps.web.root,
        rewriteRequestPath: (path) => path.replace(/^\/(view|admin)/, ''),
        onFound: (path, ctx) => {
          ctx.header('X-Content-Type-Options', 'nosniff');
          // Hashed asset names change with every build: cache them for good, nothing else.
          ctx.header(
            'Cache-Control',
            /[/\\]assets[/\\]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    }
    return serveAssets(c, next);
  };

  app.get('/healthz', (c) => c.text('ok\n'));
  // Relative redirects keep working behind a reverse proxy that mounts the dashboard on a subpath.
  app.get('/', (c) => c.redirect('view/', 302));
  app.get('/view', (c) => c.redirect('view/', 301));
  app.get('/admin', (c) => c.redirect('admin/', 301));
  app.get('/favicon.ico', (c) => c.redirect('view/favicon.svg', 301));

  // --- read-only JSON -----------------------------------------------------------------------------
  app.get('/view/api/version', (c) => c.json(deps.version));
  app.get('/view/api/maglevds', (c) => c.json([...upstreams.values()].map((u) => u.statusJson())));
  app.get('/view/api/state', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(dashboardState(deps));
  });
  app.get('/view/api/state/:name', (c) => {
    const u = upstreams.get(c.req.param('name'));
    if (!u) return c.json({ error: `no maglevd "${c.req.param('name')}"` }, 404);
    c.header('Cache-Control', 'no-store');
    return c.json({ eventId: broker.lastId(), ...u.state() });
  });
  app.get('/view/api/events', (c) => {
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    const stream = openSseStream({
      broker,
      clock: deps.clock,
      lastEventId,
      onClose: () => deps.streams.delete(stream),
    });
    deps.streams.add(stream);
    return stream.response;
  });
  app.get('/view/', page);
  app.get('/view/*', assets);

  // --- admin --------------------------------------------------------------------------------------
  const check = deps.admin ? credentialsChecker(deps.admin) : undefined;
  app.use('/admin/*', async (c, next) => {
    if (!check)
      return c.text('the admin interface is not enabled (set MAGLEV_FRONTEND_USER and _PASSWORD)\n', 404);
    const given = parseBasicAuth(c.req.header('authorization'));
    if (!check(given)) {
      c.header('WWW-Authenticate', `Basic realm="${REALM}", charset="UTF-8"`);
      c.header('Cache-Control', 'no-store');
      return c.text('authentication required\n', 401);
    }
    c.set('user', given?.user ?? '');
    await next();
  });
  app.use('/admin/api/*', async (c, next) => {
    if (c.req.method !== 'POST') return c.json({ ok: false, error: 'use POST' }, 405);
    const refusal = crossSiteRefusal({
      secFetchSite: c.req.header('sec-fetch-site'),
      origin: c.req.header('origin'),
      host: c.req.header('x-forwarded-host') ?? c.req.header('host'),
    });
    if (refusal !== undefined) {
      logger.warn('admin-refused', { reason: refusal, path: c.req.path });
      return c.json({ ok: false, error: refusal }, 403);
    }
    // A cross-site form cannot send JSON without a CORS preflight, which this server never grants.
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      return c.json({ ok: false, error: 'send Content-Type: application/json' }, 415);
    }
    await next();
  });
  app.get('/admin/', page);
  app.get('/admin/*', assets);

  const act = async (
    c: Context<AdminEnv>,
    what: Record<string, unknown>,
    run: (u: MaglevdUpstream) => Promise<unknown>,
  ): Promise<Response> => {
    const name = c.req.param('maglevd') ?? '';
    const user = c.get('user');
    const u = upstreams.get(name);
    if (!u) return c.json<AdminResultJson>({ ok: false, error: `no maglevd "${name}"` }, 404);
    try {
      const result = await run(u);
      logger.info('admin-action', { user, maglevd: name, ...what, ok: true });
      return c.json<AdminResultJson>({ ok: true, result });
    } catch (err) {
      const e = RpcError.from(err);
      logger.warn('admin-action', {
        user,
        maglevd: name,
        ...what,
        ok: false,
        code: e.code,
        error: e.message,
      });
      return c.json<AdminResultJson>({ ok: false, error: e.message }, httpStatusOf(e));
    }
  };
  const body = async (c: Context): Promise<Record<string, unknown>> => {
    try {
      const parsed: unknown = await c.req.json();
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };

  app.post('/admin/api/maglevds/:maglevd/backends/:backend/:action', (c) => {
    const action = c.req.param('action') as BackendAction;
    if (!BACKEND_ACTIONS.includes(action)) {
      return c.json<AdminResultJson>({ ok: false, error: `unknown action "${action}"` }, 404);
    }
    const backend = c.req.param('backend');
    return act(c, { action, backend }, (u) => u.backendAction(action, backend));
  });
  app.post(
    '/admin/api/maglevds/:maglevd/frontends/:frontend/pools/:pool/backends/:backend/weight',
    async (c) => {
      const b = await body(c);
      const weight = weightOf(b);
      if (weight === undefined) return c.json<AdminResultJson>({ ok: false, error: WEIGHT_RANGE }, 400);
      const flush = b.flush === true;
      const { frontend, pool, backend } = c.req.param();
      return act(c, { action: 'set-weight', frontend, pool, backend, weight, flush }, (u) =>
        u.setWeight(frontend, pool, backend, weight, flush),
      );
    },
  );
  // A preview changes nothing: answered like an action, but not logged as one.
  app.post(
    '/admin/api/maglevds/:maglevd/frontends/:frontend/pools/:pool/backends/:backend/weight/preview',
    async (c) => {
      const b = await body(c);
      const weight = weightOf(b);
      if (weight === undefined) return c.json<AdminResultJson>({ ok: false, error: WEIGHT_RANGE }, 400);
      const { maglevd, frontend, pool, backend } = c.req.param();
      const u = upstreams.get(maglevd);
      if (!u) return c.json<AdminResultJson>({ ok: false, error: `no maglevd "${maglevd}"` }, 404);
      try {
        const result = await u.previewWeight(frontend, pool, backend, weight, b.flush === true);
        return c.json<AdminResultJson>({ ok: true, result });
      } catch (err) {
        const e = RpcError.from(err);
        return c.json<AdminResultJson>({ ok: false, error: e.message }, httpStatusOf(e));
      }
    },
  );
  app.post('/admin/api/maglevds/:maglevd/vpp/sync', async (c) => {
    const b = await body(c);
    const frontend = typeof b.frontend === 'string' && b.frontend !== '' ? b.frontend : undefined;
    return act(c, { action: 'sync-vpp', frontend: frontend ?? '' }, (u) => u.syncVpp(frontend));
  });
  app.post('/admin/api/maglevds/:maglevd/config/reload', (c) =>
    act(c, { action: 'reload-config' }, (u) => u.reloadConfig()),
  );
  app.post('/admin/api/*', (c) => c.json<AdminResultJson>({ ok: false, error: 'no such action' }, 404));

  app.notFound((c) => c.text('not found\n', 404));
  app.onError((err, c) => {
    logger.error('http-error', { path: c.req.path, error: err.message });
    return c.text('internal error\n', 500);
  });
  return app;
}
