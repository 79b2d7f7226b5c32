// What every probe shares, built once by createProber: no per-probe setup cost.

import type { SecureContext } from 'node:tls';
import type { Clock } from '../clock/index.js';
import type { RequestHeadCache } from './http-request.js';
import type { SocketFactory } from './socket-factory.js';
import type { TlsSessions } from './tls-sessions.js';

export interface ProbeContext {
  sockets: SocketFactory;
  /** Drives the per-probe timeout timer only. */
  clock: Clock;
  /** HTTP request heads (with the User-Agent), built once per health check and backend. */
  requestHeads: RequestHeadCache;
  /** One TLS context (trusted CAs) for every TLS probe; verification is still per probe. */
  secureContext: SecureContext;
  /** Each backend's last good TLS session, offered on its next handshake (params.tlsSessionReuse). */
  tlsSessions: TlsSessions;
}
