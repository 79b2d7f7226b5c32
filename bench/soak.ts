// The soak (issue #14): maglevd (the real Daemon, real tcp probes) against vppsim, with a fleet
// of loopback backends that flap at random every second, a reload with a random valid edit every
// 10 s, vppsim restarted on a schedule, and 20 WatchEvents subscribers of which one never reads.
// Afterwards it checks what must hold after any amount of churn:
//   - VPP's state (vppsim's tables) equals the desired state for the checker's final states;
//   - every logged transition follows from the logged probe results, replayed per backend
//     through src/health's pure BackendHealth as the records arrive (soak-tape.ts: the soak
//     keeps no log tape, so the process's memory is maglevd's and the harness's, not the log's);
//   - file descriptors and RSS are flat (their slopes are recorded, RSS and heap also after a
//     full gc past the warm-up);
//   - nothing unhandled, no error-level log record.
// Seeded (a mulberry32 stream): the same seed flaps the same backends at the same ticks.
// `node --expose-gc --import tsx bench/soak.ts [seconds] [backends] [snapshot seconds]` runs it
// and prints the figures (bench/README.md §Soak); test/integration/soak.test.ts runs a 60-second version in npm test.

import { readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { credentials } from '@grpc/grpc-js';
import { MaglevClient, WATCH_EVERYTHING } from '../src/api/index.js';
import { desiredState } from '../src/dataplane/index.js';
import { simVips, startSim, type SimHandle } from '../test/helpers/vppsim-harness.js';
import { startDaemon, vppSection, type DaemonRig, type LogSink } from '../test/helpers/vppsim-daemon.js';
import { TempDir } from '../test/helpers/temp-dir.js';
import { SoakTape } from './soak-tape.js';

export interface SoakOptions {
  seconds: number;
  backends: number;
  seed: number;
  /** vppsim is restarted this often (the 60 s version: once, at 30 s). */
  vppRestartEverySeconds: number;
  reloadEverySeconds: number;
  /** Share of the fleet toggled each second. */
  flapShare: number;
  watchers: number;
  /** Progress lines (the bench prints them; the test keeps quiet). */
  say?: (line: string) => void;
  /** Seconds at which to write a V8 heap snapshot (to diff what grows), into heapSnapshotDir. */
  heapSnapshotsAtSeconds?: readonly number[];
  heapSnapshotDir?: string;
}

export interface SoakFigures {
  seconds: number;
  backends: number;
  probes: number;
  transitions: number;
  /** Log records maglevd wrote (at debug), of every kind. */
  records: number;
  reloads: number;
  vppRestarts: number;
  /** Events received by the watchers that read. */
  watcherEvents: number;
  stalledWatcherEnded: string;
  /** Reading watchers whose stream ended before the run did: when (the soak's second) and why. */
  readingWatchersEnded: string[];
  fdStart: number;
  fdEnd: number;
  /** Least-squares slopes over the run's samples. */
  fdSlopePerMin: number;
  rssStartMiB: number;
  rssEndMiB: number;
  rssSlopeMiBPerMin: number;
  /** The first seconds left out of the slopes below (warmUpSeconds). */
  warmUpSeconds: number;
  rssSlopeAfterWarmUpMiBPerMin: number;
  /** How the settled samples (one every 10 s) were taken. */
  settledSamples: string;
  /** First and last settled sample after the warm-up. */
  settledRssMiB: [number, number];
  settledRssSlopeMiBPerMin: number;
  settledHeapUsedMiB: [number, number];
  settledHeapUsedSlopeMiBPerMin: number;
  /** Problems found by the checks; empty when everything held. */
  problems: string[];
}

const PROBE_PORT_BASE = 20000;

/** mulberry32: small, seedable, good enough to pick backends. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const addressOf = (i: number) => `127.77.${Math.floor(i / 250)}.${(i % 250) + 1}`;

function fleetYaml(n: number, port: number, weights: readonly number[]): string {
  const lines = [
    'maglev:',
    vppSection().trimEnd(),
    '  healthchecks:',
    '    tcp:',
    '      type: tcp',
    `      port: ${port}`,
    '      interval: 1s',
    '      fast-interval: 1s',
    '      down-interval: 1s',
    '      timeout: 900ms',
    '      rise: 2',
    '      fall: 2',
    '  backends:',
  ];
  for (let i = 0; i < n; i++) lines.push(`    b${i}: { address: ${addressOf(i)}, healthcheck: tcp }`);
  lines.push('  frontends:');
  for (let f = 0; f * 100 < n; f++) {
    lines.push(`    fe${f}:`, `      address: 192.0.2.${f + 1}`, '      port: 80', '      pools:');
    lines.push('        - name: primary', '          backends:');
    for (let i = f * 100; i < Math.min(n, (f + 1) * 100); i++)
      lines.push(`            b${i}: { weight: ${weights[i] ?? 100} }`);
  }
  return lines.join('\n') + '\n';
}

/** One backend's listener, opened and closed by the flapping schedule. */
class Backend {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly address: string,
    readonly port: number,
  ) {}

  get up(): boolean {
    return this.server !== undefined;
  }

  async open(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((s) => {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.address, () => resolve());
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function slopePerMinute(samples: readonly [number, number][]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((a, [x]) => a + x, 0) / n;
  const my = samples.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of samples) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

const openFds = () => readdirSync('/proc/self/fd').length;

/** Memory samples are taken once a second; every this many seconds one after a full gc. */
const SETTLED_SAMPLE_EVERY_SECONDS = 10;

/** The first part of a run, left out of the "after warm-up" slopes: the fleet, the first full
 * sync, the watchers and V8's heap all find their size then. */
export function warmUpSeconds(seconds: number): number {
  return Math.min(120, Math.floor(seconds / 3));
}

interface MemorySample {
  readonly atMs: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

/**
 * The process's memory over the run. The raw samples (one a second) carry garbage not yet
 * collected; the settled ones are taken right after a full gc when node runs with --expose-gc,
 * so their slope is what stays alive.
 */
class MemoryRecorder {
  readonly raw: MemorySample[] = [];
  readonly settled: MemorySample[] = [];
  private readonly gc = (globalThis as { gc?: () => void }).gc;

  constructor(readonly startMs: number) {
    this.sample(true);
  }

  get gcAvailable(): boolean {
    return this.gc !== undefined;
  }

  get last(): MemorySample {
    return this.raw.at(-1) ?? { atMs: 0, rssMiB: 0, heapUsedMiB: 0 };
  }

  sample(settled: boolean): void {
    this.raw.push(this.now());
    if (!settled) return;
    this.gc?.();
    this.settled.push(this.now());
  }

  private now(): MemorySample {
    const m = process.memoryUsage();
    return { atMs: Date.now() - this.startMs, rssMiB: m.rss / 2 ** 20, heapUsedMiB: m.heapUsed / 2 ** 20 };
  }
}

/** VPP's in-use VIPs and ASes against desiredState for the checker's states now. */
function compareWithDesired(rig: DaemonRig<LogSink>, sim: SimHandle): string[] {
  const config = rig.daemon.config();
  const desired = desiredState(config, (b) => rig.daemon.checker.stateOf(b) ?? 'unknown');
  const actual = simVips(sim.sim);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const vip of desired.vips.values()) {
    const key = `${vip.key.prefix} ${vip.key.protocol}:${vip.key.port}`;
    seen.add(key);
    const have = actual.get(key);
    if (!have) {
      problems.push(`VIP ${key} missing in VPP`);
      continue;
    }
    const want = [...vip.ases].map(([a, as]) => `${a}=${as.weight}`).sort();
    const got = [...have.ases]
      .filter(([, as]) => as.used)
      .map(([a, as]) => `${a}=${as.weight}`)
      .sort();
    const missing = want.filter((x) => !got.includes(x));
    const extra = got.filter((x) => !want.includes(x));
    if (missing.length + extra.length > 0)
      problems.push(
        `VIP ${key}: VPP lacks [${missing.slice(0, 5).join(' ')}], has extra [${extra.slice(0, 5).join(' ')}]`,
      );
  }
  for (const key of actual.keys()) if (!seen.has(key)) problems.push(`VIP ${key} in VPP but not desired`);
  return problems;
}

export async function runSoak(o: SoakOptions): Promise<SoakFigures> {
  const say = o.say ?? (() => undefined);
  const random = prng(o.seed);
  const unhandled: string[] = [];
  const trap = (err: unknown) =>
    void unhandled.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.on('unhandledRejection', trap);
  process.on('uncaughtException', trap);
  // Undone in reverse order however the run ends, so a failed run leaves no listener behind.
  const cleanups: (() => unknown)[] = [
    () => process.off('unhandledRejection', trap),
    () => process.off('uncaughtException', trap),
  ];
  try {
    const dir = await TempDir.create('maglev-soak-');
    cleanups.push(() => dir.dispose());
    const socketPath = join(dir.path, 'vpp.sock');
    const port = PROBE_PORT_BASE + Math.floor(random() * 20000);
    const fleet = Array.from({ length: o.backends }, (_, i) => new Backend(addressOf(i), port));
    cleanups.push(() => Promise.all(fleet.map((b) => b.close())));
    await Promise.all(fleet.filter(() => random() < 0.7).map((b) => b.open()));
    const weights = fleet.map(() => 100);
    let sim = await startSim({ socketPath, pid: 1000 });
    cleanups.push(() => sim.sim.close());
    const tape = new SoakTape(2, 2);
    const rig = await startDaemon({
      logs: tape,
      dir: dir.path,
      yaml: fleetYaml(o.backends, port, weights),
      vppSocket: socketPath,
      grpc: true,
      realProbes: true,
    });
    cleanups.push(() => rig.stop());
    const grpcTarget = `127.0.0.1:${rig.daemon.grpcPort ?? 0}`;
    const clients: MaglevClient[] = [];
    let stopping = false;
    cleanups.push(() => {
      stopping = true;
      clients.forEach((c) => c.close());
    });
    let watcherEvents = 0;
    let stalledWatcherEnded = 'still open';
    const readingWatchersEnded: string[] = [];
    let second = 0;
    for (let w = 0; w < o.watchers; w++) {
      const client = new MaglevClient(grpcTarget, credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
      });
      clients.push(client);
      const stream = client.watchEvents({ ...WATCH_EVERYTHING, log: false });
      const stalled = w === 0;
      stream.on('data', () => void (watcherEvents += 1));
      stream.on('error', (err: Error) => {
        if (stalled) stalledWatcherEnded = err.message;
        else if (!stopping) {
          readingWatchersEnded.push(`watcher ${w} at ${second}s: ${err.message}`);
          say(`watcher ${w} ended at ${second}s: ${err.message}`);
        }
      });
      if (stalled) stream.pause();
    }

    const fdSamples: [number, number][] = [];
    const memory = new MemoryRecorder(Date.now());
    const fdStart = openFds();
    let reloads = 0;
    let vppRestarts = 0;
    let connectsBeforeLastRestart = 0;
    for (second = 1; second <= o.seconds; second++) {
      // The flapping schedule: a seeded share of the fleet toggles each second.
      const toggles = fleet.filter(() => random() < o.flapShare);
      await Promise.all(toggles.map((b) => (b.up ? b.close() : b.open())));
      if (second % o.reloadEverySeconds === 0) {
        const i = Math.floor(random() * o.backends);
        weights[i] = Math.floor(random() * 101);
        const outcome = await rig.reload(fleetYaml(o.backends, port, weights));
        reloads++;
        if (!outcome.ok) unhandled.push(`reload failed: ${JSON.stringify(outcome)}`);
      }
      if (second % o.vppRestartEverySeconds === 0 && second < o.seconds) {
        await sim.sim.close();
        connectsBeforeLastRestart = tape.count('vpp-connect');
        sim = await startSim({ socketPath, pid: 1000 + ++vppRestarts });
        say(`vppsim restarted (${vppRestarts})`);
      }
      fdSamples.push([Date.now() - memory.startMs, openFds()]);
      memory.sample(second % SETTLED_SAMPLE_EVERY_SECONDS === 0);
      if (o.heapSnapshotsAtSeconds?.includes(second))
        say(
          `heap snapshot at ${second}s: ${writeHeapSnapshot(join(o.heapSnapshotDir ?? '.', `soak-${second}s.heapsnapshot`))}`,
        );
      if (second % 10 === 0)
        say(
          `${second}s: fds ${openFds()}, rss ${memory.last.rssMiB.toFixed(0)} MiB, heap used ${memory.last.heapUsedMiB.toFixed(0)} MiB, records ${tape.records}`,
        );
      // Paced on the wall clock: the soak is a load driver, not a test waiting for an event.
      const due = memory.startMs + second * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }

    // Settle: the fleet stops flapping. Once VPP is connected again and every backend has had
    // three more probes (the one in flight when the flapping stopped, then rise = fall = 2 with
    // the same outcome), the states are final and the syncer, left to itself, catches up.
    await tape.until(
      'the connect after the last vppsim restart',
      () => tape.count('vpp-connect') > connectsBeforeLastRestart,
      120_000,
    );
    const names = fleet.map((_, i) => `b${i}`);
    for (let round = 0; round < 3; round++) await tape.probeRound(names, 120_000);
    await rig.synced();
    const problems = [...compareWithDesired(rig, sim), ...tape.replay.problems()];
    // Every error-level record is a problem (a sync cut off by a vppsim restart is only a
    // warning: the reconnect's full sync redoes it).
    problems.push(...tape.errors.map((r) => `error logged: ${r.event} ${JSON.stringify(r.attrs)}`));
    problems.push(...unhandled.map((u) => `unhandled: ${u}`));

    const warmUpMs = warmUpSeconds(o.seconds) * 1000;
    const raw = memory.raw.filter((m) => m.atMs >= warmUpMs);
    const settled = memory.settled.filter((m) => m.atMs >= warmUpMs);
    const figures: SoakFigures = {
      seconds: o.seconds,
      backends: o.backends,
      probes: tape.count('probe-done'),
      transitions: tape.count('backend-transition'),
      records: tape.records,
      reloads,
      vppRestarts,
      watcherEvents,
      stalledWatcherEnded,
      readingWatchersEnded,
      fdStart,
      fdEnd: openFds(),
      fdSlopePerMin: slopePerMinute(fdSamples),
      rssStartMiB: memory.raw[0]?.rssMiB ?? 0,
      rssEndMiB: memory.last.rssMiB,
      rssSlopeMiBPerMin: slopePerMinute(memory.raw.map((m) => [m.atMs, m.rssMiB])),
      warmUpSeconds: warmUpMs / 1000,
      rssSlopeAfterWarmUpMiBPerMin: slopePerMinute(raw.map((m) => [m.atMs, m.rssMiB])),
      settledSamples: memory.gcAvailable ? 'after a full gc' : 'without gc (run node with --expose-gc)',
      settledRssMiB: [settled[0]?.rssMiB ?? 0, settled.at(-1)?.rssMiB ?? 0],
      settledRssSlopeMiBPerMin: slopePerMinute(settled.map((m) => [m.atMs, m.rssMiB])),
      settledHeapUsedMiB: [settled[0]?.heapUsedMiB ?? 0, settled.at(-1)?.heapUsedMiB ?? 0],
      settledHeapUsedSlopeMiBPerMin: slopePerMinute(settled.map((m) => [m.atMs, m.heapUsedMiB])),
      problems,
    };
    return figures;
  } finally {
    for (const undo of cleanups.reverse()) await undo();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 600);
  const backends = Number(process.argv[3] ?? 2000);
  // Optional: seconds at which to write heap snapshots (e.g. 200,500), into the working directory.
  const snapshots = (process.argv[4] ?? '').split(',').filter(Boolean).map(Number);
  if ((globalThis as { gc?: unknown }).gc === undefined)
    console.log('note: without --expose-gc the settled memory samples are taken without a gc');
  const figures = await runSoak({
    seconds,
    backends,
    seed: 1414,
    vppRestartEverySeconds: 120,
    reloadEverySeconds: 10,
    flapShare: 0.05,
    watchers: 20,
    say: (l) => console.log(l),
    heapSnapshotsAtSeconds: snapshots,
  });
  console.log(
    JSON.stringify(
      { ...figures, problems: figures.problems.slice(0, 20), problemCount: figures.problems.length },
      null,
      2,
    ),
  );
  process.exit(figures.problems.length === 0 ? 0 : 1);
}
