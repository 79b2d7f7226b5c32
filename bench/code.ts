// Which build of maglevd a benchmark measures: `dist` (default), the compiled JavaScript that
// `maglevd` runs, or `src`, the TypeScript through tsx (a few per cent slower: tsx adds helpers).
// Types always come from src; only the code loaded at run time differs.

import { existsSync, readFileSync } from 'node:fs';
import type * as checker from '../src/checker/index.js';
import type * as clock from '../src/clock/index.js';
import type * as config from '../src/config/index.js';
import type * as log from '../src/log/index.js';
import type * as probe from '../src/probe/index.js';
import { readShebang } from '../test/helpers/shebang.js';

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
 * The node flags on a built binary's shebang line (test/helpers/shebang.ts), so that a benchmark
 * runs it as installed (the packaged wrapper in packaging/debian/extra/bin/ passes the same).
 */
export function shebangNodeFlags(bin: string): string[] {
  return readShebang(bin)?.flags ?? [];
}

/** The environment a built binary's shebang line sets (as shebangNodeFlags), e.g. MALLOC_ARENA_MAX. */
export function shebangEnv(bin: string): Record<string, string> {
  return readShebang(bin)?.env ?? {};
}
