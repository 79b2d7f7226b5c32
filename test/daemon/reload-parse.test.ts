// A reload parses the file on the daemon's main thread (loadConfigFile), where start-up parses
// it on a fresh worker (loadConfigFileIsolated): both must deliver the same result, findings
// included.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import { loadConfigFile, loadConfigFileIsolated } from '../../src/config/index.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { JsonLogger } from '../../src/log/index.js';

const GOOD = `maglev:
  backends:
    web1: { address: 192.0.2.10 }
    web2: { address: 192.0.2.11 }
  frontends:
    site:
      address: 192.0.2.1
      port: 80
      pools:
        - name: primary
          backends:
            web1: {}
            web2: { weight: 50 }
`;

/** A warning (announce without maglev.announce) and a semantic error (an unknown backend). */
const BAD = `maglev:
  backends:
    web1: { address: 192.0.2.10 }
  frontends:
    site:
      address: 192.0.2.1
      port: 80
      announce: true
      pools:
        - name: primary
          backends:
            web1: {}
            nosuch: {}
`;

void describe('the reload parse', () => {
  let dir: string;
  let configPath: string;
  let daemon: Daemon;
  const clock = new FakeClock(1_700_000_000_000);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'maglev-reload-parse-'));
    configPath = join(dir, 'maglev.yaml');
    await writeFile(configPath, GOOD);
    daemon = await Daemon.start(
      {
        config: configPath,
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
      },
    );
  });

  after(async () => {
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  });

  void test('the main thread and a worker read a file alike: the config, every error and warning', async (t) => {
    t.after(() => writeFile(configPath, GOOD));
    for (const text of [GOOD, BAD]) {
      await writeFile(configPath, text);
      const here = await loadConfigFile(configPath);
      const there = await loadConfigFileIsolated(configPath);
      assert.deepEqual(here, there);
    }
    const bad = await loadConfigFile(configPath);
    assert.equal(bad.ok, false);
    assert.ok(bad.warnings.length > 0, 'BAD has a warning to compare');
  });

  void test('a reload applies the file as parsed on the main thread', async () => {
    await writeFile(configPath, GOOD.replace('web2: { weight: 50 }', 'web2: { weight: 70 }'));
    const outcome = await daemon.reload();
    assert.deepEqual(outcome, { ok: true, errors: [], warnings: [] });
    const expected = await loadConfigFile(configPath);
    assert.ok(expected.ok);
    assert.deepEqual(daemon.config(), expected.config);
    assert.equal(daemon.config().frontends.get('site')?.pools[0]?.backends.get('web2')?.weight, 70);
  });
});
