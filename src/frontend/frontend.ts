// startFrontend: the whole dashboard server in-process (the binary and the demo both use it).
// One upstream per maglevd, one SSE broker, one HTTP server.

import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { describeSecurity, loadChannelSecurity, TlsFileError, type ChannelSecurity } from '../api/index.js';
import { systemClock, systemRandom, type Clock, type Random } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { parseListenAddress } from '../metrics/index.js';
import { versionInfo } from '../version.js';
import { createApp } from './app.js';
import type { Credentials } from './auth.js';
import type { MaglevdServer } from './server-list.js';
import { SseBroker } from './sse-broker.js';
import type { SseStream } from './sse-stream.js';
import { DEFAULT_WEB_ROOT, loadWebAssets } from './static-files.js';
import { MaglevdUpstream, type UpstreamTimings } from './upstream.js';

export interface FrontendOptions {
  /** The maglevds: a host:port is plaintext; a MaglevdServer says how its channel is secured. */
  servers: readonly (string | MaglevdServer)[];
  /** host:port or :port; port 0 picks a free one. */
  listen: string;
  /** Both set: /admin/ is enabled with these basic-auth credentials. */
  user?: string | undefined;
  password?: string | undefined;
  logger: Logger;
  clock?: Clock;
  random?: Random;
  /** Where the built page lives; default <package>/dist/web. */
  webRoot?: string;
  /** Loop periods, for tests. */
  timings?: Partial<UpstreamTimings>;
}

export interface RunningFrontend {
  port: number;
  /** The address actually bound. */
  host: string;
  readonly broker: SseBroker;
  readonly upstreams: ReadonlyMap<string, MaglevdUpstream>;
  close(): Promise<void>;
}

export class FrontendOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrontendOptionsError';
  }
}

/**
 * Each server's address and channel security, its TLS files read and checked (a bad one is a
 * FrontendOptionsError naming it). The first entry of an address wins, as the flags' parser
 * already refused one listed twice with different settings.
 */
async function securedServers(
  entries: readonly (string | MaglevdServer)[],
): Promise<Map<string, ChannelSecurity>> {
  const servers = new Map<string, ChannelSecurity>();
  for (const entry of entries) {
    const server: MaglevdServer =
      typeof entry === 'string' ? { address: entry.trim(), tls: { kind: 'plaintext' } } : entry;
    if (server.address === '' || servers.has(server.address)) continue;
    try {
      servers.set(server.address, await loadChannelSecurity(server.tls));
    } catch (err) {
      if (err instanceof TlsFileError) throw new FrontendOptionsError(`${server.address}: ${err.message}`);
      throw err;
    }
  }
  return servers;
}

export async function startFrontend(opts: FrontendOptions): Promise<RunningFrontend> {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? systemRandom;
  const { logger } = opts;
  const listen = parseListenAddress(opts.listen);
  const servers = await securedServers(opts.servers);
  if (servers.size === 0) throw new FrontendOptionsError('no maglevd server given (--server)');
  const userSet = opts.user !== undefined && opts.user !== '';
  const passwordSet = opts.password !== undefined && opts.password !== '';
  if (userSet !== passwordSet) {
    throw new FrontendOptionsError(
      'set both MAGLEV_FRONTEND_USER and MAGLEV_FRONTEND_PASSWORD to enable /admin/',
    );
  }
  const admin =
    userSet && passwordSet
      ? ({ user: opts.user!, password: opts.password! } satisfies Credentials)
      : undefined;

  const broker = new SseBroker({ clock });
  const upstreams = new Map<string, MaglevdUpstream>();
  for (const [target, security] of servers) {
    upstreams.set(
      target,
      new MaglevdUpstream({
        target,
        security,
        clock,
        random,
        logger,
        broker,
        ...(opts.timings && { timings: opts.timings }),
      }),
    );
  }
  const v = versionInfo();
  const streams = new Set<SseStream>();
  const web = loadWebAssets(opts.webRoot ?? DEFAULT_WEB_ROOT);
  if (web.indexHtml() === undefined)
    logger.warn('web-not-built', { root: web.root, hint: 'run npm run build' });
  const app = createApp({
    upstreams,
    broker,
    clock,
    logger,
    version: { program: 'maglevd-frontend', version: v.version, commit: v.commit, date: v.date },
    web,
    admin,
    streams,
  });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({
      fetch: app.fetch,
      port: listen.port,
      ...(listen.host !== undefined && { hostname: listen.host }),
    });
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  server.on('error', (err: Error) => logger.error('http-server-error', { error: err.message }));
  const address = server.address() as AddressInfo;
  logger.info('frontend-listening', {
    host: address.address,
    port: address.port,
    servers: [...servers].map(([target, security]) => `${target} (${describeSecurity(security)})`),
    admin: admin !== undefined,
  });
  for (const u of upstreams.values()) u.start();

  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    host: address.address,
    broker,
    upstreams,
    close() {
      closing ??= (async () => {
        for (const u of upstreams.values()) u.stop();
        for (const s of [...streams]) s.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive sockets (and any stream that did not end) must not hold the close open.
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
        logger.info('frontend-stopped', {});
      })();
      return closing;
    },
  };
}
