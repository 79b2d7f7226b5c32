// The counters poller against vppsim: every 5 s (FakeClock) one `show lb vips verbose`, the four
// per-VIP counters named by frontend, fed to the metrics, dropped on disconnect; a failing CLI is
// logged loudly once per outage.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import { CountersPoller, Syncer, type CountersSnapshot } from '../../src/dataplane/index.js';
import { VppConnection } from '../../src/vpp/index.js';
import { pushFlows, startSim } from '../helpers/vppsim-harness.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { RecordingLogger } from '../helpers/logger.js';
import { FakeSource, FlakyConnection, twoFrontends } from './fixtures.js';

function byFrontend(s: CountersSnapshot | undefined): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const v of s?.vips ?? [])
    out[v.frontend ?? '?'] = [v.next, v.first, v.untracked, v.noServer].map(Number);
  return out;
}

void describe('counters poller', () => {
  void test('polls every 5 s while connected, names VIPs by frontend, clears on disconnect', async () => {
    await withTempDir(async (dir) => {
      const socketPath = join(dir, 'api.sock');
      const { sim, recorder } = await startSim({ socketPath });
      const clock = new FakeClock();
      const logger = new RecordingLogger();
      const conn = new VppConnection({ socketPath, logger, apiDir: null, reconnectDelayMs: 20 });
      const flaky = new FlakyConnection(conn);
      const source = new FakeSource(twoFrontends(), 'up');
      const syncer = new Syncer({ source, connection: flaky, clock, logger });
      const fed: unknown[][] = [];
      const poller = new CountersPoller({
        connection: flaky,
        config: () => source.config(),
        clock,
        logger,
        metrics: { vipCounters: (s) => fed.push([...s]) },
      });
      try {
        const connected = conn.onConnect.next();
        conn.start();
        await connected;
        syncer.start();
        await syncer.whenIdle();
        poller.start(); // connected already: polls at once
        await poller.pollNow();
        assert.deepEqual(byFrontend(poller.snapshot()), { web: [0, 0, 0, 0], dns: [0, 0, 0, 0] });

        pushFlows(sim, { address: '192.0.2.1', protocol: 6, port: 80 }, 10);
        pushFlows(sim, { address: '192.0.2.1', protocol: 6, port: 80 }, 4); // the same flows again
        const polls = recorder.named('cli_inband').length;
        await clock.advance(4_999);
        assert.equal(recorder.named('cli_inband').length, polls);
        const next = recorder.next((r) => r.msg === 'cli_inband');
        await clock.advance(1);
        await next;
        await poller.pollNow();
        assert.deepEqual(byFrontend(poller.snapshot())['web'], [4, 10, 0, 0]);
        const last = fed.at(-1) as { frontend: string; vip: string; first: number }[];
        assert.deepEqual(
          last.map((v) => [v.frontend, v.vip, v.first]),
          [
            ['web', '192.0.2.1/32 tcp:80', 10],
            ['dns', '192.0.2.2/32 udp:53', 0],
          ],
        );

        flaky.failing.set('cli_inband', -1);
        await poller.pollNow();
        await poller.pollNow();
        assert.deepEqual(
          logger.named('vpp-lb-stats-error').map((e) => e.level),
          ['warn', 'debug'],
        );
        flaky.failing.clear();
        await poller.pollNow();
        assert.equal(logger.named('vpp-lb-stats-recovered').length, 1);

        const gone = conn.onDisconnect.next();
        sim.server.dropClients();
        await gone;
        assert.equal(poller.snapshot(), undefined);
        const back = conn.onConnect.next();
        await back;
        await poller.pollNow();
        assert.ok(poller.snapshot());
      } finally {
        await poller.stop();
        await syncer.stop();
        await conn.stop();
        await sim.close();
      }
    });
  });
});
