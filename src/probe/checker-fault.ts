// The one place that decides whether a failed probe was the checker's own fault rather than the
// backend's (docs/safety.md §What counts as a checker fault). Pure: the probe paths say where an
// error came from and what it was, this file says what it means. A new probe path (another
// probe type, a native engine) calls checkerFaultReason() for every error raised by its own
// system calls before anything reached the wire, and stalledPastTimeout() when its timeout
// fires; everything the network answered stays a backend verdict.

import {
  CHECKER_FAULT,
  type CheckerFault,
  type CheckerFaultReason,
  type ProbeLayer,
} from '../health/types.js';

/**
 * Where a local error was raised, which decides how far it can be trusted to be ours:
 * - `setup`: making the socket (entering the namespace, socket(), binding the source). Nothing
 *   has been sent, so every failure here is the checker's.
 * - `connect`: a connect() that failed at once, in the system call itself (the kernel's own
 *   route lookup), not later from the network. A TCP connect that fails *after* the SYN went
 *   out (a remote ICMP unreachable, a reset) is a backend verdict and must not come here.
 * - `send`: an ICMP echo whose sendmsg() failed locally (after the stale-error retry of
 *   native-ping-socket.ts), not an ICMP error that came back from the network.
 */
export type LocalErrorSite = 'setup' | 'connect' | 'send';

export interface LocalError {
  site: LocalErrorSite;
  /** The failing system call when known (`open`, `setns`, `socket`, `bind`, `connect`...). */
  syscall?: string | undefined;
  /** errno name (`ENOENT`), or ENOADDON when the native addon could not be loaded. */
  code: string;
}

/** Out of something the kernel gives per process or per system: never a backend's doing. */
const RESOURCE_CODES: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM']);

/**
 * The checker-fault reason of a local error, or undefined when the error is a verdict on the
 * backend after all. Routes that exist and *refuse* (`unreachable`, `blackhole`, `prohibit`:
 * EHOSTUNREACH, EINVAL, EACCES on connect or send) are the operator's declared word about that
 * destination, so they stay backend verdicts; only a missing route (ENETUNREACH) is ours.
 */
export function checkerFaultReason(e: LocalError): CheckerFaultReason | undefined {
  if (RESOURCE_CODES.has(e.code)) return 'resources';
  switch (e.site) {
    case 'setup':
      return setupReason(e.syscall, e.code);
    case 'connect':
      // Node binds the probe source itself right before connecting (no netns): same meaning.
      if (e.syscall === 'bind') return 'source-address';
      if (e.code === 'ENETUNREACH') return 'no-route';
      // connect() without a bound port: every ephemeral port of the source is in use.
      if (e.code === 'EADDRNOTAVAIL') return 'resources';
      return undefined;
    case 'send':
      if (e.code === 'ENETUNREACH') return 'no-route';
      if (e.code === 'EADDRNOTAVAIL') return 'source-address';
      // Our own limits: socket buffer full, or every echo sequence number of the socket in use.
      if (e.code === 'EAGAIN' || e.code === 'EBUSY') return 'resources';
      return undefined;
  }
}

/** Making the socket failed: always ours; the system call says which part of the setup. */
function setupReason(syscall: string | undefined, code: string): CheckerFaultReason {
  const denied = code === 'EACCES' || code === 'EPERM';
  switch (syscall) {
    case 'open':
    case 'setns':
      return denied ? 'permission' : 'netns';
    case 'bind':
      return 'source-address';
    case 'socket':
      return denied ? 'permission' : 'socket-setup';
    default:
      return 'socket-setup';
  }
}

/** Stall slack below which a late timer is ordinary scheduling noise (GC, a busy tick). */
export const STALL_MIN_MS = 100;
/** A timer later than this share of the probe's timeout left the probe too little of it. */
export const STALL_FRACTION = 0.5;

/**
 * Did the event loop stall past the probe's timeout? `lateMs` is how much later than its
 * deadline the timeout timer ran. When it ran at least half the timeout late (and at least
 * STALL_MIN_MS), the probe's own JavaScript — writing the request, reading the answer — had too
 * little of its budget to judge the backend, so the timeout is ours, not the backend's.
 */
export function stalledPastTimeout(lateMs: number, timeoutMs: number): boolean {
  return lateMs >= Math.max(STALL_MIN_MS, timeoutMs * STALL_FRACTION);
}

/** The detail of a timeout that was our own stall. */
export function stallDetail(lateMs: number, timeoutMs: number): string {
  return `event loop stalled: the ${timeoutMs}ms timeout ran ${Math.round(lateMs)}ms late`;
}

export function checkerFault(
  reason: CheckerFaultReason,
  detail: string,
  durationMs: number,
  layer: ProbeLayer = 'L4',
): CheckerFault {
  return { ok: false, layer, code: CHECKER_FAULT, reason, detail, durationMs };
}

/** What a socket factory or the ping pool threw (a SocketSetupError, or anything else). */
export interface SetupFailure {
  message: string;
  errno?: string | undefined;
  syscall?: string | undefined;
}

/** A socket that could not be made at all: the checker fault it is, with the thrower's detail. */
export function setupFault(err: SetupFailure, durationMs: number): CheckerFault {
  const reason = checkerFaultReason({ site: 'setup', syscall: err.syscall, code: err.errno ?? '' });
  return checkerFault(reason ?? 'socket-setup', err.message, durationMs);
}

/** Anything thrown, as a SetupFailure (errno from a Node error's `code`). */
export function setupFailureOf(err: unknown): SetupFailure {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { errno?: unknown; code?: unknown; syscall?: unknown };
  const errno = typeof e.errno === 'string' ? e.errno : typeof e.code === 'string' ? e.code : undefined;
  return { message: err.message, errno, syscall: typeof e.syscall === 'string' ? e.syscall : undefined };
}
