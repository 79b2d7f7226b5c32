// Temporary directories for tests (unix sockets, config files, .api.json files), always removed
// afterwards: withTempDir around one piece of work, TempDir for a directory a suite keeps.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs fn with a fresh directory and removes it afterwards, whatever fn did. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await TempDir.create();
  try {
    return await fn(dir.path);
  } finally {
    await dir.dispose();
  }
}

/** A temp directory; dispose() removes it. */
export class TempDir {
  private constructor(readonly path: string) {}

  static async create(prefix = 'maglev-test-'): Promise<TempDir> {
    return new TempDir(await mkdtemp(join(tmpdir(), prefix)));
  }

  /** Writes a file in the directory and returns its path. */
  async write(name: string, text: string): Promise<string> {
    const file = join(this.path, name);
    await writeFile(file, text);
    return file;
  }

  async dispose(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}
