// What an entry point's first line asks for, read in one place: the node flags and the
// environment of `#!/usr/bin/env -S [NAME=VALUE ...] node FLAGS`. The packaged wrappers
// (packaging/debian/extra/bin) must pass the same, and the benchmarks run a built binary with
// them, as installed. The package build does not read the line: it replaces it whole.

import { readFileSync } from 'node:fs';

export interface Shebang {
  /** The variables `env` sets, in the line's order, e.g. MALLOC_ARENA_MAX. */
  env: Record<string, string>;
  /** node's flags, in the line's order. */
  flags: string[];
}

/**
 * The shebang of `file` (a source in src/bin or a built dist/bin/*.js): no variables and no flags
 * for a plain `#!/usr/bin/env node`; undefined when the first line does not run node through env.
 */
export function readShebang(file: string): Shebang | undefined {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const parts = /^#!\/usr\/bin\/env (?:-S )?((?:\w+=\S* )*)node(?: (.*))?$/.exec(first);
  if (!parts) return undefined;
  const env = Object.fromEntries(
    (parts[1] ?? '')
      .split(' ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return { env, flags: (parts[2] ?? '').split(/\s+/).filter(Boolean) };
}
