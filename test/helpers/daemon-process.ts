// Runs a program of this package (maglevd, vppsim...) as a child process from source and lets
// tests wait for its JSON log lines — events, not sleeps.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

export interface RunningProgram {
  child: ChildProcess;
  lines: LogLine[];
  stderr: string[];
  /** Resolves with the first line (already seen or future) matching pred. */
  waitFor(pred: (l: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

export interface RunOptions {
  /** Run inside this network namespace (`ip netns exec` execs the program: the pid is its own). */
  netns?: string;
}

export function runProgram(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  opts: RunOptions = {},
): RunningProgram {
  const node = [process.execPath, '--import', 'tsx', script, ...args];
  const [command, ...argv] = opts.netns === undefined ? node : ['ip', 'netns', 'exec', opts.netns, ...node];
  return runCommand(command ?? process.execPath, argv, {
    env: { ...process.env, ...env },
  });
}

/** Any command whose stdout is JSON log lines (an installed binary, one under setpriv...). */
export function runCommand(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): RunningProgram {
  const child = spawn(command, args, {
    cwd: opts.cwd ?? repoRoot,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const stderr: string[] = [];
  const waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: 'raw', text };
    }
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.pred(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  createInterface({ input: child.stderr }).on('line', (text) => stderr.push(text));
  const exited = once(child, 'exit').then(([code]) => code as number | null);

  return {
    child,
    lines,
    stderr,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitFor(pred, timeoutMs = 20_000, what = 'log line') {
      const seen = lines.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise<LogLine>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `timed out waiting for ${what}; last lines:\n${lines
                .slice(-15)
                .map((l) => JSON.stringify(l))
                .join('\n')}\nstderr:\n${stderr.join('\n')}`,
            ),
          );
        }, timeoutMs);
        const waiter = {
          pred,
          resolve: (l: LogLine) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (waiters.includes(waiter)) {
            clearTimeout(timer);
            reject(new Error(`program exited while waiting for ${what}; stderr:\n${stderr.join('\n')}`));
          }
        });
      });
    },
  };
}
