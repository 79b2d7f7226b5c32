// VPP as this maglevd sees it: connected or not (with why), version, lb API generation, pid,
// uptime, and an "API ↑↓" indicator whose arrows blink on each vpp-api-send / -recv record.

import { createEffect, on, Show, type JSX } from 'solid-js';
import { ageSince } from '../model/age.js';
import type { MaglevdView } from '../model/state.js';
import { now } from '../store.js';

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
    </section>
  );
}
