// http and https probes: one GET over a fresh connection from the SocketFactory. For https the
// TLS session is set up once over that connection (ProbeRun.startTls) and plain HTTP runs over
// it: node:http, never node:https, so TLS is never applied twice and SNI never follows Host.
//
// Pass: status in params.responseCode, and, when params.responseRegexp is set, the first 64 KiB
// of the body match it. Without a regexp the body is never read: the socket goes at the headers.

import http from 'node:http';
import type net from 'node:net';
import type tls from 'node:tls';
import type { ProbeResult } from '../health/types.js';
import { bodyRegexp } from './body-regexp.js';
import { hostHeader } from './host-header.js';
import type { ProbeContext } from './probe-context.js';
import { ProbeRun, errorCode } from './probe-run.js';
import type { ProbeRequest } from './types.js';

/** How much of the body a response-regexp sees. */
export const BODY_LIMIT = 64 * 1024;

class HttpProbe extends ProbeRun {
  private regexp: RegExp | undefined;
  private status = 0;
  private body: Buffer[] | undefined;
  private bodyLength = 0;

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
    const params = this.req.healthcheck.params;
    const request = http.request({
      // No agent: the request runs over exactly this socket, which is never reused.
      createConnection: () => socket,
      method: 'GET',
      path: params.path,
      headers: {
        Host: hostHeader(params.host ?? this.req.address, this.port, this.https ? 443 : 80),
        'User-Agent': this.ctx.userAgent,
        Accept: '*/*',
        Connection: 'close',
      },
    });
    request.on('error', this.onError);
    request.once('response', this.onResponse);
    request.end();
  }

  private readonly onResponse = (res: http.IncomingMessage): void => {
    if (this.finished) return;
    res.on('error', this.onError);
    const status = res.statusCode ?? 0;
    const range = this.req.healthcheck.params.responseCode;
    if (status < range.min || status > range.max) {
      const expected = range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`;
      return this.fail('L7STS', `status ${status} not in ${expected}`);
    }
    this.status = status;
    if (this.regexp === undefined) return this.pass('L7OK', `status ${status}`);
    this.body = [];
    res.on('data', this.onBodyChunk);
    res.once('end', this.onBodyEnd);
  };

  private readonly onBodyChunk = (chunk: Buffer): void => {
    if (this.finished || this.body === undefined) return;
    this.body.push(chunk);
    this.bodyLength += chunk.length;
    if (this.bodyLength >= BODY_LIMIT) this.checkBody();
  };

  private readonly onBodyEnd = (): void => {
    if (!this.finished) this.checkBody();
  };

  private checkBody(): void {
    const regexp = this.regexp;
    if (regexp === undefined || this.body === undefined) return;
    const text = Buffer.concat(this.body, Math.min(this.bodyLength, BODY_LIMIT)).toString('utf8');
    this.body = undefined;
    if (regexp.test(text)) this.pass('L7OK', `status ${this.status}`);
    else this.fail('L7RSP', `body does not match /${regexp.source}/`);
  }
}

/** GETs params.path from req.address:port, over TLS for type 'https'. Never rejects. */
export function probeHttp(req: ProbeRequest, ctx: ProbeContext): Promise<ProbeResult> {
  const https = req.healthcheck.type === 'https';
  const run = new HttpProbe(req, ctx, req.healthcheck.port ?? (https ? 443 : 80), https);
  run.begin();
  return run.result;
}
