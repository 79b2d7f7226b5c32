// What every probe shares, built once by createProber: no per-probe setup cost.

import type { SecureContext } from 'node:tls';
import type { Clock } from '../clock/index.js';
import type { SocketFactory } from './socket-factory.js';

export interface ProbeContext {
  sockets: SocketFactory;
  /** Drives the per-probe timeout timer only. */
  clock: Clock;
  /** The full User-Agent header value of HTTP probes. */
  userAgent: string;
  /** One TLS context (trusted CAs) for every TLS probe; verification is still per probe. */
  secureContext: SecureContext;
}
