// The page: header, a tab per maglevd, the chosen maglevd's panel, and in /admin/ the event log
// and the weight dialog. The chosen tab is kept in a cookie.

import { createMemo, createSignal, Show, type JSX } from 'solid-js';
import { EventLog } from './components/EventLog.js';
import { Header } from './components/Header.js';
import { MaglevdPanel } from './components/MaglevdPanel.js';
import { Tabs } from './components/Tabs.js';
import { Toasts } from './components/Toasts.js';
import { WeightDialog } from './components/WeightDialog.js';
import { readCookie, writeCookie } from './cookies.js';
import { mode } from './paths.js';
import { state } from './store.js';

const SCOPE_COOKIE = 'maglev_scope';

export function App(): JSX.Element {
  const [chosen, setChosen] = createSignal(readCookie(SCOPE_COOKIE));
  const current = createMemo(() => {
    const c = chosen();
    return c !== undefined && state.order.includes(c) ? c : state.order[0];
  });
  const select = (name: string) => {
    setChosen(name);
    writeCookie(SCOPE_COOKIE, name);
  };
  return (
    <div class="app" data-mode={mode}>
      <Header />
      <Tabs current={current()} onSelect={select} />
      <main class="main">
        <Show
          when={current() !== undefined && state.maglevds[current()!]}
          fallback={
            <p class="muted loading">
              {state.connection === 'live' ? 'Loading…' : 'Connecting to the dashboard server…'}
            </p>
          }
        >
          {(m) => <MaglevdPanel m={m()} />}
        </Show>
        <Show when={mode === 'admin'}>
          <EventLog />
          <WeightDialog />
        </Show>
      </main>
      <Toasts />
    </div>
  );
}
