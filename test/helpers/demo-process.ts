// Runs the demo (`npm start`, src/demo/demo.ts) as a child process on ephemeral ports and lets a
// test wait for the lines it prints.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { repoRoot } from './daemon-process.js';

export interface RunningDemo {
  child: ChildProcess;
  lines: string[];
  stderr(): string;
  /** The first line (already printed or future) matching re. */
  waitLine(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** SIGINT, then the exit code. */
  stop(): Promise<number | null>;
}

/** `env` adds to (or overrides) the demo's test environment. */
export function startDemo(env: Record<string, string> = {}): RunningDemo {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo/demo.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      MAGLEV_DEMO_GRPC_ADDR: '127.0.0.1:0',
      MAGLEV_DEMO_METRICS_ADDR: '127.0.0.1:0',
      MAGLEV_DEMO_LISTEN: '127.0.0.1:0',
      MAGLEV_DEMO_CONTROL_PORT: '0',
      MAGLEV_DEMO_PASSWORD: 'demo-secret',
      MAGLEV_DEMO_FLAP: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      const m = line.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    lines,
    stderr: () => stderr,
    waitLine(re, ms = 60_000) {
      for (const l of lines) {
        const m = l.match(re);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no line ${re} in:\n${lines.join('\n')}\n${stderr}`)),
          ms,
        );
        waiters.push({
          re,
          resolve: (m) => {
            clearTimeout(t);
            resolve(m);
          },
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
