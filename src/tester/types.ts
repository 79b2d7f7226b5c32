// The vocabulary of maglevt: what is probed (a Target, one VIP), what one probe says (a
// ProbeOutcome), and the anomalies the error panel groups.

import type { FrontendProtocol } from '../config/index.js';
import type { IpFamily } from '../net/ip-address.js';

/** How a VIP is probed: an HTTP GET, an HTTPS GET, or a bare TCP connect. */
export type VipKind = 'http' | 'https' | 'tcp';

export interface Target {
  /** `address protocol port` as in the config: the de-duplication key. */
  readonly key: string;
  /** The frontend's name (the first one, when several files name the same VIP). */
  readonly name: string;
  /** Every frontend name this VIP carries across the config files, in reading order. */
  readonly names: readonly string[];
  readonly address: string;
  readonly family: IpFamily;
  readonly protocol: FrontendProtocol;
  /** The port probed: the frontend's port, or for an all-ports VIP its backends' health-check port. */
  readonly port: number;
  readonly kind: VipKind;
  /** Why the VIP got its kind (shown by --once, documented in docs/maglevt.md). */
  readonly reason: string;
}

/** A frontend maglevt does not probe, and why. */
export interface SkippedVip {
  readonly name: string;
  readonly address: string;
  readonly protocol: FrontendProtocol;
  readonly port: number;
  readonly reason: string;
}

/** The anomaly classes of the error panel; `spike` is a successful probe that was far too slow. */
export type AnomalyKind = 'timeout' | 'http-err' | 'net-err' | 'spike';

export const ANOMALY_KINDS: readonly AnomalyKind[] = ['timeout', 'http-err', 'net-err', 'spike'];

export interface ProbeFailure {
  kind: Exclude<AnomalyKind, 'spike'>;
  /** Short and stable, used to group repeats: `timeout`, `503`, `ECONNREFUSED`. */
  code: string;
  /** For people: `no answer within 2s`, `HTTP 503 Service Unavailable`, `connect ECONNREFUSED ...`. */
  detail: string;
}

/** What one probe found. Probes never reject: every failure is an outcome. */
export interface ProbeOutcome {
  ok: boolean;
  /** From the start of the probe to its end (body drained, or connected), in ms. */
  latencyMs: number;
  /** The LAST column: an HTTP status (`204`), `open` for a TCP connect, or a short failure word. */
  status: string;
  /** True when a server answered (any HTTP status, or a TCP connect): its latency is meaningful. */
  answered: boolean;
  /** The HTTP status when an HTTP server answered; undefined for TCP probes and failures to answer. */
  httpStatus: number | undefined;
  /** The tallied response header's value; undefined when not HTTP or the header was absent. */
  header: string | undefined;
  failure: ProbeFailure | undefined;
}

/** One probe result with its place in time. */
export interface Sample extends ProbeOutcome {
  /** Wall-clock time the probe finished, ms since the epoch. */
  at: number;
}

export interface Anomaly {
  at: number;
  /** The Target's key and name. */
  vipKey: string;
  vip: string;
  kind: AnomalyKind;
  code: string;
  detail: string;
}
