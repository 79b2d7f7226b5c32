// maglevc in this process (runMaglevc): the real gRPC client, captured stdout and stderr, Ctrl-C on
// demand. Fast enough to run every command of a test against a live API.

import { PassThrough } from 'node:stream';
import { runMaglevc } from '../../src/cli/index.js';

/** Generous: tests must pass on a loaded 2-core machine. */
const WAIT_MS = 60_000;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessRun {
  /** Everything written so far. */
  stdout(): string;
  /** Delivers Ctrl-C (as the process's SIGINT would). */
  interrupt(): void;
  /** Resolves when stdout contains the text. */
  waitFor(text: string | RegExp): Promise<void>;
  done: Promise<CliRun>;
}

/** maglevc in this process: real gRPC client, captured streams, Ctrl-C on demand. */
export function startInProcess(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): InProcessRun {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  const watchers: (() => void)[] = [];
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...watchers]) w();
  });
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  let interruptHandler: (() => void) | undefined;
  const stdin = new PassThrough();
  if (input !== undefined) stdin.end(input);
  const done = runMaglevc(args, {
    stdin,
    stdout,
    stderr,
    env,
    onInterrupt: (h) => {
      interruptHandler = h;
      return () => (interruptHandler = undefined);
    },
  }).then((code) => ({ code, stdout: out, stderr: err }));
  return {
    stdout: () => out,
    interrupt: () => interruptHandler?.(),
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        const fits = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
        if (fits()) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${String(text)} in:\n${out}`)),
          WAIT_MS,
        );
        const check = () => {
          if (!fits()) return;
          clearTimeout(timer);
          watchers.splice(watchers.indexOf(check), 1);
          resolve();
        };
        watchers.push(check);
      }),
    done,
  };
}

export function maglevc(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return startInProcess(args, env).done;
}
