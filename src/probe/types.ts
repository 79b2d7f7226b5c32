// What the checker asks of a probe, and the one function shape every probe type implements.

import type { HealthCheckConfig } from '../config/types.js';
import type { IpFamily } from '../net/ip-address.js';
import type { ProbeResult } from '../health/types.js';

export interface ProbeRequest {
  healthcheck: HealthCheckConfig;
  /** Backend address (canonical IP literal). */
  address: string;
  family: IpFamily;
  /** healthchecker.netns; undefined means maglevd's own namespace. */
  netns: string | undefined;
  /** Aborted when the checker stops this backend's worker (reload, pause, shutdown). */
  signal?: AbortSignal | undefined;
}

/**
 * Runs one probe. Never rejects: every failure, including the timeout (healthcheck.timeoutMs,
 * covering the whole probe), becomes a ProbeResult with a code and a detail.
 */
export type ProbeFn = (req: ProbeRequest) => Promise<ProbeResult>;
