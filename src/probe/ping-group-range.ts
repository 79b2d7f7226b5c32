// net.ipv4.ping_group_range decides who may open ICMP ping sockets (IPv4 and IPv6 alike), per
// network namespace, and every new namespace starts closed ("1 0"), root included. maglevd
// checks it where its probes run, at start and on reload, and opens it for its own group when
// it may. The read and the write happen inside the namespace (via the addon), because
// /proc/sys/net shows the namespace of whoever opens it.

import { existsSync } from 'node:fs';
import type { Logger } from '../log/index.js';
import { isNativeError, loadNativeAddon, type NativeAddon } from '../native/index.js';
import { describeNativeError, PING_GROUP_RANGE_SYSCTL, whereLabel } from './native-errors.js';

export const PING_GROUP_RANGE_PATH = '/proc/sys/net/ipv4/ping_group_range';

/**
 * The sysctl.d snippet the Debian package installs: maglevd runs there as an unprivileged user
 * that may not widen the range itself, so the package opens it at boot (docs/operations.md).
 * It only covers the root namespace; a namespace starts closed whatever the host says.
 */
export const PACKAGED_SYSCTL_SNIPPET = '/usr/lib/sysctl.d/60-vpp-maglev.conf';

/** An inclusive gid range; lo > hi means closed to everyone. */
export interface PingGroupRange {
  lo: number;
  hi: number;
}

export function parsePingGroupRange(text: string): PingGroupRange {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (m === null) throw new Error(`unexpected ${PING_GROUP_RANGE_SYSCTL} value "${text.trim()}"`);
  return { lo: Number(m[1]), hi: Number(m[2]) };
}

export function formatPingGroupRange(r: PingGroupRange): string {
  return `${r.lo} ${r.hi}`;
}

/** The kernel lets a process ping when its effective gid or any supplementary gid is in range. */
export function rangeAllows(r: PingGroupRange, gids: readonly number[]): boolean {
  return gids.some((g) => g >= r.lo && g <= r.hi);
}

/** The smallest change that lets `gid` in: a closed range becomes just that gid. */
export function widenedRange(r: PingGroupRange, gid: number): PingGroupRange {
  if (r.lo > r.hi) return { lo: gid, hi: gid };
  return { lo: Math.min(r.lo, gid), hi: Math.max(r.hi, gid) };
}

export function ownGroups(): number[] {
  return [process.getegid?.() ?? 0, ...(process.getgroups?.() ?? [])];
}

export type PingGroupRangeStatus =
  { ok: true; range: PingGroupRange; widenedFrom?: PingGroupRange } | { ok: false; detail: string };

export interface EnsurePingGroupRangeOptions {
  /** undefined: maglevd's own namespace. */
  netns: string | undefined;
  logger: Logger;
  addon?: NativeAddon;
  /** Our gids; default the process's effective and supplementary groups. */
  gids?: readonly number[];
  /** Whether PACKAGED_SYSCTL_SNIPPET is installed; default: look at the file. */
  snippetInstalled?: () => boolean;
}

/**
 * Makes sure ICMP probes may open ping sockets in `netns`: reads the sysctl there, and when it
 * excludes us, widens it to include our effective gid (logged at info). When that is not
 * allowed, logs one error naming the sysctl and the command an operator would run.
 */
export function ensurePingGroupRange(opts: EnsurePingGroupRangeOptions): PingGroupRangeStatus {
  const { netns, logger } = opts;
  const gids = opts.gids ?? ownGroups();
  const where = whereLabel(netns);
  const fail = (detail: string): PingGroupRangeStatus => {
    logger.error('ping-group-range-error', { netns: netns ?? '', sysctl: PING_GROUP_RANGE_SYSCTL, detail });
    return { ok: false, detail };
  };
  let addon: NativeAddon;
  let range: PingGroupRange;
  try {
    addon = opts.addon ?? loadNativeAddon();
    range = parsePingGroupRange(addon.procFile(netns ?? null, PING_GROUP_RANGE_PATH, null));
  } catch (err) {
    return fail(`cannot read ${PING_GROUP_RANGE_SYSCTL} in ${where}: ${explain(err, netns)}`);
  }
  if (rangeAllows(range, gids)) return { ok: true, range };

  const gid = gids[0] ?? 0;
  const wanted = widenedRange(range, gid);
  try {
    addon.procFile(netns ?? null, PING_GROUP_RANGE_PATH, formatPingGroupRange(wanted));
  } catch (err) {
    const installed = opts.snippetInstalled ?? (() => existsSync(PACKAGED_SYSCTL_SNIPPET));
    return fail(
      `${PING_GROUP_RANGE_SYSCTL} is "${formatPingGroupRange(range)}" in ${where}, which excludes gid ${gid}, ` +
        `so icmp probes cannot open ping sockets; could not widen it (${explain(err, netns)}): ` +
        remedy(netns, wanted, installed),
    );
  }
  logger.info('ping-group-range-widened', {
    netns: netns ?? '',
    sysctl: PING_GROUP_RANGE_SYSCTL,
    from: formatPingGroupRange(range),
    to: formatPingGroupRange(wanted),
  });
  return { ok: true, range: wanted, widenedFrom: range };
}

/** What the operator should run, for a maglevd that may not write the sysctl itself. */
function remedy(netns: string | undefined, wanted: PingGroupRange, snippetInstalled: () => boolean): string {
  const set = `sysctl -w ${PING_GROUP_RANGE_SYSCTL}='${formatPingGroupRange(wanted)}'`;
  // Another namespace: only where it is created can it be opened; no host file reaches it.
  if (netns !== undefined) return `run "ip netns exec ${netns} ${set}"`;
  if (snippetInstalled())
    return `${PACKAGED_SYSCTL_SNIPPET} is installed but not in effect: run "sysctl --system"`;
  return `run "${set}" and keep the setting in a file under /etc/sysctl.d/`;
}

function explain(err: unknown, netns: string | undefined): string {
  if (isNativeError(err)) {
    // Failures on the sysctl file itself name the file; the rest are about entering the netns.
    if (err.message.includes(PING_GROUP_RANGE_PATH)) return `${err.syscall} ${err.code}`;
    return describeNativeError(err, { netns });
  }
  return err instanceof Error ? err.message : String(err);
}
