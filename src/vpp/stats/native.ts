// The typed face of the addon's stats-segment calls (native/stats_fd.c): receiving the segment's
// file descriptor from a stats socket (maglevd), and the server side for vppsim (a memfd, and a
// SOCK_SEQPACKET listener that hands it out). Loaded lazily, by the addon's one loader
// (src/native), so that only processes that read or serve a stats segment need it built.

import { loadNativeAddon } from '../../native/index.js';

/** vppsim's stats socket listener (statsServeFd). */
export interface StatsFdServer {
  /** Stops listening; the caller removes the socket file. Idempotent. */
  close(): void;
  /** Clients handed the descriptor so far. */
  served(): number;
}

export interface StatsNative {
  /** Connects to a stats socket and resolves with the descriptor VPP sends (close-on-exec). */
  statsReceiveFd(path: string, timeoutMs: number): Promise<number>;
  /** A new, empty memfd named `name`. */
  statsMemfd(name: string): number;
  /** Listens on `path` (which must not exist) and hands a copy of `fd` to every client. */
  statsServeFd(path: string, fd: number): StatsFdServer;
}

/**
 * The stats calls of the one addon: loaded by its one loader (one cache, one message naming
 * the fix, and the same MAGLEV_NATIVE_ADDON override the AddressSanitizer run uses).
 */
export function loadStatsNative(): StatsNative {
  return loadNativeAddon() as unknown as StatsNative;
}
