// A collapsible card per frontend (VIP): the header shows name, address, protocol and port, the
// VIP's traffic (packets/s with a sparkline of the last minutes, bytes/s), a PANIC badge while it
// serves in panic (docs/safety.md), whether the VIP is announced over BGP (when maglevd announces
// at all), the frontend's state and a health icon, in fixed-width columns so headers line up; the
// body holds one table per pool.

import { createMemo, For, Show, type JSX } from 'solid-js';
import type { FrontendJson } from '../../../frontend/wire.js';
import { announcementBadge } from '../model/announcement.js';
import { deriveFrontend } from '../model/derived-frontend.js';
import { frontendHealth, HEALTH_LABEL, isSettled, vppWeights } from '../model/health.js';
import type { MaglevdView } from '../model/state.js';
import { Flash } from './Flash.js';
import { Chevron, HealthIcon } from './icons.js';
import { PoolTable } from './PoolTable.js';
import { StatusBadge } from './StatusBadge.js';
import { TrafficRates } from './Traffic.js';

export function FrontendCard(props: {
  m: MaglevdView;
  frontend: FrontendJson;
  open: boolean;
  onToggle: () => void;
}): JSX.Element {
  const derived = createMemo(() => deriveFrontend(props.frontend, (name) => props.m.backends[name]?.state));
  // Until VPP has been read after the last change was reconciled, a difference is expected.
  const settled = () => isSettled(props.m, props.frontend);
  const health = () => frontendHealth(derived(), props.m.vpp, props.frontend.name, settled());
  const buckets = createMemo(() => vppWeights(props.m.vpp, props.frontend.name));
  const bodyId = () => `fe-${props.m.name}-${props.frontend.name}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const traffic = () => props.m.traffic?.frontends.find((t) => t.frontend === props.frontend.name);
  const where = () => {
    const f = props.frontend;
    const addr = f.family === 6 ? `[${f.address}]` : f.address;
    return f.protocol === 'any' ? `${addr} (all ports)` : `${addr}:${f.port}`;
  };

  return (
    <section class="card frontend" data-frontend={props.frontend.name} data-state={derived().state}>
      <h3 class="card-heading">
        <button
          type="button"
          class="card-header"
          aria-expanded={props.open}
          aria-controls={bodyId()}
          onClick={() => props.onToggle()}
        >
          <Chevron open={props.open} />
          <span class="fe-name">{props.frontend.name}</span>
          <span class="fe-addr mono">{where()}</span>
          <span class="fe-proto">{props.frontend.protocol}</span>
          <span class="fe-traffic" data-testid="fe-traffic">
            <Show when={traffic()} fallback={<span class="muted">no counters</span>}>
              {(t) => (
                <TrafficRates
                  points={t().history}
                  pps={t().pps}
                  bps={t().bps}
                  bpsNote={
                    t().sharedAddress
                      ? `bytes to ${props.frontend.address}, shared with the other frontends on this address`
                      : undefined
                  }
                  label={props.frontend.name}
                />
              )}
            </Show>
          </span>
          <span class="fe-panic">
            <Show when={derived().panic}>
              {(p) => (
                <span
                  class="badge panic-badge"
                  data-panic={p().pool}
                  title={`panic: pool ${p().pool} serves on all enabled backends (${p().up}/${p().eligible} up, below ${p().threshold}%)`}
                >
                  PANIC
                </span>
              )}
            </Show>
          </span>
          <span class="fe-bgp">
            <Show when={announcementBadge(props.frontend.announcement)}>
              {(badge) => (
                <span
                  class={`badge ${badge().tone}`}
                  title={badge().title}
                  data-testid="bgp-badge"
                  data-announced={String(props.frontend.announcement?.announced ?? false)}
                >
                  {badge().label}
                </span>
              )}
            </Show>
          </span>
          <span class="fe-state">
            <Flash value={derived().state}>
              <StatusBadge state={derived().state} />
            </Flash>
          </span>
          <HealthIcon health={health()} label={HEALTH_LABEL[health()]} />
        </button>
      </h3>
      <Show when={props.open}>
        <div class="card-body" id={bodyId()}>
          <Show when={props.frontend.description}>
            <p class="muted description">{props.frontend.description}</p>
          </Show>
          <p class="fe-facts muted">
            flow table {props.frontend.flowTableLength}
            {props.frontend.srcIpSticky ? ' · source-IP sticky' : ''}
            {props.frontend.flushOnDown ? ' · flush on down' : ''}
            {props.frontend.panicThreshold === null ? '' : ` · panic below ${props.frontend.panicThreshold}%`}
          </p>
          <For each={props.frontend.pools}>
            {(_pool, i) => (
              <PoolTable
                m={props.m}
                frontend={props.frontend}
                poolIndex={i()}
                derived={derived().pools[i()]!}
                buckets={buckets()}
              />
            )}
          </For>
        </div>
      </Show>
    </section>
  );
}
