// What every renderer gets: the colours to use and the moment ages are measured from.

import type { Style } from '../style.js';

export interface RenderContext {
  style: Style;
  /** Wall time (ms) ages are measured from. */
  now: number;
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** `tcp/80`, `udp/53`, or `any` for an all-ports VIP. */
export function service(protocol: string, port: number): string {
  return protocol === 'any' || port === 0 ? protocol || 'any' : `${protocol}/${port}`;
}

export function orDash(value: string | number | undefined): string {
  return value === undefined || value === '' ? '-' : String(value);
}
