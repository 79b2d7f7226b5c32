// Probe outcomes for the pure-core tests, written the way the prober would report them.

import type { ProbeOutcome, Target } from '../../src/tester/index.js';

export function answered(latencyMs: number, header: string | undefined, status = 204): ProbeOutcome {
  const ok = status >= 200 && status < 400;
  return {
    ok,
    latencyMs,
    status: String(status),
    answered: true,
    httpStatus: status,
    header,
    failure: ok ? undefined : { kind: 'http-err', code: String(status), detail: `HTTP ${status}` },
  };
}

export function refused(latencyMs = 0.2): ProbeOutcome {
  return {
    ok: false,
    latencyMs,
    status: 'refused',
    answered: false,
    httpStatus: undefined,
    header: undefined,
    failure: { kind: 'net-err', code: 'ECONNREFUSED', detail: 'connect ECONNREFUSED 192.0.2.1:80' },
  };
}

export function timedOut(latencyMs = 2_000): ProbeOutcome {
  return {
    ok: false,
    latencyMs,
    status: 'timeout',
    answered: false,
    httpStatus: undefined,
    header: undefined,
    failure: { kind: 'timeout', code: 'timeout', detail: 'no answer within 2s' },
  };
}

export function connected(latencyMs: number): ProbeOutcome {
  return {
    ok: true,
    latencyMs,
    status: 'open',
    answered: true,
    httpStatus: undefined,
    header: undefined,
    failure: undefined,
  };
}

export function target(
  name: string,
  kind: Target['kind'] = 'http',
  address = '192.0.2.1',
  port = 80,
): Target {
  return {
    key: `${address} tcp ${port}`,
    name,
    names: [name],
    address,
    family: 4,
    protocol: 'tcp',
    port,
    kind,
    reason: 'test',
  };
}
