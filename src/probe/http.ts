// http and https probes: one GET over a fresh connection from the SocketFactory. For https the
// TLS session is set up once over that connection (ProbeRun.startTls) and the request is
// written over it, so TLS is never applied twice and SNI never follows Host.
//
// The request is written as plain bytes and the response read by HttpResponseReader, not
// node:http: a probe needs the status line and at most 64 KiB of body, and node:http's
// machinery cost more CPU than everything else a probe does (see bench/README.md).
//
// Pass: status in params.responseCode, and, when params.responseRegexp is set, the first 64 KiB
// of the body match it. Without a regexp the body is never read: the socket goes at the headers.

import type net from 'node:net';
import type tls from 'node:tls';
import type { ProbeResult } from '../health/types.js';
import { bodyRegexp } from './body-regexp.js';
import { HttpResponseReader, type ReadProgress } from './http-response.js';
import { statusVerdict } from './http-status.js';
import type { ProbeContext } from './probe-context.js';
import { ProbeRun, errorCode } from './probe-run.js';
import type { ProbeRequest } from './types.js';

/** How much of the body a response-regexp sees. */
export const BODY_LIMIT = 64 * 1024;

class HttpProbe extends ProbeRun {
  private regexp: RegExp | undefined;
  private reader: HttpResponseReader | undefined;
  private statusChecked = false;

  constructor(
    req: ProbeRequest,
    ctx: ProbeContext,
    private readonly port: number,
    private readonly https: boolean,
  ) {
    super(req, ctx);
  }

  begin(): void {
    const source = this.req.healthcheck.params.responseRegexp;
    if (source !== undefined) {
      try {
        this.regexp = bodyRegexp(source);
      } catch (err) {
        return this.fail('L7RSP', `bad response-regexp: ${errorCode(err)}`);
      }
    }
    this.start(this.port);
  }

  protected connected(socket: net.Socket): void {
    if (this.https) this.startTls(socket);
    else this.send(socket);
  }

  protected secured(socket: tls.TLSSocket): void {
    this.send(socket);
  }

  private send(socket: net.Socket): void {
    this.layer = 'L7';
    this.reader = new HttpResponseReader(this.regexp === undefined ? 0 : BODY_LIMIT);
    socket.on('data', this.onData);
    socket.once('end', this.onEnd);
    socket.write(this.ctx.requestHeads.get(this.req.healthcheck, this.req.address, this.port, this.https));
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.finished && this.reader !== undefined) this.judge(this.reader.push(chunk));
  };

  private readonly onEnd = (): void => {
    if (!this.finished && this.reader !== undefined) this.judge(this.reader.end());
  };

  /** Decides as early as the response allows: on the status alone unless the body is wanted. */
  private judge(progress: ReadProgress): void {
    const reader = this.reader as HttpResponseReader;
    if (progress === 'malformed') return this.fail('L7RSP', `response ${reader.error ?? 'malformed'}`);
    const status = reader.status;
    if (status === undefined) return;
    if (!this.statusChecked) {
      this.statusChecked = true;
      const verdict = statusVerdict(status, this.req.healthcheck.params.responseCode);
      if (!verdict.ok) return this.fail(verdict.code, verdict.detail);
      if (this.regexp === undefined) return this.pass(verdict.code, verdict.detail);
    }
    if (progress !== 'done' || this.regexp === undefined) return;
    if (this.regexp.test(reader.body().toString('utf8'))) this.pass('L7OK', `status ${status}`);
    else this.fail('L7RSP', `body does not match /${this.regexp.source}/`);
  }
}

/** GETs params.path from req.address:port, over TLS for type 'https'. Never rejects. */
export function probeHttp(req: ProbeRequest, ctx: ProbeContext): Promise<ProbeResult> {
  const https = req.healthcheck.type === 'https';
  const run = new HttpProbe(req, ctx, req.healthcheck.port ?? (https ? 443 : 80), https);
  run.begin();
  return run.result;
}
