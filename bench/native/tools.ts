// The benchmarks' C helpers (bench/native/*.c): compiled on first use with the C compiler that
// node-gyp already needs for the addon, cached in the temp dir by a hash of their source.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The path of the compiled helper `name` (bench/native/<name>.c). */
export function benchTool(name: string): string {
  const source = new URL(`./${name}.c`, import.meta.url).pathname;
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'vpp-maglev-bench');
  const binary = join(dir, `${name}-${hash}`);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    try {
      execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-o', binary, source], { stdio: 'inherit' });
    } catch (err) {
      throw new Error(`cannot compile ${source} (set CC to a C compiler): ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return binary;
}

/** Backend i's address: 127.1.x.y, as bench/native/http-target.c listens. */
export function targetAddress(i: number): string {
  return `127.1.${i >> 8}.${i & 255}`;
}

export interface HttpTarget {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts http-target on `count` addresses and waits until every one listens. */
export async function startHttpTarget(count: number, port: number): Promise<HttpTarget> {
  const child = spawn(benchTool('http-target'), [String(count), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => line.startsWith('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`http-target exited ${code}`)));
  });
  return {
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
