// What the VPP integration needs from the config: the GRE source addresses are mandatory once
// maglevd talks to VPP (docs/vpp.md §Turning it on), and lb_conf is built from the `vpp.lb` section.
// Pure; the daemon refuses to start (or to reload) when vppConfigProblems finds anything.

import type { MaglevConfig } from '../config/types.js';

/** The lb_conf values maglevd wants; sticky buckets and flow timeout only when configured. */
export interface WantedLbConf {
  readonly ip4SrcAddress: string;
  readonly ip6SrcAddress: string;
  readonly stickyBucketsPerCore?: number;
  /** Seconds. */
  readonly flowTimeout?: number;
}

/** Problems that make the config unusable with VPP integration on; empty when fine. */
export function vppConfigProblems(config: MaglevConfig): string[] {
  const problems: string[] = [];
  const lb = config.vpp.lb;
  if (lb.ipv4SrcAddress === undefined)
    problems.push('maglev.vpp.lb.ipv4-src-address is required when VPP integration is on (--vpp-api-addr)');
  if (lb.ipv6SrcAddress === undefined)
    problems.push('maglev.vpp.lb.ipv6-src-address is required when VPP integration is on (--vpp-api-addr)');
  return problems;
}

/** lb_conf from the config; undefined when a source address is missing (see vppConfigProblems). */
export function wantedLbConf(config: MaglevConfig): WantedLbConf | undefined {
  const lb = config.vpp.lb;
  if (lb.ipv4SrcAddress === undefined || lb.ipv6SrcAddress === undefined) return undefined;
  return {
    ip4SrcAddress: lb.ipv4SrcAddress,
    ip6SrcAddress: lb.ipv6SrcAddress,
    ...(lb.stickyBucketsPerCore !== undefined && { stickyBucketsPerCore: lb.stickyBucketsPerCore }),
    ...(lb.flowTimeoutS !== undefined && { flowTimeout: lb.flowTimeoutS }),
  };
}
