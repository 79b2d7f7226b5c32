// Marks a value that just changed: a short scale-pop with a yellow halo (Web Animations API).
// Never on first render, and only when the value really differs, so a refresh that merges in
// the same data does not make the whole page blink.

import { createEffect, on, type JSX } from 'solid-js';

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

export function Flash(props: { value: unknown; children: JSX.Element; class?: string }): JSX.Element {
  let el: HTMLSpanElement | undefined;
  createEffect(
    on(
      () => props.value,
      (value, previous) => {
        if (!el || value === previous) return;
        el.dataset.flashes = String(Number(el.dataset.flashes ?? '0') + 1);
        const halo = 'rgba(250, 204, 21, 0.55)';
        el.animate(
          reducedMotion.matches
            ? [{ backgroundColor: halo }, { backgroundColor: 'transparent' }]
            : [
                { transform: 'scale(1)', boxShadow: `0 0 0 0 ${halo}`, backgroundColor: halo },
                { transform: 'scale(1.18)', boxShadow: `0 0 0 4px ${halo}`, offset: 0.25 },
                { transform: 'scale(1)', boxShadow: '0 0 0 0 transparent', backgroundColor: 'transparent' },
              ],
          { duration: 900, easing: 'ease-out' },
        );
      },
      { defer: true },
    ),
  );
  return (
    <span ref={(e) => (el = e)} class={`flash ${props.class ?? ''}`}>
      {props.children}
    </span>
  );
}
