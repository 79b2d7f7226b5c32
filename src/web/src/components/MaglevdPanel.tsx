// Everything about one maglevd: a banner while it is unreachable, admin actions on the whole
// maglevd, the VPP panel and a card per frontend in configuration order.

import { createSignal, For, Show, type JSX } from 'solid-js';
import { reloadConfig, syncVpp } from '../api.js';
import { readSet, writeSet } from '../cookies.js';
import { ageSince } from '../model/age.js';
import type { MaglevdView } from '../model/state.js';
import { mode } from '../paths.js';
import { now } from '../store.js';
import { run } from '../ui.js';
import { FrontendCard } from './FrontendCard.js';
import { VppPanel } from './VppPanel.js';

const OPEN_COOKIE = 'maglev_open';
const [openCards, setOpenCards] = createSignal(readSet(OPEN_COOKIE));

function cardKey(maglevd: string, frontend: string): string {
  return `${maglevd}|${frontend}`;
}

function setOpen(keys: string[], open: boolean): void {
  const next = new Set(openCards());
  for (const k of keys) {
    if (open) next.add(k);
    else next.delete(k);
  }
  setOpenCards(next);
  writeSet(OPEN_COOKIE, next);
}

export function MaglevdPanel(props: { m: MaglevdView }): JSX.Element {
  const keys = () => props.m.frontends.map((f) => cardKey(props.m.name, f.name));
  return (
    <div class="panel" id="maglevd-panel" role="tabpanel" data-maglevd={props.m.name}>
      <Show when={!props.m.status.reachable}>
        <div class="banner error" role="alert">
          maglevd {props.m.name} is not reachable{props.m.status.error ? `: ${props.m.status.error}` : ''}{' '}
          (for {ageSince(props.m.status.since, now())}). Showing the last known state.
        </div>
      </Show>
      <VppPanel m={props.m} />
      <div class="toolbar panel-toolbar">
        <button type="button" class="button" onClick={() => setOpen(keys(), true)}>
          Expand all
        </button>
        <button type="button" class="button" onClick={() => setOpen(keys(), false)}>
          Collapse all
        </button>
        <Show when={mode === 'admin'}>
          <span class="spacer" />
          <button
            type="button"
            class="button"
            onClick={() =>
              void run(
                props.m.name,
                'sync VPP',
                () => syncVpp(props.m.name, {}),
                (r) =>
                  `${r.vipsAdded ?? 0} VIPs added, ${r.vipsRemoved ?? 0} removed, ${r.asesAdded ?? 0} ASes added, ` +
                  `${r.asesRemoved ?? 0} removed, ${r.weightsUpdated ?? 0} weights updated`,
              )
            }
          >
            Sync VPP
          </button>
          <button
            type="button"
            class="button"
            onClick={() =>
              void run(props.m.name, 'reload config', async () => {
                const r = await reloadConfig(props.m.name);
                if (!r.ok) throw new Error(r.parseError || r.semanticError || r.applyError || 'rejected');
              })
            }
          >
            Reload config
          </button>
        </Show>
      </div>
      <Show
        when={props.m.frontends.length > 0}
        fallback={<p class="muted">No frontends{props.m.refreshedAt === null ? ' yet' : ''}.</p>}
      >
        <For each={props.m.frontends}>
          {(f) => (
            <FrontendCard
              m={props.m}
              frontend={f}
              open={openCards().has(cardKey(props.m.name, f.name))}
              onToggle={() => {
                const k = cardKey(props.m.name, f.name);
                setOpen([k], !openCards().has(k));
              }}
            />
          )}
        </For>
      </Show>
    </div>
  );
}
