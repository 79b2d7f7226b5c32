// The syncer against vppsim over the real socket, with a FakeClock for its timers (periodic sync,
// warmup) and a health source driven by hand. What VPP received is read on the
// simulator's side: its lb state, the requests it decoded, and its sticky table.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import type { MaglevConfig } from '../../src/config/types.js';
import {
  LbSyncError,
  Syncer,
  UnknownFrontendError,
  VppNotConnectedError,
  WarmupHoldError,
  processStartMs,
  vppStartTimeMs,
  type LbSyncSummary,
} from '../../src/dataplane/index.js';
import { withPoolWeight } from '../../src/checker/index.js';
import type { BackendState } from '../../src/health/index.js';
import { VppConnection, type LbGeneration } from '../../src/vpp/index.js';
import {
  LB_WRITES,
  flowsOf,
  pushFlows,
  simVips,
  startSim,
  usedAses,
  type SimHandle,
} from '../helpers/vppsim-harness.js';
import { RecordingLogger } from '../helpers/logger.js';
import {
  DNS,
  FakeSource,
  FlakyConnection,
  WEB,
  describeOps,
  manyFrontends,
  twoFrontends,
} from './fixtures.js';
import { withTempDir } from '../helpers/temp-dir.js';

interface Rig {
  clock: FakeClock;
  sim: SimHandle;
  source: FakeSource;
  conn: VppConnection;
  flaky: FlakyConnection;
  syncer: Syncer;
  logger: RecordingLogger;
  syncCounts: { scope: string; counts: Partial<LbSyncSummary> }[];
  syncFailures: string[];
  dir: string;
}

async function withRig(
  opts: { generation?: LbGeneration; cfg?: MaglevConfig; initial?: BackendState; startSyncer?: boolean },
  fn: (rig: Rig) => Promise<void> | void,
): Promise<void> {
  await withTempDir(async (dir) => {
    const clock = new FakeClock();
    const socketPath = join(dir, 'api.sock');
    const sim = await startSim({ socketPath, lbGeneration: opts.generation ?? '1.2' });
    const logger = new RecordingLogger();
    // The connection runs on real time (a FakeClock racing ahead of real socket I/O would time out
    // its pings); a short reconnect delay keeps the reconnect tests quick.
    const conn = new VppConnection({ socketPath, logger, apiDir: null, reconnectDelayMs: 20 });
    const flaky = new FlakyConnection(conn);
    const source = new FakeSource(opts.cfg ?? twoFrontends(), opts.initial ?? 'up');
    const syncCounts: Rig['syncCounts'] = [];
    const syncFailures: string[] = [];
    const syncer = new Syncer({
      source,
      connection: flaky,
      clock,
      logger,
      metrics: {
        lbSync: (scope, counts) => syncCounts.push({ scope, counts }),
        lbSyncFailed: (scope) => syncFailures.push(scope),
      },
    });
    const connected = conn.onConnect.next();
    conn.start();
    await connected;
    if (opts.startSyncer ?? true) {
      syncer.start();
      await syncer.whenIdle();
    }
    try {
      await fn({ clock, sim, source, conn, flaky, syncer, logger, syncCounts, syncFailures, dir });
    } finally {
      await syncer.stop();
      await conn.stop();
      await sim.sim.close();
    }
  });
}

/** Lets queued syncs start (they begin on a later tick) and waits for them to finish. */
async function settled(syncer: Syncer): Promise<void> {
  await Promise.resolve();
  await syncer.whenIdle();
}

function lbSyncLogs(logger: RecordingLogger): Record<string, unknown>[] {
  return logger.named('lb-sync').map((e) => e.attrs);
}

/** The lb_as_set_weight calls vppsim decoded since mark: [VIP, AS, weight, flush]. */
function setWeightCalls(sim: SimHandle, mark: number): unknown[][] {
  return sim.recorder
    .since(mark, new Set(['lb_as_set_weight']))
    .map((r) => [r.fields['pfx'], r.fields['as_address'], r.fields['weight'], r.fields['is_flush']]);
}

void describe('syncer, lb 1.2', () => {
  void test('first sync after connect: lb_conf, VIPs and ASes at their effective weights', async () => {
    await withRig({}, ({ sim, logger, syncCounts }) => {
      const vips = simVips(sim.sim);
      assert.deepEqual([...vips.keys()].sort(), [WEB, DNS].sort());
      assert.equal(vips.get(WEB)?.type, 'ip4-gre4');
      assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=100', '10.0.0.3=0']);
      assert.deepEqual(usedAses(sim.sim, DNS), ['10.0.0.1=100', '10.0.0.2=50']);
      const conf = sim.recorder.named('lb_conf');
      assert.equal(conf.length, 1);
      assert.equal(conf[0]?.fields['ip4_src_address'], 'c00002fe');
      assert.deepEqual(syncCounts, [
        {
          scope: 'all',
          counts: { vip_added: 2, vip_removed: 0, as_added: 5, as_removed: 0, as_weight_updated: 0 },
        },
      ]);
      const [sync] = lbSyncLogs(logger);
      assert.equal(sync?.['scope'], 'all');
      assert.equal(sync?.['reason'], 'connect');
      assert.equal(sync?.['vipsAdded'], 2);
      // One info record per operation; each VIP's AS calls in numeric address order, after its add
      // (the VIPs go out side by side: docs/vpp.md §Many operations in flight).
      const opsOf = (vip: string): string[] =>
        logger
          .named('lb-sync-op')
          .filter((e) => e.attrs['vip'] === vip)
          .map((e) => `${String(e.attrs['op'])} ${(e.attrs['address'] as string | undefined) ?? ''}`);
      assert.deepEqual(opsOf('192.0.2.1/32 tcp:80'), [
        'vip-add ',
        'as-add 10.0.0.1',
        'as-add 10.0.0.2',
        'as-add 10.0.0.3',
      ]);
      assert.deepEqual(opsOf('192.0.2.2/32 udp:53'), ['vip-add ', 'as-add 10.0.0.1', 'as-add 10.0.0.2']);
      assert.equal(logger.named('lb-sync-op').length, 7);
      // The reads dump everything: never an AS dump with a prefix.
      const dumps = sim.recorder.named('lb_as_v2_dump');
      assert.ok(dumps.length > 0);
      for (const r of dumps) assert.equal(r.fields['pfx'], '0.0.0.0/0');
    });
  });

  void test('a backend going down: weight 0, flushed where flush-on-down, drained where not', async () => {
    await withRig({}, async ({ sim, source, syncer }) => {
      const webFlows = pushFlows(sim.sim, { address: '192.0.2.1', protocol: 6, port: 80 }, 64);
      const dnsFlows = pushFlows(sim.sim, { address: '192.0.2.2', protocol: 17, port: 53 }, 64);
      assert.ok((webFlows.get('10.0.0.1') ?? 0) > 0 && (dnsFlows.get('10.0.0.1') ?? 0) > 0);
      assert.ok(flowsOf(sim.sim, WEB, '10.0.0.1') > 0);
      const mark = sim.recorder.requests.length;

      source.set('a', 'down');
      await settled(syncer);

      const calls = sim.recorder.since(mark, new Set(['lb_as_set_weight'])).map((r) => ({
        vip: r.fields['pfx'],
        as: r.fields['as_address'],
        weight: r.fields['weight'],
        flush: r.fields['is_flush'],
      }));
      assert.deepEqual(calls, [
        { vip: '192.0.2.1/32', as: '10.0.0.1', weight: 0, flush: true },
        { vip: '192.0.2.2/32', as: '10.0.0.1', weight: 0, flush: false },
      ]);
      assert.equal(flowsOf(sim.sim, WEB, '10.0.0.1'), 0, 'flushed: its sticky entries are gone');
      // Both frontends' syncs ran together, planned against what the syncer believes VPP holds
      // since the first sync (docs/vpp.md §What a sync reads): no read of VPP at all.
      assert.equal(sim.recorder.since(mark, new Set(['lb_vip_dump', 'lb_as_v2_dump'])).length, 0);
      assert.ok(flowsOf(sim.sim, DNS, '10.0.0.1') > 0, 'drained: existing flows stay');
    });
  });

  void test('disable flushes even an AS that is already at 0 (docs/vpp.md §Flush); periodic syncs never re-flush', async () => {
    await withRig({}, async ({ sim, source, syncer, clock }) => {
      const mark = sim.recorder.requests.length;
      source.set('c', 'disabled'); // c is in the fallback pool: already weight 0
      await settled(syncer);
      const flushes = sim.recorder.since(mark, new Set(['lb_as_set_weight']));
      assert.deepEqual(
        flushes.map((r) => [r.fields['as_address'], r.fields['weight'], r.fields['is_flush']]),
        [['10.0.0.3', 0, true]],
      );
      const afterDisable = sim.recorder.requests.length;
      await clock.advance(30_000);
      await settled(syncer);
      assert.equal(sim.recorder.since(afterDisable, LB_WRITES).length, 0);
    });
  });

  void test('pool failover and back is a weight change, capacity added before it is taken', async () => {
    await withRig({}, async ({ sim, source, syncer, logger }) => {
      source.set('a', 'down');
      source.set('b', 'down');
      await settled(syncer);
      assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=0', '10.0.0.2=0', '10.0.0.3=100']);
      const mark = logger.records.length;
      source.set('a', 'up');
      await settled(syncer);
      assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=0', '10.0.0.3=0']);
      const webOps = logger.records
        .slice(mark)
        .filter((e) => e.event === 'lb-sync-op' && e.attrs['frontend'] === 'web')
        .map((e) => `${String(e.attrs['address'])}=${String(e.attrs['weight'])}`);
      assert.deepEqual(webOps, ['10.0.0.1=100', '10.0.0.3=0']);
    });
  });

  void test('a burst of triggers coalesces: a pending full sync absorbs the per-VIP ones', async () => {
    await withRig({}, async ({ source, syncer, logger }) => {
      const before = lbSyncLogs(logger).length;
      source.set('a', 'down');
      source.set('b', 'down');
      source.set('a', 'up');
      syncer.requestFull('reload');
      await settled(syncer);
      const runs = lbSyncLogs(logger).slice(before);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]?.['scope'], 'all');
      assert.deepEqual(String(runs[0]?.['reason']).split(',').sort(), ['reload', 'transition']);
    });
  });

  void test('a refused operation is logged with its VNET name; its flush is retried at the next trigger', async () => {
    await withRig({}, async ({ sim, source, syncer, flaky, logger, clock, syncFailures }) => {
      assert.deepEqual(syncFailures, []);
      flaky.failing.set('lb_as_set_weight', -6);
      source.set('c', 'disabled');
      await settled(syncer);
      const error = logger.named('lb-sync-error').at(-1)?.attrs;
      assert.ok(error);
      assert.deepEqual(syncFailures, ['vip'], 'counted for maglev_vpp_lbsync_errors_total');
      const failures = error['failures'] as Record<string, unknown>[];
      assert.equal(failures[0]?.['errorName'], 'VNET_API_ERROR_NO_SUCH_ENTRY');
      assert.equal(failures[0]?.['address'], '10.0.0.3');

      flaky.failing.clear();
      // A preview of the next sync carries the flush still owed, and sends nothing.
      const owed = await syncer.preview({
        config: source.cfg,
        stateOf: (name) => source.stateOf(name) ?? 'unknown',
        events: [],
        trigger: { kind: 'operator', frontend: undefined },
      });
      assert.deepEqual(
        owed.ops.map((op) =>
          op.op === 'as-weight' ? [op.frontend, op.address, op.weight, op.flush] : op.op,
        ),
        [['web', '10.0.0.3', 0, true]],
      );
      assert.equal(owed.vppRead, true);
      const mark = sim.recorder.requests.length;
      await clock.advance(30_000); // the periodic full sync
      await settled(syncer);
      assert.deepEqual(
        sim.recorder
          .since(mark, new Set(['lb_as_set_weight']))
          .map((r) => [r.fields['as_address'], r.fields['is_flush']]),
        [['10.0.0.3', true]],
      );
      // Delivered: the next periodic sync leaves it alone.
      const mark2 = sim.recorder.requests.length;
      await clock.advance(30_000);
      await settled(syncer);
      assert.equal(sim.recorder.since(mark2, LB_WRITES).length, 0);
    });
  });

  void test('one VIP failing does not hold back the others', async () => {
    await withRig({ startSyncer: false }, async ({ sim, syncer, flaky, logger }) => {
      flaky.failing.set('lb_add_del_as_v2', -73);
      syncer.start();
      await settled(syncer);
      // Both VIPs were created; every AS add was tried (they do not build on each other) and refused.
      assert.equal(simVips(sim.sim).size, 2);
      const sync = lbSyncLogs(logger).at(-1);
      assert.equal(sync?.['failed'], 5);
      assert.equal(sync?.['skipped'], 0);
    });
  });

  void test('VPP lost after the first answer: the operations on their way fail, a forced flush kept, the reconnect finishes it', async () => {
    await withRig({}, async ({ sim, source, syncer, flaky, conn, logger }) => {
      const webFlows = pushFlows(sim.sim, { address: '192.0.2.1', protocol: 6, port: 80 }, 64);
      assert.ok((webFlows.get('10.0.0.1') ?? 0) > 0);
      // The first write VPP accepts is the last: the socket drops after its answer and before the
      // second write reaches VPP. Operations are pipelined, so the second is already on its way
      // when the first is answered: it waits here for the first answer, then finds the socket gone.
      let firstAnswered: () => void = () => undefined;
      const answered = new Promise<void>((resolve) => (firstAnswered = resolve));
      let writes = 0;
      let dropped: Promise<void> | undefined;
      flaky.beforeRequest = async (name) => {
        if (!LB_WRITES.has(name) || ++writes === 1) return;
        await answered;
        dropped ??= (async () => {
          const down = conn.onDisconnect.next();
          sim.sim.server.dropClients();
          await down;
        })();
        await dropped;
      };
      flaky.afterAnswer = async (name) => {
        if (LB_WRITES.has(name)) firstAnswered();
        return Promise.resolve();
      };
      const mark = sim.recorder.requests.length;
      const before = lbSyncLogs(logger).length;
      const reconnected = logger.next('vpp-connect');
      // web: a drops to 0 with flush, then c, already at 0 in the fallback pool, is flushed
      // because it was just disabled (only the pending flush request says so); dns drains a.
      source.set('a', 'down');
      source.set('c', 'disabled');
      await reconnected;
      await settled(syncer);

      const runs = lbSyncLogs(logger)
        .slice(before)
        .map((r) => [r['scope'], r['frontend'], r['reason'], r['weightsUpdated'], r['failed'], r['skipped']]);
      // One operation answered; the others, already on their way (web's in its lane, dns's in
      // its own), found the socket gone; then the reconnect's full sync did the rest.
      assert.deepEqual(runs, [
        ['vip', 'web', 'transition', 1, 1, 0],
        ['vip', 'dns', 'transition', 0, 1, 0],
        ['all', undefined, 'connect', 3, 0, 0],
      ]);
      assert.equal(logger.named('lb-sync-op-failed').length, 2);
      assert.deepEqual(setWeightCalls(sim, mark), [
        ['192.0.2.1/32', '10.0.0.1', 0, true], // before the loss
        // After the reconnect: web's flush requests were kept (its run did not finish), a's
        // delivered one harmlessly again, c's for the first time.
        ['192.0.2.1/32', '10.0.0.1', 0, true],
        ['192.0.2.1/32', '10.0.0.3', 0, true],
        ['192.0.2.2/32', '10.0.0.1', 0, false],
      ]);
      assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=0', '10.0.0.2=100', '10.0.0.3=0']);
      assert.deepEqual(usedAses(sim.sim, DNS), ['10.0.0.1=0', '10.0.0.2=50']);
      assert.equal(flowsOf(sim.sim, WEB, '10.0.0.1'), 0);
    });
  });

  void test('SetFrontendPoolBackendWeight: immediate per-VIP sync; flush only on that VIP, even at an unchanged weight', async () => {
    await withRig({}, async ({ sim, source, syncer }) => {
      let mark = sim.recorder.requests.length;
      source.setWeight('web', 'primary', 'b', 20);
      await syncer.afterSetWeight({ frontend: 'web', backend: 'b', flush: false });
      assert.deepEqual(
        sim.recorder
          .since(mark, LB_WRITES)
          .map((r) => [
            r.msg,
            r.fields['pfx'],
            r.fields['as_address'],
            r.fields['weight'],
            r.fields['is_flush'],
          ]),
        [['lb_as_set_weight', '192.0.2.1/32', '10.0.0.2', 20, false]],
      );
      mark = sim.recorder.requests.length;
      await syncer.afterSetWeight({ frontend: 'web', backend: 'b', flush: true });
      assert.deepEqual(
        sim.recorder
          .since(mark, LB_WRITES)
          .map((r) => [r.fields['pfx'], r.fields['as_address'], r.fields['weight'], r.fields['is_flush']]),
        [['192.0.2.1/32', '10.0.0.2', 20, true]],
      );
    });
  });

  void test('syncNow: the summary, and the refusals', async () => {
    await withRig({}, async ({ sim, syncer, conn }) => {
      assert.deepEqual(await syncer.syncNow(undefined), {
        vip_added: 0,
        vip_removed: 0,
        as_added: 0,
        as_removed: 0,
        as_weight_updated: 0,
      });
      // Someone removed an AS behind our back: a per-VIP sync puts it back.
      const web = simVips(sim.sim).get(WEB);
      assert.ok(web);
      sim.sim.lb.delAs(web.index, new Uint8Array([...new Array<number>(12).fill(0), 10, 0, 0, 2]), false);
      const summary = await syncer.syncNow('web');
      assert.equal(summary.as_added, 1);
      await assert.rejects(syncer.syncNow('nope'), UnknownFrontendError);
      await conn.stop();
      await assert.rejects(syncer.syncNow(undefined), VppNotConnectedError);
    });
  });

  void test('syncNow when VPP refuses part of it: LbSyncError with the refusals and what was applied', async () => {
    await withRig({}, async ({ sim, source, syncer, flaky }) => {
      // Two things to do: web lost AS 10.0.0.2 behind our back; dns's b goes to weight 20.
      const web = simVips(sim.sim).get(WEB);
      assert.ok(web);
      sim.sim.lb.delAs(web.index, new Uint8Array([...new Array<number>(12).fill(0), 10, 0, 0, 2]), false);
      source.setWeight('dns', 'only', 'b', 20);
      flaky.failing.set('lb_as_set_weight', -6);
      const error = await syncer.syncNow(undefined).then(
        () => assert.fail('the sync should have failed'),
        (err: unknown) => err,
      );
      assert.ok(error instanceof LbSyncError);
      assert.deepEqual(
        error.failures.map((f) => [describeOps([f.op])[0], f.error.message]),
        [
          [
            'as-weight 192.0.2.2/32 udp:53 10.0.0.2 w=20',
            'lb_as_set_weight: VPP returned -6 (VNET_API_ERROR_NO_SUCH_ENTRY)',
          ],
        ],
      );
      assert.deepEqual(error.summary, {
        vip_added: 0,
        vip_removed: 0,
        as_added: 1,
        as_removed: 0,
        as_weight_updated: 0,
      });
      assert.equal(
        error.message,
        'lb sync: 1 operation(s) failed: lb_as_set_weight: VPP returned -6 (VNET_API_ERROR_NO_SUCH_ENTRY)',
      );
      assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=100', '10.0.0.3=0']);
      assert.deepEqual(usedAses(sim.sim, DNS), ['10.0.0.1=100', '10.0.0.2=50']);
    });
  });

  void test('stale VIPs are removed by a full sync, never by a per-VIP one', async () => {
    await withRig({}, async ({ sim, source, syncer }) => {
      const cfg = source.cfg;
      source.cfg = { ...cfg, frontends: new Map([...cfg.frontends].filter(([n]) => n !== 'dns')) };
      source.set('b', 'down');
      await settled(syncer);
      assert.ok(simVips(sim.sim).has(DNS));
      syncer.reloaded();
      await settled(syncer);
      assert.deepEqual([...simVips(sim.sim).keys()], [WEB]);
      const dels = sim.recorder.named('lb_add_del_as_v2').filter((r) => r.fields['is_del'] === true);
      assert.ok(dels.length === 2 && dels.every((r) => r.fields['is_flush'] === true));
    });
  });

  void test('a reload that changes many VIPs plans against the believed state: no read, and VPP ends as a read would leave it', async () => {
    await withRig({ cfg: manyFrontends(6, 4) }, async ({ sim, source, syncer, logger }) => {
      const cfg = source.cfg;
      const fe = (name: string) => {
        const f = cfg.frontends.get(name);
        assert.ok(f);
        return f;
      };
      // fe0 gone (stale), fe1 re-created (src-ip-sticky), fe2 moved to another port (a new VIP and
      // a stale one), fe3 loses a backend, fe4's weights change; fe5 as it was.
      const fe3Pool = fe('fe3').pools[0];
      const fe4Pool = fe('fe4').pools[0];
      assert.ok(fe3Pool && fe4Pool);
      source.cfg = {
        ...cfg,
        frontends: new Map([
          ['fe1', { ...fe('fe1'), srcIpSticky: true }],
          ['fe2', { ...fe('fe2'), port: 8080 }],
          [
            'fe3',
            { ...fe('fe3'), pools: [{ ...fe3Pool, backends: new Map([...fe3Pool.backends].slice(1)) }] },
          ],
          [
            'fe4',
            {
              ...fe('fe4'),
              pools: [
                {
                  ...fe4Pool,
                  backends: new Map([...fe4Pool.backends].map(([n, b]) => [n, { ...b, weight: 30 }])),
                },
              ],
            },
          ],
          ['fe5', fe('fe5')],
        ]),
      };
      const mark = sim.recorder.requests.length;
      const before = lbSyncLogs(logger).length;
      syncer.reloaded();
      await settled(syncer);
      assert.deepEqual(sim.recorder.since(mark, new Set(['lb_vip_dump', 'lb_as_v2_dump', 'cli_inband'])), []);
      const [run] = lbSyncLogs(logger).slice(before);
      assert.deepEqual(
        [
          run?.['reason'],
          run?.['vppRead'],
          run?.['vipsAdded'],
          run?.['vipsRemoved'],
          run?.['weightsUpdated'],
        ],
        ['reload', false, 2, 3, 4],
      );
      assert.deepEqual([...simVips(sim.sim).keys()].sort(), [
        '192.0.2.2/32 6:80',
        '192.0.2.3/32 6:8080',
        '192.0.2.4/32 6:80',
        '192.0.2.5/32 6:80',
        '192.0.2.6/32 6:80',
      ]);
      assert.equal(simVips(sim.sim).get('192.0.2.2/32 6:80')?.srcIpSticky, true);
      assert.deepEqual(usedAses(sim.sim, '192.0.2.4/32 6:80'), [
        '10.3.0.2=100',
        '10.3.0.3=100',
        '10.3.0.4=100',
      ]);
      // A sync that reads VPP finds nothing left to do.
      assert.deepEqual(await syncer.syncNow(undefined), {
        vip_added: 0,
        vip_removed: 0,
        as_added: 0,
        as_removed: 0,
        as_weight_updated: 0,
      });
    });
  });

  void test('drift behind our back: a reload does not see it, the next periodic sync reads VPP and repairs it', async () => {
    await withRig({}, async ({ sim, syncer, clock, logger }) => {
      const web = simVips(sim.sim).get(WEB);
      assert.ok(web);
      sim.sim.lb.delAs(web.index, new Uint8Array([...new Array<number>(12).fill(0), 10, 0, 0, 2]), false);
      syncer.reloaded();
      await settled(syncer);
      assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.3=0']);
      const before = lbSyncLogs(logger).length;
      await clock.advance(30_000);
      await settled(syncer);
      assert.deepEqual(
        lbSyncLogs(logger)
          .slice(before)
          .map((r) => [r['reason'], r['vppRead'], r['asesAdded']]),
        [['periodic', true, 1]],
      );
      assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=100', '10.0.0.3=0']);
    });
  });

  void test('after a run VPP did not finish cleanly, the next reload reads VPP again', async () => {
    await withRig({}, async ({ source, syncer, flaky, logger }) => {
      flaky.failing.set('lb_as_set_weight', -6);
      source.set('b', 'down');
      await settled(syncer);
      flaky.failing.clear();
      const before = lbSyncLogs(logger).length;
      syncer.reloaded();
      await settled(syncer);
      syncer.reloaded();
      await settled(syncer);
      assert.deepEqual(
        lbSyncLogs(logger)
          .slice(before)
          .map((r) => [r['reason'], r['vppRead'], r['weightsUpdated']]),
        [
          ['reload', true, 2],
          ['reload', false, 0],
        ],
      );
    });
  });

  void test('a preview while VPP is not connected: planned against the desired state as if VPP held it, and said so', async () => {
    await withRig({}, async ({ sim, source, syncer, conn }) => {
      // What VPP really holds for web once in sync: the "before" of a plan made without it.
      const held = simVips(sim.sim).get(WEB);
      assert.ok(held);
      const real = new Map([...held.ases].map(([address, as]) => [address, as.buckets]));
      await conn.stop();
      const mark = sim.recorder.requests.length;
      const p = await syncer.preview({
        config: withPoolWeight(source.cfg, 'web', 'primary', 'b', 50),
        stateOf: (name) => source.stateOf(name) ?? 'unknown',
        events: [],
        trigger: { kind: 'set-weight', request: { frontend: 'web', backend: 'b', flush: false } },
      });
      assert.equal(p.vppRead, false);
      assert.match(p.notes.join('\n'), /^VPP is not connected: planned against the desired state/);
      assert.deepEqual(
        p.ops.map((op) => (op.op === 'as-weight' ? [op.frontend, op.address, op.weight, op.flush] : op.op)),
        [['web', '10.0.0.2', 50, false]],
      );
      const [web] = p.vips;
      assert.equal(p.vips.length, 1);
      assert.deepEqual(
        web?.ases.map((a) => [a.address, a.bucketsBefore]),
        [...real],
      );
      assert.ok((web?.moved ?? 0) > 0);
      assert.equal(
        web?.ases.reduce((sum, a) => sum + a.bucketsAfter, 0),
        1024,
      );
      assert.equal(sim.recorder.requests.length, mark, 'nothing asked of VPP');
    });
  });

  void test('lb_conf: once per connection, not rewritten when VPP has it, rewritten when the config changes', async () => {
    await withRig({}, async ({ sim, source, syncer, logger }) => {
      assert.equal(sim.recorder.named('lb_conf').length, 1);
      // A reconnect to the same VPP: lb_conf_get shows it is still in place.
      const reconnected = logger.next('vpp-connect');
      sim.sim.server.dropClients();
      await reconnected;
      await settled(syncer);
      assert.equal(sim.recorder.named('lb_conf').length, 1);
      assert.ok(sim.recorder.named('lb_conf_get').length >= 2);
      source.cfg = { ...source.cfg, vpp: { lb: { ...source.cfg.vpp.lb, flowTimeoutS: 10 } } };
      syncer.reloaded();
      await settled(syncer);
      const conf = sim.recorder.named('lb_conf');
      assert.equal(conf.length, 2);
      assert.equal(conf[1]?.fields['flow_timeout'], 10);
      assert.equal(sim.sim.lb.config.flowTimeout, 10);
    });
  });

  void test('the connection lost in the middle of a pipelined sync: the sync after the reconnect finishes the job', async () => {
    await withRig({ cfg: manyFrontends(3, 100), startSyncer: false }, async ({ sim, syncer, logger }) => {
      // VPP goes away after taking 150 of the 300 AS adds, with more in flight.
      const adds = new Set(['lb_add_del_as_v2']);
      const dropped = sim.recorder.next((r) => adds.has(r.msg) && sim.recorder.since(0, adds).length === 150);
      void dropped.then(() => sim.sim.server.dropClients());
      const reconnected = logger.next('vpp-connect');
      syncer.start();
      await dropped;
      await reconnected;
      await settled(syncer);
      for (let f = 0; f < 3; f++) {
        const ases = usedAses(sim.sim, `192.0.2.${f + 1}/32 6:80`);
        assert.equal(ases.length, 100);
        assert.ok(ases.every((a) => a.endsWith('=100')));
      }
      const syncs = lbSyncLogs(logger);
      assert.ok(syncs.some((s) => String(s['reason']).includes('connect') && s['failed'] === 0));
      assert.equal(logger.named('lb-sync-bug').length, 0);
    });
  });

  void test('VPP restarted (empty, new pid): full resync after the reconnect', async () => {
    await withRig({}, async ({ sim, syncer, logger, dir }) => {
      const disconnected = logger.next('vpp-disconnect');
      await sim.sim.close();
      await disconnected;
      const reconnected = logger.next('vpp-connect');
      const fresh = await startSim({ socketPath: join(dir, 'api.sock'), pid: 4242 });
      try {
        await reconnected;
        await settled(syncer);
        assert.deepEqual(usedAses(fresh.sim, WEB), ['10.0.0.1=100', '10.0.0.2=100', '10.0.0.3=0']);
        assert.deepEqual(usedAses(fresh.sim, DNS), ['10.0.0.1=100', '10.0.0.2=50']);
        assert.equal(fresh.recorder.named('lb_conf').length, 1);
      } finally {
        await fresh.sim.close();
      }
    });
  });
});

void describe('syncer warmup (FakeClock)', () => {
  const warm = twoFrontends({ startupMinDelayMs: 5_000, startupMaxDelayMs: 30_000 });

  void test('nothing touches VPP before min; release per frontend; final full sync at max', async () => {
    await withRig({ cfg: warm, initial: 'unknown' }, async ({ sim, source, syncer, clock, logger }) => {
      source.set('a', 'up');
      source.set('b', 'up');
      syncer.reloaded(); // a reload does not restart the warmup clock
      await clock.advance(4_999);
      await settled(syncer);
      assert.equal(sim.recorder.since(0, LB_WRITES).length, 0);
      assert.equal(sim.recorder.named('lb_vip_dump').length, 0, 'not even a read');
      assert.ok(logger.named('lb-sync-suppressed').length >= 3);
      await assert.rejects(syncer.syncNow(undefined), WarmupHoldError);
      await assert.rejects(syncer.syncNow('dns'), WarmupHoldError);
      // Previews: a sync refuses as syncNow does; a weight change says it would be held back.
      const world = {
        config: source.cfg,
        stateOf: (n: string) => source.stateOf(n) ?? 'unknown',
        events: [],
      };
      await assert.rejects(
        syncer.preview({ ...world, trigger: { kind: 'operator', frontend: 'dns' } }),
        WarmupHoldError,
      );
      const held = await syncer.preview({
        ...world,
        trigger: { kind: 'set-weight', request: { frontend: 'dns', backend: 'a', flush: false } },
      });
      assert.deepEqual(held.ops, []);
      assert.deepEqual(held.notes, [
        'startup warmup (holding): frontend "dns" is not released yet: nothing would be sent for it now',
      ]);
      assert.equal(sim.recorder.named('lb_vip_dump').length, 1, 'a preview reads VPP, once');

      // min: dns has all its backends known (a, b) and is released; web waits for c.
      await clock.advance(1);
      await settled(syncer);
      assert.deepEqual([...simVips(sim.sim).keys()], [DNS]);
      assert.deepEqual(
        logger.named('warmup-release').map((e) => e.attrs['frontend']),
        ['dns'],
      );
      source.set('c', 'up');
      await settled(syncer);
      assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=100', '10.0.0.3=0']);

      const before = lbSyncLogs(logger).length;
      await clock.advance(25_000);
      await settled(syncer);
      const final = lbSyncLogs(logger).slice(before);
      assert.deepEqual(
        final.map((s) => [s['scope'], s['reason']]),
        [['all', 'warmup-final']],
      );
      assert.equal(syncer.warmup()?.phase, 'done');
    });
  });

  void test('VPP restarted inside the release window: the released frontends come back at once, the rest still wait', async () => {
    await withRig({ cfg: warm, initial: 'unknown' }, async ({ sim, source, syncer, clock, logger, dir }) => {
      source.set('a', 'up');
      source.set('b', 'up');
      await clock.advance(5_000);
      await settled(syncer);
      assert.deepEqual([...simVips(sim.sim).keys()], [DNS]); // dns released; web waits for c

      const disconnected = logger.next('vpp-disconnect');
      await sim.sim.close();
      await disconnected;
      const reconnected = logger.next('vpp-connect');
      const fresh = await startSim({ socketPath: join(dir, 'api.sock'), pid: 4242 });
      try {
        await reconnected;
        await settled(syncer);
        // Still inside the window (no time has passed on the syncer's clock): dns is put back
        // into the empty VPP right away, web is not there before its release.
        assert.equal(syncer.warmup()?.phase, 'releasing');
        assert.deepEqual([...simVips(fresh.sim).keys()], [DNS]);
        assert.deepEqual(usedAses(fresh.sim, DNS), ['10.0.0.1=100', '10.0.0.2=50']);
        const connectRun = lbSyncLogs(logger).at(-1);
        assert.deepEqual([connectRun?.['frontend'], connectRun?.['reason']], ['dns', 'connect']);
        source.set('c', 'up');
        await settled(syncer);
        assert.deepEqual([...simVips(fresh.sim).keys()].sort(), [WEB, DNS].sort());
      } finally {
        await fresh.sim.close();
      }
    });
  });

  void test('a frontend whose backends never resolve waits for the final sync', async () => {
    await withRig({ cfg: warm, initial: 'unknown' }, async ({ sim, source, syncer, clock }) => {
      source.set('a', 'up');
      await clock.advance(10_000);
      await settled(syncer);
      assert.equal(simVips(sim.sim).size, 0);
      await clock.advance(20_000);
      await settled(syncer);
      // b and c are still unknown: weight 0 (but the VIPs exist, a carries them).
      assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=0', '10.0.0.3=0']);
    });
  });
});

void describe('syncer, lb 1.1 (no weights)', () => {
  void test('weight 0 means absent: a down backend is deleted (with flush), re-added when up', async () => {
    await withRig({ generation: '1.1' }, async ({ sim, source, syncer }) => {
      assert.deepEqual(usedAses(sim.sim, WEB, false), ['10.0.0.1', '10.0.0.2']);
      assert.deepEqual(usedAses(sim.sim, DNS, false), ['10.0.0.1', '10.0.0.2']);
      pushFlows(sim.sim, { address: '192.0.2.1', protocol: 6, port: 80 }, 64);
      const mark = sim.recorder.requests.length;
      source.set('a', 'down');
      await settled(syncer);
      assert.deepEqual(
        sim.recorder
          .since(mark, LB_WRITES)
          .map((r) => [r.msg, r.fields['as_address'], r.fields['is_del'], r.fields['is_flush']]),
        [
          ['lb_add_del_as', '10.0.0.1', true, true],
          ['lb_add_del_as', '10.0.0.1', true, false],
        ],
      );
      assert.equal(flowsOf(sim.sim, WEB, '10.0.0.1'), 0);
      source.set('a', 'up');
      await settled(syncer);
      assert.deepEqual(usedAses(sim.sim, WEB, false), ['10.0.0.1', '10.0.0.2']);
      // The periodic sync finds nothing to do (the release's garbled dumps are read right).
      assert.deepEqual(await syncer.syncNow(undefined), {
        vip_added: 0,
        vip_removed: 0,
        as_added: 0,
        as_removed: 0,
        as_weight_updated: 0,
      });
    });
  });
});

void describe('syncer errors and config', () => {
  void test("VPP's start time from /proc, trusted only for a process named vpp_main", async () => {
    const stat = '4242 (vpp_main) S 1 4242 4242 0 -1 4194560 1 0 0 0 5 3 0 0 20 0 3 0 12345 1 1';
    assert.equal(processStartMs(stat, 'cpu 1 2 3\nbtime 1700000000\n'), (1_700_000_000 + 123.45) * 1000);
    assert.equal(processStartMs(stat, 'no btime here'), undefined);
    // Our own process is not VPP; a made-up pid is nobody.
    assert.equal(await vppStartTimeMs(process.pid), undefined);
    assert.equal(await vppStartTimeMs(0), undefined);
  });
});
