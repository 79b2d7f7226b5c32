// The per-backend kebab menu in /admin/: pause, resume, enable, disable and set weight, offered
// according to the backend's state. A real menu for the keyboard: Enter/Space/ArrowDown open it
// on the first item, arrows move, Escape closes and gives focus back to the button.

import { createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import type { BackendAction } from '../../../frontend/wire.js';
import { backendAction } from '../api.js';
import { run, setWeightTarget } from '../ui.js';
import { Kebab } from './icons.js';

export interface BackendMenuProps {
  maglevd: string;
  frontend: string;
  pool: string;
  backend: string;
  state: string;
  weight: number;
}

interface Item {
  label: string;
  id: string;
  act: () => void;
}

function actionsFor(state: string): BackendAction[] {
  switch (state) {
    case 'paused':
      return ['resume', 'disable'];
    case 'disabled':
      return ['enable'];
    case 'removed':
      return [];
    default:
      return ['pause', 'disable'];
  }
}

export function BackendMenu(props: BackendMenuProps): JSX.Element {
  const [open, setOpen] = createSignal(false);
  let button: HTMLButtonElement | undefined;
  let menu: HTMLDivElement | undefined;

  const items = (): Item[] => [
    ...actionsFor(props.state).map((a) => ({
      label: a[0]!.toUpperCase() + a.slice(1),
      id: a,
      act: () =>
        void run(props.maglevd, `${a} ${props.backend}`, () =>
          backendAction(props.maglevd, props.backend, a),
        ),
    })),
    {
      label: 'Set weight…',
      id: 'weight',
      act: () =>
        setWeightTarget({
          maglevd: props.maglevd,
          frontend: props.frontend,
          pool: props.pool,
          backend: props.backend,
          weight: props.weight,
        }),
    },
  ];

  const focusItem = (i: number) => {
    const buttons = menu?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]');
    if (!buttons || buttons.length === 0) return;
    buttons[(i + buttons.length) % buttons.length]!.focus();
  };
  const show = (focus: number) => {
    setOpen(true);
    queueMicrotask(() => focusItem(focus));
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button?.focus();
  };

  const onDocumentClick = (e: MouseEvent) => {
    if (!open()) return;
    const t = e.target as Node;
    if (!menu?.contains(t) && !button?.contains(t)) close(false);
  };
  document.addEventListener('click', onDocumentClick);
  onCleanup(() => document.removeEventListener('click', onDocumentClick));

  const onMenuKey = (e: KeyboardEvent) => {
    const buttons = [...(menu?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        focusItem(i + 1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        focusItem(i - 1);
        break;
      case 'Home':
        e.preventDefault();
        focusItem(0);
        break;
      case 'End':
        e.preventDefault();
        focusItem(-1);
        break;
      case 'Escape':
        e.preventDefault();
        close(true);
        break;
      case 'Tab':
        close(false);
        break;
    }
  };

  return (
    <span class="menu-wrap">
      <button
        ref={(e) => (button = e)}
        type="button"
        class="icon-button"
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-label={`Actions for ${props.backend}`}
        data-testid={`menu-${props.frontend}-${props.pool}-${props.backend}`}
        onClick={() => (open() ? close(false) : show(0))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            show(0);
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            show(-1);
          }
        }}
      >
        <Kebab />
      </button>
      <Show when={open()}>
        <div
          ref={(e) => (menu = e)}
          class="menu"
          role="menu"
          aria-label={`Actions for ${props.backend}`}
          onKeyDown={onMenuKey}
        >
          <For each={items()}>
            {(item) => (
              <button
                type="button"
                role="menuitem"
                tabindex="-1"
                data-action={item.id}
                onClick={() => {
                  close(true);
                  item.act();
                }}
              >
                {item.label}
              </button>
            )}
          </For>
        </div>
      </Show>
    </span>
  );
}
