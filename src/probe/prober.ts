// createProber: the one ProbeFn the checker calls, dispatching on healthcheck.type. Everything
// probes share (socket factory, TLS context, User-Agent) is built here once.

import tls from 'node:tls';
import { systemClock, type Clock } from '../clock/index.js';
import type { ProbeResult } from '../health/types.js';
import { EngineProbes, type RepeatingProber } from './engine-probes.js';
import { probeHttp } from './http.js';
import { RequestHeadCache } from './http-request.js';
import { probeIcmp } from './icmp.js';
import type { ProbeContext } from './probe-context.js';
import { checkerFault } from './checker-fault.js';
import { errorCode, failedBeforeStart } from './probe-run.js';
import { nativeSocketFactory } from './native-socket-factory.js';
import { sharedProbeEngine, type ProbeEngine } from './probe-engine.js';
import type { SocketFactory } from './socket-factory.js';
import { TlsSessions } from './tls-sessions.js';
import { probeTcp } from './tcp.js';
import type { ProbeFn, ProbeRequest } from './types.js';
import { DEFAULT_USER_AGENT } from './user-agent.js';

export interface ProberOptions {
  /**
   * Where probe sockets come from; default nativeSocketFactory: Node's own sockets in maglevd's
   * namespace, sockets made by the native addon when the probe has a netns.
   */
  sockets?: SocketFactory;
  /** User-Agent of HTTP probes; default `vpp-maglev/<version> (+<project URL>)`. */
  userAgent?: string;
  /**
   * CA certificates (PEM) to trust for https and tcp+ssl probes *instead of* Node's bundled
   * root CAs. For tests, and for an operator whose backends use a private CA.
   */
  tlsCa?: string | Buffer;
  /**
   * Drives the per-probe timeout timer (tests use FakeClock). durationMs is always measured
   * with performance.now(): a probe is real I/O, its duration is real time.
   */
  clock?: Clock;
  /** The icmp probe; default probeIcmp (ping sockets via the native addon, one shared pool). */
  icmp?: ProbeFn;
  /**
   * Where tcp, http and https probes without a response-regexp run: by default on the
   * process's probe engine (native/probe_engine.c, off the event loop) when the addon is built
   * and no `sockets` factory is given; `false` runs them on Node's sockets like the others.
   */
  engine?: ProbeEngine | false;
}

export function createProber(opts: ProberOptions = {}): ProbeFn {
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const clock = opts.clock ?? systemClock;
  const ctx: ProbeContext = {
    sockets: opts.sockets ?? nativeSocketFactory,
    clock,
    requestHeads: new RequestHeadCache(userAgent),
    secureContext: tls.createSecureContext(opts.tlsCa === undefined ? {} : { ca: opts.tlsCa }),
    tlsSessions: new TlsSessions(clock),
  };
  const icmp: ProbeFn = opts.icmp ?? ((req) => probeIcmp(req, ctx.clock));
  const engine = opts.engine ?? (opts.sockets === undefined ? sharedProbeEngine() : undefined);
  const tlsCa = opts.tlsCa === undefined ? undefined : opts.tlsCa.toString();
  const onEngine = engine ? new EngineProbes(engine, ctx.requestHeads, tlsCa) : undefined;
  return (req) => runProbe(req, ctx, icmp, onEngine);
}

/**
 * The checker's repeating probes on the process's probe engine, with the same User-Agent as
 * createProber's; undefined when the engine is not available (probeEngineUnavailableReason says
 * why), and the checker then runs every probe through its ProbeFn.
 */
export function createRepeatingProber(
  opts: Pick<ProberOptions, 'userAgent'> & { engine?: ProbeEngine } = {},
): RepeatingProber | undefined {
  const engine = opts.engine ?? sharedProbeEngine();
  if (engine === undefined) return undefined;
  return new EngineProbes(engine, new RequestHeadCache(opts.userAgent ?? DEFAULT_USER_AGENT));
}

function runProbe(
  req: ProbeRequest,
  ctx: ProbeContext,
  icmp: ProbeFn,
  onEngine: EngineProbes | undefined,
): Promise<ProbeResult> {
  try {
    if (onEngine !== undefined && EngineProbes.acceptsOneOff(req)) return onEngine.probe(req, ctx.clock);
    switch (req.healthcheck.type) {
      case 'tcp':
        return probeTcp(req, ctx);
      case 'http':
      case 'https':
        return probeHttp(req, ctx);
      case 'icmp':
        return icmp(req);
      default:
        return Promise.resolve(failedBeforeStart(`unknown healthcheck type ${String(req.healthcheck.type)}`));
    }
  } catch (err) {
    // The probes catch their own failures; this keeps the never-rejects promise for the
    // unforeseen. A probe that broke before it started says nothing about the backend.
    return Promise.resolve(checkerFault('socket-setup', `probe setup failed: ${errorCode(err)}`, 0));
  }
}
