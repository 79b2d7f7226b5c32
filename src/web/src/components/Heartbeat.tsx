// A probe heartbeat: a dot that becomes a heart for a moment each time a probe of the backend
// finishes (maglevd's probe summaries count them, about once a second). A probe of a nearby
// backend takes a millisecond, far too short to see, so each beat shows for BEAT_MS. The wrapper
// has a fixed size, so the row never shifts.

import { createEffect, createSignal, on, onCleanup, type JSX } from 'solid-js';
import { Heart } from './icons.js';

const BEAT_MS = 350;

export function Heartbeat(props: { beats: number }): JSX.Element {
  const [beating, setBeating] = createSignal(false);
  let timer: number | undefined;
  createEffect(
    on(
      () => props.beats,
      () => {
        window.clearTimeout(timer);
        setBeating(true);
        timer = window.setTimeout(() => setBeating(false), BEAT_MS);
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
      title={beating() ? 'probe finished' : 'idle'}
    >
      {beating() ? <Heart /> : <span class="dot">·</span>}
    </span>
  );
}
