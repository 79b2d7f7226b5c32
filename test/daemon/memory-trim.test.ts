// maglevd trims malloc's arenas every MEMORY_TRIM_EVERY_MS (src/daemon/memory-trim.ts), from
// start to stop: the schedule on its own, and as the daemon wires it.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { MEMORY_TRIM_EVERY_MS, startMemoryTrim } from '../../src/daemon/memory-trim.js';
import { JsonLogger } from '../../src/log/index.js';

describe('startMemoryTrim', () => {
  test('releases once per period, not before, until stopped', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const trim = startMemoryTrim(clock, () => calls++, 1_000);
    await clock.advance(999);
    assert.equal(calls, 0);
    await clock.advance(1);
    assert.equal(calls, 1);
    await clock.advance(1_000);
    await clock.advance(1_000);
    assert.equal(calls, 3);
    trim.stop();
    await clock.advance(5_000);
    assert.equal(calls, 3);
    trim.stop(); // twice is harmless
  });

  test('runs every 10 s by default', async () => {
    assert.equal(MEMORY_TRIM_EVERY_MS, 10_000);
    const clock = new FakeClock(0);
    let calls = 0;
    const trim = startMemoryTrim(clock, () => calls++);
    await clock.advance(MEMORY_TRIM_EVERY_MS - 1);
    assert.equal(calls, 0);
    await clock.advance(1);
    assert.equal(calls, 1);
    trim.stop();
  });
});

describe('the daemon trims memory', () => {
  test('from start to stop, every MEMORY_TRIM_EVERY_MS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maglev-memory-trim-'));
    const config = join(dir, 'maglev.yaml');
    await writeFile(config, 'maglev:\n  healthchecks: {}\n');
    const clock = new FakeClock(1_700_000_000_000);
    let calls = 0;
    const daemon = await Daemon.start(
      {
        config,
        grpcAddr: '',
        metricsAddr: '',
        vppApiAddr: '',
        vppStatsAddr: '',
        logLevel: 'error',
        reflection: false,
      },
      {
        logger: new JsonLogger({
          level: 'error',
          destination: new Writable({ write: (_c, _e, cb) => cb() }),
        }),
        clock,
        releaseFreeMemory: () => calls++,
        parserWarmup: () => Promise.resolve({ ok: true, rounds: 0 }),
      },
    );
    try {
      await clock.advance(MEMORY_TRIM_EVERY_MS);
      await clock.advance(MEMORY_TRIM_EVERY_MS);
      assert.equal(calls, 2);
    } finally {
      await daemon.stop();
      await rm(dir, { recursive: true, force: true });
    }
    await clock.advance(3 * MEMORY_TRIM_EVERY_MS);
    assert.equal(calls, 2, 'no trim after stop');
  });
});
