import { For, type JSX } from 'solid-js';
import { dismissToast, toasts } from '../ui.js';

/** Outcomes of admin actions, announced to screen readers (role=status). */
export function Toasts(): JSX.Element {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>
        {(t) => (
          <div class={`toast toast-${t.kind}`}>
            <span>{t.text}</span>
            <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
