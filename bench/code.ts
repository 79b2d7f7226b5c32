// Which build of maglevd a benchmark measures: `dist` (default), the compiled JavaScript that
// `maglevd` runs, or `src`, the TypeScript through tsx (a few per cent slower: tsx adds helpers).
// Types always come from src; only the code loaded at run time differs.

import { existsSync, readFileSync } from 'node:fs';
import type * as checker from '../src/checker/index.js';
import type * as clock from '../src/clock/index.js';
import type * as config from '../src/config/index.js';
import type * as log from '../src/log/index.js';
import type * as probe from '../src/probe/index.js';

export type CodeFrom = 'dist' | 'src';

export interface MaglevCode {
  checker: typeof checker;
  clock: typeof clock;
  config: typeof config;
  log: typeof log;
  probe: typeof probe;
}

export async function loadCode(from: string): Promise<MaglevCode> {
  if (from !== 'dist' && from !== 'src') throw new Error(`--code must be dist or src, got "${from}"`);
  const base = new URL(from === 'dist' ? '../dist/' : '../src/', import.meta.url);
  if (from === 'dist' && !existsSync(new URL('probe/index.js', base))) {
    throw new Error('dist/ is missing or stale: run `npm run build` first (or pass --code src)');
  }
  const load = (path: string): Promise<unknown> => import(new URL(path, base).href);
  return {
    checker: (await load('checker/index.js')) as MaglevCode['checker'],
    clock: (await load('clock/index.js')) as MaglevCode['clock'],
    config: (await load('config/index.js')) as MaglevCode['config'],
    log: (await load('log/index.js')) as MaglevCode['log'],
    probe: (await load('probe/index.js')) as MaglevCode['probe'],
  };
}

/** CPU seconds (user, system) another process has used so far, from /proc/PID/stat. */
export function processCpuSeconds(pid: number): { user: number; system: number } {
  // utime and stime are fields 14 and 15, counted in clock ticks (100 per second on Linux).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/**
 * A built binary's shebang line (`#!/usr/bin/env -S [NAME=VALUE ...] node FLAGS`): the
 * environment it sets and the node flags it passes, so that a benchmark runs it as installed (the
 * packaged wrapper in packaging/debian/extra/bin/ sets and passes the same). None for a plain
 * `#!/usr/bin/env node`.
 */
function shebangOf(bin: string): { env: Record<string, string>; flags: string[] } {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const shebang = /^#!\S*env -S ((?:\w+=\S* )*)node ?(.*)$/.exec(first);
  const env = Object.fromEntries(
    (shebang?.[1] ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return { env, flags: (shebang?.[2] ?? '').split(/\s+/).filter(Boolean) };
}

/** The node flags on a built binary's shebang line (shebangOf). */
export function shebangNodeFlags(bin: string): string[] {
  return shebangOf(bin).flags;
}

/** The environment a built binary's shebang line sets (shebangOf), e.g. MALLOC_ARENA_MAX. */
export function shebangEnv(bin: string): Record<string, string> {
  return shebangOf(bin).env;
}
