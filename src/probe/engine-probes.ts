// tcp, http and https probes on the probe engine: which probes it can run, the target it gets for
// them, and what its records mean as ProbeResults, in the same codes and details as the
// JavaScript probes (tcp.ts, http.ts, probe-run.ts startTls). The engine takes tcp (with or
// without ssl), and http and https without a response-regexp; bodies (the regexp) stay on the
// JavaScript probes.

import { isIP } from 'node:net';
import { getSystemErrorMap } from 'node:util';
import { systemClock, type Clock } from '../clock/index.js';
import type { HealthCheckConfig } from '../config/types.js';
import type { ProbeResult } from '../health/types.js';
import { EngineFlag, EngineKind, EngineOutcome } from '../native/engine-protocol.js';
import { HeadError } from './http-response.js';
import type { RequestHeadCache } from './http-request.js';
import { statusVerdict } from './http-status.js';
import { describeNativeError } from './native-errors.js';
import { checkerFault, checkerFaultReason, setupFault } from './checker-fault.js';
import { errorFailure, probeResult, timeoutFailure, type ProbeVerdict } from './probe-failure.js';
import type { EngineRecord, EngineRun, EngineTarget, ProbeEngine, RecordReceiver } from './probe-engine.js';
import { ABORTED_DETAIL, localFaultDetail } from './probe-run.js';
import type { ProbeRequest } from './types.js';
import { isValidNetnsName } from './netns.js';
import { x509ErrorName } from './x509-errors.js';

/**
 * What a repeating probe's results go to (the checker's worker): an object with a method, for the
 * reason probe-engine.ts's RecordReceiver gives.
 */
export interface ResultReceiver {
  /**
   * Called with each result, `lagMs` how late its probe started and `ageMs` how long ago it ended
   * (results are handed over in batches); returns the delay until the next probe, or undefined to
   * end the loop. Must not throw.
   */
  onProbeResult(result: ProbeResult, lagMs: number, ageMs: number): number | undefined;
}

/**
 * Repeating probes of one backend, for the checker: the first after firstDelayMs, each next one
 * after the delay the receiver returns (counted from when the previous probe finished), until it
 * returns undefined or the loop is stopped.
 */
export interface RepeatingProber {
  /** Undefined when this prober cannot run req (the caller probes it some other way). */
  repeat(req: ProbeRequest, firstDelayMs: number, receiver: ResultReceiver): ProbeLoop | undefined;
}

export interface ProbeLoop {
  /** No result is delivered after stop() returns; the probe in flight is cancelled. */
  stop(): void;
}

/** One backend's loop on the engine: its records, as ProbeResults, to the receiver. */
class EngineLoop implements RecordReceiver, ProbeLoop {
  private readonly run: EngineRun;

  constructor(
    engine: ProbeEngine,
    target: EngineTarget,
    firstDelayMs: number,
    private readonly req: ProbeRequest,
    private readonly receiver: ResultReceiver,
  ) {
    this.run = engine.start(target, firstDelayMs, this);
  }

  onRecord(record: EngineRecord): number | undefined {
    return this.receiver.onProbeResult(engineResult(record, this.req), record.lagMs, record.ageMs);
  }

  stop(): void {
    this.run.stop();
  }
}

export class EngineProbes implements RepeatingProber {
  constructor(
    private readonly engine: ProbeEngine,
    private readonly requestHeads: RequestHeadCache,
    /** The CAs https and tcp+ssl trust (PEM) instead of Node's root certificates (prober.ts tlsCa). */
    private readonly tlsCa?: string,
  ) {}

  /** Whether the engine runs probes like req: tcp, and http or https without a response-regexp. */
  static accepts(hc: HealthCheckConfig, netns: string | undefined): boolean {
    if (hc.port === undefined || (netns !== undefined && !isValidNetnsName(netns))) return false;
    if (hc.type === 'tcp') return true;
    return (hc.type === 'http' || hc.type === 'https') && hc.params.responseRegexp === undefined;
  }

  /**
   * Whether a one-off probe (probe()) runs here. A TLS probe that reuses its worker's session
   * (tls-session-reuse with a signal) stays on the JavaScript probe, where tls-sessions.ts keeps
   * that session from one probe to the next: each one-off probe is a run of its own here, and
   * the engine keeps sessions per run (repeat()).
   */
  static acceptsOneOff(req: ProbeRequest): boolean {
    const hc = req.healthcheck;
    const secure = hc.type === 'https' || (hc.type === 'tcp' && hc.params.ssl);
    if (secure && hc.params.tlsSessionReuse && req.signal !== undefined) return false;
    return EngineProbes.accepts(hc, req.netns);
  }

  repeat(req: ProbeRequest, firstDelayMs: number, receiver: ResultReceiver): ProbeLoop | undefined {
    if (!EngineProbes.accepts(req.healthcheck, req.netns)) return undefined;
    const target = this.target(req, req.healthcheck.timeoutMs);
    return new EngineLoop(this.engine, target, firstDelayMs, req, receiver);
  }

  /**
   * One probe, as a ProbeFn runs it. With the system clock the engine keeps the deadline; with
   * another (tests) the deadline is that clock's and the engine is told when it has passed.
   */
  probe(req: ProbeRequest, clock: Clock): Promise<ProbeResult> {
    const hc = req.healthcheck;
    if (req.signal?.aborted === true) return Promise.resolve(probeResult(false, 'L4CON', ABORTED_DETAIL, 0));
    const ownDeadline = clock === systemClock;
    return new Promise((resolve) => {
      const startedAt = performance.now();
      const finish = (result: ProbeResult): undefined => {
        timer?.cancel();
        req.signal?.removeEventListener('abort', onAbort);
        resolve(result);
        return undefined;
      };
      const onAbort = (): void => {
        run.stop();
        finish(probeResult(false, 'L4CON', ABORTED_DETAIL, performance.now() - startedAt));
      };
      const run = this.engine.start(this.target(req, ownDeadline ? hc.timeoutMs : 0), 0, {
        onRecord: (record) => finish(engineResult(record, req)),
      });
      const timer = ownDeadline ? undefined : clock.setTimeout(() => run.expire(), hc.timeoutMs);
      req.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private target(req: ProbeRequest, timeoutMs: number): EngineTarget {
    const hc = req.healthcheck;
    const port = hc.port as number;
    const params = hc.params;
    const http = hc.type !== 'tcp';
    const secure = hc.type === 'https' || (hc.type === 'tcp' && params.ssl);
    let flags = 0;
    if (secure) {
      flags |= EngineFlag.tls;
      if (!params.insecureSkipVerify) flags |= EngineFlag.tlsVerify;
      if (params.tlsSessionReuse) flags |= EngineFlag.tlsReuse;
    } else if (params.halfOpen) flags |= EngineFlag.halfOpen;
    else if (params.resetClose) flags |= EngineFlag.resetClose;
    return {
      kind: http ? EngineKind.http : EngineKind.tcp,
      family: req.family,
      address: req.address,
      port,
      source: sourceOf(req),
      netns: req.netns,
      request: http ? this.requestHeads.get(hc, req.address, port, hc.type === 'https') : undefined,
      timeoutMs,
      flags,
      // As startTls(): SNI is the serverName unless it is an IP literal; the certificate must
      // name the serverName, or the backend's address when there is none.
      tls: secure
        ? {
            ca: this.tlsCa,
            serverName:
              params.serverName !== undefined && isIP(params.serverName) === 0
                ? params.serverName
                : undefined,
            verifyName: params.serverName ?? req.address,
            statusMin: params.responseCode.min,
            statusMax: params.responseCode.max,
          }
        : undefined,
    };
  }
}

function sourceOf(req: ProbeRequest): string | undefined {
  return req.family === 4 ? req.healthcheck.probeIpv4Src : req.healthcheck.probeIpv6Src;
}

const errnoNames = getSystemErrorMap();

function errnoName(errno: number): string {
  return errnoNames.get(-errno)?.[0] ?? `errno ${errno}`;
}

/** A record of the engine as the ProbeResult the JavaScript probe would have given. */
export function engineResult(record: EngineRecord, req: ProbeRequest): ProbeResult {
  if (record.outcome === EngineOutcome.setupError) return setupFailure(record, req);
  if (record.outcome === EngineOutcome.connectCallError) {
    // connect() failed in the call itself: ours when checker-fault.ts says so, else a verdict.
    const errno = { code: errnoName(record.value), syscall: 'connect' };
    const reason = checkerFaultReason({ site: 'connect', ...errno });
    if (reason !== undefined)
      return checkerFault(reason, localFaultDetail(req, reason, errno), record.durationMs);
  }
  const v = engineVerdict(record, req);
  const ok = v.code === 'L4OK' || v.code === 'L6OK' || v.code === 'L7OK';
  return probeResult(ok, v.code, v.detail, record.durationMs);
}

const CONNECTED: ProbeVerdict = Object.freeze({ code: 'L4OK', detail: 'connected' });

function engineVerdict(record: EngineRecord, req: ProbeRequest): ProbeVerdict {
  const hc = req.healthcheck;
  switch (record.outcome) {
    case EngineOutcome.connected:
      return CONNECTED;
    case EngineOutcome.status:
      return statusVerdict(record.value, hc.params.responseCode);
    case EngineOutcome.connectError:
    case EngineOutcome.connectCallError:
      return errorFailure('L4', errnoName(record.value));
    case EngineOutcome.connectTimeout:
      return timeoutFailure('L4', hc.timeoutMs);
    case EngineOutcome.responseError:
      return errorFailure('L7', record.text ?? errnoName(record.value));
    case EngineOutcome.responseTimeout:
      return timeoutFailure('L7', hc.timeoutMs);
    case EngineOutcome.badStatusLine:
      return errorFailure('L7', HeadError.badStatusLine(record.text ?? ''));
    case EngineOutcome.emptyResponse:
      return errorFailure('L7', HeadError.empty);
    case EngineOutcome.truncatedHead:
      return errorFailure('L7', HeadError.truncated(record.value));
    case EngineOutcome.headTooLarge:
      return errorFailure('L7', HeadError.tooLarge);
    case EngineOutcome.secured:
      return { code: 'L6OK', detail: `TLS handshake ok (${record.text ?? 'unknown protocol'})` };
    case EngineOutcome.tlsError:
      return errorFailure('L6', record.text ?? errnoName(record.value));
    case EngineOutcome.tlsTimeout:
      return timeoutFailure('L6', hc.timeoutMs);
    case EngineOutcome.certRejected:
      return errorFailure(
        'L6',
        record.value === -1 ? 'ERR_TLS_CERT_ALTNAME_INVALID' : x509ErrorName(record.value),
      );
    default:
      return errorFailure('L4', `probe engine outcome ${record.outcome}`);
  }
}

/**
 * The socket could not be made: always the checker's fault (checker-fault.ts), worded as the
 * JavaScript path words it. In maglevd's own namespace Node binds the source itself right before
 * connecting ("bind EADDRNOTAVAIL"); inside a netns the addon's words name the cause.
 */
function setupFailure(record: EngineRecord, req: ProbeRequest): ProbeResult {
  const code = errnoName(record.value);
  const syscall = record.step ?? 'socket';
  if (req.netns === undefined) {
    const errno = { code, syscall };
    const reason = checkerFaultReason({ site: 'connect', ...errno }) ?? 'socket-setup';
    return checkerFault(reason, localFaultDetail(req, reason, errno), record.durationMs);
  }
  const message = errnoNames.get(-record.value)?.[1] ?? code;
  const detail = describeNativeError(
    { syscall, code, message: `${syscall}: ${message}` },
    { netns: req.netns, source: sourceOf(req), kind: 'tcp' },
  );
  return setupFault({ message: detail, errno: code, syscall }, record.durationMs);
}
