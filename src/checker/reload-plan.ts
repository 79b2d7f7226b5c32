// Which backends a config probes, and how a reload treats each of them: a pure diff, so the
// rules of docs/health.md §Reload can be read (and tested) apart from the timers they drive.

import { isDeepStrictEqual } from 'node:util';
import type { BackendConfig, HealthCheckConfig, MaglevConfig } from '../config/types.js';

/**
 * Backends referenced by at least one frontend, in the file's order of `backends`. As in the
 * original, a backend that no frontend uses is not probed and not shown: it cannot carry
 * traffic, so probing it would only cost traffic and noise. A backend with `enabled: false`
 * is included (it is shown as disabled) but not probed.
 */
export function referencedBackendNames(cfg: MaglevConfig): string[] {
  const used = new Set<string>();
  for (const fe of cfg.frontends.values()) {
    for (const pool of fe.pools) for (const name of pool.backends.keys()) used.add(name);
  }
  return [...cfg.backends.keys()].filter((name) => used.has(name));
}

/** Frontend names per backend, in the file's order of `frontends`. */
export function frontendsByBackend(cfg: MaglevConfig): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const fe of cfg.frontends.values()) {
    const seen = new Set<string>();
    for (const pool of fe.pools) {
      for (const name of pool.backends.keys()) {
        if (seen.has(name)) continue;
        seen.add(name);
        const list = out.get(name);
        if (list) list.push(fe.name);
        else out.set(name, [fe.name]);
      }
    }
  }
  return out;
}

export function healthCheckOf(cfg: MaglevConfig, backend: BackendConfig): HealthCheckConfig | undefined {
  return backend.healthcheck === undefined ? undefined : cfg.healthchecks.get(backend.healthcheck);
}

/**
 * True when a running worker can carry on unchanged: same address, same probing namespace and
 * the same health check settings. The check's name is left out: renaming a check without
 * changing it should not reset anyone's health. Everything else counts, including port and
 * probe source addresses (the original compared fewer fields and missed port changes).
 */
export function probesUnchanged(
  before: { address: string; hc: HealthCheckConfig | undefined; netns: string | undefined },
  after: { address: string; hc: HealthCheckConfig | undefined; netns: string | undefined },
): boolean {
  if (before.address !== after.address || before.netns !== after.netns) return false;
  if (before.hc === undefined || after.hc === undefined) return before.hc === after.hc;
  return sameSettings(before.hc, after.hc);
}

/**
 * Deep comparison of two checks' settings, once per pair: a reload asks it for every backend,
 * and 10 000 backends usually share a handful of checks. Config objects are never changed after
 * parsing, so a remembered answer stays true.
 */
const compared = new WeakMap<HealthCheckConfig, WeakMap<HealthCheckConfig, boolean>>();

function sameSettings(a: HealthCheckConfig, b: HealthCheckConfig): boolean {
  let row = compared.get(a);
  if (!row) compared.set(a, (row = new WeakMap()));
  let same = row.get(b);
  if (same === undefined) {
    same = isDeepStrictEqual({ ...a, name: '' }, { ...b, name: '' });
    row.set(b, same);
  }
  return same;
}

/** The state a backend starts (or restarts) in: the file's `enabled` decides. */
export function initialStateOf(backend: BackendConfig): 'unknown' | 'disabled' {
  return backend.enabled ? 'unknown' : 'disabled';
}

/**
 * What a reload does to one backend the new config probes (docs/health.md §Reload):
 * - start: it is new;
 * - restart: its address, health check settings or netns changed, so it starts afresh;
 * - keep: its worker, counter, history and runtime state carry on; `enable` is set when the
 *   file's own `enabled` flag changed, which then applies (that edit is the operator's latest
 *   word).
 * Backends the new config no longer probes are removed; they have no fate here.
 */
export type ReloadFate =
  | { readonly kind: 'start' }
  | { readonly kind: 'restart' }
  | { readonly kind: 'keep'; readonly enable?: boolean };

/** The running side of one backend, as reloadFate needs it. */
export interface RunningBackend {
  readonly config: BackendConfig;
  readonly hc: HealthCheckConfig | undefined;
}

export function reloadFate(
  prev: MaglevConfig,
  next: MaglevConfig,
  name: string,
  running: RunningBackend | undefined,
): ReloadFate {
  if (!running) return { kind: 'start' };
  const b = next.backends.get(name) as BackendConfig;
  const same = probesUnchanged(
    { address: running.config.address, hc: running.hc, netns: prev.healthchecker.netns },
    { address: b.address, hc: healthCheckOf(next, b), netns: next.healthchecker.netns },
  );
  if (!same) return { kind: 'restart' };
  return b.enabled === running.config.enabled ? { kind: 'keep' } : { kind: 'keep', enable: b.enabled };
}
