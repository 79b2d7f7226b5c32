// Colour for maglevc's output. Colour is decided once (a TTY, NO_COLOR, --color) and handed to
// every renderer as a Style, so renderers never look at the environment and tests can render
// both ways.

import picocolors from 'picocolors';

type Paint = (text: string) => string;

export interface Style {
  readonly enabled: boolean;
  /** Field labels and table headers (dark blue, as the original). */
  label: Paint;
  /** A backend or frontend state word in its colour. */
  state: (state: string) => string;
  bold: Paint;
  dim: Paint;
  ok: Paint;
  warn: Paint;
  error: Paint;
}

export function makeStyle(enabled: boolean): Style {
  const c = picocolors.createColors(enabled);
  const stateColour: Record<string, Paint> = {
    up: c.green,
    down: c.red,
    unknown: c.yellow,
    paused: c.yellow,
    disabled: c.gray,
    removed: c.gray,
  };
  return {
    enabled,
    label: c.blue,
    state: (s) => (stateColour[s] ?? ((x: string) => x))(s),
    bold: c.bold,
    dim: c.gray,
    ok: c.green,
    warn: c.yellow,
    error: c.red,
  };
}

export const plainStyle: Style = makeStyle(false);

/**
 * Whether to colour: --color / --color=false win; otherwise colour on a terminal unless
 * NO_COLOR is set to anything non-empty (no-color.org).
 */
export function colourWanted(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** The width a string takes on screen (escape sequences take none). */
export function visibleWidth(text: string): number {
  return text.replace(ANSI, '').length;
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
