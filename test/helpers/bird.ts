// BIRD 2 (Debian bird2) for tests, root only: one daemon per network namespace, in the
// foreground, with its own control socket, config and pid file in a test directory. Ready means
// its pid file exists: BIRD writes it after its control socket listens and its config is read.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { NetnsJanitor } from './netns.js';

export interface RunningBird {
  readonly child: ChildProcess;
  readonly socket: string;
  readonly stderr: string[];
}

export async function startBird(
  janitor: NetnsJanitor,
  netns: string,
  files: { config: string; socket: string; pidFile: string },
): Promise<RunningBird> {
  const stderr: string[] = [];
  const ready = fileAppears(files.pidFile);
  const child = spawn(
    'ip',
    ['netns', 'exec', netns, 'bird', '-f', '-c', files.config, '-s', files.socket, '-P', files.pidFile],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  janitor.track(child);
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`bird in ${netns} exited with ${code}: ${stderr.join('')}`)),
    ),
  );
  await Promise.race([ready, exited]);
  return { child, socket: files.socket, stderr };
}

/** Resolves once `path` exists (now or later), by watching its directory. */
export function fileAppears(path: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dirname(path), (_event, name) => {
      if (name === basename(path) && existsSync(path)) done();
    });
    const done = (): void => {
      watcher.close();
      resolve();
    };
    if (existsSync(path)) done();
  });
}
