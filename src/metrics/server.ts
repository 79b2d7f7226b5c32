// The /metrics endpoint on plain node:http: GET /metrics is the exposition, / a small index,
// anything else 404. There is no caching: every scrape reads the live state. maglevd's own
// registry streams the text (a scrape of 10 000 backends is 16 MB): each piece goes to the
// socket as it is made, in chunked encoding, and the scrape waits whenever the reader is behind.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/index.js';
import { releaseFreeMemory } from '../native/index.js';
import { ScrapeRegistry } from './collected.js';
import { parseListenAddress } from './listen-address.js';

export interface MetricsServerOptions {
  /** `:9091`, `127.0.0.1:9091`, `[::1]:9091`; port 0 picks a free one. */
  addr: string;
  registry: Registry;
  logger: Logger;
  /**
   * Runs when a streamed scrape has been handed to the socket in full. By default it gives the
   * memory malloc holds free back to the kernel (releaseFreeMemory), for two reasons. A scrape
   * is the daemon's largest burst of native allocation (16 MB of text written out at 10 000
   * backends), and what it frees would otherwise stay resident. And the first scrape comes after
   * start-up, whose bursts (the config worker, the parser's warm-up) left several MB free in
   * malloc's arena that nothing would ever give back (bench/README.md, "RSS at 10 000 tcp
   * backends: malloc arenas").
   */
  afterScrape?: () => void;
}

export interface MetricsServer {
  /** The bound port (the real one when addr asked for 0). */
  readonly port: number;
  /** Stops listening and closes open connections, keep-alive ones included. */
  close(): Promise<void>;
}

const INDEX_HTML = `<!doctype html>
<html><head><title>maglevd metrics</title></head>
<body><h1>maglevd</h1><p><a href="/metrics">/metrics</a> (Prometheus text format)</p></body></html>
`;

/** Listens on addr; rejects with the listen error (EADDRINUSE, EADDRNOTAVAIL, ...). */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(opts.addr);
  const { registry, logger } = opts;
  const afterScrape = opts.afterScrape ?? releaseFreeMemory;

  const server = createServer((req, res) => {
    handle(req, res, registry, logger, afterScrape).catch((err: unknown) => {
      logger.error('metrics-scrape-error', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'scrape failed\n', req.method);
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.error('metrics-server-error', { error: err.message }));
  const bound = (server.address() as AddressInfo).port;
  logger.info('metrics-listen', { addr: opts.addr, host: host ?? '*', port: bound });

  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  registry: Registry,
  logger: Logger,
  afterScrape: () => void,
): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', req.method);
    return;
  }
  if (path === '/metrics') {
    if (registry instanceof ScrapeRegistry) {
      await stream(req, res, registry, afterScrape);
      return;
    }
    const body = await registry.metrics();
    send(res, 200, registry.contentType, body, req.method);
    return;
  }
  if (path === '/') {
    send(res, 200, 'text/html; charset=utf-8', INDEX_HTML, req.method);
    return;
  }
  if (logger.enabled('debug')) logger.debug('metrics-not-found', { path });
  send(res, 404, 'text/plain; charset=utf-8', 'not found: try /metrics\n', req.method);
}

/** The reader of a streamed scrape went away: the scrape stops, nothing to report. */
class ReaderGone extends Error {
  constructor() {
    super('the client closed the connection during the scrape');
  }
}

/**
 * Streams a scrape. The status line waits for the first piece, so a collector that throws before
 * (the checker's first read, in the first family) is still a 500; one that throws later ends the
 * response abruptly, without the final empty chunk, which a scraper takes as a failed scrape.
 * HEAD answers the headers a GET would have, without running a scrape.
 */
async function stream(
  req: IncomingMessage,
  res: ServerResponse,
  registry: ScrapeRegistry,
  afterScrape: () => void,
): Promise<void> {
  if (req.method === 'HEAD') {
    res.writeHead(200, { 'Content-Type': registry.contentType });
    res.end();
    return;
  }
  let gone = false;
  res.once('close', () => {
    gone = !res.writableFinished;
  });
  try {
    await registry.writeMetrics((chunk) => {
      if (gone) throw new ReaderGone();
      if (!res.headersSent) res.writeHead(200, { 'Content-Type': registry.contentType });
      if (res.write(chunk)) return;
      return new Promise<void>((resolve, reject) => {
        const drained = () => {
          res.off('close', closed);
          resolve();
        };
        const closed = () => {
          res.off('drain', drained);
          reject(new ReaderGone());
        };
        res.once('drain', drained);
        res.once('close', closed);
      });
    });
  } catch (err) {
    if (err instanceof ReaderGone) return;
    throw err;
  }
  res.once('finish', afterScrape);
  res.end();
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  method: string | undefined,
): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(method === 'HEAD' ? undefined : body);
}
