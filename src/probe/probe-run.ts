// One probe in flight. Every way a probe can end (success, socket error, timeout, abort) funnels
// into one idempotent finish(), which cancels the single timer, unhooks the abort signal and
// closes every socket the probe opened. The probe types (tcp, http) subclass it and add only
// what happens once a connection or a TLS session is up.

import tls from 'node:tls';
import { isIP } from 'node:net';
import type net from 'node:net';
import type { TimerHandle } from '../clock/index.js';
import type { CheckerFaultReason, ProbeCode, ProbeLayer, ProbeResult } from '../health/types.js';
import {
  checkerFault,
  checkerFaultReason,
  setupFailureOf,
  setupFault,
  stallDetail,
  stalledPastTimeout,
} from './checker-fault.js';
import { whereLabel } from './native-errors.js';
import type { ProbeContext } from './probe-context.js';
import { errorFailure, probeResult, timeoutFailure } from './probe-failure.js';
import type { ProbeRequest } from './types.js';

/**
 * Detail of an aborted probe. An abort means the checker stopped this backend's worker (pause,
 * disable, reload, shutdown) and will discard the result, so the code only has to be
 * recognisable: always L4CON "aborted", whatever layer the probe had reached.
 */
export const ABORTED_DETAIL = 'aborted';

/** The error's errno or OpenSSL/llhttp code when it has one ("ECONNREFUSED"), else its message. */
export function errorCode(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return typeof code === 'string' && code !== '' ? code : err.message;
  }
  return String(err);
}

/**
 * The probes in flight per abort signal. The checker gives each worker one signal for its whole
 * life, so one 'abort' listener per signal, added once, serves every probe the worker runs: an
 * EventTarget listener added and removed per probe cost more than the rest of the bookkeeping.
 */
const inflightBySignal = new WeakMap<AbortSignal, ProbeRun[]>();

function watchAbort(signal: AbortSignal, run: ProbeRun): void {
  let runs = inflightBySignal.get(signal);
  if (runs === undefined) {
    const created: ProbeRun[] = [];
    runs = created;
    inflightBySignal.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const r of created.splice(0)) r.abort();
      },
      { once: true },
    );
  }
  runs.push(run);
}

/** Forgets a finished probe. An array, not a Set: a Set reallocates its table as it empties. */
function unwatchAbort(signal: AbortSignal, run: ProbeRun): void {
  const runs = inflightBySignal.get(signal);
  const at = runs === undefined ? -1 : runs.indexOf(run);
  if (runs === undefined || at === -1) return;
  const last = runs.pop() as ProbeRun;
  if (last !== run) runs[at] = last;
}

export function failedBeforeStart(detail: string): ProbeResult {
  return { ok: false, layer: 'L4', code: 'L4CON', detail, durationMs: 0 };
}

/** The errno and system call of a socket error, when Node gave them. */
function errnoOf(err: unknown): { code: string; syscall: string | undefined } | undefined {
  if (!(err instanceof Error)) return undefined;
  const { code, syscall } = err as NodeJS.ErrnoException;
  return typeof code === 'string' ? { code, syscall } : undefined;
}

export abstract class ProbeRun {
  /** The layer the probe is working on; decides what a timeout or an error is called. */
  protected layer: ProbeLayer = 'L4';
  readonly result: Promise<ProbeResult>;

  private resolve!: (result: ProbeResult) => void;
  private done = false;
  /** Probes are I/O: their duration is real elapsed time, whatever clock drives the timeout. */
  private readonly startedAt = performance.now();
  /** When the timeout is due, on the clock that drives it (a late timer means a stalled loop). */
  private readonly deadline: number;
  /** How late the timeout timer ran, once it has. */
  private timerLateMs = 0;
  /**
   * Set when node:net reports that the connect attempt failed after it was made (the kernel
   * answered the SYN's fate later: a remote ICMP error, a reset). Without it, a connect error
   * came from the connect() system call itself: the local route lookup, which is ours.
   */
  private connectAttemptFailed = false;
  private readonly timer: TimerHandle;
  private readonly signal: AbortSignal | undefined;
  private tcp: net.Socket | undefined;
  private tls: tls.TLSSocket | undefined;
  /** The worker whose TLS session this probe offers and renews (params.tls-session-reuse). */
  private sessionWorker: AbortSignal | undefined;
  /** When the TLS handshake started, on the clock's monotonic time. */
  private tlsStartedAt = 0;
  /** Set once the probe has passed: a session that arrives after that may still be kept. */
  private passed = false;
  /** A session the server gave that is not kept yet (the verdict was still open). */
  private newSession: Buffer | undefined;

  constructor(
    protected readonly req: ProbeRequest,
    protected readonly ctx: ProbeContext,
  ) {
    this.result = new Promise((resolve) => {
      this.resolve = resolve;
    });
    this.deadline = ctx.clock.monotonic() + req.healthcheck.timeoutMs;
    this.timer = ctx.clock.setTimeout(this.onTimeout, req.healthcheck.timeoutMs);
    this.signal = req.signal;
    if (this.signal?.aborted) this.fail('L4CON', ABORTED_DETAIL);
    else if (this.signal !== undefined) watchAbort(this.signal, this);
  }

  protected get finished(): boolean {
    return this.done;
  }

  /** Opens the TCP connection through the SocketFactory; connected() runs once it is up. */
  start(port: number | undefined): void {
    if (this.done) return;
    if (port === undefined) return this.fail('L4CON', `healthcheck ${this.req.healthcheck.name} has no port`);
    const hc = this.req.healthcheck;
    let socket: net.Socket;
    try {
      socket = this.ctx.sockets.connectTcp({
        host: this.req.address,
        port,
        family: this.req.family,
        localAddress: this.req.family === 4 ? hc.probeIpv4Src : hc.probeIpv6Src,
        netns: this.req.netns,
      });
    } catch (err) {
      // The factory could not make the socket: nothing reached the wire.
      return this.settle(setupFault(setupFailureOf(err), this.elapsed()));
    }
    this.tcp = socket;
    socket.on('error', this.onError);
    socket.once('connectionAttemptFailed', this.onAttemptFailed);
    socket.once('connect', this.onTcpConnect);
  }

  /** The TCP connection is up (layer 4 passed). */
  protected abstract connected(socket: net.Socket): void;

  /** The TLS session started by startTls() is up (layer 6 passed). */
  protected abstract secured(socket: tls.TLSSocket): void;

  /**
   * TLS over the connection we already have, applied exactly once. SNI is params.serverName and
   * nothing else: never derived from the Host header, and never an IP literal (RFC 6066), so an
   * IP target without a serverName sends no SNI. The certificate is still checked against the
   * serverName, or against the backend address (IP SAN) when there is none. With
   * params.tlsSessionReuse the handshake offers the session of this backend's last good one
   * (tls-sessions.ts says why the verdict stays that of a full handshake).
   */
  protected startTls(socket: net.Socket): void {
    this.layer = 'L6';
    const params = this.req.healthcheck.params;
    const serverName = params.serverName;
    this.sessionWorker = params.tlsSessionReuse ? this.signal : undefined;
    this.tlsStartedAt = this.ctx.clock.monotonic();
    const secure = tls.connect({
      socket,
      secureContext: this.ctx.secureContext,
      servername: serverName !== undefined && isIP(serverName) === 0 ? serverName : undefined,
      host: serverName ?? this.req.address,
      rejectUnauthorized: !params.insecureSkipVerify,
      session: this.sessionWorker === undefined ? undefined : this.ctx.tlsSessions.offer(this.sessionWorker),
    });
    this.tls = secure;
    secure.on('error', this.onError);
    secure.once('secureConnect', this.onTlsSecure);
    if (this.sessionWorker !== undefined) secure.on('session', this.onTlsSession);
  }

  protected pass(code: ProbeCode, detail: string): void {
    this.finish(true, code, detail);
  }

  protected fail(code: ProbeCode, detail: string): void {
    this.finish(false, code, detail);
  }

  /** The probe could not judge the backend: the failure was the checker's own. */
  protected faultOfChecker(reason: CheckerFaultReason, detail: string): void {
    this.settle(checkerFault(reason, detail, this.elapsed(), this.layer));
  }

  /**
   * Any error on any of the probe's sockets or streams, named for the layer reached. A connect
   * error raised by the system call itself (never by the network) goes through the checker-fault
   * classifier first.
   */
  protected readonly onError = (err: unknown): void => {
    const errno = this.layer === 'L4' && !this.connectAttemptFailed ? errnoOf(err) : undefined;
    const reason = errno === undefined ? undefined : checkerFaultReason({ site: 'connect', ...errno });
    if (errno !== undefined && reason !== undefined)
      this.faultOfChecker(reason, localFaultDetail(this.req, reason, errno));
    else {
      const { code, detail } = errorFailure(this.layer, errorCode(err));
      this.fail(code, detail);
    }
  };

  private readonly onAttemptFailed = (): void => {
    this.connectAttemptFailed = true;
  };

  private readonly onTcpConnect = (): void => {
    if (this.done || this.tcp === undefined) return;
    try {
      this.connected(this.tcp);
    } catch (err) {
      this.onError(err);
    }
  };

  /**
   * The server gave a session (TLS 1.2: at the handshake's end, which Node reports just after
   * 'secureConnect'; TLS 1.3: a ticket after the handshake). Kept only from a probe that has
   * not failed: one arriving before the verdict waits for it in settle().
   */
  private readonly onTlsSession = (session: Buffer): void => {
    this.newSession = session;
    if (this.passed) this.keepSession();
  };

  private keepSession(): void {
    const worker = this.sessionWorker;
    const session = this.newSession;
    if (worker === undefined || session === undefined || this.tls === undefined) return;
    this.newSession = undefined;
    this.ctx.tlsSessions.keep(worker, session, this.tls.isSessionReused() ? undefined : this.tlsStartedAt);
  }

  private readonly onTlsSecure = (): void => {
    if (this.done || this.tls === undefined) return;
    try {
      this.secured(this.tls);
    } catch (err) {
      this.onError(err);
    }
  };

  /**
   * The deadline passed, but the answer may already be waiting in the socket: after the event
   * loop stalls (a busy maglevd, a GC pause), Node runs expired timers *before* it polls the
   * sockets, which would turn a backend's timely answer into our own timeout. So the verdict
   * waits for the check phase (setImmediate), which comes after this turn's poll has delivered
   * whatever had arrived; a probe still unfinished then has really run out of time.
   */
  private readonly onTimeout = (): void => {
    if (this.done) return;
    this.timerLateMs = Math.max(0, this.ctx.clock.monotonic() - this.deadline);
    setImmediate(this.onDeadlinePassed);
  };

  /** A timeout that ran far too late was our event loop's stall, not the backend's slowness. */
  private readonly onDeadlinePassed = (): void => {
    const ms = this.req.healthcheck.timeoutMs;
    if (stalledPastTimeout(this.timerLateMs, ms))
      this.faultOfChecker('event-loop-stall', stallDetail(this.timerLateMs, ms));
    else {
      const { code, detail } = timeoutFailure(this.layer, ms);
      this.fail(code, detail);
    }
  };

  /** The checker stopped this backend's worker: end now, whatever the probe was waiting for. */
  abort(): void {
    this.fail('L4CON', ABORTED_DETAIL);
  }

  private finish(ok: boolean, code: ProbeCode, detail: string): void {
    this.settle(probeResult(ok, code, detail, this.elapsed()));
  }

  private elapsed(): number {
    return performance.now() - this.startedAt;
  }

  private settle(result: ProbeResult): void {
    if (this.done) return;
    this.done = true;
    this.timer.cancel();
    if (this.signal !== undefined) unwatchAbort(this.signal, this);
    if (this.sessionWorker !== undefined) {
      this.passed = result.ok;
      if (result.ok) this.keepSession();
    }
    // Any failure forgets the worker's session, also one before TLS began (refused, connect
    // timeout): the next handshake is a full one, as on the probe engine.
    if (!result.ok && this.signal !== undefined && this.req.healthcheck.params.tlsSessionReuse)
      this.ctx.tlsSessions.forget(this.signal);
    // The error listeners stay attached: a late error from a closed socket must find one.
    if (result.ok && this.tls !== undefined) {
      // Flush what TLS still has queued (the client Finished in TLS 1.3) before closing, so the
      // server sees a completed handshake rather than a reset mid-handshake. The TLS socket
      // owns the TCP connection's handle and closes it.
      this.tls.destroySoon();
    } else if (this.tcp !== undefined && this.resetsAtClose(this.tcp)) {
      this.tcp.resetAndDestroy();
    } else {
      this.tls?.destroy();
      this.tcp?.destroy();
    }
    this.resolve(result);
  }

  /**
   * params.reset-close (plain http): the backend closed its end before the probe ended, so its
   * application is done with the connection and a RST, rather than a FIN, only spares its kernel
   * the FIN's round trip and a TIME_WAIT. As on the probe engine (probe_engine.c end_probe); the
   * probe sees the backend's end less often here, as it stops reading at the status line.
   */
  private resetsAtClose(socket: net.Socket): boolean {
    // resetClose is true for plain http only (config/normalise.ts), so never over TLS.
    return this.req.healthcheck.params.resetClose && socket.readableEnded && !socket.destroyed;
  }
}

/**
 * The detail of a connect that failed on our side (checker-fault.ts decided so): what is missing,
 * and where. Both probe paths (these sockets and the probe engine) word it this way.
 */
export function localFaultDetail(
  req: ProbeRequest,
  reason: CheckerFaultReason,
  errno: { code: string; syscall: string | undefined },
): string {
  const where = whereLabel(req.netns);
  const call = `${errno.syscall ?? 'connect'} ${errno.code}`;
  const hc = req.healthcheck;
  const source = (req.family === 4 ? hc.probeIpv4Src : hc.probeIpv6Src) ?? '?';
  if (reason === 'source-address') {
    const what = errno.code === 'EADDRNOTAVAIL' ? 'is not configured' : 'cannot be used';
    return `source address ${source} ${what} in ${where} (${call})`;
  }
  if (reason === 'no-route') return `${call}: no route to ${req.address} in ${where}`;
  return `${call} in ${where}`;
}
