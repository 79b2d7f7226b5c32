// A probe heartbeat: a dot that becomes a heart while a probe runs (probe-start .. probe-done).
// A probe of a nearby backend takes a millisecond, far too short to see, so the heart stays for
// at least MIN_BEAT_MS. The wrapper has a fixed size, so the row never shifts.

import { createEffect, createSignal, on, onCleanup, type JSX } from 'solid-js';
import { Heart } from './icons.js';

const MIN_BEAT_MS = 350;

export function Heartbeat(props: { probing: boolean }): JSX.Element {
  const [beating, setBeating] = createSignal(props.probing);
  let startedAt = 0;
  let timer: number | undefined;
  createEffect(
    on(
      () => props.probing,
      (probing) => {
        window.clearTimeout(timer);
        if (probing) {
          startedAt = performance.now();
          setBeating(true);
        } else {
          const left = MIN_BEAT_MS - (performance.now() - startedAt);
          if (left <= 0) setBeating(false);
          else timer = window.setTimeout(() => setBeating(false), left);
        }
      },
      { defer: true },
    ),
  );
  onCleanup(() => window.clearTimeout(timer));
  return (
    <span
      class="heartbeat"
      classList={{ on: beating() }}
      data-probing={beating() ? 'true' : 'false'}
      title={beating() ? 'probe running' : 'idle'}
    >
      {beating() ? <Heart /> : <span class="dot">·</span>}
    </span>
  );
}
