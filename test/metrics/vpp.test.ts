import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import { createMetrics, type VipCounters } from '../../src/metrics/index.js';
import { Scrape } from './fixtures.js';

const VPP_GAUGES = ['maglev_vpp_uptime_seconds', 'maglev_vpp_connected_seconds', 'maglev_vpp_info'];

function setup(vpp = true) {
  const clock = new FakeClock();
  const metrics = createMetrics({ clock, vpp, processMetrics: false, build: { version: 'v', commit: 'c' } });
  return { clock, metrics, scrape: () => Scrape.of(metrics) };
}

const vip = (over: Partial<VipCounters> = {}): VipCounters => ({
  frontend: 'web',
  vip: '192.0.2.1/32 tcp:80',
  next: 100,
  first: 10,
  untracked: 1,
  noServer: 2,
  ...over,
});

void describe('VPP families', () => {
  void test('disconnected: connected is 0 and the other VPP gauges are left out', async () => {
    const { scrape } = setup();
    const s = await scrape();
    assert.equal(s.value('maglev_vpp_connected'), 0);
    for (const name of VPP_GAUGES) assert.deepEqual(s.find(name), [], name);
    assert.deepEqual(s.find('maglev_vip_packets_total'), []);
  });

  void test('connected: info, VPP uptime from its boot time, time since connect', async () => {
    const { clock, metrics, scrape } = setup();
    const boot = clock.now() / 1000 - 3600;
    metrics.vpp.connected({
      version: '25.02-release',
      buildDate: '2025-02-26T10:00:00',
      pid: 4242,
      bootTimeS: boot,
    });
    await clock.advance(90_000);
    const s = await scrape();
    assert.equal(s.value('maglev_vpp_connected'), 1);
    assert.equal(s.value('maglev_vpp_uptime_seconds'), 3690);
    assert.equal(s.value('maglev_vpp_connected_seconds'), 90);
    assert.equal(
      s.value('maglev_vpp_info', {
        version: '25.02-release',
        build_date: '2025-02-26T10:00:00',
        pid: '4242',
      }),
      1,
    );
    assert.equal(metrics.vpp.isConnected(), true);
  });

  void test('a disconnect drops gauges and VIP counters; counters of API calls and syncs remain', async () => {
    const { metrics, scrape } = setup();
    metrics.vpp.connected({ version: 'x', buildDate: 'y', pid: 1, bootTimeS: 0 });
    metrics.vpp.apiCall('lb_as_set_weight', 'send', true);
    metrics.vpp.lbSync('vip', { as_weight_updated: 1 });
    metrics.vpp.vipCounters([vip()]);
    metrics.vpp.disconnected();
    const s = await scrape();
    assert.equal(s.value('maglev_vpp_connected'), 0);
    for (const name of VPP_GAUGES) assert.deepEqual(s.find(name), [], name);
    assert.deepEqual(s.find('maglev_vip_packets_total'), []);
    assert.equal(s.value('maglev_vpp_api_total', { msg: 'lb_as_set_weight' }), 1);
    assert.equal(s.value('maglev_vpp_lbsync_total', { scope: 'vip', kind: 'as_weight_updated' }), 1);
  });

  void test('with VPP turned off, not even maglev_vpp_connected is reported', async () => {
    const { scrape } = setup(false);
    assert.deepEqual((await scrape()).find('maglev_vpp_connected'), []);
  });

  void test('API calls are counted by message, direction and result', async () => {
    const { metrics, scrape } = setup();
    for (let i = 0; i < 3; i++) metrics.vpp.apiCall('lb_add_del_as_v2', 'send', true);
    metrics.vpp.apiCall('lb_add_del_as_v2', 'recv', true);
    metrics.vpp.apiCall('lb_add_del_as_v2', 'recv', false);
    metrics.vpp.apiCall('control_ping', 'send', false);
    const s = await scrape();
    const api = (msg: string, direction: string, result: string) =>
      s.value('maglev_vpp_api_total', { msg, direction, result });
    assert.equal(api('lb_add_del_as_v2', 'send', 'success'), 3);
    assert.equal(api('lb_add_del_as_v2', 'recv', 'success'), 1);
    assert.equal(api('lb_add_del_as_v2', 'recv', 'failure'), 1);
    assert.equal(api('control_ping', 'send', 'failure'), 1);
    assert.equal(s.find('maglev_vpp_api_total').length, 4);
  });

  void test('lb sync counts add up per scope and kind; zero counts create no series', async () => {
    const { metrics, scrape } = setup();
    metrics.vpp.lbSync('all', { vip_added: 2, as_added: 6, as_removed: 0 });
    metrics.vpp.lbSync('all', { as_added: 1 });
    metrics.vpp.lbSync('vip', { as_weight_updated: 3, vip_removed: 0 });
    metrics.vpp.lbSync('vip', {});
    const s = await scrape();
    assert.deepEqual(
      s.find('maglev_vpp_lbsync_total').map((x) => [x.labels.scope, x.labels.kind, x.value]),
      [
        ['all', 'vip_added', 2],
        ['all', 'as_added', 7],
        ['vip', 'as_weight_updated', 3],
      ],
    );
  });

  void test('failed lb syncs are counted per scope, from 0 so that the first one shows in increase()', async () => {
    const { metrics, scrape } = setup();
    let s = await scrape();
    assert.deepEqual(
      s.find('maglev_vpp_lbsync_errors_total').map((x) => [x.labels.scope, x.value]),
      [
        ['all', 0],
        ['vip', 0],
      ],
    );
    metrics.vpp.lbSyncFailed('vip');
    metrics.vpp.lbSyncFailed('vip');
    metrics.vpp.lbSyncFailed('all');
    s = await scrape();
    assert.equal(s.value('maglev_vpp_lbsync_errors_total', { scope: 'vip' }), 2);
    assert.equal(s.value('maglev_vpp_lbsync_errors_total', { scope: 'all' }), 1);
    const off = createMetrics({ processMetrics: false, vpp: false });
    assert.doesNotMatch(await off.scrape(), /maglev_vpp_lbsync_errors_total\{/);
  });

  void test('VIP counters: one series per kind, replaced whole by each poll', async () => {
    const { metrics, scrape } = setup();
    metrics.vpp.connected({ version: 'x', buildDate: 'y', pid: 1, bootTimeS: 0 });
    metrics.vpp.vipCounters([
      vip({ routePackets: 500, routeBytes: 64_000 }),
      vip({ frontend: 'dns', vip: '2001:db8::53/128 udp:53', next: 0, first: 0, untracked: 0, noServer: 9 }),
    ]);
    let s = await scrape();
    assert.deepEqual(
      s.find('maglev_vip_packets_total', { frontend: 'web' }).map((x) => [x.labels.kind, x.value]),
      [
        ['next', 100],
        ['first', 10],
        ['untracked', 1],
        ['no-server', 2],
      ],
    );
    assert.equal(s.value('maglev_vip_packets_total', { frontend: 'dns', kind: 'no-server' }), 9);
    assert.equal(s.value('maglev_vip_route_packets_total', { frontend: 'web' }), 500);
    assert.equal(s.value('maglev_vip_route_bytes_total', { frontend: 'web' }), 64_000);
    assert.deepEqual(s.find('maglev_vip_route_packets_total', { frontend: 'dns' }), []);

    metrics.vpp.vipCounters([vip({ next: 150 })]); // the dns frontend went away
    s = await scrape();
    assert.deepEqual(s.labelValues('maglev_vip_packets_total', 'frontend'), ['web']);
    assert.equal(s.value('maglev_vip_packets_total', { frontend: 'web', kind: 'next' }), 150);
  });
});
