// The verdict on an HTTP status: pass when it is in the health check's response-code range. One
// wording for the JavaScript http probe and the probe engine alike.

import type { ResponseCodeRange } from '../config/types.js';
import type { ProbeVerdict } from './probe-failure.js';

export type StatusVerdict = Readonly<ProbeVerdict & { ok: boolean }>;

/** Verdicts of passing statuses, made once: at thousands of probes a second they are the same few. */
const passes = new Map<number, StatusVerdict>();

export function statusVerdict(status: number, range: ResponseCodeRange): StatusVerdict {
  if (status < range.min || status > range.max) {
    const expected = range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`;
    return { ok: false, code: 'L7STS', detail: `status ${status} not in ${expected}` };
  }
  let verdict = passes.get(status);
  if (verdict === undefined) {
    verdict = Object.freeze({ ok: true, code: 'L7OK', detail: `status ${status}` });
    passes.set(status, verdict);
  }
  return verdict;
}
