// A probe heartbeat: a dot that becomes a heart while a probe runs (probe-start .. probe-done).
// The wrapper has a fixed size, so the row never shifts.

import type { JSX } from 'solid-js';
import { Heart } from './icons.js';

export function Heartbeat(props: { probing: boolean }): JSX.Element {
  return (
    <span
      class="heartbeat"
      classList={{ on: props.probing }}
      data-probing={props.probing ? 'true' : 'false'}
      title={props.probing ? 'probe running' : 'idle'}
    >
      {props.probing ? <Heart /> : <span class="dot">·</span>}
    </span>
  );
}
