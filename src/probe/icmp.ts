// icmp probe: one ICMP echo request per probe over a shared ping socket (native-ping-socket),
// from healthchecker.netns and the family's probe source address when set.
//   echo reply                          → L4OK
//   no reply within healthcheck.timeout → L4TOUT
//   ICMP error about our echo from the network, or a send refused by a route that exists
//   (unreachable, blackhole, prohibit) → L4CON with the cause
//   no socket (namespace gone, source address missing, no privilege, closed ping_group_range),
//   a send with no route from our side, a timeout that ran far too late → checker fault
//   (checker-fault.ts): the backend was never really asked.

import { systemClock, type Clock } from '../clock/index.js';
import type { CheckerFaultReason, ProbeCode, ProbeResult } from '../health/types.js';
import type { Logger } from '../log/index.js';
import { PingSocketPool } from './native-ping-pool.js';
import type { EchoHandle, PingSocket } from './native-ping-socket.js';
import { ABORTED_DETAIL } from './probe-run.js';
import {
  checkerFault,
  checkerFaultReason,
  setupFailureOf,
  setupFault,
  stallDetail,
  stalledPastTimeout,
} from './checker-fault.js';
import { whereLabel } from './native-errors.js';
import type { ProbeFn, ProbeRequest } from './types.js';

export interface IcmpProbeOptions {
  /** Drives the timeout timer; durationMs is always real elapsed time. */
  clock?: Clock;
  /** Where the ping sockets live; default one pool per createIcmpProbe. */
  pool?: PingSocketPool;
  /** Gets the pool's ping-group-range log lines (when pool is not given). */
  logger?: Logger;
}

/** An icmp ProbeFn with its own socket pool (or the one given). */
export function createIcmpProbe(opts: IcmpProbeOptions = {}): ProbeFn {
  const clock = opts.clock ?? systemClock;
  const pool = opts.pool ?? new PingSocketPool({ logger: opts.logger });
  return (req) => runIcmpProbe(req, clock, pool);
}

let defaultPool: PingSocketPool | undefined;

/** The icmp probe with a process-wide socket pool; `clock` drives the timeout. */
export function probeIcmp(req: ProbeRequest, clock: Clock = systemClock): Promise<ProbeResult> {
  defaultPool ??= new PingSocketPool();
  return runIcmpProbe(req, clock, defaultPool);
}

function runIcmpProbe(req: ProbeRequest, clock: Clock, pool: PingSocketPool): Promise<ProbeResult> {
  const startedAt = performance.now();
  const startedWall = Date.now();
  const elapsed = (): number => performance.now() - startedAt;
  const result = (ok: boolean, code: ProbeCode, detail: string, durationMs?: number): ProbeResult => ({
    ok,
    layer: 'L4',
    code,
    detail,
    durationMs: durationMs ?? elapsed(),
  });
  if (req.signal?.aborted === true) return Promise.resolve(result(false, 'L4CON', ABORTED_DETAIL));

  const hc = req.healthcheck;
  const source = req.family === 4 ? hc.probeIpv4Src : hc.probeIpv6Src;
  let socket: PingSocket;
  try {
    socket = pool.acquire(req.family, req.netns, source);
  } catch (err) {
    // No socket at all: nothing was sent, the checker could not probe.
    return Promise.resolve(setupFault(setupFailureOf(err), elapsed()));
  }

  /**
   * A send that failed on our side. ENETUNREACH is also what sendmsg says once the socket's
   * source address has been removed, so before calling it a missing route, let a fresh socket
   * try to bind the source: a bind failure names the real cause.
   */
  const localFailure = (reason: CheckerFaultReason, detail: string): ProbeResult => {
    if (reason === 'no-route' && source !== undefined) {
      pool.discard(socket);
      try {
        pool.acquire(req.family, req.netns, source);
      } catch (err) {
        return setupFault(setupFailureOf(err), elapsed());
      }
    }
    return checkerFault(reason, `${detail} in ${whereLabel(req.netns)}`, elapsed());
  };

  return new Promise((resolve) => {
    let done = false;
    let echo: EchoHandle | undefined;
    const deadline = clock.monotonic() + hc.timeoutMs;
    const finish = (r: ProbeResult): void => {
      if (done) return;
      done = true;
      timer.cancel();
      req.signal?.removeEventListener('abort', onAbort);
      echo?.cancel();
      resolve(r);
    };
    const onAbort = (): void => finish(result(false, 'L4CON', ABORTED_DETAIL));
    const timer = clock.setTimeout(() => {
      const lateMs = Math.max(0, clock.monotonic() - deadline);
      // A reply or an ICMP error may be queued without the socket having been polled yet.
      socket.drainReplies();
      socket.drainErrors();
      if (stalledPastTimeout(lateMs, hc.timeoutMs))
        finish(checkerFault('event-loop-stall', stallDetail(lateMs, hc.timeoutMs), elapsed()));
      else finish(result(false, 'L4TOUT', `no echo reply within ${hc.timeoutMs}ms`));
    }, hc.timeoutMs);
    req.signal?.addEventListener('abort', onAbort);
    try {
      echo = socket.echo(req.address, (outcome) => {
        if (!outcome.ok) {
          const reason = outcome.local
            ? checkerFaultReason({ site: 'send', syscall: 'sendmsg', code: outcome.errno })
            : undefined;
          return finish(
            reason === undefined
              ? result(false, 'L4CON', outcome.detail)
              : localFailure(reason, outcome.detail),
          );
        }
        // Read late (see drainReplies): the kernel's arrival time decides, not when we looked.
        const took = outcome.at === undefined ? undefined : Math.max(0, outcome.at - startedWall);
        if (took !== undefined && took > hc.timeoutMs) {
          finish(
            result(
              false,
              'L4TOUT',
              `no echo reply within ${hc.timeoutMs}ms (reply after ${Math.round(took)}ms)`,
            ),
          );
        } else {
          finish(result(true, 'L4OK', `echo reply from ${outcome.from}`, took));
        }
      });
    } catch (err) {
      // dgram rejects some inputs synchronously; a probe still never rejects.
      finish(result(false, 'L4CON', `send ${err instanceof Error ? err.message : String(err)}`));
    }
  });
}
