// The probes themselves: an HTTP(S) GET of the health URI on the VIP, or a TCP connect. Each
// probe opens a fresh connection unless keep-alive is asked for, so the load balancer hashes
// every probe anew and a failover shows in the tally at once. The timeout covers the whole
// probe (connect, TLS, headers, body). A probe never rejects: every failure is an outcome.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Clock } from '../clock/index.js';
import { formatGoDuration } from '../config/index.js';
import type { ProbeFailure, ProbeOutcome, Target } from './types.js';

export interface ProberSettings {
  timeoutMs: number;
  /** Host header (and TLS SNI when it is a name); undefined: the VIP address literal. */
  host: string | undefined;
  uri: string;
  /** The response header to report (any case). */
  header: string;
  insecure: boolean;
  keepalive: boolean;
  userAgent: string;
  clock: Clock;
}

const OK_STATUS_MIN = 200;
const OK_STATUS_MAX = 399;

/** Short words for the LAST column; anything else shows its error code in lower case. */
const NET_ERROR_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EPIPE: 'reset',
  EADDRNOTAVAIL: 'no-address',
};

function isTlsError(code: string, message: string): boolean {
  return (
    /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|UNABLE_TO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code) ||
    /SSL routines|certificate/i.test(message)
  );
}

export function describeNetError(err: unknown): { status: string; failure: ProbeFailure } {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e.code === 'string' ? e.code : 'ERROR';
  const message = e instanceof Error ? e.message : String(err);
  const status = NET_ERROR_WORDS[code] ?? (isTlsError(code, message) ? 'tls' : code.toLowerCase());
  return { status, failure: { kind: 'net-err', code, detail: message } };
}

function headerValue(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? raw.join(', ') : raw;
}

/** The name to send as SNI: the host without a port, unless it is an IP literal ('' sends none). */
export function serverNameFor(host: string | undefined): string {
  if (host === undefined) return '';
  const bare = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return net.isIP(bare) === 0 ? bare : '';
}

export class Prober {
  private readonly httpAgent: http.Agent | undefined;
  private readonly httpsAgent: https.Agent | undefined;

  constructor(private readonly settings: ProberSettings) {
    if (settings.keepalive) {
      // One connection per VIP is enough: a VIP is probed by one loop, one probe at a time.
      this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    }
  }

  probe(target: Target): Promise<ProbeOutcome> {
    return target.kind === 'tcp' ? this.tcp(target) : this.http(target);
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.httpAgent?.destroy();
    this.httpsAgent?.destroy();
  }

  private timeoutFailure(): { status: string; failure: ProbeFailure } {
    return {
      status: 'timeout',
      failure: {
        kind: 'timeout',
        code: 'timeout',
        detail: `no answer within ${formatGoDuration(this.settings.timeoutMs)}`,
      },
    };
  }

  private http(target: Target): Promise<ProbeOutcome> {
    const s = this.settings;
    const { clock } = s;
    return new Promise<ProbeOutcome>((resolve) => {
      const started = clock.monotonic();
      let finished = false;
      const headers: http.OutgoingHttpHeaders = { 'user-agent': s.userAgent, accept: '*/*' };
      if (s.host !== undefined) headers.host = s.host;
      const options: https.RequestOptions = {
        host: target.address,
        family: target.family,
        port: target.port,
        path: s.uri,
        method: 'GET',
        headers,
      };
      if (target.kind === 'https') {
        // Set explicitly: node would otherwise take the SNI from the Host header, IP or not.
        options.servername = serverNameFor(s.host);
        options.rejectUnauthorized = !s.insecure;
        options.agent = this.httpsAgent ?? false;
      } else {
        options.agent = this.httpAgent ?? false;
      }

      const finish = (o: Omit<ProbeOutcome, 'latencyMs'>, destroy: boolean): void => {
        if (finished) return;
        finished = true;
        timer.cancel();
        if (destroy) req.destroy();
        resolve({ ...o, latencyMs: clock.monotonic() - started });
      };
      const fail = (d: { status: string; failure: ProbeFailure }): void => {
        finish({ ok: false, answered: false, httpStatus: undefined, header: undefined, ...d }, true);
      };

      const req = (target.kind === 'https' ? https : http).request(options, (res) => {
        const code = res.statusCode ?? 0;
        const header = headerValue(res.headers[s.header.toLowerCase()]);
        res.on('error', (err) => fail(describeNetError(err)));
        res.on('end', () => {
          const ok = code >= OK_STATUS_MIN && code <= OK_STATUS_MAX;
          const failure: ProbeFailure | undefined = ok
            ? undefined
            : {
                kind: 'http-err',
                code: String(code),
                detail: `HTTP ${code} ${res.statusMessage ?? ''}`.trim(),
              };
          finish({ ok, answered: true, status: String(code), httpStatus: code, header, failure }, false);
        });
        // The body is read and thrown away: the connection must finish cleanly to be timed.
        res.resume();
      });
      req.on('error', (err) => fail(describeNetError(err)));
      const timer = clock.setTimeout(() => fail(this.timeoutFailure()), s.timeoutMs);
      req.end();
    });
  }

  private tcp(target: Target): Promise<ProbeOutcome> {
    const { clock } = this.settings;
    return new Promise<ProbeOutcome>((resolve) => {
      const started = clock.monotonic();
      let finished = false;
      const socket = net.connect({ host: target.address, port: target.port, family: target.family });
      const finish = (o: Omit<ProbeOutcome, 'latencyMs' | 'httpStatus' | 'header'>): void => {
        if (finished) return;
        finished = true;
        timer.cancel();
        socket.destroy();
        resolve({ ...o, httpStatus: undefined, header: undefined, latencyMs: clock.monotonic() - started });
      };
      socket.once('connect', () => finish({ ok: true, answered: true, status: 'open', failure: undefined }));
      socket.on('error', (err) => finish({ ok: false, answered: false, ...describeNetError(err) }));
      const timer = clock.setTimeout(
        () => finish({ ok: false, answered: false, ...this.timeoutFailure() }),
        this.settings.timeoutMs,
      );
    });
  }
}
