// Loopback servers for tests that talk to real sockets: plain TCP (silent, or scripted per
// connection), TLS, HTTP and HTTPS. Each listens on port 0 of a loopback address, records what
// it sees (connections, first bytes, requests, SNI) as Arrivals, and close() destroys every open
// connection before closing the listener, so no test leaves a handle behind.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { Arrivals } from './arrivals.js';

export interface LoopbackServer {
  /** The loopback address listened on (127.0.0.1 unless asked otherwise). */
  readonly host: string;
  readonly port: number;
  /** Every accepted TCP connection (the raw socket, also for TLS servers). */
  readonly connections: Arrivals<net.Socket>;
  /** Resolves once every connection accepted so far has closed. */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

/** One HTTP request as the server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  remoteAddress: string;
  /** The TLS SNI the client sent (https only); false when it sent none. */
  servername?: string | false;
  /** https only: whether the connection resumed a TLS session instead of a full handshake. */
  sessionReused?: boolean;
}

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface HttpTestServer extends LoopbackServer {
  requests: Arrivals<SeenRequest>;
}

export interface HttpsTestServer extends HttpTestServer {
  /**
   * Serves another certificate from now on, with new session ticket keys: sessions handed out
   * before cannot be resumed any more (what a server restart or a key rotation does).
   */
  replaceCertificate(cert: { key: string; cert: string }): void;
}

export interface TcpTestServer extends LoopbackServer {
  /** The first chunk each connection sent, in arrival order. */
  firstBytes: Arrivals<Buffer>;
}

export interface TlsTestServer extends LoopbackServer {
  /** One entry per completed handshake: the SNI the client sent, false for none. */
  handshakes: Arrivals<string | false>;
  /** One entry per completed handshake: whether it resumed a TLS session. */
  resumed: Arrivals<boolean>;
}

export interface ListenOptions {
  /** Loopback address to listen on; default 127.0.0.1 (use '::1' for IPv6). */
  host?: string;
}

const ignoreError = (): void => {};

/** Listens on port 0 of host, tracking connections so close() can end them. */
async function listenTracked(server: net.Server, host: string): Promise<LoopbackServer> {
  const open = new Set<net.Socket>();
  const connections = new Arrivals<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    // Probes close their connections abruptly; a reset on the server side is expected.
    socket.on('error', ignoreError);
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    connections.push(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    host,
    port,
    connections,
    allClosed: async () => {
      for (const socket of connections.all) {
        if (!socket.closed) await new Promise((resolve) => socket.once('close', resolve));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function recordRequests(server: http.Server, handler: RequestHandler): Arrivals<SeenRequest> {
  const requests = new Arrivals<SeenRequest>();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const seen: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress ?? '',
    };
    if (req.socket instanceof tls.TLSSocket) {
      seen.servername = req.socket.servername || false;
      seen.sessionReused = req.socket.isSessionReused();
    }
    requests.push(seen);
    handler(req, res);
  });
  return requests;
}

/** Answers 200 "ok". */
export const okHandler: RequestHandler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
};

export async function startHttpServer(
  handler: RequestHandler = okHandler,
  opts: ListenOptions = {},
): Promise<HttpTestServer> {
  const server = http.createServer();
  const requests = recordRequests(server, handler);
  return { ...(await listenTracked(server, opts.host ?? '127.0.0.1')), requests };
}

export interface TlsListenOptions extends ListenOptions {
  key: string;
  cert: string;
  /** The newest TLS version to speak; default Node's (TLS 1.3). */
  maxVersion?: tls.SecureVersion;
}

export async function startHttpsServer(
  handler: RequestHandler,
  opts: TlsListenOptions,
): Promise<HttpsTestServer> {
  const server = https.createServer({ key: opts.key, cert: opts.cert, maxVersion: opts.maxVersion });
  const requests = recordRequests(server, handler);
  return {
    ...(await listenTracked(server, opts.host ?? '127.0.0.1')),
    requests,
    replaceCertificate: (cert) => {
      server.setSecureContext({ key: cert.key, cert: cert.cert, maxVersion: opts.maxVersion });
      server.setTicketKeys(randomBytes(48));
    },
  };
}

/** A TLS server that completes handshakes, records the SNI, and then says nothing. */
export async function startTlsServer(opts: TlsListenOptions): Promise<TlsTestServer> {
  const server = tls.createServer({ key: opts.key, cert: opts.cert, maxVersion: opts.maxVersion });
  const handshakes = new Arrivals<string | false>();
  const resumed = new Arrivals<boolean>();
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    socket.on('error', ignoreError);
    handshakes.push(socket.servername || false);
    resumed.push(socket.isSessionReused());
  });
  return { ...(await listenTracked(server, opts.host ?? '127.0.0.1')), handshakes, resumed };
}

export interface TcpServerOptions extends ListenOptions {
  /** Runs for every accepted connection; default: accept and stay silent. */
  onConnection?: (socket: net.Socket) => void;
}

/** A raw TCP server: by default it accepts, reads, and never answers (a black hole). */
export async function startTcpServer(opts: TcpServerOptions = {}): Promise<TcpTestServer> {
  const server = net.createServer();
  const firstBytes = new Arrivals<Buffer>();
  // Registered before listenTracked's listener; both run for every connection.
  server.on('connection', (socket: net.Socket) => {
    socket.once('data', (chunk: Buffer) => firstBytes.push(chunk));
    opts.onConnection?.(socket);
  });
  return { ...(await listenTracked(server, opts.host ?? '127.0.0.1')), firstBytes };
}

/** A free port nobody listens on (bound, then released), for "connection refused". */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = await startTcpServer({ host });
  await server.close();
  return server.port;
}
