// VPP as this maglevd sees it: connected or not (with why), version, lb API generation, pid,
// uptime, and an "API ↑↓" indicator whose arrows blink on each vpp-api-send / -recv record; below,
// the traffic over every VIP: rates with a sparkline, and the counter totals.

import { createEffect, on, Show, type JSX } from 'solid-js';
import { siNumber } from '../../../dataplane/rate-text.js';
import { ageSince } from '../model/age.js';
import type { MaglevdView } from '../model/state.js';
import { now } from '../store.js';
import { TrafficRates } from './Traffic.js';

const SOURCE_LABEL: Readonly<Record<string, string>> = {
  'stats-segment': 'stats segment',
  cli: 'CLI (no stats socket)',
};

function Blink(props: { count: number; children: JSX.Element; label: string }): JSX.Element {
  let el: HTMLSpanElement | undefined;
  createEffect(
    on(
      () => props.count,
      () => {
        el?.animate(
          [
            { color: 'var(--blue)', opacity: 1 },
            { color: 'var(--blue)', opacity: 1, offset: 0.9 },
            { opacity: 0.35 },
          ],
          {
            duration: 250,
          },
        );
      },
      { defer: true },
    ),
  );
  return (
    <span ref={(e) => (el = e)} class="api-arrow" aria-label={props.label}>
      {props.children}
    </span>
  );
}

export function VppPanel(props: { m: MaglevdView }): JSX.Element {
  const vpp = () => props.m.vpp;
  return (
    <section class="card vpp" aria-label="VPP" data-vpp={vpp().connected ? 'connected' : 'disconnected'}>
      <div class="vpp-row">
        <span class="vpp-title">VPP</span>
        <span
          class="badge"
          classList={{ 'state-up': vpp().connected, 'state-down': !vpp().connected }}
          data-testid="vpp-badge"
        >
          {vpp().connected ? 'connected' : 'not connected'}
        </span>
        <Show
          when={vpp().connected && vpp().info}
          fallback={<span class="muted vpp-reason">{vpp().error ?? 'no data yet'}</span>}
        >
          {(info) => (
            <dl class="facts">
              <div>
                <dt>version</dt>
                <dd>{info().version}</dd>
              </div>
              <div>
                <dt>lb API</dt>
                <dd>{info().lbApiVersion}</dd>
              </div>
              <div>
                <dt>pid</dt>
                <dd>{info().pid}</dd>
              </div>
              <div>
                <dt>uptime</dt>
                <dd>{ageSince(info().bootTime, now())}</dd>
              </div>
              <div>
                <dt>connected</dt>
                <dd>{ageSince(info().connectTime, now())}</dd>
              </div>
              <div>
                <dt>VIPs</dt>
                <dd>{vpp().lbState?.vips.length ?? '—'}</dd>
              </div>
            </dl>
          )}
        </Show>
        <span class="api-activity" title="VPP API calls (blinks on each request and reply)">
          API{' '}
          <Blink count={props.m.vppApiSent} label="request">
            ↑
          </Blink>
          <Blink count={props.m.vppApiReceived} label="reply">
            ↓
          </Blink>
        </span>
      </div>
      <Show when={vpp().connected && props.m.traffic}>
        {(traffic) => (
          <div class="vpp-row vpp-traffic" data-testid="vpp-traffic">
            <span class="vpp-title">traffic</span>
            <TrafficRates
              points={traffic().totals.history}
              pps={traffic().totals.pps}
              bps={traffic().totals.bps}
              label="all VIPs"
            />
            <dl class="facts">
              <div>
                <dt>first</dt>
                <dd>{siNumber(traffic().totals.first)}</dd>
              </div>
              <div>
                <dt>next</dt>
                <dd>{siNumber(traffic().totals.next)}</dd>
              </div>
              <div>
                <dt>untracked</dt>
                <dd>{siNumber(traffic().totals.untracked)}</dd>
              </div>
              <div>
                <dt>no server</dt>
                <dd>{siNumber(traffic().totals.noServer)}</dd>
              </div>
              <div>
                <dt>routed</dt>
                <dd data-testid="routed">
                  {traffic().totals.routePackets === null
                    ? '—'
                    : `${siNumber(traffic().totals.routePackets ?? 0)} pkts, ${siNumber(traffic().totals.routeBytes ?? 0)}B`}
                </dd>
              </div>
              <div>
                <dt>from</dt>
                <dd>{SOURCE_LABEL[traffic().source] ?? traffic().source}</dd>
              </div>
            </dl>
          </div>
        )}
      </Show>
    </section>
  );
}
