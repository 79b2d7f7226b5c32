// Replaces the include file atomically: write a temporary file in the same directory, flush it,
// rename it over the old one. BIRD (and an operator's `birdc configure`) read either the old
// file or the new one, never half of one, and a crash leaves one or the other on disk. The mode
// is set to 0644 whatever the umask (the unit's is 0077): BIRD runs as another user and must
// read it, and it holds nothing secret.

import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export class IncludeFileError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`cannot write ${path}: ${detail}`);
    this.name = 'IncludeFileError';
  }
}

export async function replaceFile(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(0o644);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new IncludeFileError(path, e.code ?? e.message);
  }
}
