// tcp probe: a TCP connect is a pass (L4OK); with params.ssl a TLS handshake must also succeed
// (L6OK). Nothing is sent after that: the connection is closed at once.

import type net from 'node:net';
import type tls from 'node:tls';
import type { ProbeResult } from '../health/types.js';
import type { ProbeContext } from './probe-context.js';
import { ProbeRun } from './probe-run.js';
import type { ProbeRequest } from './types.js';

class TcpProbe extends ProbeRun {
  protected connected(socket: net.Socket): void {
    if (this.req.healthcheck.params.ssl) this.startTls(socket);
    else this.pass('L4OK', 'connected');
  }

  protected secured(socket: tls.TLSSocket): void {
    this.pass('L6OK', `TLS handshake ok (${socket.getProtocol() ?? 'unknown protocol'})`);
  }
}

/** Probes req.address:port over TCP (and TLS when params.ssl). Never rejects. */
export function probeTcp(req: ProbeRequest, ctx: ProbeContext): Promise<ProbeResult> {
  const run = new TcpProbe(req, ctx);
  run.start(req.healthcheck.port);
  return run.result;
}
