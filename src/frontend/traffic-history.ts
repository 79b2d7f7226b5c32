// The dashboard's traffic picture over time, pure and shared by the server (which keeps one per
// maglevd) and the page (which appends the same `traffic` events to the state it hydrated): the
// rates of every frontend and the totals, with the points of the last few minutes for the
// sparklines. Points come from maglevd's own counter polls (every 5 s), so the history is as fine
// as the counters and survives a page reload. Imports nothing but the wire types.

import type { FrontendTrafficJson, TrafficRateJson, TrafficSampleJson, VppTrafficJson } from './wire.js';

/** How far back the sparklines reach. */
export const TRAFFIC_WINDOW_MS = 5 * 60_000;

function appendPoint(
  history: readonly TrafficRateJson[] | undefined,
  point: TrafficRateJson,
  window: number,
): TrafficRateJson[] {
  const kept = (history ?? []).filter((p) => p.at < point.at && p.at > point.at - window);
  return [...kept, point];
}

/**
 * The picture after one more poll. A sample not newer than the last one changes nothing (the
 * server may ask again before maglevd polled again); frontends gone from the sample go.
 */
export function appendTraffic(
  previous: VppTrafficJson | null,
  sample: TrafficSampleJson,
  window = TRAFFIC_WINDOW_MS,
): VppTrafficJson {
  if (previous && sample.at <= previous.at) return previous;
  const before = new Map((previous?.frontends ?? []).map((f) => [f.frontend, f.history]));
  const frontends: FrontendTrafficJson[] = sample.frontends.map((f) => ({
    ...f,
    history: appendPoint(before.get(f.frontend), { at: sample.at, pps: f.pps, bps: f.bps }, window),
  }));
  return {
    at: sample.at,
    source: sample.source,
    intervalS: sample.intervalS,
    frontends,
    totals: {
      ...sample.totals,
      history: appendPoint(
        previous?.totals.history,
        { at: sample.at, pps: sample.totals.pps, bps: sample.totals.bps },
        window,
      ),
    },
  };
}
