// Why VPP's API socket could not be reached, said in the operator's terms. A packaged maglevd
// runs as the unprivileged user `maglevd`, and VPP makes its sockets for root and one group
// (`unix { gid vpp }`), so "connect EACCES" nearly always means "this user is not in that
// group": the explanation names the socket's owner, group and mode and maglevd's own
// credentials, so the fix can be read off the log line. The rules are pure; the stat and the
// group database are read by the thin wrapper at the end.

import { readFileSync, statSync, type Stats } from 'node:fs';

export interface SocketAccessFacts {
  /** The socket file's stat, or the errno code that stat failed with. */
  socket: Pick<Stats, 'uid' | 'gid' | 'mode'> | string;
  /** Our effective uid and every gid we hold (effective and supplementary). */
  uid: number;
  gids: readonly number[];
  /** Names for uids and gids, when the databases have them. */
  userName(uid: number): string | undefined;
  groupName(gid: number): string | undefined;
}

/** `name (123)`, or just the number when the database has no name. */
function named(id: number, name: string | undefined): string {
  return name === undefined ? String(id) : `${name} (${id})`;
}

/**
 * One sentence explaining a failed connect to the Unix socket at `path`, or undefined when the
 * error code has nothing to add (the system's message already says it all).
 */
export function explainSocketAccess(
  path: string,
  code: string,
  facts: SocketAccessFacts,
): string | undefined {
  switch (code) {
    case 'ENOENT':
      return `no socket at ${path}: is VPP running, with "socksvr { default }" (or this socket-name) in its startup.conf?`;
    case 'ECONNREFUSED':
      return `nothing listens on ${path}: VPP is not running (the file is left from an earlier run)`;
    case 'EACCES':
    case 'EPERM':
      break;
    default:
      return undefined;
  }
  const user = facts.userName(facts.uid);
  const me = `maglevd runs as user ${named(facts.uid, user)} with groups ${facts.gids
    .map((g) => named(g, facts.groupName(g)))
    .join(', ')}`;
  if (typeof facts.socket === 'string')
    return `permission denied on the way to ${path} (a directory is closed to maglevd); ${me}`;
  const { uid, gid, mode } = facts.socket;
  const group = facts.groupName(gid);
  const perms = (mode & 0o777).toString(8).padStart(4, '0');
  const owner = `${facts.userName(uid) ?? uid}:${group ?? gid}`;
  const fix =
    (mode & 0o060) === 0o060
      ? `add that user to group ${group ?? gid} ("adduser ${user ?? facts.uid} ${group ?? gid}") and restart maglevd`
      : `the socket is not group-writable: let VPP's "unix { gid … }" name a group and add maglevd to it`;
  return `permission denied on ${path} (owner ${owner}, mode ${perms}); ${me}: ${fix}`;
}

/** name by id from a passwd- or group-style file (name:x:id:...). */
function idNames(file: string): Map<number, string> {
  const names = new Map<number, string>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return names;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && /^\d+$/.test(id) && !names.has(Number(id))) names.set(Number(id), name);
  }
  return names;
}

/** explainSocketAccess with the facts read from this system and this process. */
export function explainSocketError(path: string, err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  let socket: SocketAccessFacts['socket'];
  try {
    socket = statSync(path);
  } catch (statErr) {
    socket = (statErr as NodeJS.ErrnoException).code ?? 'EIO';
  }
  const users = idNames('/etc/passwd');
  const groups = idNames('/etc/group');
  return explainSocketAccess(path, code, {
    socket,
    uid: process.geteuid?.() ?? 0,
    gids: [...new Set([process.getegid?.() ?? 0, ...(process.getgroups?.() ?? [])])],
    userName: (id) => users.get(id),
    groupName: (id) => groups.get(id),
  });
}
