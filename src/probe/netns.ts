// Named network namespaces (`ip netns add NAME` → /run/netns/NAME) as probes see them: whether
// one can be used at all (checked once at start and reload, with one clear log line), and a
// cheap per-probe identity check so a namespace that was deleted and re-created is noticed.

import fs from 'node:fs';
import type { Logger } from '../log/index.js';
import { isNativeError, loadNativeAddon, type NativeAddon } from '../native/index.js';
import { describeNativeError } from './native-errors.js';

/** Where iproute2 mounts named namespaces; /var/run is a link to /run on current systems. */
export const NETNS_DIRS = ['/run/netns', '/var/run/netns'] as const;

/** A namespace name is a plain file name under NETNS_DIRS. */
export function isValidNetnsName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

/**
 * The inode of the namespace mounted at /run/netns/NAME, or undefined when there is none. One
 * stat, no namespace switch: cheap enough for every probe. Re-creating a namespace under the
 * same name gives a new inode.
 */
export function netnsInodeOnDisk(name: string): number | undefined {
  if (!isValidNetnsName(name)) return undefined;
  for (const dir of NETNS_DIRS) {
    const st = fs.statSync(`${dir}/${name}`, { throwIfNoEntry: false });
    if (st !== undefined) return st.ino;
  }
  return undefined;
}

export type NetnsStatus = { ok: true; inode: number } | { ok: false; code: string; detail: string };

export interface CheckNetnsOptions {
  /** Gets one `netns-error` (or `netns-ok` at debug) line. */
  logger?: Logger;
  addon?: NativeAddon;
}

/**
 * Can probes run in `name`? Enters the namespace and comes back, exactly as every probe socket
 * will, so a missing namespace or a missing CAP_SYS_ADMIN is found here. maglevd calls this at
 * start and on reload; probes then fail with the same detail (L4CON) without logging each time.
 */
export function checkNetns(name: string, opts: CheckNetnsOptions = {}): NetnsStatus {
  const status = probeNetns(name, opts.addon);
  if (status.ok) opts.logger?.debug('netns-ok', { netns: name, inode: status.inode });
  else opts.logger?.error('netns-error', { netns: name, code: status.code, detail: status.detail });
  return status;
}

function probeNetns(name: string, addon: NativeAddon | undefined): NetnsStatus {
  if (!isValidNetnsName(name)) return { ok: false, code: 'EINVAL', detail: `invalid netns name "${name}"` };
  try {
    return { ok: true, inode: (addon ?? loadNativeAddon()).netnsInode(name) };
  } catch (err) {
    if (isNativeError(err))
      return { ok: false, code: err.code, detail: describeNativeError(err, { netns: name }) };
    return { ok: false, code: 'ENOADDON', detail: err instanceof Error ? err.message : String(err) };
  }
}
