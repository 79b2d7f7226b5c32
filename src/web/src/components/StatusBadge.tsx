import type { JSX } from 'solid-js';

/** A state pill: up, down, unknown, paused, disabled, removed (backend) or up/down/unknown (frontend). */
export function StatusBadge(props: { state: string }): JSX.Element {
  return (
    <span class={`badge state-${props.state}`} data-state={props.state}>
      {props.state}
    </span>
  );
}
