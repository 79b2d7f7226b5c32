// ANSI 256 colour indices, as the original's lipgloss styles: the same look in every common
// terminal whatever its theme's 16 colours are.

export const COLOUR = {
  /** Header and section titles (bold). */
  title: 14,
  dim: 8,
  hint: 244,
  /** OK status (bold). */
  ok: 10,
  bad: 9,
  /** A tally value that answered in the last 5 s. */
  fresh: 15,
  /** A drained tally value (no answers in the last 5 s). */
  drained: 8,
  text: 252,
} as const;

export const ANOMALY_COLOUR = {
  timeout: 11,
  'http-err': 9,
  'net-err': 13,
  spike: 208,
} as const;
