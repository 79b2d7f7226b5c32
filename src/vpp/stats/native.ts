// The typed face of the addon's stats-segment calls (native/stats_fd.c): receiving the segment's
// file descriptor from a stats socket (maglevd), and the server side for vppsim (a memfd, and a
// SOCK_SEQPACKET listener that hands it out). Loaded lazily, like the probes' half of the addon,
// so that only processes that read or serve a stats segment need it built.

import { createRequire } from 'node:module';

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

/** The addon relative to this file: src/vpp/stats or dist/vpp/stats are three levels below the root. */
const ADDON_PATH = '../../../native/build/Release/maglev_native.node';

let cached: StatsNative | undefined;

/** Loads the addon once. Throws an Error naming the fix when it was not built. */
export function loadStatsNative(): StatsNative {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  try {
    cached = require(ADDON_PATH) as StatsNative;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`native addon not available (run "npm install" to build native/): ${why}`, {
      cause: err,
    });
  }
  return cached;
}
