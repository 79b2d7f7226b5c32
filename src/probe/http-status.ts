// The verdict on an HTTP status: pass when it is in the health check's response-code range. One
// wording for the JavaScript http probe and the probe engine alike.

import type { ResponseCodeRange } from '../config/types.js';
import type { ProbeVerdict } from './probe-failure.js';

/** Details of passing statuses, made once: at thousands of probes a second they are the same few. */
const passDetails = new Map<number, string>();

export function statusVerdict(status: number, range: ResponseCodeRange): ProbeVerdict & { ok: boolean } {
  if (status < range.min || status > range.max) {
    const expected = range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`;
    return { ok: false, code: 'L7STS', detail: `status ${status} not in ${expected}` };
  }
  let detail = passDetails.get(status);
  if (detail === undefined) {
    detail = `status ${status}`;
    passDetails.set(status, detail);
  }
  return { ok: true, code: 'L7OK', detail };
}
