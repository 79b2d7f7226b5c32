// A live maglevd API for the CLI tests: the API tests' real grpc-js server on 127.0.0.1:0 with
// their FakeBackend, plus a scripted VPP side; and two ways to run maglevc against it —
// in-process through runMaglevc (fast, every command) and as a child process of the real entry
// point (exit codes, signals, the terminal).

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ApiEvent, VppApiBackend } from '../../src/api/index.js';
import { NotFoundError } from '../../src/errors.js';
import { repoRoot } from '../helpers/daemon-process.js';
import { T0 } from '../helpers/fake-backend.js';
import { startFixture, type Fixture } from '../helpers/api-server.js';
import { type CliRun } from '../helpers/maglevc.js';

export { maglevc, startInProcess, type CliRun, type InProcessRun } from '../helpers/maglevc.js';

export { T0 };

/** Generous: tests must pass on a loaded 2-core machine. */
export const WAIT_MS = 60_000;

export interface CliFixture extends Fixture {
  /** host:port of the server. */
  target: string;
  /** What the scripted VPP was asked to sync (undefined: every VIP). */
  synced: (string | undefined)[];
  /** Resolves when the next WatchEvents subscriber has subscribed to backend/frontend events. */
  nextSubscriber(): Promise<(e: ApiEvent) => void>;
  /** Resolves when the next WatchEvents subscriber has subscribed to log records. */
  nextLogSubscriber(): Promise<void>;
}

export function scriptedVpp(synced: (string | undefined)[]): VppApiBackend {
  return {
    info: () => ({
      version: '24.10.0-release',
      buildDate: '2024-10-30T09:00:00',
      buildDirectory: '/w/vpp',
      pid: 4242,
      bootTime: T0 - 3_600_000,
      connectTime: T0,
      lbApiVersion: '1.2.0',
      apiSocket: '/run/vpp/api.sock',
      statsSocket: '/run/vpp/stats.sock',
    }),
    lbState: () =>
      Promise.resolve({
        conf: {
          ipv4SrcAddress: '192.0.2.254',
          ipv6SrcAddress: '2001:db8::fe',
          stickyBucketsPerCore: 1024,
          flowTimeoutS: 40,
        },
        vips: [
          {
            prefix: '198.51.100.1/32',
            protocol: 'tcp',
            port: 80,
            encap: 'gre4',
            flowTableLength: 1024,
            srcIpSticky: false,
            frontend: 'web-v4',
            index: 0,
            ases: [
              {
                address: '192.0.2.10',
                weight: 100,
                flags: 1,
                inUse: true,
                buckets: 1024,
                inUseSince: 12,
                backend: 'nginx0-ams',
                predictedBuckets: 1024,
              },
              {
                address: '192.0.2.11',
                weight: 0,
                flags: 0,
                inUse: false,
                buckets: 0,
                inUseSince: 30,
                backend: 'nginx0-fra',
                predictedBuckets: 0,
              },
            ],
          },
        ],
        readAt: T0 + 60_000,
      }),
    sync: (frontend) => {
      synced.push(frontend);
      if (frontend !== undefined && frontend !== 'web-v4' && frontend !== 'web-v6') {
        return Promise.reject(new NotFoundError('frontend', frontend));
      }
      return Promise.resolve({
        vipsAdded: 0,
        vipsRemoved: 0,
        asesAdded: 1,
        asesRemoved: 0,
        weightsUpdated: 2,
      });
    },
    counters: () => ({
      vips: [
        {
          frontend: 'web-v4',
          prefix: '198.51.100.1/32',
          protocol: 'tcp',
          port: 80,
          nextPackets: 987_654_321_000n,
          firstPackets: 1234n,
          untrackedPackets: 0n,
          noServerPackets: 7n,
          index: 1,
          routePackets: 987_654_322_241n,
          routeBytes: 123_456_789_012_345n,
          packetsPerSecond: 1520.4,
          routePacketsPerSecond: 1520.4,
          routeBytesPerSecond: 1_250_000,
        },
      ],
      updatedAt: T0 + 55_000,
      source: 'stats-segment',
      rateIntervalSeconds: 5,
    }),
  };
}

export async function startCliFixture(): Promise<CliFixture> {
  const fx = await startFixture();
  const synced: (string | undefined)[] = [];
  fx.fake.vppBackend = scriptedVpp(synced);
  const waiting: ((l: (e: ApiEvent) => void) => void)[] = [];
  const subscribe = fx.fake.subscribe.bind(fx.fake);
  fx.fake.subscribe = (listener) => {
    const unsubscribe = subscribe(listener);
    waiting.shift()?.(listener);
    return unsubscribe;
  };
  const waitingLogs: (() => void)[] = [];
  const subscribeLogs = fx.fake.subscribeLogs;
  fx.fake.subscribeLogs = (level, listener) => {
    const unsubscribe = subscribeLogs(level, listener);
    waitingLogs.shift()?.();
    return unsubscribe;
  };
  return {
    ...fx,
    target: fx.server.target,
    synced,
    nextSubscriber: () => new Promise((resolve) => waiting.push(resolve)),
    nextLogSubscriber: () => new Promise((resolve) => waitingLogs.push(resolve)),
  };
}

export const MAGLEVC_BIN = 'src/bin/maglevc.ts';

/** The real entry point as a child process; resolves with its exit code and output. */
export async function maglevcProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAGLEVC_BIN, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '', MAGLEV_SERVER: '', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    onStdout?.(stdout, child);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code: code ?? -1, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}
