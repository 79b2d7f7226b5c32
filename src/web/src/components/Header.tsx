import { Show, type JSX } from 'solid-js';
import { adminPage, mode, viewPage } from '../paths.js';
import { state } from '../store.js';
import { Logo } from './icons.js';

const PROJECT_URL = 'https://git.ipng.ch/ipng/vpp-maglev';

const CONNECTION_LABEL = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' } as const;

export function Header(): JSX.Element {
  return (
    <header class="topbar">
      <a class="brand" href={PROJECT_URL} target="_blank" rel="noopener noreferrer" title="vpp-maglev source">
        <Logo />
        <span class="brand-name">maglev</span>
      </a>
      <span class="mode-tag" classList={{ admin: mode === 'admin' }}>
        {mode === 'admin' ? 'admin' : 'view'}
      </span>
      <span class="spacer" />
      <span
        class={`conn conn-${state.connection}`}
        data-testid="connection"
        data-connection={state.connection}
      >
        <span class="dot-indicator" aria-hidden="true" />
        {CONNECTION_LABEL[state.connection]}
      </span>
      <Show
        when={mode === 'admin'}
        fallback={
          <Show when={state.adminEnabled}>
            <a class="nav-link" href={adminPage.href}>
              Admin
            </a>
          </Show>
        }
      >
        <a class="nav-link" href={viewPage.href}>
          Read-only view
        </a>
      </Show>
      <Show when={state.version}>
        {(v) => (
          <span class="muted version" title={`commit ${v().commit}, ${v().date}`}>
            v{v().version}
          </span>
        )}
      </Show>
    </header>
  );
}
