// maglev_config_last_reload_successful and its timestamp follow the daemon's real reload path:
// set at start, 0 after a rejected file (parse or semantic error) with the old timestamp kept,
// 1 again with a new timestamp once a good file is reloaded.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import { Daemon } from '../../src/daemon/daemon.js';
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

const SUCCESSFUL = 'maglev_config_last_reload_successful';
const TIMESTAMP = 'maglev_config_last_reload_success_timestamp_seconds';

void describe('maglev_config_last_reload_*', () => {
  let dir: string;
  let configPath: string;
  let daemon: Daemon;
  const clock = new FakeClock(1_700_000_000_000);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'maglev-reload-metric-'));
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

  /** The two gauges have no labels: one `name value` line each, or none. */
  const scrape = async () => {
    const text = await daemon.metrics.scrape();
    return {
      value: (name: string): number | undefined => {
        const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
        return m ? Number(m[1]) : undefined;
      },
    };
  };

  void test('the start counts as an accepted load', async () => {
    const s = await scrape();
    assert.equal(s.value(SUCCESSFUL), 1);
    assert.equal(s.value(TIMESTAMP), 1_700_000_000);
  });

  void test('a rejected reload reports 0 and keeps the time of the running configuration', async () => {
    await clock.advance(60_000);
    await writeFile(configPath, 'maglev:\n  backends: [unclosed\n');
    const parse = await daemon.reload();
    assert.equal(parse.kind, 'parse');
    let s = await scrape();
    assert.equal(s.value(SUCCESSFUL), 0);
    assert.equal(s.value(TIMESTAMP), 1_700_000_000);

    await writeFile(configPath, GOOD.replace('192.0.2.10', 'not-an-address'));
    const semantic = await daemon.reload();
    assert.equal(semantic.kind, 'semantic');
    s = await scrape();
    assert.equal(s.value(SUCCESSFUL), 0);
  });

  void test('an accepted reload reports 1 and its own time', async () => {
    await clock.advance(30_000);
    await writeFile(configPath, GOOD);
    assert.equal((await daemon.reload()).ok, true);
    const s = await scrape();
    assert.equal(s.value(SUCCESSFUL), 1);
    assert.equal(s.value(TIMESTAMP), 1_700_000_090);
  });
});
