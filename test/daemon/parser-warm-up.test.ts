// The daemon warms its reload parser on a small synthetic config PARSER_WARMUP.delayMs after
// start: the running config is never touched, the outcome is logged at debug level only, a
// failing warm-up changes nothing, and a stop before it is due cancels it.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import type { ParserWarmupResult } from '../../src/config/index.js';
import { Daemon, PARSER_WARMUP, type DaemonDeps } from '../../src/daemon/daemon.js';
import { JsonLogger } from '../../src/log/index.js';

const GOOD = `maglev:
  backends:
    web1: { address: 192.0.2.10 }
  frontends:
    site:
      address: 192.0.2.1
      port: 80
      pools:
        - name: primary
          backends:
            web1: {}
`;

type Line = { msg: string; level: string; [attr: string]: unknown };

/** A debug-level logger whose lines are kept, with a wait for the first line of a kind. */
function capturingLogger(): { logger: JsonLogger; lines: Line[]; next: (msg: string) => Promise<Line> } {
  const lines: Line[] = [];
  const waiters: { msg: string; resolve: (l: Line) => void }[] = [];
  let partial = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts.filter((p) => p !== '')) {
        const line = JSON.parse(text) as Line;
        lines.push(line);
        for (const w of waiters.filter((w) => w.msg === line.msg)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
      callback();
    },
  });
  return {
    logger: new JsonLogger({ level: 'debug', destination }),
    lines,
    next: (msg) => {
      const found = lines.find((l) => l.msg === msg);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ msg, resolve }));
    },
  };
}

void describe('the parser warm-up', () => {
  let dir: string;
  let configPath: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'maglev-parser-warm-up-'));
    configPath = join(dir, 'maglev.yaml');
    await writeFile(configPath, GOOD);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const start = (clock: FakeClock, logger: JsonLogger, parserWarmup?: DaemonDeps['parserWarmup']) =>
    Daemon.start(
      {
        config: configPath,
        grpcAddr: '',
        metricsAddr: '',
        vppApiAddr: '',
        vppStatsAddr: '',
        logLevel: 'debug',
        reflection: false,
      },
      { logger, clock, ...(parserWarmup ? { parserWarmup } : {}) },
    );

  void test('runs once its delay is up, logs at debug only, and leaves the running config alone', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const log = capturingLogger();
    const daemon = await start(clock, log.logger);
    try {
      const config = daemon.config();
      await clock.advance(PARSER_WARMUP.delayMs - 1);
      assert.equal(log.lines.filter((l) => l.msg === 'config-parser-warmed').length, 0, 'not yet due');
      await clock.advance(1);
      const warmed = await log.next('config-parser-warmed');
      assert.equal(warmed.level, 'debug');
      assert.equal(warmed['ok'], true);
      assert.equal(warmed['rounds'], PARSER_WARMUP.rounds);
      assert.equal(daemon.config(), config, 'the same config object');
      assert.deepEqual([...daemon.config().backends.keys()], ['web1']);
      assert.equal(log.lines.filter((l) => l.msg === 'config-reload').length, 0);
      assert.deepEqual(
        log.lines.filter((l) => l.level !== 'debug' && l.msg.startsWith('config-parser')),
        [],
      );
    } finally {
      await daemon.stop();
    }
  });

  void test('a failing warm-up is logged at debug and changes nothing; reloads still work', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const log = capturingLogger();
    const daemon = await start(clock, log.logger, () => Promise.reject(new Error('warm-up broke')));
    try {
      const config = daemon.config();
      await clock.advance(PARSER_WARMUP.delayMs);
      const failed = await log.next('config-parser-warm-up-failed');
      assert.equal(failed.level, 'debug');
      assert.equal(failed['error'], 'warm-up broke');
      assert.equal(daemon.config(), config);
      await writeFile(configPath, GOOD.replace('web1: {}', 'web1: { weight: 40 }'));
      const outcome = await daemon.reload();
      assert.deepEqual(outcome, { ok: true, errors: [], warnings: [] });
      assert.equal(daemon.config().frontends.get('site')?.pools[0]?.backends.get('web1')?.weight, 40);
    } finally {
      await writeFile(configPath, GOOD);
      await daemon.stop();
    }
  });

  void test('a stop before it is due cancels it', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const log = capturingLogger();
    let runs = 0;
    const daemon = await start(clock, log.logger, (): Promise<ParserWarmupResult> => {
      runs++;
      return Promise.resolve({ rounds: 0, ok: true });
    });
    await daemon.stop();
    await clock.advance(PARSER_WARMUP.delayMs * 2);
    assert.equal(runs, 0);
  });
});
