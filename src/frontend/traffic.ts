// One poll of maglevd's VIP counters as the dashboard shows it (a `traffic` event): the rates per
// frontend and the totals over every VIP. Appending it to the picture is traffic-history.ts.

import type { VPPLBCounters } from '../api/index.js';
import type { TrafficSampleJson, TrafficTotalsJson } from './wire.js';

function sum(values: readonly (number | undefined)[]): number | null {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

/**
 * One poll as the page needs it; undefined when maglevd has not polled yet. Bytes are per VIP
 * address (the route), so the totals count each address once.
 */
export function trafficSample(c: VPPLBCounters): TrafficSampleJson | undefined {
  if (!c.updatedAt || c.source === '') return undefined;
  const perAddress = new Map<string, number>();
  for (const v of c.vips) perAddress.set(v.prefix, (perAddress.get(v.prefix) ?? 0) + 1);
  const routeBytesByAddress = new Map(c.vips.map((v) => [v.prefix, v.routeBytesPerSecond]));
  const routeTotals = new Map(c.vips.map((v) => [v.prefix, v]));
  const frontends = c.vips
    .filter((v) => v.frontend !== '')
    .map((v) => ({
      frontend: v.frontend,
      pps: v.packetsPerSecond ?? null,
      bps: v.routeBytesPerSecond ?? null,
      sharedAddress: (perAddress.get(v.prefix) ?? 0) > 1,
    }));
  const routes = [...routeTotals.values()];
  const totals: TrafficTotalsJson = {
    pps: sum(c.vips.map((v) => v.packetsPerSecond)),
    bps: sum([...routeBytesByAddress.values()]),
    first: Number(c.vips.reduce((a, v) => a + v.firstPackets, 0n)),
    next: Number(c.vips.reduce((a, v) => a + v.nextPackets, 0n)),
    untracked: Number(c.vips.reduce((a, v) => a + v.untrackedPackets, 0n)),
    noServer: Number(c.vips.reduce((a, v) => a + v.noServerPackets, 0n)),
    routePackets: sum(routes.map((v) => (v.routePackets === undefined ? undefined : Number(v.routePackets)))),
    routeBytes: sum(routes.map((v) => (v.routeBytes === undefined ? undefined : Number(v.routeBytes)))),
  };
  return {
    at: c.updatedAt.getTime(),
    source: c.source,
    intervalS: c.rateIntervalSeconds ?? null,
    frontends,
    totals,
  };
}
