// The machine-wide side of the package test: commands, a lock so that two test runs on one
// machine (several checkouts running `npm test` at once) take turns at installing, and a record
// of what the test may change (packages, the maglevd user, the vpp group, the ping sysctl) so
// that it can put everything back as it found it.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; never throws for a non-zero exit (callers assert on `code`). */
export async function run(
  command: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<Ran> {
  const child = spawn(command, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  if (opts.input !== undefined) {
    // A command that exits without reading its input is not an error of ours.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input);
  }
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** Like run(), but a non-zero exit is an error that shows the output. */
export async function mustRun(
  command: string,
  args: readonly string[],
  opts: Parameters<typeof run>[2] = {},
): Promise<Ran> {
  const result = await run(command, args, opts);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`,
    );
  }
  return result;
}

export const APT_ENV: NodeJS.ProcessEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
/** Wait for another dpkg user (an unrelated apt run) rather than fail at once. */
export const APT_LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=600'];

/**
 * An exclusive lock held by a child `flock` for as long as it lives: released by release(), or
 * by the kernel if this process dies (the child's stdin closes and it exits).
 */
export async function machineLock(path: string): Promise<{ release(): Promise<void> }> {
  const child: ChildProcess = spawn('flock', ['--exclusive', path, 'sh', '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`flock ${path} exited ${code}`)));
  });
  return {
    async release() {
      const exited = once(child, 'exit');
      child.stdin?.end();
      await exited;
    },
  };
}

export const PING_GROUP_RANGE = '/proc/sys/net/ipv4/ping_group_range';

export function pingGroupRange(): string {
  return readFileSync(PING_GROUP_RANGE, 'utf8').trim().replace(/\s+/, ' ');
}

export function setPingGroupRange(value: string): void {
  writeFileSync(PING_GROUP_RANGE, value);
}

export async function exists(kind: 'passwd' | 'group', name: string): Promise<boolean> {
  return (await run('getent', [kind, name])).code === 0;
}

/** dpkg's status for a package: "install ok installed", "deinstall ok config-files", or undefined. */
export async function packageStatus(name: string): Promise<string | undefined> {
  const r = await run('dpkg-query', ['-W', '-f=${Status}', name]);
  return r.code === 0 && r.stdout.trim() !== 'unknown ok not-installed' ? r.stdout.trim() : undefined;
}
