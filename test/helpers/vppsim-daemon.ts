// An in-process maglevd (the real Daemon: checker, syncer, poller, gRPC) against vppsim over the
// real socket, with scripted probes so a test decides which backend is healthy. Waits are on log
// records (the daemon's LogBroadcaster at debug), never on time.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Daemon } from '../../src/daemon/daemon.js';
import { LogBroadcaster, type LogRecord } from '../../src/log/index.js';
import { broadcastOnlyLogger } from './logger.js';
import { ScriptedProbe } from './scripted-probe.js';

/** Generous: the suite must pass on a loaded 2-core machine. */
export const WAIT_MS = 30_000;

/** Every record the daemon logged, at every level, with waits on future (or past) ones. */
export class LogTape {
  readonly records: LogRecord[] = [];
  private waiters: { from: number; pred: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];

  readonly listener = (r: LogRecord): void => {
    this.records.push(r);
    const index = this.records.length - 1;
    const ready = this.waiters.filter((w) => index >= w.from && w.pred(r));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(r);
  };

  /** A position to wait from (records before it do not count). */
  mark(): number {
    return this.records.length;
  }

  /** The first record at or after `from` with this event name that matches. */
  waitFor(
    event: string,
    match: (attrs: Record<string, unknown>) => boolean = () => true,
    from = 0,
    timeoutMs = WAIT_MS,
  ): Promise<LogRecord> {
    const pred = (r: LogRecord) => r.event === event && match(r.attrs);
    const seen = this.records.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const tail = this.records.slice(-20).map((r) => `${r.event} ${JSON.stringify(r.attrs)}`);
        reject(new Error(`timed out waiting for ${event}; last records:\n${tail.join('\n')}`));
      }, timeoutMs);
      const waiter = {
        from,
        pred,
        resolve: (r: LogRecord) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.waiters.push(waiter);
    });
  }

  named(event: string, from = 0): LogRecord[] {
    return this.records.slice(from).filter((r) => r.event === event);
  }
}

/** Where the rig's log records go: a LogTape by default; the soak brings one that keeps little. */
export interface LogSink {
  readonly listener: (r: LogRecord) => void;
}

export interface DaemonRig<Tape extends LogSink = LogTape> {
  readonly daemon: Daemon;
  readonly probes: ScriptedProbe;
  readonly logs: Tape;
  readonly configPath: string;
  /** Rewrites the config file and reloads; resolves with the outcome. */
  reload(yaml: string): ReturnType<Daemon['reload']>;
  /** Waits until the syncer has nothing queued or running (after letting events arrive). */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

interface DaemonRigOptions {
  dir: string;
  yaml: string;
  vppSocket: string;
  grpc?: boolean;
  probes?: ScriptedProbe;
  /** Probe for real (maglevd's own prober) instead of through `probes`. */
  realProbes?: boolean;
  /** Name of the config file, so two daemons can share a directory. */
  file?: string;
}

export function startDaemon(opts: DaemonRigOptions): Promise<DaemonRig>;
export function startDaemon<Tape extends LogSink>(
  opts: DaemonRigOptions & { logs: Tape },
): Promise<DaemonRig<Tape>>;
export async function startDaemon(opts: DaemonRigOptions & { logs?: LogSink }): Promise<DaemonRig<LogSink>> {
  const configPath = join(opts.dir, opts.file ?? 'maglev.yaml');
  await writeFile(configPath, opts.yaml);
  const logs = opts.logs ?? new LogTape();
  const broadcaster = new LogBroadcaster();
  broadcaster.subscribe('debug', logs.listener);
  const logger = broadcastOnlyLogger(broadcaster);
  const probes = opts.probes ?? new ScriptedProbe();
  const daemon = await Daemon.start(
    {
      config: configPath,
      grpcAddr: opts.grpc ? '127.0.0.1:0' : '',
      metricsAddr: '',
      vppApiAddr: opts.vppSocket,
      vppStatsAddr: join(opts.dir, 'stats.sock'),
      logLevel: 'error',
      reflection: false,
    },
    { logger, probe: opts.realProbes === true ? undefined : probes.fn },
  );
  let stopped = false;
  return {
    daemon,
    probes,
    logs,
    configPath,
    async reload(yaml) {
      await writeFile(configPath, yaml);
      return daemon.reload();
    },
    async synced() {
      // Checker events reach the syncer a few microtasks after they are logged.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await daemon.vpp?.syncer.whenIdle();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await daemon.stop();
    },
  };
}

export interface TestBackend {
  name: string;
  address: string;
}

/** The `vpp.lb` section with test-friendly timings (periodic sync out of the way by default). */
export function vppSection(
  opts: { minDelay?: string; maxDelay?: string; syncInterval?: string; extra?: string } = {},
): string {
  return `  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
      ipv6-src-address: 2001:db8::fe
      sync-interval: ${opts.syncInterval ?? '1h'}
      startup-min-delay: ${opts.minDelay ?? '0s'}
      startup-max-delay: ${opts.maxDelay ?? '0s'}
${opts.extra ?? ''}`;
}

/** A tcp health check that resolves fast: rise = fall = 1, 50 ms pace. */
export const FAST_CHECK = `  healthchecks:
    tcp:
      type: tcp
      port: 80
      interval: 50ms
      timeout: 40ms
      rise: 1
      fall: 1
`;

/**
 * Makes the probes of these backends pass or fail and waits until every daemon has the
 * transitions and its syncer is idle again (VPP then holds the result).
 */
export async function turn(
  rigs: DaemonRig | readonly DaemonRig[],
  to: 'up' | 'down',
  backends: Readonly<Record<string, string>>,
): Promise<void> {
  const list: readonly DaemonRig[] = 'daemon' in rigs ? [rigs] : rigs;
  const marks = list.map((r) => r.logs.mark());
  for (const r of list) {
    for (const address of Object.values(backends)) {
      if (to === 'down') r.probes.fail(address);
      else r.probes.pass(address);
    }
  }
  for (const [i, r] of list.entries()) {
    for (const name of Object.keys(backends))
      await r.logs.waitFor(
        'backend-transition',
        (a) => a['backend'] === name && a['to'] === to,
        marks[i] ?? 0,
      );
    await r.synced();
  }
}

/** Waits for the VPP connection and for each backend to have come up, then for the syncer to be idle. */
export async function allUp(rig: DaemonRig, names: readonly string[]): Promise<void> {
  await rig.logs.waitFor('vpp-connect');
  for (const name of names)
    await rig.logs.waitFor('backend-transition', (a) => a['backend'] === name && a['to'] === 'up');
  await rig.synced();
}
