// The weight dialog (admin): a modal <dialog>, so focus stays inside and Escape cancels. Sets a
// pool weight 0..100, optionally flushing the backend's existing flows. Before Apply it shows
// what the change would do: maglevd's dry run (PreviewChange) of the weight as typed, with the
// Maglev buckets that would move and each backend's buckets before and after.

import { createEffect, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import type { ChangePreviewJson, VipBucketMoveJson } from '../../../frontend/wire.js';
import { previewWeight, setWeight } from '../api.js';
import { run, setWeightTarget, weightTarget } from '../ui.js';

/** Typing settles before maglevd is asked (each preview reads VPP once). */
const PREVIEW_DEBOUNCE_MS = 200;

type Preview =
  { state: 'loading' } | { state: 'ok'; preview: ChangePreviewJson } | { state: 'error'; message: string };

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

function change(before: number | null, after: number | null): string {
  const b = before === null ? '–' : String(before);
  const a = after === null ? '–' : String(after);
  return b === a ? b : `${b} → ${a}`;
}

function PreviewVip(props: { vip: VipBucketMoveJson }): JSX.Element {
  return (
    <>
      <p
        data-testid="preview-moved"
        data-moved={props.vip.bucketsMoved}
        data-length={props.vip.flowTableLength}
      >
        <Show
          when={!props.vip.recreated}
          fallback={<>The VIP is re-created: every bucket and every existing flow moves.</>}
        >
          <strong>
            {props.vip.bucketsMoved} of {props.vip.flowTableLength}
          </strong>{' '}
          buckets would move ({percent(props.vip.bucketsMoved, props.vip.flowTableLength)})
        </Show>
      </p>
      <table class="preview-table">
        <thead>
          <tr>
            <th>Backend</th>
            <th>Weight</th>
            <th>Buckets</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.vip.ases}>
            {(as) => (
              <tr data-backend={as.backend ?? as.address} data-buckets-after={as.bucketsAfter}>
                <td>{as.backend ?? as.address}</td>
                <td>{change(as.weightBefore, as.weightAfter)}</td>
                <td>{change(as.bucketsBefore, as.bucketsAfter)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}

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

  // The preview follows the weight and flush as typed; an answer to an older question is dropped.
  const [preview, setPreview] = createSignal<Preview | undefined>();
  let asked = 0;
  createEffect(() => {
    const t = weightTarget();
    const w = Number(weight());
    const f = flush();
    const question = ++asked;
    if (!t || !valid()) {
      setPreview(undefined);
      return;
    }
    setPreview({ state: 'loading' });
    const timer = window.setTimeout(() => {
      previewWeight(t.maglevd, t.frontend, t.pool, t.backend, { weight: w, flush: f }).then(
        (p) => {
          if (question === asked) setPreview({ state: 'ok', preview: p });
        },
        (err: unknown) => {
          if (question === asked)
            setPreview({ state: 'error', message: err instanceof Error ? err.message : String(err) });
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    onCleanup(() => window.clearTimeout(timer));
  });
  const previewVip = (p: ChangePreviewJson): VipBucketMoveJson | undefined =>
    p.vips.find((v) => v.frontend === weightTarget()?.frontend) ?? p.vips[0];

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
            <section
              class="preview"
              data-testid="weight-preview"
              data-state={preview()?.state ?? 'none'}
              aria-live="polite"
              aria-label="What this change would do"
            >
              <Show when={preview()?.state === 'loading'}>
                <p class="muted">Asking maglevd what this would change…</p>
              </Show>
              <Show
                when={(() => {
                  const p = preview();
                  return p?.state === 'error' ? p.message : undefined;
                })()}
              >
                {(message) => <p class="preview-error">Preview unavailable: {message()}</p>}
              </Show>
              <Show
                when={(() => {
                  const p = preview();
                  return p?.state === 'ok' ? p.preview : undefined;
                })()}
              >
                {(p) => (
                  <>
                    <Show when={previewVip(p())} fallback={<p class="muted">Nothing would change.</p>}>
                      {(vip) => <PreviewVip vip={vip()} />}
                    </Show>
                    <p class="muted" data-testid="preview-ops">
                      {p().vppOps.length === 0 ? 'No change for VPP.' : `VPP: ${p().vppOps.join('; ')}`}
                    </p>
                    <For each={p().notes}>{(note) => <p class="muted">{note}</p>}</For>
                  </>
                )}
              </Show>
            </section>
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
