// The typed face of native/maglev_native.c, built by `npm install` (node-gyp), and its one
// loader: the probes, the stats segment's descriptor (vpp/stats/native.ts) and the daemon's
// memory trimming (release-free-memory.ts) all reach the addon here. Loading is lazy so that
// processes which never call it (maglevc, tests of other domains) run without a build, and a
// missing build is a loud, named error rather than a silent loss of icmp and netns probes.

import { createRequire } from 'node:module';
import { ENGINE_PROTOCOL_VERSION, RECORD_INTS, SCHEDULE_INTS } from './engine-protocol.js';

/** One ICMP error about one of our echo requests, from the ping socket's error queue. */
export interface NativeErrorReport {
  /** errno name the kernel mapped the error to, e.g. "EHOSTUNREACH". */
  errno: string;
  /** SO_EE_ORIGIN_*: 1 local, 2 ICMP, 3 ICMPv6. */
  origin: number;
  /** ICMP type and code of the error message. */
  type: number;
  code: number;
  /** Where our echo was going. */
  dest: string | null;
  /** Who reported the error (a router, the target, or ourselves for neighbour failures). */
  offender: string | null;
  /** What the error quoted of our echo request, starting at its ICMP header. */
  data: Buffer;
}

/**
 * The probe engine thread (native/probe_engine.c): tcp and http probes on an epoll loop of its
 * own. Slots are chosen by the caller; results are drained in batches after onResults fires.
 */
export interface NativeProbeEngine {
  setTarget(
    slot: number,
    token: number,
    kind: number,
    family: 4 | 6,
    address: string,
    port: number,
    source: string | null,
    netns: string | null,
    request: Buffer | null,
    timeoutMs: number,
    flags: number,
    /** With EngineFlag.tls: [tlsContext(), SNI|null, name to verify, lowest, highest passing status]. */
    tls: [number, string | null, string, number, number] | null,
  ): void;
  dropTarget(slot: number): void;
  /** An SSL_CTX trusting caPem with Node's ciphers (TLS 1.2 list, TLS 1.3 suites); its number. */
  tlsContext(caPem: string, cipherList: string, cipherSuites: string): number;
  /**
   * Entries of SCHEDULE_INTS int32s (engine-protocol.ts). A recurring target's next probe is
   * planned by the engine itself, at the last delay given, as soon as a probe ends; an entry
   * answering that probe's result replaces the plan while the next one still waits.
   */
  schedule(entries: Int32Array, count: number): void;
  cancel(slot: number): void;
  expire(slot: number, token: number): void;
  /** Copies waiting results (RECORD_INTS int32s each) into out; texts get the records' strings. */
  drain(out: Int32Array, texts: string[]): number;
  ref(): void;
  unref(): void;
  close(): void;
}

/** What the probe engine of a build speaks (native/probe_engine.h, engine-protocol.ts). */
export interface NativeEngineProtocol {
  version: number;
  recordInts: number;
  scheduleInts: number;
}

export interface NativeAddon {
  /** Absent from builds older than the check itself. */
  probeEngineProtocol?: NativeEngineProtocol;
  ProbeEngine: new (
    onResults: () => void,
    batchMs: number,
    startWindowMs: number,
    sessionMaxAgeMs: number,
  ) => NativeProbeEngine;
  /** A TCP or ICMP ping socket, created inside `netns` (null: our own) and bound to `source`. */
  openSocket(
    family: 4 | 6,
    kind: 'tcp' | 'icmp',
    netns: string | null,
    source: string | null,
  ): { fd: number; netnsIno: number };
  /** Reads up to `max` queued replies of an 'icmp' socket now; `at` is the kernel's arrival time (epoch ms). */
  readReplies(fd: number, max: number): { from: string | null; data: Buffer; at: number }[];
  /** Drains the error queue of a socket opened with kind 'icmp'. */
  readErrorQueue(fd: number): NativeErrorReport[];
  /** Reads (value null) or writes a /proc/sys/net file as seen from inside `netns`. */
  procFile(netns: string | null, path: string, value: string | null): string;
  /** Enters `netns` and returns; the namespace's inode. Throws what a probe would hit. */
  netnsInode(netns: string): number;
  /** malloc_trim(0): the free memory of malloc's arena back to the kernel; true if any went. */
  releaseFreeMemory(): boolean;
}

/** What the addon throws: errno name in `code`, the failing system call in `syscall`. */
export interface NativeError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

export function isNativeError(err: unknown): err is NativeError {
  return err instanceof Error && typeof (err as Partial<NativeError>).syscall === 'string';
}

/** The addon relative to this file: src/native or dist/native are both two levels below the root. */
const ADDON_PATH = '../../native/build/Release/maglev_native.node';
/**
 * Loads another build of the addon instead (an absolute path): `npm test` runs the addon's tests
 * once more against a build under AddressSanitizer (scripts/test-native-asan.sh).
 */
const ADDON_PATH_ENV = 'MAGLEV_NATIVE_ADDON';

const REBUILD_HINT = 'rebuild it: "npm run install" (or "npm ci") in the project root';

/** Every function this code calls: a build from before one was added lacks it (the protocol aside). */
const ADDON_FUNCTIONS = [
  'ProbeEngine',
  'openSocket',
  'readReplies',
  'readErrorQueue',
  'procFile',
  'netnsInode',
  'releaseFreeMemory',
] as const satisfies readonly (keyof NativeAddon)[];

let cached: NativeAddon | undefined;

/**
 * Loads the addon once. Throws an Error naming the fix when it was not built, or was built from
 * another native/ than this code (`npm run build` compiles the TypeScript only; a stale addon
 * would have its results read with the wrong layout and lose them without a word).
 */
export function loadNativeAddon(): NativeAddon {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const path = process.env[ADDON_PATH_ENV] || ADDON_PATH;
  let addon: NativeAddon;
  try {
    addon = require(path) as NativeAddon;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`native addon not available (run "npm install" to build native/): ${why}`, {
      cause: err,
    });
  }
  const mismatch = addonProtocolMismatch(addon.probeEngineProtocol);
  if (mismatch !== undefined)
    throw new Error(`native addon ${path} does not match this code: ${mismatch}; ${REBUILD_HINT}`);
  const missing = ADDON_FUNCTIONS.filter((name) => typeof addon[name] !== 'function');
  if (missing.length > 0)
    throw new Error(
      `native addon ${path} does not match this code: it has no ${missing.join(', ')}; ${REBUILD_HINT}`,
    );
  cached = addon;
  return cached;
}

/** Why a build speaking `built` cannot serve this code, or undefined when it can. */
export function addonProtocolMismatch(built: NativeEngineProtocol | undefined): string | undefined {
  const want = `probe engine protocol ${ENGINE_PROTOCOL_VERSION} (${RECORD_INTS}-int records, ${SCHEDULE_INTS}-int schedule entries)`;
  if (built === undefined) return `it predates the protocol check, this code needs ${want}`;
  if (
    built.version === ENGINE_PROTOCOL_VERSION &&
    built.recordInts === RECORD_INTS &&
    built.scheduleInts === SCHEDULE_INTS
  )
    return undefined;
  return `it was built for probe engine protocol ${built.version} (${built.recordInts}-int records, ${built.scheduleInts}-int schedule entries), this code needs ${want}`;
}
