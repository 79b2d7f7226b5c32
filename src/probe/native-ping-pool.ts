// The shared ping sockets, one per (family, netns, source). Each acquire checks, with one
// stat, that the namespace is still the one the socket was made in: a deleted namespace fails
// the probe with a clear detail, and a re-created one (new inode) gets a fresh socket. (Inode
// numbers of freed namespaces are reused, but our socket keeps its namespace alive, so the
// number it recorded cannot be handed to the re-created one while the socket exists.) A fresh
// namespace starts with ping sockets closed (ping_group_range "1 0"), so the first EACCES in a
// namespace we have not seen before triggers one attempt to widen it.

import type { IpFamily } from '../net/ip-address.js';
import { silentLogger, type Logger } from '../log/index.js';
import { isNativeError, loadNativeAddon, type NativeAddon } from '../native/index.js';
import { describeNativeError } from './native-errors.js';
import { PingSocket } from './native-ping-socket.js';
import { isValidNetnsName, netnsInodeOnDisk } from './netns.js';
import { ensurePingGroupRange } from './ping-group-range.js';
import { SocketSetupError } from './socket-factory.js';

export interface PingSocketPoolOptions {
  addon?: NativeAddon;
  /** Receives the ping-group-range lines of the automatic widening. */
  logger?: Logger;
}

export class PingSocketPool {
  private readonly sockets = new Map<string, PingSocket>();
  /** Namespaces (name + inode) where widening ping_group_range was already tried. */
  private readonly widenTried = new Set<string>();
  private readonly logger: Logger;

  constructor(private readonly opts: PingSocketPoolOptions = {}) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** The socket for probes of this family from `source` in `netns`. Throws SocketSetupError. */
  acquire(family: IpFamily, netns: string | undefined, source: string | undefined): PingSocket {
    let inode = 0;
    if (netns !== undefined) {
      if (!isValidNetnsName(netns))
        throw new SocketSetupError(`invalid netns name "${netns}"`, 'EINVAL', 'open');
      const onDisk = netnsInodeOnDisk(netns);
      if (onDisk === undefined)
        throw new SocketSetupError(`netns "${netns}" not found (no /run/netns/${netns})`, 'ENOENT', 'open');
      inode = onDisk;
    }
    const key = `${family}|${netns ?? ''}|${source ?? ''}`;
    const existing = this.sockets.get(key);
    if (existing !== undefined && !existing.closed && existing.netnsIno === inode) return existing;
    if (existing !== undefined) {
      existing.retire();
      this.sockets.delete(key);
    }
    const fresh = this.open(family, netns, source, inode);
    this.sockets.set(key, fresh);
    return fresh;
  }

  /**
   * Stops handing out `socket`: the next acquire for its (family, netns, source) opens and binds
   * a fresh one. After a local send failure that is how we learn whether the source address is
   * still there (a fresh bind fails with EADDRNOTAVAIL where a send only says ENETUNREACH).
   */
  discard(socket: PingSocket): void {
    for (const [key, s] of this.sockets) {
      if (s !== socket) continue;
      this.sockets.delete(key);
      s.retire();
    }
  }

  /** Closes every socket; in-flight echoes end with "ping socket closed". */
  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }

  private open(family: IpFamily, netns: string | undefined, source: string | undefined, inode: number) {
    const ctx = { netns, source, kind: 'icmp' as const };
    let addon: NativeAddon;
    try {
      addon = this.opts.addon ?? loadNativeAddon();
    } catch (err) {
      throw new SocketSetupError(err instanceof Error ? err.message : String(err), 'ENOADDON');
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return PingSocket.open(addon, family, netns, source);
      } catch (err) {
        if (!isNativeError(err)) {
          // dgram's bind of the fd: a local failure like the addon's own.
          const code = (err as NodeJS.ErrnoException).code;
          throw new SocketSetupError(err instanceof Error ? err.message : String(err), code, 'socket');
        }
        const nsKey = `${netns ?? ''}|${inode}`;
        if (
          attempt === 0 &&
          err.syscall === 'socket' &&
          err.code === 'EACCES' &&
          !this.widenTried.has(nsKey)
        ) {
          this.widenTried.add(nsKey);
          if (ensurePingGroupRange({ netns, logger: this.logger, addon }).ok) continue;
        }
        throw new SocketSetupError(describeNativeError(err, ctx), err.code, err.syscall);
      }
    }
  }
}
