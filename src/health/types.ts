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

/** What one probe found. */
export interface ProbeResult {
  ok: boolean;
  layer: ProbeLayer;
  code: ProbeCode;
  /** Human detail for operators, e.g. "connect ECONNREFUSED", "status 503 not in 200-399". */
  detail: string;
  /** How long the probe took, in milliseconds. */
  durationMs: number;
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
