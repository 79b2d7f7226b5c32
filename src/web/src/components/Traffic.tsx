// Traffic on the page: a sparkline of a rate over the last minutes, and rates as text. Used by
// every frontend card (that frontend's VIP) and by the VPP panel (the totals).

import { Show, type JSX } from 'solid-js';
import { byteRate, packetRate } from '../../../dataplane/rate-text.js';
import { TRAFFIC_WINDOW_MS } from '../../../frontend/traffic-history.js';
import type { TrafficRateJson } from '../../../frontend/wire.js';
import { sparklinePath } from '../model/sparkline.js';

const WIDTH = 72;
const HEIGHT = 18;
/** The least time a sparkline spans while its history is shorter than the window. */
const MIN_SPAN_MS = 15_000;

export function Sparkline(props: {
  points: readonly TrafficRateJson[];
  rate: 'pps' | 'bps';
  label: string;
}): JSX.Element {
  const d = () =>
    sparklinePath(props.points, props.rate, {
      width: WIDTH,
      height: HEIGHT,
      windowMs: TRAFFIC_WINDOW_MS,
      minSpanMs: MIN_SPAN_MS,
    });
  return (
    <svg
      class="sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={props.label}
      data-points={props.points.length}
    >
      <path d={d()} />
    </svg>
  );
}

/** `1.5k pkt/s` / `1.3 MB/s`; a dash where the rate is not known (yet). */
export function ppsText(pps: number | null | undefined): string {
  return pps === null || pps === undefined ? '— pkt/s' : `${packetRate(pps)} pkt/s`;
}

export function bpsText(bps: number | null | undefined): string {
  return bps === null || bps === undefined ? '— B/s' : byteRate(bps);
}

/** A rate pair with the packets sparkline in front. */
export function TrafficRates(props: {
  points: readonly TrafficRateJson[];
  pps: number | null;
  bps: number | null;
  /** Why the bytes may not be this VIP's alone. */
  bpsNote?: string | undefined;
  label: string;
}): JSX.Element {
  return (
    <span class="traffic">
      <Sparkline
        points={props.points}
        rate="pps"
        label={`${props.label}: packets per second, last 5 minutes`}
      />
      <span class="rate" data-testid="pps">
        {ppsText(props.pps)}
      </span>
      <span class="rate" data-testid="bps" title={props.bpsNote}>
        {bpsText(props.bps)}
        <Show when={props.bpsNote}>*</Show>
      </span>
    </span>
  );
}
