// The gRPC server's lifecycle: bind (in plaintext, or over TLS with the credentials of
// server-tls.ts), register maglev.Maglev + grpc.health.v1 + reflection, and shut down
// gracefully (end event streams, stop accepting, wait for calls in flight up to a deadline, then
// cut what is left).

import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { systemClock, type Clock } from '../clock/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import type { MaglevApiBackend } from './backend.js';
import { MaglevService } from './gen/maglev.js';
import { isLocalListenAddress } from './listen-policy.js';
import { REFLECTION_SERVICES, DescriptorIndex, addReflection } from './reflection.js';
import type { ServerTls } from './server-tls.js';
import { createMaglevService, type MaglevServiceStats } from './service.js';

export const DEFAULT_GRPC_ADDR = 'localhost:9090';
export const MAGLEV_SERVICE_NAME = 'maglev.Maglev';
const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

export interface ApiServerOptions {
  backend: MaglevApiBackend;
  /** --grpc-addr: host:port, [v6]:port, :port (every address) or unix:/path. Default localhost:9090. */
  address?: string;
  /**
   * Serve over TLS (mTLS when it has a client CA); undefined serves plaintext, which the daemon
   * allows off loopback only with --grpc-insecure (listen-policy.ts). This server warns then.
   */
  tls?: ServerTls | undefined;
  logger?: Logger;
  clock?: Clock;
  /** --reflection; default true. */
  reflection?: boolean;
  /** Events a WatchEvents subscriber may fall behind by before it is cut off; default 1000. */
  watchQueueLimit?: number;
  /** How long shutdown waits for calls in flight before cutting them; default 5 s. */
  shutdownGraceMs?: number;
}

export interface ApiServer {
  /** The bound TCP port (0 for a unix socket). */
  readonly port: number;
  /** host:port a client can dial. */
  readonly target: string;
  /** The grpc.health.v1 service, for the daemon to mark NOT_SERVING while it cannot serve. */
  readonly health: HealthImplementation;
  stats(): MaglevServiceStats;
  /** Ends WatchEvents streams, then drains: tryShutdown, forceShutdown after the grace period. */
  shutdown(graceMs?: number): Promise<void>;
}

/** Go-style ":9090" means every address; grpc-js wants it spelled out. */
export function normaliseListenAddress(addr: string): string {
  return addr.startsWith(':') ? `[::]${addr}` : addr;
}

function dialTarget(addr: string, port: number): string {
  if (addr.startsWith('unix:')) return addr;
  const host = addr.slice(0, addr.lastIndexOf(':'));
  const dialHost = host === '[::]' || host === '0.0.0.0' || host === '' ? 'localhost' : host;
  return `${dialHost}:${port}`;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const logger = opts.logger ?? silentLogger;
  const clock = opts.clock ?? systemClock;
  const address = normaliseListenAddress(opts.address ?? DEFAULT_GRPC_ADDR);
  const graceDefault = opts.shutdownGraceMs ?? 5000;

  const server = new Server({
    // Find peers that vanished without closing (their WatchEvents streams would linger).
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
  });

  const maglev = createMaglevService({
    backend: opts.backend,
    logger,
    clock,
    watchQueueLimit: opts.watchQueueLimit ?? 1000,
  });
  server.addService(MaglevService, maglev.handlers);

  const health = new HealthImplementation({ '': 'SERVING', [MAGLEV_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);

  if (opts.reflection ?? true) {
    addReflection(server, DescriptorIndex.builtin(), [
      MAGLEV_SERVICE_NAME,
      HEALTH_SERVICE_NAME,
      ...REFLECTION_SERVICES,
    ]);
  }

  const credentials = opts.tls?.credentials ?? ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, credentials, (err, boundPort) => {
      if (err) reject(new Error(`gRPC: cannot listen on ${address}: ${err.message}`, { cause: err }));
      else resolve(boundPort);
    });
  });
  const target = dialTarget(address, port);
  const security = opts.tls === undefined ? 'plaintext' : opts.tls.mutual ? 'mtls' : 'tls';
  logger.info('grpc-listen', { address, port, reflection: opts.reflection ?? true, security });
  if (opts.tls === undefined && !isLocalListenAddress(address)) {
    logger.warn('grpc-insecure', {
      address,
      detail: 'plaintext gRPC on a non-loopback address: anyone who reaches it can drive the load balancer',
    });
  }

  let stopping: Promise<void> | undefined;
  function shutdown(graceMs = graceDefault): Promise<void> {
    stopping ??= new Promise<void>((resolve) => {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(MAGLEV_SERVICE_NAME, 'NOT_SERVING');
      // Event streams never end by themselves; end them first so draining can finish.
      maglev.endWatchers(status.UNAVAILABLE, 'maglevd is shutting down');
      let done = false;
      const finish = (forced: boolean) => {
        if (done) return;
        done = true;
        timer.cancel();
        logger.info('grpc-stopped', { forced });
        resolve();
      };
      const timer = clock.setTimeout(() => {
        server.forceShutdown();
        finish(true);
      }, graceMs);
      server.tryShutdown(() => finish(false));
    });
    return stopping;
  }

  return { port, target, health, stats: () => maglev.stats(), shutdown };
}
