// The vocabulary of backend health, shared by probes, the checker and everything that reports.

/** Backend states, in the original's enum order (the Prometheus gauge uses the index). */
export const BACKEND_STATES = ['unknown', 'up', 'down', 'paused', 'disabled', 'removed'] as const;
export type BackendState = (typeof BACKEND_STATES)[number];

const BACKEND_STATE_SET: ReadonlySet<string> = new Set(BACKEND_STATES);

/** Narrows a state read off the wire (the dashboard's JSON carries states as plain strings). */
export function isBackendState(s: string): s is BackendState {
  return BACKEND_STATE_SET.has(s);
}

/** Probe result codes, HAProxy's check-status vocabulary. */
export const PROBE_CODES = [
  'L4OK',
  'L4TOUT',
  'L4CON',
  'L6OK',
  'L6TOUT',
  'L6RSP',
  'L7OK',
  'L7TOUT',
  'L7RSP',
  'L7STS',
] as const;
export type ProbeCode = (typeof PROBE_CODES)[number];

/** Codes recorded for operator actions and reloads instead of a probe result. */
export const ADMIN_CODES = ['paused', 'resumed', 'disabled', 'enabled', 'removed'] as const;
export type AdminCode = (typeof ADMIN_CODES)[number];

export type TransitionCode = ProbeCode | AdminCode;

export type ProbeLayer = 'L4' | 'L6' | 'L7';

/**
 * Why a probe could not judge its backend: the failure was on the checker's own side, not the
 * backend's (docs/safety.md §What counts as a checker fault). Such a result never counts for or
 * against the backend.
 */
export const CHECKER_FAULT_REASONS = [
  /** healthchecker.netns is gone or cannot be entered. */
  'netns',
  /** The probe source address is not assigned (or not usable) where the probe runs. */
  'source-address',
  /** Our own routing table has no route to the backend (a local route lookup failed). */
  'no-route',
  /** Out of file descriptors, socket buffers, memory or ephemeral ports. */
  'resources',
  /** We may not open the probe socket (capabilities, ping_group_range). */
  'permission',
  /** Any other failure to make the probe socket (the native addon missing, ...). */
  'socket-setup',
  /** maglevd's event loop stalled past the probe's timeout: the timeout was ours. */
  'event-loop-stall',
] as const;
export type CheckerFaultReason = (typeof CHECKER_FAULT_REASONS)[number];

const CHECKER_FAULT_REASON_SET: ReadonlySet<string> = new Set(CHECKER_FAULT_REASONS);

export function isCheckerFaultReason(s: string): s is CheckerFaultReason {
  return CHECKER_FAULT_REASON_SET.has(s);
}

/** The code of a probe result that is a checker fault. */
export const CHECKER_FAULT = 'checker-fault';

/** What one probe found out about its backend. */
export interface BackendVerdict {
  ok: boolean;
  layer: ProbeLayer;
  code: ProbeCode;
  /** Human detail for operators, e.g. "connect ECONNREFUSED", "status 503 not in 200-399". */
  detail: string;
  /** How long the probe took, in milliseconds. */
  durationMs: number;
}

/** A probe that could not judge its backend because the checker itself failed. */
export interface CheckerFault {
  ok: false;
  layer: ProbeLayer;
  code: typeof CHECKER_FAULT;
  reason: CheckerFaultReason;
  /** The cause as an operator needs it, e.g. `source address 10.0.0.1 is not configured in netns "dp"`. */
  detail: string;
  durationMs: number;
}

/** What one probe found: a verdict on the backend, or a fault of the checker's own. */
export type ProbeResult = BackendVerdict | CheckerFault;

export function isCheckerFault(result: ProbeResult): result is CheckerFault {
  return result.code === CHECKER_FAULT;
}

/** One state change of a backend; history is kept newest first. */
export interface Transition {
  from: BackendState;
  to: BackendState;
  /** Wall time of the change, ms since the epoch. */
  at: number;
  code: TransitionCode;
  detail: string;
}
