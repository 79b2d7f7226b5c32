// Inline SVG icons: no icon font, no emoji font needed (many servers have neither), and they
// take the text colour of their context.

import type { JSX } from 'solid-js';
import type { Health } from '../model/health.js';

const base = {
  width: '16',
  height: '16',
  viewBox: '0 0 16 16',
  'aria-hidden': 'true' as const,
};

export function HealthIcon(props: { health: Health; label: string }): JSX.Element {
  return (
    <span
      class={`health health-${props.health}`}
      role="img"
      aria-label={props.label}
      title={props.label}
      data-health={props.health}
    >
      {(() => {
        switch (props.health) {
          case 'ok':
            return (
              <svg {...base}>
                <circle cx="8" cy="8" r="7" fill="currentColor" />
                <path
                  d="M4.5 8.2l2.3 2.3 4.7-4.9"
                  fill="none"
                  stroke="var(--icon-ink)"
                  stroke-width="1.8"
                  stroke-linecap="round"
                  stroke-linejoin="round"
                />
              </svg>
            );
          case 'degraded':
            return (
              <svg {...base}>
                <path d="M8 1.2l7 13H1z" fill="currentColor" stroke="currentColor" stroke-linejoin="round" />
                <path d="M8 5.8v4" stroke="var(--icon-ink)" stroke-width="1.8" stroke-linecap="round" />
                <circle cx="8" cy="12.2" r="1" fill="var(--icon-ink)" />
              </svg>
            );
          case 'down':
            return (
              <svg {...base}>
                <circle cx="8" cy="8" r="7" fill="currentColor" />
                <path d="M8 4v5" stroke="var(--icon-ink)" stroke-width="1.9" stroke-linecap="round" />
                <circle cx="8" cy="11.6" r="1.1" fill="var(--icon-ink)" />
              </svg>
            );
          case 'mismatch':
            return (
              <svg {...base}>
                <rect x="1" y="1" width="14" height="14" rx="3" fill="currentColor" />
                <path
                  d="M5.7 4v5M10.3 4v5"
                  stroke="var(--icon-ink)"
                  stroke-width="1.8"
                  stroke-linecap="round"
                />
                <circle cx="5.7" cy="11.8" r="1" fill="var(--icon-ink)" />
                <circle cx="10.3" cy="11.8" r="1" fill="var(--icon-ink)" />
              </svg>
            );
          default:
            return (
              <svg {...base}>
                <circle cx="8" cy="8" r="7" fill="currentColor" />
                <path
                  d="M6 6.2a2 2 0 1 1 2.8 1.8c-.6.3-.8.7-.8 1.3v.3"
                  fill="none"
                  stroke="var(--icon-ink)"
                  stroke-width="1.6"
                  stroke-linecap="round"
                />
                <circle cx="8" cy="12" r="1" fill="var(--icon-ink)" />
              </svg>
            );
        }
      })()}
    </span>
  );
}

export function Chevron(props: { open: boolean }): JSX.Element {
  return (
    <svg {...base} class="chevron" classList={{ open: props.open }}>
      <path
        d="M6 3.5L10.5 8 6 12.5"
        fill="none"
        stroke="currentColor"
        stroke-width="1.8"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}

export function Kebab(): JSX.Element {
  return (
    <svg {...base}>
      <circle cx="8" cy="3" r="1.5" fill="currentColor" />
      <circle cx="8" cy="8" r="1.5" fill="currentColor" />
      <circle cx="8" cy="13" r="1.5" fill="currentColor" />
    </svg>
  );
}

export function Heart(): JSX.Element {
  return (
    <svg {...base} width="12" height="12">
      <path
        d="M8 14.2S1.5 10.1 1.5 5.6A3.3 3.3 0 0 1 8 4.2a3.3 3.3 0 0 1 6.5 1.4C14.5 10.1 8 14.2 8 14.2z"
        fill="currentColor"
      />
    </svg>
  );
}

export function Logo(): JSX.Element {
  return (
    <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="var(--accent)" />
      <path
        d="M6 23V9l5 7 5-7 5 7 5-7v14"
        fill="none"
        stroke="#fff"
        stroke-width="3"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}
