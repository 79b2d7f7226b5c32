// Network namespaces for tests (root only): unique names per test process (`mgt-<pid>-<tag>`),
// removal in after hooks, and a sweep of namespaces left behind by test processes that died.
// Addresses used inside are from 10.255/16 and fd00:255::/32; traffic never leaves them.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const NETNS_PREFIX = 'mgt-';

/** Runs `ip ...` and returns stdout; throws with ip's stderr. */
export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a shell-free command inside a namespace. */
export function inNetns(netns: string, cmd: string, ...args: string[]): string {
  return ip('netns', 'exec', netns, cmd, ...args);
}

/** A namespace name for this test process. */
export function netnsName(tag: string): string {
  return `${NETNS_PREFIX}${process.pid}-${tag}`;
}

export function netnsExists(name: string): boolean {
  return fs.existsSync(`/run/netns/${name}`);
}

/** Deletes `mgt-<pid>-*` namespaces whose test process is gone (never a live run's). */
export function sweepStaleNamespaces(): void {
  for (const name of listNetns()) {
    const m = /^mgt-(\d+)-/.exec(name);
    if (m === null || Number(m[1]) === process.pid || fs.existsSync(`/proc/${m[1]}`)) continue;
    deleteNetns(name);
  }
}

export function listNetns(): string[] {
  try {
    return fs.readdirSync('/run/netns');
  } catch {
    return [];
  }
}

export function addNetns(name: string): void {
  ip('netns', 'add', name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
}

export function deleteNetns(name: string): void {
  try {
    ip('netns', 'del', name);
  } catch {
    // already gone
  }
}

export function sysctl(netns: string, key: string, value: string): void {
  inNetns(netns, 'sysctl', '-qw', `${key}=${value}`);
}

/** Deletes every namespace this process created, for after hooks. */
export class NetnsJanitor {
  private readonly names = new Set<string>();
  private readonly children = new Set<ChildProcess>();

  add(tag: string): string {
    const name = netnsName(tag);
    deleteNetns(name);
    addNetns(name);
    this.names.add(name);
    return name;
  }

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.children].map((c) => killChild(c)));
    for (const name of this.names) deleteNetns(name);
    this.names.clear();
  }
}

export function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const SERVER = fileURLToPath(new URL('./netns-server.ts', import.meta.url));

export interface ServerOptions {
  /** PEM files for the HTTPS listener. */
  cert: string;
  key: string;
}

/**
 * Starts test/helpers/netns-server.ts inside `netns` (HTTP on 80, HTTPS on 443, both dual-stack
 * on all addresses) and resolves once it prints that it is listening.
 */
export async function startServerInNetns(janitor: NetnsJanitor, netns: string, opts: ServerOptions) {
  const child = spawn(
    'ip',
    ['netns', 'exec', netns, process.execPath, '--import', 'tsx', SERVER, opts.cert, opts.key],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  janitor.track(child);
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`netns-server exited with ${code}`)));
    lines.on('line', (line) => {
      if (line.trim() === 'ready') resolve();
    });
  });
  return child;
}
