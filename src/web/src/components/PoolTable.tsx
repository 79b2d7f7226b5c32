// One pool of a frontend: backend, state, configured and effective weight, VPP buckets and the
// age of the last transition (live), with a probe heartbeat per backend and, in /admin/, the
// action menu. A long pool draws only the rows on screen (model/row-window.ts), so a pool of
// thousands of backends, or "Expand all" over a hundred cards, opens at once.

import { createEffect, createMemo, createSignal, For, onMount, Show, type JSX } from 'solid-js';
import type { FrontendJson } from '../../../frontend/wire.js';
import { ageSince } from '../model/age.js';
import type { DerivedPool } from '../model/derived-frontend.js';
import { rowWindow, WINDOW_FROM_ROWS } from '../model/row-window.js';
import type { MaglevdView } from '../model/state.js';
import { mode } from '../paths.js';
import { now } from '../store.js';
import { measureRows, relayout, rowHeight, viewportChanges } from '../viewport.js';
import { BackendMenu } from './BackendMenu.js';
import { Flash } from './Flash.js';
import { Heartbeat } from './Heartbeat.js';
import { StatusBadge } from './StatusBadge.js';

export interface PoolTableProps {
  m: MaglevdView;
  frontend: FrontendJson;
  poolIndex: number;
  derived: DerivedPool;
  /** Backend → buckets VPP reports for this frontend's VIP; undefined when VPP data is missing. */
  buckets: Map<string, { weight: number; buckets: number | null }> | undefined;
}

/** Every column there can be: a spacer row spans them all. */
const COLUMNS = 9;

export function PoolTable(props: PoolTableProps): JSX.Element {
  const pool = () => props.frontend.pools[props.poolIndex]!;
  let body: HTMLTableSectionElement | undefined;
  const [mounted, setMounted] = createSignal(false);
  const count = () => pool().backends.length;
  const win = createMemo(
    () => {
      const n = count();
      if (n < WINDOW_FROM_ROWS) return { first: 0, end: n };
      viewportChanges();
      // Not in the document yet: draw nothing until its place on screen is known.
      if (!mounted() || !body) return { first: 0, end: 0 };
      return rowWindow(n, body.getBoundingClientRect().top, window.innerHeight, rowHeight());
    },
    undefined,
    { equals: (a, b) => a.first === b.first && a.end === b.end },
  );
  const shown = () => pool().backends.slice(win().first, win().end);
  onMount(() => {
    setMounted(true);
    relayout();
  });
  // The spacers stand in for rows of the height drawn rows really take, measured from the rows
  // drawn whenever they change (viewport.ts, model/row-window.ts).
  createEffect(() => {
    win();
    if (body && count() >= WINDOW_FROM_ROWS) measureRows(body);
  });
  return (
    <div class="pool">
      <div class="pool-title">
        <span>pool {pool().name}</span>
        <Show when={props.derived.active}>
          <span class="tag active-tag">active</span>
        </Show>
      </div>
      <div class="table-scroll">
        <table class="backends" data-pool={pool().name}>
          <thead>
            <tr>
              <th class="col-beat" aria-label="probe" />
              <th class="col-name">Backend</th>
              <th class="col-addr">Address</th>
              <th class="col-state">State</th>
              <th class="col-num" title="configured pool weight">
                Weight
              </th>
              <th class="col-num" title="what VPP is asked to use">
                Effective
              </th>
              <th class="col-num" title="new-flow buckets VPP reports for this backend">
                LB buckets
              </th>
              <th class="col-age">Last change</th>
              <Show when={mode === 'admin'}>
                <th class="col-menu" aria-label="actions" />
              </Show>
            </tr>
          </thead>
          <tbody ref={(e) => (body = e)}>
            <Show when={win().first > 0}>
              <tr class="row-spacer" aria-hidden="true">
                <td colSpan={COLUMNS} style={{ height: `${win().first * rowHeight()}px` }} />
              </tr>
            </Show>
            <For each={shown()}>
              {(pb, k) => {
                const j = () => win().first + k();
                const backend = () => props.m.backends[pb.name];
                const state = () => props.derived.backends[j()]?.state ?? pb.state;
                const effective = () => props.derived.backends[j()]?.effectiveWeight ?? 0;
                const lastAt = () => backend()?.transitions[0]?.at ?? pb.lastTransitionAt;
                const buckets = () => {
                  if (props.buckets === undefined) return '—';
                  const b = props.buckets.get(pb.name);
                  // No AS for this backend: it has no buckets. lb 1.1.0 reports no counts at all.
                  if (b === undefined) return '0';
                  return b.buckets === null ? '—' : String(b.buckets);
                };
                const lastTitle = () => {
                  const t = backend()?.transitions[0];
                  return t ? `${t.from} → ${t.to} [${t.code}] ${t.detail}`.trim() : 'no transition yet';
                };
                return (
                  <tr data-backend={pb.name} data-state={state()}>
                    <td class="col-beat">
                      <Heartbeat beats={props.m.beats[pb.name] ?? 0} />
                    </td>
                    <td class="col-name">
                      {pb.name}
                      <Show
                        when={
                          backend()?.checkerFault ??
                          (pb.checkerFault === null ? undefined : { reason: pb.checkerFault, detail: '' })
                        }
                      >
                        {(f) => (
                          <span
                            class="tag fault-tag"
                            data-checker-fault={f().reason}
                            title={`checker fault (${f().reason}): maglevd cannot judge this backend, its state is held. ${f().detail}`.trim()}
                          >
                            checker fault
                          </span>
                        )}
                      </Show>
                    </td>
                    <td class="col-addr mono">{pb.address}</td>
                    <td class="col-state" data-col="state">
                      <Flash value={state()}>
                        <StatusBadge state={state()} />
                      </Flash>
                    </td>
                    <td class="col-num" data-col="weight">
                      <Flash value={pb.weight}>{pb.weight}</Flash>
                    </td>
                    <td class="col-num" data-col="effective">
                      <Flash value={effective()}>{effective()}</Flash>
                    </td>
                    <td class="col-num" data-col="buckets">
                      <Flash value={buckets()}>{buckets()}</Flash>
                    </td>
                    <td class="col-age" data-col="age" title={lastTitle()}>
                      {ageSince(lastAt(), now())}
                    </td>
                    <Show when={mode === 'admin'}>
                      <td class="col-menu">
                        <BackendMenu
                          maglevd={props.m.name}
                          frontend={props.frontend.name}
                          pool={pool().name}
                          backend={pb.name}
                          state={state()}
                          weight={pb.weight}
                        />
                      </td>
                    </Show>
                  </tr>
                );
              }}
            </For>
            <Show when={win().end < count()}>
              <tr class="row-spacer" aria-hidden="true">
                <td colSpan={COLUMNS} style={{ height: `${(count() - win().end) * rowHeight()}px` }} />
              </tr>
            </Show>
          </tbody>
        </table>
      </div>
    </div>
  );
}
