// The counters poller reading VPP's stats segment, against vppsim serving one over its stats
// socket: the lb counters and the VIP routes' /net/route/to move with packets and are read with no
// call into VPP per poll (the VIP directory is read once, and again when VIPs change), rates come
// over the poll interval, the CLI takes over with a warning when the segment cannot be had, and a
// restarted VPP is read from its new segment with nothing stale served in between.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import {
  CountersPoller,
  Syncer,
  VIP_DIRECTORY_MAX_AGE_MS,
  type CountersSnapshot,
} from '../../src/dataplane/index.js';
import { BufferSegmentBytes, StatsSegment, VppConnection } from '../../src/vpp/index.js';
import { pushFlows, startSim, type SimHandle } from '../helpers/vppsim-harness.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { RecordingLogger } from '../helpers/logger.js';
import { frontend } from '../helpers/config.js';
import { FakeSource, FlakyConnection, twoFrontends } from './fixtures.js';

const WEB = { address: '192.0.2.1', protocol: 6, port: 80 };

function vip(s: CountersSnapshot | undefined, name: string) {
  const v = s?.vips.find((x) => x.frontend === name);
  assert.ok(v, `no counters for ${name}`);
  return v;
}

interface Rig {
  readonly dir: string;
  readonly clock: FakeClock;
  readonly logger: RecordingLogger;
  readonly conn: VppConnection;
  readonly source: FakeSource;
  readonly syncer: Syncer;
  readonly poller: CountersPoller;
  readonly fed: { frontend: string; routePackets?: number; routeBytes?: number }[][];
  readonly boots: number[];
  sim: SimHandle;
}

/** vppsim with a stats socket, a synced maglevd side, and the poller (not started). */
async function withRig(
  opts: { statsSocket?: (dir: string) => string; statsConnect?: (path: string) => Promise<StatsSegment> },
  fn: (rig: Rig) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const clock = new FakeClock();
    const socketPath = join(dir, 'api.sock');
    const statsSocketPath = join(dir, 'stats.sock');
    const sim = await startSim({ socketPath, statsSocketPath, clock });
    const logger = new RecordingLogger();
    const conn = new VppConnection({ socketPath, logger, apiDir: null, reconnectDelayMs: 20 });
    const flaky = new FlakyConnection(conn);
    const source = new FakeSource(twoFrontends(), 'up');
    const syncer = new Syncer({ source, connection: flaky, clock, logger });
    const fed: Rig['fed'] = [];
    const boots: number[] = [];
    const poller = new CountersPoller({
      connection: flaky,
      config: () => source.config(),
      clock,
      logger,
      metrics: { vipCounters: (s) => fed.push([...s]), bootTime: (s) => boots.push(s) },
      statsSocket: opts.statsSocket ? opts.statsSocket(dir) : statsSocketPath,
      ...(opts.statsConnect && { statsConnect: opts.statsConnect }),
    });
    syncer.onVipsChanged.add(() => poller.vipsChanged());
    const rig: Rig = { dir, clock, logger, conn, source, syncer, poller, fed, boots, sim };
    try {
      const connected = conn.onConnect.next();
      conn.start();
      await connected;
      syncer.start();
      await syncer.whenIdle();
      await fn(rig);
    } finally {
      await poller.stop();
      await syncer.stop();
      await conn.stop();
      await rig.sim.sim.close();
    }
  });
}

void describe('counters poller: the stats segment', () => {
  void test('lb and route counters from the segment, no CLI per poll, rates over the interval', async () => {
    await withRig({}, async ({ clock, logger, poller, sim, fed, boots }) => {
      poller.start(); // connected already: polls at once
      await poller.pollNow();
      const first = poller.snapshot();
      assert.equal(first?.source, 'stats-segment');
      assert.equal(first?.intervalS, undefined);
      assert.equal(vip(first, 'web').routePackets, 0n);
      assert.equal(vip(first, 'web').rates, undefined, 'no rate without a previous poll');
      assert.equal(logger.named('vpp-stats-connected').length, 1);
      assert.equal(poller.bootTimeMs(), Math.floor(new FakeClock().now() / 1000) * 1000);
      assert.deepEqual(boots, [Math.floor(new FakeClock().now() / 1000)]);
      const cliReads = sim.recorder.named('cli_inband').length;
      const lookups = sim.recorder.named('ip_route_lookup').length;
      assert.equal(lookups, 2, 'one ip_route_lookup per VIP address');

      pushFlows(sim.sim, WEB, 10, '203.0.113.7', 100);
      pushFlows(sim.sim, WEB, 4, '203.0.113.7', 1000); // the same flows again: existing sessions
      const polled = logger.next('vpp-lb-stats'); // logged once the snapshot is in place
      await clock.advance(5_000); // the interval fires the next poll
      await polled;
      const s = poller.snapshot();
      const web = vip(s, 'web');
      assert.deepEqual(
        [web.first, web.next, web.untracked, web.noServer, web.routePackets, web.routeBytes],
        [10n, 4n, 0n, 0n, 14n, 5000n],
      );
      assert.equal(s?.intervalS, 5);
      assert.deepEqual(web.rates, {
        packetsPerSecond: 14 / 5,
        routePacketsPerSecond: 14 / 5,
        routeBytesPerSecond: 1000,
      });
      assert.deepEqual(vip(s, 'dns').rates, {
        packetsPerSecond: 0,
        routePacketsPerSecond: 0,
        routeBytesPerSecond: 0,
      });
      assert.equal(sim.recorder.named('cli_inband').length, cliReads, 'no CLI command per poll');
      const last = fed.at(-1)?.find((v) => v.frontend === 'web');
      assert.deepEqual([last?.routePackets, last?.routeBytes], [14, 5000]);
    });
  });

  void test('VIPs the syncer adds are found at the next poll (the directory is re-read then)', async () => {
    await withRig({}, async ({ poller, source, syncer, sim, clock }) => {
      poller.start();
      await poller.pollNow();
      const cliReads = sim.recorder.named('cli_inband').length;
      const cfg = source.config();
      source.cfg = {
        ...cfg,
        frontends: new Map([
          ...cfg.frontends,
          ['api', frontend('api', { address: '192.0.2.1', port: 443, pools: [['p', { a: 100 }]] })],
        ]),
      };
      syncer.reloaded();
      await syncer.whenIdle();
      const syncCli = sim.recorder.named('cli_inband').length; // the syncer's own read of VPP
      await poller.pollNow();
      assert.equal(sim.recorder.named('cli_inband').length, syncCli + 1, 'one directory read');
      assert.ok(syncCli >= cliReads);
      const s = poller.snapshot();
      assert.deepEqual(s?.vips.map((v) => v.frontend).sort(), ['api', 'dns', 'web']);
      // Two VIPs on one address share its route (and its counters).
      pushFlows(sim.sim, { address: '192.0.2.1', protocol: 6, port: 443 }, 3);
      await poller.pollNow();
      const after = poller.snapshot();
      assert.equal(vip(after, 'api').first, 3n);
      assert.equal(vip(after, 'web').first, 0n);
      assert.equal(vip(after, 'api').routePackets, 3n);
      assert.equal(vip(after, 'web').routePackets, 3n);

      // Without a change the directory is still read again once a minute (its route lookups show
      // it: the syncer's periodic sync reads the CLI too, but never looks up a route).
      const lookups = sim.recorder.named('ip_route_lookup').length;
      await clock.advance(VIP_DIRECTORY_MAX_AGE_MS);
      await poller.pollNow();
      assert.equal(sim.recorder.named('ip_route_lookup').length, lookups + 2, 'two VIP addresses');
    });
  });

  void test('no stats socket: the CLI reads the counters, with one warning', async () => {
    await withRig({ statsSocket: (dir) => join(dir, 'missing.sock') }, async ({ poller, logger, sim }) => {
      poller.start();
      await poller.pollNow();
      pushFlows(sim.sim, WEB, 2);
      await poller.pollNow();
      const s = poller.snapshot();
      assert.equal(s?.source, 'cli');
      assert.equal(vip(s, 'web').first, 2n);
      assert.equal(vip(s, 'web').routePackets, undefined, 'the CLI has no route counters');
      assert.deepEqual(
        logger.named('vpp-stats-unavailable').map((e) => [e.level, e.attrs['reader']]),
        [
          ['warn', 'cli'],
          ['debug', 'cli'],
        ],
      );
      assert.match(String(logger.named('vpp-stats-unavailable')[0]?.attrs['error']), /ENOENT|No such file/);
    });
  });

  void test('a segment that cannot be read falls back to the CLI for that poll and is opened again', async () => {
    let opened = 0;
    const broken = Buffer.alloc(8192);
    broken.writeBigUInt64LE(1n, 0); // layout version 1
    await withRig(
      {
        statsConnect: (path) => {
          opened++;
          return opened === 1
            ? Promise.resolve(new StatsSegment(new BufferSegmentBytes(broken)))
            : StatsSegment.connect(path);
        },
      },
      async ({ poller, logger }) => {
        poller.start();
        await poller.pollNow();
        assert.equal(poller.snapshot()?.source, 'cli');
        assert.match(String(logger.named('vpp-stats-unavailable')[0]?.attrs['error']), /version 1/);
        await poller.pollNow();
        assert.equal(poller.snapshot()?.source, 'stats-segment');
        assert.equal(opened, 2);
      },
    );
  });

  void test('a restarted VPP is read from its new segment; nothing is served in between', async () => {
    await withRig({}, async (rig) => {
      const { poller, conn, logger, clock } = rig;
      poller.start();
      await poller.pollNow();
      pushFlows(rig.sim.sim, WEB, 5);
      await poller.pollNow();
      assert.equal(vip(poller.snapshot(), 'web').first, 5n);

      const gone = conn.onDisconnect.next();
      await rig.sim.sim.close(); // VPP dies: its sockets and segment go with it
      await gone;
      assert.equal(poller.snapshot(), undefined);
      assert.equal(poller.bootTimeMs(), undefined);

      await clock.advance(60_000);
      const back = conn.onConnect.next();
      rig.sim = await startSim({
        socketPath: join(rig.dir, 'api.sock'),
        statsSocketPath: join(rig.dir, 'stats.sock'),
        clock,
      });
      await back;
      await rig.syncer.whenIdle(); // the reconnect's full sync puts the VIPs back
      await poller.pollNow();
      const fresh = poller.snapshot();
      assert.equal(fresh?.source, 'stats-segment');
      assert.equal(vip(fresh, 'web').first, 0n, 'the new VPP counts from zero');
      assert.equal(logger.named('vpp-stats-connected').length, 2);
      assert.equal(poller.bootTimeMs(), Math.floor(clock.now() / 1000) * 1000);
      pushFlows(rig.sim.sim, WEB, 2);
      await poller.pollNow();
      assert.equal(vip(poller.snapshot(), 'web').first, 2n);
    });
  });
});
