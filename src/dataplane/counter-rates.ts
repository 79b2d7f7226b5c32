// Rates from two polls of the per-VIP counters, pure. A rate is the counter's increase over the
// time between the polls. A counter that went down was reset (VPP zeroes a VIP's counters when its
// pool index is reused, and a route's when its load balance is): as Prometheus does, the new value
// is taken as the whole increase. A VIP matches its previous sample by identity and pool index, so
// a VIP that was deleted and re-created under another index starts afresh.

/** The counters a rate is taken of, for one VIP. */
export interface VipCounterValues {
  /** vipKeyString + the VIP's pool index. */
  readonly id: string;
  /** All four lb counters summed: every packet the lb node handled for the VIP. */
  readonly packets: bigint;
  /** `/net/route/to` of the VIP's route, when known. */
  readonly routePackets: bigint | undefined;
  readonly routeBytes: bigint | undefined;
}

export interface VipRates {
  /** Packets the lb node handled for the VIP, per second. */
  readonly packetsPerSecond: number;
  /** Packets and bytes per second routed to the VIP's address (shared by VIPs on one address). */
  readonly routePacketsPerSecond: number | undefined;
  readonly routeBytesPerSecond: number | undefined;
}

function increase(previous: bigint | undefined, current: bigint | undefined): bigint | undefined {
  if (current === undefined || previous === undefined) return undefined;
  return current >= previous ? current - previous : current;
}

function perSecond(delta: bigint | undefined, seconds: number): number | undefined {
  return delta === undefined ? undefined : Number(delta) / seconds;
}

/**
 * Rates per VIP id between `previous` (taken `seconds` earlier) and `current`. VIPs without a
 * previous sample, and every VIP when no time passed, get no rate.
 */
export function vipRates(
  previous: readonly VipCounterValues[],
  current: readonly VipCounterValues[],
  seconds: number,
): Map<string, VipRates> {
  const out = new Map<string, VipRates>();
  if (!(seconds > 0)) return out;
  const before = new Map(previous.map((v) => [v.id, v]));
  for (const v of current) {
    const p = before.get(v.id);
    if (!p) continue;
    out.set(v.id, {
      packetsPerSecond: perSecond(increase(p.packets, v.packets), seconds) ?? 0,
      routePacketsPerSecond: perSecond(increase(p.routePackets, v.routePackets), seconds),
      routeBytesPerSecond: perSecond(increase(p.routeBytes, v.routeBytes), seconds),
    });
  }
  return out;
}
