// The weight dialog (admin): a modal <dialog>, so focus stays inside and Escape cancels. Sets a
// pool weight 0..100, optionally flushing the backend's existing flows.

import { createEffect, createSignal, Show, type JSX } from 'solid-js';
import { setWeight } from '../api.js';
import { run, setWeightTarget, weightTarget } from '../ui.js';

export function WeightDialog(): JSX.Element {
  let dialog: HTMLDialogElement | undefined;
  let input: HTMLInputElement | undefined;
  const [weight, setWeightValue] = createSignal('0');
  const [flush, setFlush] = createSignal(false);
  const [busy, setBusy] = createSignal(false);

  createEffect(() => {
    const t = weightTarget();
    if (!dialog) return;
    if (t) {
      setWeightValue(String(t.weight));
      setFlush(false);
      if (!dialog.open) dialog.showModal();
      queueMicrotask(() => input?.select());
    } else if (dialog.open) {
      dialog.close();
    }
  });

  const valid = () => /^\d{1,3}$/.test(weight()) && Number(weight()) <= 100;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const t = weightTarget();
    if (!t || !valid() || busy()) return;
    setBusy(true);
    const w = Number(weight());
    const ok = await run(
      t.maglevd,
      `weight ${t.frontend}/${t.pool}/${t.backend} = ${w}${flush() ? ' (flush)' : ''}`,
      () => setWeight(t.maglevd, t.frontend, t.pool, t.backend, { weight: w, flush: flush() }),
    );
    setBusy(false);
    if (ok) setWeightTarget(undefined);
  };

  return (
    <dialog
      ref={(e) => (dialog = e)}
      class="dialog"
      aria-labelledby="weight-title"
      onClose={() => setWeightTarget(undefined)}
    >
      <Show when={weightTarget()}>
        {(t) => (
          <form method="dialog" onSubmit={(e) => void submit(e)}>
            <h2 id="weight-title">Set weight</h2>
            <p class="muted">
              <strong>{t().backend}</strong> in pool <strong>{t().pool}</strong> of{' '}
              <strong>{t().frontend}</strong>
            </p>
            <label class="field">
              <span>Weight (0–100)</span>
              <input
                ref={(e) => (input = e)}
                name="weight"
                type="number"
                inputmode="numeric"
                min="0"
                max="100"
                step="1"
                required
                value={weight()}
                onInput={(e) => setWeightValue(e.currentTarget.value)}
                aria-invalid={!valid()}
              />
            </label>
            <label class="check">
              <input
                type="checkbox"
                name="flush"
                checked={flush()}
                onChange={(e) => setFlush(e.currentTarget.checked)}
              />
              <span>Flush existing flows to this backend</span>
            </label>
            <div class="dialog-buttons">
              <button type="button" class="button" onClick={() => setWeightTarget(undefined)}>
                Cancel
              </button>
              <button type="submit" class="button primary" disabled={!valid() || busy()}>
                Set weight
              </button>
            </div>
          </form>
        )}
      </Show>
    </dialog>
  );
}
