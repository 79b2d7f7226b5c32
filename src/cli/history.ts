// Shell history kept across sessions in a plain file, one command per line, oldest first (like
// bash's). MAGLEVC_HISTORY names the file; set it empty to keep history in memory only.

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HISTORY_SIZE = 1000;

export function historyPath(env: NodeJS.ProcessEnv): string | undefined {
  if (env.MAGLEVC_HISTORY !== undefined) return env.MAGLEVC_HISTORY || undefined;
  const home = env.HOME || homedir();
  return home ? join(home, '.maglevc_history') : undefined;
}

/** Newest first, as readline wants it. A missing or unreadable file is an empty history. */
export function loadHistory(path: string | undefined): string[] {
  if (!path) return [];
  try {
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const kept = lines.slice(-HISTORY_SIZE);
    // Keep the file from growing without bound.
    if (kept.length < lines.length) writeFileSync(path, `${kept.join('\n')}\n`);
    return kept.reverse();
  } catch {
    return [];
  }
}

/** Best effort: a read-only home must not break the shell. */
export function appendHistory(path: string | undefined, line: string): void {
  if (!path) return;
  try {
    appendFileSync(path, `${line}\n`, { mode: 0o600 });
  } catch {
    // ignored: history is a convenience
  }
}
