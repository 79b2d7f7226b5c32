// The probe engine's own rules, beyond what a probe reports (probe-paths.test.ts has those): a
// run keeps its pace while the event loop is busy, a stopped run hands over nothing, and a
// reused slot never sees its previous owner's results; more probes due at once than it starts in
// one turn all run.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  EngineFlag,
  EngineKind,
  EngineOutcome,
  ProbeEngine,
  type EngineTarget,
} from '../../src/probe/index.js';
import { startTcpServer, type TcpTestServer } from '../helpers/index.js';

/** Keeps the event loop busy (a stalled maglevd), not a wait for anything. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

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
    const run = engine.start(tcpTarget(port), 0, (record) => {
      assert.equal(record.outcome, EngineOutcome.connected);
      seen++;
      firstDone?.();
      return 20;
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
        batched.start(tcpTarget(port), 0, (record) => {
          resolve({
            ageMs: record.ageMs,
            durationMs: record.durationMs,
            elapsedMs: performance.now() - startedAt,
          });
          return undefined;
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
      const run = engine.start(tcpTarget(port), 0, () => {
        results.push('old');
        if (results.length === 3) {
          run.stop();
          stoppedAt = results.length;
          resolve();
        }
        return 1;
      });
    });
    await stopped;
    // The next run takes the freed slot; the old run's probes must not reach it.
    const fresh = await new Promise<number>((resolve) => {
      const run = engine.start(tcpTarget(port), 0, () => {
        results.push('new');
        run.stop();
        resolve(results.length);
        return undefined;
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
        engine.start({ ...tcpTarget(port), timeoutMs: 10_000, flags: EngineFlag.halfOpen }, 0, (record) => {
          outcomes.set(record.outcome, (outcomes.get(record.outcome) ?? 0) + 1);
          if (++seen === count) resolve();
          return undefined;
        });
      }
    });
    assert.deepEqual([...outcomes], [[EngineOutcome.connected, count]]);
  });
});
