// Live names for completion and for settling ambiguous prefixes, fetched from maglevd. Tab
// pressed several times on one line, or one line walked several times, costs one round trip per
// kind: answers are kept for a short TTL. A failed fetch yields undefined ("names unknown"), so
// completion degrades to keywords and the walker accepts any name.

import type { Clock } from '../clock/index.js';
import type { MaglevApi } from './api.js';
import type { NameKind } from './tree.js';
import type { NameLookup } from './walk.js';

export const NAME_TTL_MS = 3000;

interface Entry {
  at: number;
  names: Promise<readonly string[] | undefined>;
}

export class LiveNames {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly api: Pick<
      MaglevApi,
      'frontendNames' | 'backendNames' | 'healthCheckNames' | 'getFrontend'
    >,
    private readonly clock: Pick<Clock, 'monotonic'>,
    private readonly ttlMs = NAME_TTL_MS,
  ) {}

  readonly lookup: NameLookup = (kind, args) => {
    if (kind === 'pool' && !args.frontend) return Promise.resolve(undefined);
    const key = kind === 'pool' ? `pool:${args.frontend}` : kind;
    const now = this.clock.monotonic();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.names;
    const names = this.fetch(kind, args.frontend ?? '').then(
      (n): readonly string[] | undefined => n,
      () => undefined,
    );
    this.cache.set(key, { at: now, names });
    return names;
  };

  /** Forget everything (after a command that may have changed names, e.g. a reload). */
  clear(): void {
    this.cache.clear();
  }

  private async fetch(kind: NameKind, frontend: string): Promise<readonly string[]> {
    switch (kind) {
      case 'frontend':
        return this.api.frontendNames();
      case 'backend':
        return this.api.backendNames();
      case 'healthcheck':
        return this.api.healthCheckNames();
      case 'pool':
        return (await this.api.getFrontend(frontend)).pools.map((p) => p.name);
    }
  }
}
