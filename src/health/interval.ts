// When to probe next: HAProxy's inter / fastinter / downinter choice plus jitter, and the
// spread of the very first probes so a fresh start does not probe everything on one tick.

import type { Random } from '../clock/index.js';
import type { HealthCheckConfig } from '../config/types.js';
import type { BackendState } from './types.js';

/** ±10 %: enough to keep probes of many backends from lining up after a restart. */
export const JITTER_FRACTION = 0.1;

/**
 * `interval` when up with the counter at max (fully healthy); `down-interval` when down with
 * the counter at 0 (fully down); `fast-interval` otherwise (in transition, or unknown). The
 * base is then multiplied by a factor uniform in [0.9, 1.1).
 */
export function nextIntervalMs(
  health: { state: BackendState; counter: number; max: number },
  hc: Pick<HealthCheckConfig, 'intervalMs' | 'fastIntervalMs' | 'downIntervalMs'>,
  random: Random,
): number {
  let base: number;
  if (health.state === 'up' && health.counter >= health.max) base = hc.intervalMs;
  else if (health.state === 'down' && health.counter <= 0) base = hc.downIntervalMs;
  else base = hc.fastIntervalMs;
  return base * (1 - JITTER_FRACTION + 2 * JITTER_FRACTION * random());
}

/** Delay of the first probe of backend `index` out of `total` started together: evenly over one interval. */
export function firstProbeDelayMs(index: number, total: number, intervalMs: number): number {
  if (total <= 1) return 0;
  return (intervalMs * index) / total;
}
