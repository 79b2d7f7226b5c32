// How a VIP is probed. The config does not say whether a VIP speaks HTTP, so maglevt reads it
// from the port first (a well-known port is the strongest hint of what clients speak), then from
// the health checks of the VIP's backends (an operator who checks backends over HTTPS serves
// HTTPS), and otherwise only tests that a TCP connection is accepted.

import type { HealthCheckType } from '../config/index.js';
import type { VipKind } from './types.js';

export const HTTPS_PORTS: ReadonlySet<number> = new Set([443]);
export const HTTP_PORTS: ReadonlySet<number> = new Set([80, 8080]);

export interface Classification {
  kind: VipKind;
  reason: string;
}

/**
 * Classes a VIP by its port and the health-check types of its backends (in pool order):
 * port 443 → https; port 80 or 8080 → http; else any https check → https; else any http
 * check → http; else tcp.
 */
export function classifyVip(port: number, checkTypes: readonly HealthCheckType[]): Classification {
  if (HTTPS_PORTS.has(port)) return { kind: 'https', reason: `port ${port}` };
  if (HTTP_PORTS.has(port)) return { kind: 'http', reason: `port ${port}` };
  if (checkTypes.includes('https')) return { kind: 'https', reason: 'https health check' };
  if (checkTypes.includes('http')) return { kind: 'http', reason: 'http health check' };
  return { kind: 'tcp', reason: 'no http hint' };
}
