// One tab per maglevd with a reachability dot (green: answering, red: not). Arrow keys move
// between tabs, as in any tablist.

import { For, type JSX } from 'solid-js';
import { state } from '../store.js';

export function Tabs(props: { current: string | undefined; onSelect: (name: string) => void }): JSX.Element {
  const select = (name: string, focus: boolean) => {
    props.onSelect(name);
    if (focus) queueMicrotask(() => document.getElementById(tabId(name))?.focus());
  };
  const onKey = (e: KeyboardEvent) => {
    const i = state.order.indexOf(props.current ?? '');
    const n = state.order.length;
    let next: number | undefined;
    if (e.key === 'ArrowRight') next = (i + 1) % n;
    else if (e.key === 'ArrowLeft') next = (i - 1 + n) % n;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    if (next === undefined) return;
    e.preventDefault();
    select(state.order[next]!, true);
  };
  return (
    <nav class="tabs" role="tablist" aria-label="maglevd" onKeyDown={onKey}>
      <For each={state.order}>
        {(name) => {
          const up = () => state.maglevds[name]?.status.reachable === true;
          return (
            <button
              type="button"
              role="tab"
              id={tabId(name)}
              class="tab"
              aria-selected={props.current === name}
              aria-controls="maglevd-panel"
              tabindex={props.current === name ? 0 : -1}
              onClick={() => select(name, false)}
              data-maglevd={name}
              data-reachable={up() ? 'true' : 'false'}
              title={
                up()
                  ? `${name}: connected`
                  : `${name}: ${state.maglevds[name]?.status.error ?? 'unreachable'}`
              }
            >
              <span class="dot-indicator" classList={{ up: up(), down: !up() }} aria-hidden="true" />
              <span class="mono">{name}</span>
              <span class="visually-hidden">{up() ? ' (reachable)' : ' (unreachable)'}</span>
            </button>
          );
        }}
      </For>
    </nav>
  );
}

export function tabId(name: string): string {
  return `tab-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
