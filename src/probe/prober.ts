// createProber: the one ProbeFn the checker calls, dispatching on healthcheck.type. Everything
// probes share (socket factory, TLS context, User-Agent) is built here once.

import tls from 'node:tls';
import { systemClock, type Clock } from '../clock/index.js';
import type { ProbeResult } from '../health/types.js';
import { probeHttp } from './http.js';
import { RequestHeadCache } from './http-request.js';
import { probeIcmp } from './icmp.js';
import type { ProbeContext } from './probe-context.js';
import { checkerFault } from './checker-fault.js';
import { errorCode, failedBeforeStart } from './probe-run.js';
import { nativeSocketFactory } from './native-socket-factory.js';
import type { SocketFactory } from './socket-factory.js';
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
}

export function createProber(opts: ProberOptions = {}): ProbeFn {
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const ctx: ProbeContext = {
    sockets: opts.sockets ?? nativeSocketFactory,
    clock: opts.clock ?? systemClock,
    requestHeads: new RequestHeadCache(userAgent),
    secureContext: tls.createSecureContext(opts.tlsCa === undefined ? {} : { ca: opts.tlsCa }),
  };
  const icmp: ProbeFn = opts.icmp ?? ((req) => probeIcmp(req, ctx.clock));
  return (req) => runProbe(req, ctx, icmp);
}

function runProbe(req: ProbeRequest, ctx: ProbeContext, icmp: ProbeFn): Promise<ProbeResult> {
  try {
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
