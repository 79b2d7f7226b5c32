// One maglevd upstream against a real gRPC server (the API tests' FakeBackend), with the
// dashboard's clock faked: the first refresh, transitions and log records relayed as SSE events,
// the debounced lb-state fetch (and which lb-sync records wake it), the 30 s refresh, VPP appearing, and reachability going red and
// green again as maglevd goes away and comes back.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { lbSyncChangedVpp, type MaglevdUpstream, type SseEvent } from '../../src/frontend/index.js';
import { T0 } from '../helpers/fake-backend.js';
import {
  nextBrokerEvent,
  startDashboard,
  startFakeMaglevd,
  until,
  WAIT_MS,
  type Dashboard,
  type FakeMaglevd,
} from './fixtures.js';

const fakeVpp = {
  info: () => ({
    version: '25.02-rc0',
    buildDate: '2025-02-01',
    buildDirectory: '/build',
    pid: 4242,
    bootTime: T0 - 3_600_000,
    connectTime: T0,
    lbApiVersion: '1.2.0',
    apiSocket: '/run/vpp/api.sock',
    statsSocket: '/run/vpp/stats.sock',
  }),
  lbState: () =>
    Promise.resolve({
      conf: { ipv4SrcAddress: '192.0.2.254', ipv6SrcAddress: '', stickyBucketsPerCore: 0, flowTimeoutS: 40 },
      readAt: T0,
      vips: [
        {
          prefix: '198.51.100.1/32',
          protocol: 'tcp' as const,
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
              inUseSince: 5,
              backend: 'nginx0-ams',
              predictedBuckets: 1024,
            },
          ],
        },
      ],
    }),
  sync: () =>
    Promise.resolve({ vipsAdded: 0, vipsRemoved: 0, asesAdded: 0, asesRemoved: 0, weightsUpdated: 0 }),
  counters: () => ({ vips: [], updatedAt: T0, source: 'stats-segment' }),
};

describe('upstream: one maglevd', () => {
  let maglevd: FakeMaglevd;
  let dash: Dashboard;
  let up: MaglevdUpstream;
  const events: SseEvent[] = [];
  const count = (type: string) => events.filter((e) => e.type === type).length;

  before(async () => {
    maglevd = await startFakeMaglevd();
    dash = await startDashboard({ servers: [maglevd.target] });
    up = dash.fe.upstreams.get(maglevd.target)!;
    dash.fe.broker.subscribe((e) => events.push(e), undefined);
  });
  after(async () => {
    await dash.close();
    await maglevd.close();
  });

  test('the stream coming up triggers a full refresh: frontends, backends, health checks', async () => {
    await until(dash.fe, () => up.state().refreshedAt !== null && up.watching(), 'first refresh');
    const s = up.state();
    assert.equal(s.status.reachable, true);
    assert.deepEqual(
      s.frontends.map((f) => f.name),
      ['web-v4', 'web-v6'],
    );
    assert.deepEqual(
      s.backends.map((b) => b.name),
      ['nginx0-ams', 'nginx0-fra', 'nginx0-zrh', 'nginx6'],
    );
    assert.equal(s.healthchecks[0]?.name, 'http');
    assert.equal(s.healthchecks[0]?.intervalMs, 2000);
    const fra = s.frontends[0]!.pools[0]!.backends[1]!;
    assert.deepEqual(
      { name: fra.name, weight: fra.weight, state: fra.state, at: fra.lastTransitionAt },
      { name: 'nginx0-fra', weight: 50, state: 'down', at: T0 + 5000 },
    );
    // VPP integration is off in the fake: a state to show, not an error.
    assert.equal(s.vpp.connected, false);
    assert.match(s.vpp.error ?? '', /VPP/i);
    assert.ok(count('snapshot') >= 1);
    // The state endpoint says which event it already includes.
    const body = (await (await fetch(`${dash.base}/view/api/state`)).json()) as {
      eventId: string;
      maglevds: unknown[];
    };
    assert.match(body.eventId, new RegExp(`^${dash.fe.broker.epoch}-\\d+$`));
    assert.equal(body.maglevds.length, 1);
    const one = await fetch(`${dash.base}/view/api/state/${encodeURIComponent(maglevd.target)}`);
    assert.equal(one.status, 200);
    await one.arrayBuffer();
    const none = await fetch(`${dash.base}/view/api/state/nosuch`);
    assert.equal(none.status, 404);
    await none.arrayBuffer();
    const list = (await (await fetch(`${dash.base}/view/api/maglevds`)).json()) as {
      name: string;
      reachable: boolean;
    }[];
    assert.deepEqual(
      list.map((m) => [m.name, m.reachable]),
      [[maglevd.target, true]],
    );
  });

  test('a transition is relayed and wakes the lb-state fetch at once; a second one waits for the window', async () => {
    await up.idle();
    const lbBefore = count('frontends');
    const relayed = nextBrokerEvent(dash.fe, (e) => e.type === 'backend', 'backend event');
    maglevd.fake.pauseBackend('nginx0-ams');
    const { data } = await relayed;
    assert.equal(data.backend, 'nginx0-ams');
    assert.equal(data.frontend, 'web-v4');
    assert.equal((data.transition as { to: string }).to, 'paused');
    assert.equal(up.state().backends[0]!.state, 'paused');
    assert.equal(up.state().frontends[0]!.pools[0]!.backends[0]!.state, 'paused');
    // Leading edge: fetched without the clock moving.
    await until(dash.fe, () => count('frontends') === lbBefore + 1, 'leading lb fetch');
    await up.idle();

    const second = nextBrokerEvent(dash.fe, (e) => e.type === 'backend', 'second backend event');
    maglevd.fake.resumeBackend('nginx0-ams');
    await second;
    await up.idle();
    assert.equal(count('frontends'), lbBefore + 1, 'inside the 1 s window: no fetch yet');
    await dash.clock.advance(1000);
    await until(dash.fe, () => count('frontends') === lbBefore + 2, 'trailing lb fetch');
  });

  test('an lb-sync record wakes the lb-state fetch only when the reconcile changed VPP', async () => {
    await dash.clock.advance(1000);
    await up.idle();
    const before = count('frontends');
    const nothingDone = {
      vipsAdded: 0,
      vipsRemoved: 0,
      asesAdded: 0,
      asesRemoved: 0,
      weightsUpdated: 0,
      failed: 0,
    };
    const relayed = nextBrokerEvent(dash.fe, (e, d) => e.type === 'log' && d.msg === 'lb-sync', 'lb-sync');
    maglevd.fake.logger.info('lb-sync', { scope: 'all', reason: 'periodic', ...nothingDone });
    await relayed;
    await up.idle();
    assert.equal(count('frontends'), before, 'a reconcile that changed nothing: VPP is not read again');
    maglevd.fake.logger.info('lb-sync', {
      scope: 'all',
      reason: 'periodic',
      ...nothingDone,
      weightsUpdated: 1,
    });
    await until(
      dash.fe,
      () => count('frontends') === before + 1,
      'lb-state fetch after a reconcile that changed VPP',
    );
    await up.idle();
    // Without the counts (another maglevd version) a record is taken as a change.
    assert.equal(lbSyncChangedVpp({ scope: 'all' }), true);
    assert.equal(lbSyncChangedVpp({ ...nothingDone, failed: 2 }), true);
    assert.equal(lbSyncChangedVpp(nothingDone), false);
  });

  test("log records at debug level are relayed, probe records as maglevd's coalesced summaries", async () => {
    const relayed = nextBrokerEvent(
      dash.fe,
      (e, d) => e.type === 'log' && d.msg === 'vpp-api-send',
      'vpp-api-send',
    );
    const summary = nextBrokerEvent(dash.fe, (e) => e.type === 'probes', 'probe summary');
    const ok = { ok: true, layer: 'L7', code: 'L7OK', detail: 'status 200', durationMs: 1 } as const;
    maglevd.fake.logger.debug('probe-start', { backend: 'nginx0-ams', type: 'http', address: '192.0.2.10' });
    maglevd.fake.probes.publish('nginx0-ams', ok);
    maglevd.fake.probes.publish('nginx0-ams', ok);
    maglevd.fake.probes.publish('nginx6', { ...ok, ok: false, code: 'L4CON', detail: 'refused' });
    maglevd.fake.logger.debug('vpp-api-send', { name: 'lb_as_dump' });
    const { data } = await relayed;
    assert.equal(data.level, 'debug');
    assert.deepEqual(data.attrs, { name: 'lb_as_dump' });
    // maglevd (on its real clock) sends the batch once its window ends.
    assert.deepEqual((await summary).data, {
      maglevd: maglevd.target,
      count: 3,
      backends: ['nginx0-ams', 'nginx6'],
      failed: [{ backend: 'nginx6', code: 'L4CON', detail: 'refused' }],
    });
    const probeRecords = dash.fe.broker
      .replayable()
      .filter((e) => e.type === 'log' && /"msg":"probe-/.test(e.data));
    assert.deepEqual(probeRecords, [], 'maglevd sent no probe log records');
  });

  test('a full refresh every 30 s', async () => {
    await up.idle();
    const snapshots = count('snapshot');
    // The loop was armed when the dashboard started (clock.monotonic() 0).
    const due = 30_000 - (dash.clock.monotonic() % 30_000);
    await dash.clock.advance(due - 1);
    await up.idle();
    assert.equal(count('snapshot'), snapshots);
    await dash.clock.advance(1);
    await until(dash.fe, () => count('snapshot') === snapshots + 1, 'the 30 s refresh');
  });

  test('a config reload in maglevd triggers a refresh', async () => {
    await up.idle();
    const snapshot = nextBrokerEvent(dash.fe, (e) => e.type === 'snapshot', 'snapshot after reload');
    maglevd.fake.logger.info('config-reload', { file: 'maglev.yaml' });
    await snapshot;
  });

  test('vpp-connect: VPP info and lb state are fetched and published', async () => {
    await up.idle();
    maglevd.fake.vppBackend = fakeVpp;
    const published = nextBrokerEvent(
      dash.fe,
      (e, d) => e.type === 'vpp' && (d.vpp as { lbState: unknown }).lbState !== null,
      'vpp with lb state',
    );
    maglevd.fake.logger.info('vpp-connect', { socket: '/run/vpp/api.sock' });
    await published;
    await up.idle();
    const vpp = up.state().vpp;
    assert.equal(vpp.connected, true);
    assert.equal(vpp.info?.version, '25.02-rc0');
    assert.equal(vpp.info?.bootTime, T0 - 3_600_000);
    assert.equal(vpp.lbState?.vips[0]?.frontend, 'web-v4');
    assert.deepEqual(vpp.lbState?.vips[0]?.ases[0], {
      address: '192.0.2.10',
      weight: 100,
      inUse: true,
      buckets: 1024,
      backend: 'nginx0-ams',
      predictedBuckets: 1024,
    });

    const gone = nextBrokerEvent(
      dash.fe,
      (e, d) => e.type === 'vpp' && !(d.vpp as { connected: boolean }).connected,
      'vpp gone',
    );
    maglevd.fake.vppBackend = undefined;
    maglevd.fake.logger.info('vpp-disconnect', {});
    await gone;
    assert.equal(up.state().vpp.lbState, null);
  });

  test('traffic: every new counters poll is a traffic event, kept for the sparklines; gone with VPP', async () => {
    await up.idle();
    let polls = 0;
    let frozen = false;
    maglevd.fake.vppBackend = {
      ...fakeVpp,
      counters: () => {
        if (!frozen) polls++;
        return {
          vips: [
            {
              frontend: 'web-v4',
              prefix: '198.51.100.1/32',
              protocol: 'tcp' as const,
              port: 80,
              nextPackets: BigInt(polls * 100),
              firstPackets: 5n,
              untrackedPackets: 0n,
              noServerPackets: 0n,
              index: 1,
              routePackets: BigInt(polls * 105),
              routeBytes: BigInt(polls * 10_000),
              packetsPerSecond: polls * 10,
              routePacketsPerSecond: polls * 10,
              routeBytesPerSecond: polls * 1000,
            },
          ],
          updatedAt: T0 + polls * 5000,
          source: 'stats-segment',
          rateIntervalSeconds: 5,
        };
      },
    };
    const traffic = () => events.filter((e) => e.type === 'traffic').length;
    const before = traffic();
    const first = nextBrokerEvent(dash.fe, (e) => e.type === 'traffic', 'first traffic');
    await dash.clock.advance(5000);
    const { data } = await first;
    assert.deepEqual((data['sample'] as { frontends: unknown[] }).frontends, [
      { frontend: 'web-v4', pps: 10, bps: 1000, sharedAddress: false },
    ]);
    const second = nextBrokerEvent(dash.fe, (e) => e.type === 'traffic', 'second traffic');
    await dash.clock.advance(5000);
    await second;
    await up.idle();
    const t = up.state().traffic;
    assert.deepEqual(
      t?.frontends[0]?.history.map((p) => [p.pps, p.bps]),
      [
        [10, 1000],
        [20, 2000],
      ],
    );
    assert.equal(t?.totals.routeBytes, 20_000);
    assert.equal(traffic(), before + 2);

    frozen = true; // maglevd has not polled VPP again: the same snapshot adds nothing
    await dash.clock.advance(5000);
    await up.idle();
    assert.equal(traffic(), before + 2);

    const cleared = nextBrokerEvent(
      dash.fe,
      (e, d) => e.type === 'traffic' && d['sample'] === null,
      'cleared',
    );
    maglevd.fake.vppBackend = undefined; // GetVPPLBCounters now answers UNAVAILABLE
    await dash.clock.advance(5000);
    await cleared;
    assert.equal(up.state().traffic, null);
  });
});

describe('upstream: reachability', () => {
  test('maglevd going away turns it unreachable; coming back on the same address turns it green and re-syncs', async () => {
    let maglevd = await startFakeMaglevd();
    const target = maglevd.target;
    const dash = await startDashboard({ servers: [target] });
    const up = dash.fe.upstreams.get(target)!;
    try {
      await until(dash.fe, () => up.watching() && up.state().refreshedAt !== null, 'connected');

      const down = nextBrokerEvent(
        dash.fe,
        (e, d) => e.type === 'maglevd-status' && d.reachable === false,
        'unreachable',
      );
      await maglevd.close();
      // The stream's end or the next 5 s probe notices, whichever comes first.
      await dash.clock.advance(5000);
      const { data } = await down;
      assert.equal(up.statusJson().reachable, false);
      assert.equal(typeof data.error, 'string');
      assert.ok(dash.logs.some((l) => l.event === 'maglevd-unreachable'));

      maglevd = await startFakeMaglevd(target);
      const back = nextBrokerEvent(
        dash.fe,
        (e, d) => e.type === 'maglevd-status' && d.reachable === true,
        'reachable',
      );
      const snapshot = nextBrokerEvent(dash.fe, (e) => e.type === 'snapshot', 'refresh after coming back');
      // Health probes every 5 s on the fake clock; grpc-js's own reconnect backoff runs in real
      // time (at most 5 s as configured), so each round lets real time pass until maglevd answers.
      const deadline = Date.now() + WAIT_MS;
      while (!up.statusJson().reachable && Date.now() < deadline) {
        await dash.clock.advance(5000);
        await up.idle();
        if (!up.statusJson().reachable) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await Promise.all([back, snapshot]);
      await until(dash.fe, () => up.watching(), 'the stream back');
    } finally {
      await dash.close();
      await maglevd.close();
    }
  });

  test('a maglevd that never answers stays red, and the others are unaffected', async () => {
    const maglevd = await startFakeMaglevd();
    const dash = await startDashboard({ servers: [maglevd.target, '127.0.0.1:1'] });
    try {
      const good = dash.fe.upstreams.get(maglevd.target)!;
      const bad = dash.fe.upstreams.get('127.0.0.1:1')!;
      await until(dash.fe, () => good.state().refreshedAt !== null, 'the good one refreshed');
      await dash.clock.advance(5000);
      await bad.idle();
      assert.equal(bad.statusJson().reachable, false);
      assert.match(bad.statusJson().error ?? '', /ECONNREFUSED|connect/i);
      assert.equal(good.statusJson().reachable, true);
    } finally {
      await dash.close();
      await maglevd.close();
    }
  });
});
