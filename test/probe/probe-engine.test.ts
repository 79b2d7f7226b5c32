// The probe engine's own rules, beyond what a probe reports (probe-paths.test.ts has those): a
// run keeps its pace while the event loop is busy, a stopped run hands over nothing, and a
// reused slot never sees its previous owner's results; more probes due at once than it starts in
// one turn all run; a half-open probe that passed hands its socket on to the next one, carrying
// nothing of it.

import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import {
  EngineFlag,
  EngineKind,
  EngineOutcome,
  ProbeEngine,
  type EngineTarget,
} from '../../src/probe/index.js';
import { closedPort, startTcpServer, type TcpTestServer } from '../helpers/index.js';

/** Keeps the event loop busy (a stalled maglevd), not a wait for anything. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** The sockets this process has open, by inode (/proc/self/fd). */
function openSockets(): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      if (link.startsWith('socket:')) out.add(link);
    } catch {
      // closed while we listed them
    }
  }
  return out;
}

const ECONNREFUSED = 111;

const tcpTarget = (port: number): EngineTarget => ({
  kind: EngineKind.tcp,
  family: 4,
  address: '127.0.0.1',
  port,
  source: undefined,
  netns: undefined,
  request: undefined,
  timeoutMs: 1000,
  flags: 0,
});

void describe('ProbeEngine', () => {
  const engine = new ProbeEngine({ batchMs: 1 });
  const servers: TcpTestServer[] = [];
  after(async () => {
    engine.close();
    for (const s of servers) await s.close();
  });
  const server = async () => {
    const s = await startTcpServer();
    servers.push(s);
    return s;
  };

  void test('probing keeps its pace while the event loop is stalled', async () => {
    const { port } = await server();
    let seen = 0;
    let firstDone: (() => void) | undefined;
    const first = new Promise<void>((resolve) => (firstDone = resolve));
    const run = engine.start(tcpTarget(port), 0, {
      onRecord: (record) => {
        assert.equal(record.outcome, EngineOutcome.connected);
        seen++;
        firstDone?.();
        return 20;
      },
    });
    await first;
    const before = seen;
    // The engine planned the next probe itself, 20 ms after each: while JavaScript is busy for
    // 400 ms, about 20 run. At least a few must have.
    busyFor(400);
    // Two check phases: the poll phase between them hands over what the engine queued.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    run.stop();
    assert.ok(seen - before >= 4, `${seen - before} probes while the loop was busy`);
  });

  void test('a record says how long ago its probe ended (results wait in batches)', async () => {
    // An engine of its own that holds results 50 ms: the record's age covers the wait, and the
    // probe's duration plus its age fit in the time since it was started.
    const batched = new ProbeEngine({ batchMs: 50 });
    try {
      const { port } = await server();
      const startedAt = performance.now();
      const seen = await new Promise<{ ageMs: number; durationMs: number; elapsedMs: number }>((resolve) => {
        batched.start(tcpTarget(port), 0, {
          onRecord: (record) => {
            resolve({
              ageMs: record.ageMs,
              durationMs: record.durationMs,
              elapsedMs: performance.now() - startedAt,
            });
            return undefined;
          },
        });
      });
      assert.ok(seen.ageMs > 0, `age ${seen.ageMs} ms`);
      // Both clocks are CLOCK_MONOTONIC; 1 ms for the engine's own rounding to µs.
      assert.ok(seen.ageMs + seen.durationMs <= seen.elapsedMs + 1, JSON.stringify(seen));
    } finally {
      batched.close();
    }
  });

  void test('a stopped run hands over nothing more, and its slot serves the next run', async () => {
    const { port } = await server();
    const results: string[] = [];
    let stoppedAt = -1;
    const stopped = new Promise<void>((resolve) => {
      const run = engine.start(tcpTarget(port), 0, {
        onRecord: () => {
          results.push('old');
          if (results.length === 3) {
            run.stop();
            stoppedAt = results.length;
            resolve();
          }
          return 1;
        },
      });
    });
    await stopped;
    // The next run takes the freed slot; the old run's probes must not reach it.
    const fresh = await new Promise<number>((resolve) => {
      const run = engine.start(tcpTarget(port), 0, {
        onRecord: () => {
          results.push('new');
          run.stop();
          resolve(results.length);
          return undefined;
        },
      });
    });
    assert.equal(stoppedAt, 3);
    assert.deepEqual(results.slice(0, fresh), ['old', 'old', 'old', 'new']);
  });

  void test('more probes due at once than one turn starts (200): every one runs, none is lost', async () => {
    const { port } = await server();
    const count = 700;
    const outcomes = new Map<number, number>();
    let seen = 0;
    await new Promise<void>((resolve) => {
      for (let k = 0; k < count; k++) {
        // Half-open: the listener's accept queue stays empty however many arrive together.
        engine.start({ ...tcpTarget(port), timeoutMs: 10_000, flags: EngineFlag.halfOpen }, 0, {
          onRecord: (record) => {
            outcomes.set(record.outcome, (outcomes.get(record.outcome) ?? 0) + 1);
            if (++seen === count) resolve();
            return undefined;
          },
        });
      }
    });
    assert.deepEqual([...outcomes], [[EngineOutcome.connected, count]]);
  });

  void test('a half-open probe that passed hands its socket to the next, which sees nothing of it', async () => {
    const own = new ProbeEngine({ batchMs: 1 });
    try {
      const v4 = await server();
      const v6 = await startTcpServer({ host: '::1' });
      servers.push(v6);
      const refused = await closedPort();
      const halfOpen = (port: number, family: 4 | 6 = 4): EngineTarget => ({
        ...tcpTarget(port),
        family,
        address: family === 4 ? '127.0.0.1' : '::1',
        flags: EngineFlag.halfOpen,
      });
      /** One probe of target; its outcome and errno. */
      const once = (target: EngineTarget) =>
        new Promise<[number, number]>((resolve) => {
          own.start(target, 0, {
            onRecord: (record) => {
              resolve([record.outcome, record.value]);
              return undefined;
            },
          });
        });
      const before = openSockets();
      const engineSockets = () => [...openSockets()].filter((s) => !before.has(s));

      // Ten probes in a row, each 1 ms after the last: all through one socket, kept between them.
      const seenSockets = new Set<string>();
      let passed = 0;
      await new Promise<void>((resolve) => {
        const run = own.start(halfOpen(v4.port), 0, {
          onRecord: (record) => {
            assert.equal(record.outcome, EngineOutcome.connected);
            for (const s of engineSockets()) seenSockets.add(s);
            if (++passed < 10) return 1;
            run.stop();
            resolve();
            return undefined;
          },
        });
      });
      assert.equal(seenSockets.size, 1, [...seenSockets].join(' '));
      // Still half-open: the held-back ACK never let the listener accept one of them.
      assert.equal(v4.connections.count, 0);

      // The kept socket starts clean: a refusal is a refusal (no success or reset left over) ...
      assert.deepEqual(await once(halfOpen(refused)), [EngineOutcome.connectError, ECONNREFUSED]);
      // ... and the next probe passes again, as does one of the other family (a socket of its own).
      assert.deepEqual(await once(halfOpen(v4.port)), [EngineOutcome.connected, 0]);
      assert.deepEqual(await once(halfOpen(v6.port, 6)), [EngineOutcome.connected, 0]);
      assert.equal(v6.connections.count, 0);
      // Kept: one socket per family, nothing more.
      assert.equal(engineSockets().length, 2);
    } finally {
      own.close();
    }
  });

  void test('a reset-close http probe whose backend closed first keeps its socket for the next', async () => {
    const own = new ProbeEngine({ batchMs: 1 });
    try {
      // The backend answers a head cut short and closes, so each probe sees its end first.
      const cut = await startTcpServer({
        onConnection: (socket) => socket.once('data', () => socket.end('HTTP/1.1 200')),
      });
      servers.push(cut);
      const target = (flags: number): EngineTarget => ({
        ...tcpTarget(cut.port),
        kind: EngineKind.http,
        request: Buffer.from('GET / HTTP/1.1\r\nConnection: close\r\n\r\n', 'latin1'),
        flags,
      });
      /**
       * Five probes, one after the other, each a run of its own (a repeating run would plan its
       * next probe before the stop arrives, and that one's cancel closes the socket); outcomes.
       */
      const five = async (flags: number) => {
        const outcomes: number[] = [];
        for (let k = 0; k < 5; k++) {
          outcomes.push(
            await new Promise<number>((resolve) => {
              own.start(target(flags), 0, {
                onRecord: (record) => {
                  resolve(record.outcome);
                  return undefined;
                },
              });
            }),
          );
        }
        return outcomes;
      };
      const before = openSockets();
      const engineSockets = () => [...openSockets()].filter((s) => !before.has(s));

      assert.deepEqual(await five(EngineFlag.resetClose), Array(5).fill(EngineOutcome.truncatedHead));
      await cut.allClosed();
      // Each probe took the socket the one before it gave back: one is kept, nothing more.
      assert.equal(engineSockets().length, 1);
      assert.equal(cut.connections.count, 5);

      // Without the flag every probe closes its own socket (with a FIN), and the kept one waits.
      assert.deepEqual(await five(0), Array(5).fill(EngineOutcome.truncatedHead));
      await cut.allClosed();
      assert.equal(engineSockets().length, 1);
      assert.equal(cut.connections.count, 10);
    } finally {
      own.close();
    }
  });
});
