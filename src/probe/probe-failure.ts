// How a probe that failed is named: the code and the detail of a timeout or an error at the layer
// the probe had reached. The JavaScript probes and the probe engine both report through these,
// so an operator reads the same words whichever of them ran the probe.

import type { ProbeCode, ProbeLayer, ProbeResult } from '../health/types.js';

/** What a timeout means depends on how far the probe got. */
const TIMEOUT_CODE: Record<ProbeLayer, ProbeCode> = { L4: 'L4TOUT', L6: 'L6TOUT', L7: 'L7TOUT' };
const TIMEOUT_WHAT: Record<ProbeLayer, string> = { L4: 'connect', L6: 'TLS handshake', L7: 'response' };
/** Errors are reported at the layer reached: refused/unreachable, TLS failure, bad response. */
const ERROR_CODE: Record<ProbeLayer, ProbeCode> = { L4: 'L4CON', L6: 'L6RSP', L7: 'L7RSP' };
const ERROR_PREFIX: Record<ProbeLayer, string> = { L4: 'connect', L6: 'tls', L7: 'response' };

export interface ProbeVerdict {
  code: ProbeCode;
  detail: string;
}

/** The deadline passed at `layer`: "connect timeout after 2000ms". */
export function timeoutFailure(layer: ProbeLayer, timeoutMs: number): ProbeVerdict {
  return { code: TIMEOUT_CODE[layer], detail: `${TIMEOUT_WHAT[layer]} timeout after ${timeoutMs}ms` };
}

/** An error at `layer`; `what` is an errno name ("ECONNREFUSED") or what was wrong. */
export function errorFailure(layer: ProbeLayer, what: string): ProbeVerdict {
  return { code: ERROR_CODE[layer], detail: `${ERROR_PREFIX[layer]} ${what}` };
}

/** A code's layer: its first two characters, looked up rather than sliced (no string per probe). */
const LAYER: Record<ProbeCode, ProbeLayer> = {
  L4OK: 'L4',
  L4TOUT: 'L4',
  L4CON: 'L4',
  L6OK: 'L6',
  L6TOUT: 'L6',
  L6RSP: 'L6',
  L7OK: 'L7',
  L7TOUT: 'L7',
  L7RSP: 'L7',
  L7STS: 'L7',
};

/** A finished probe's result; the layer is the code's. */
export function probeResult(ok: boolean, code: ProbeCode, detail: string, durationMs: number): ProbeResult {
  return { ok, layer: LAYER[code], code, detail, durationMs };
}
