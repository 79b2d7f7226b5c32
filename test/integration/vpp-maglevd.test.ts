// maglevd (the real Daemon, scripted probes) programming vppsim over the real API socket: the
// dataplane follows health — VIPs and weights at start, down with and without flush (seen in
// vppsim's sticky table), disable, pool failover and back — and config reloads: src-ip-sticky
// re-creates the VIP, a frontend gone from the config takes its VIP with it. Two frontends share
// one address; an IPv6 VIP has IPv4 backends (ip6-gre4).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  flowsOf,
  pushFlows,
  simVips,
  startSim,
  usedAses,
  type SimHandle,
} from '../helpers/vppsim-harness.js';
import {
  FAST_CHECK,
  allUp,
  startDaemon,
  turn as turnBackends,
  vppSection,
  type DaemonRig,
} from '../helpers/vppsim-daemon.js';
import { withTempDir } from '../helpers/temp-dir.js';

const WEB = '192.0.2.10/32 6:80';
const TLS = '192.0.2.10/32 6:443';
const V6 = '2001:db8::10/128 6:80';

function yaml(opts: { webSticky?: boolean; withTls?: boolean } = {}): string {
  const tls = `    web-tls:
      address: 192.0.2.10
      protocol: tcp
      port: 443
      flush-on-down: false
      pools:
        - name: only
          backends:
            a: {}
            b: { weight: 50 }
`;
  return `maglev:
${vppSection()}${FAST_CHECK}  backends:
    a: { address: 10.0.0.1, healthcheck: tcp }
    b: { address: 10.0.0.2, healthcheck: tcp }
    c: { address: 10.0.0.3, healthcheck: tcp }
    d: { address: 10.0.0.4, healthcheck: tcp }
  frontends:
    web:
      address: 192.0.2.10
      protocol: tcp
      port: 80
      src-ip-sticky: ${opts.webSticky ?? false}
      pools:
        - name: primary
          backends:
            a: {}
            b: {}
        - name: fallback
          backends:
            c: {}
${opts.withTls === false ? '' : tls}    v6:
      address: 2001:db8::10
      protocol: tcp
      port: 80
      pools:
        - name: only
          backends:
            c: {}
            d: { weight: 20 }
`;
}

const ADDRESS: Record<string, string> = { a: '10.0.0.1', b: '10.0.0.2', c: '10.0.0.3', d: '10.0.0.4' };

function turn(rig: DaemonRig, to: 'up' | 'down', ...names: string[]): Promise<void> {
  return turnBackends(rig, to, Object.fromEntries(names.map((n) => [n, ADDRESS[n] ?? ''])));
}

void describe('maglevd programs vppsim (lb 1.2)', () => {
  let dir: string;
  let release: () => void;
  let done: Promise<void>;
  let sim: SimHandle;
  let rig: DaemonRig;

  before(async () => {
    // One temp dir for the whole suite, removed when it ends.
    const ready = new Promise<void>((resolve) => {
      done = withTempDir(async (d) => {
        dir = d;
        resolve();
        await new Promise<void>((r) => (release = r));
      });
    });
    await ready;
    sim = await startSim({ socketPath: join(dir, 'api.sock') });
    rig = await startDaemon({ dir, yaml: yaml(), vppSocket: sim.socketPath });
    await rig.logs.waitFor('vpp-connect');
    await allUp(rig, ['a', 'b', 'c', 'd']);
  });

  after(async () => {
    await rig.stop();
    await sim.sim.close();
    release();
    await done;
  });

  void test('healthy start: every VIP with its ASes at their effective weights', () => {
    const vips = simVips(sim.sim);
    assert.deepEqual([...vips.keys()].sort(), [WEB, TLS, V6].sort());
    assert.equal(vips.get(WEB)?.type, 'ip4-gre4');
    assert.equal(vips.get(V6)?.type, 'ip6-gre4', 'an IPv6 VIP with IPv4 backends is gre4');
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=100', '10.0.0.3=0']);
    assert.deepEqual(usedAses(sim.sim, TLS), ['10.0.0.1=100', '10.0.0.2=50']);
    assert.deepEqual(usedAses(sim.sim, V6), ['10.0.0.3=100', '10.0.0.4=20']);
    assert.deepEqual(
      [...sim.sim.lb.config.ip4SrcAddress].join('.'),
      '192.0.2.254',
      'lb_conf carried the GRE source address',
    );
    // Buckets follow the weights (1024-bucket tables): a backend at 0 has none.
    assert.equal(vips.get(WEB)?.ases.get('10.0.0.3')?.buckets, 0);
    assert.equal(
      [...(vips.get(TLS)?.ases.values() ?? [])].reduce((n, as) => n + as.buckets, 0),
      1024,
    );
  });

  void test('a backend fails: weight 0, flushed on the flush-on-down VIP, drained on the other', async () => {
    pushFlows(sim.sim, { address: '192.0.2.10', protocol: 6, port: 80 }, 64);
    pushFlows(sim.sim, { address: '192.0.2.10', protocol: 6, port: 443 }, 64);
    assert.ok(flowsOf(sim.sim, WEB, '10.0.0.1') > 0 && flowsOf(sim.sim, TLS, '10.0.0.1') > 0);
    const mark = sim.recorder.requests.length;
    await turn(rig, 'down', 'a');
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=0', '10.0.0.2=100', '10.0.0.3=0']);
    assert.deepEqual(usedAses(sim.sim, TLS), ['10.0.0.1=0', '10.0.0.2=50']);
    assert.equal(flowsOf(sim.sim, WEB, '10.0.0.1'), 0, 'flush-on-down: pinned flows torn down');
    assert.ok(flowsOf(sim.sim, TLS, '10.0.0.1') > 0, 'flush-on-down false: flows drain');
    const calls = sim.recorder
      .since(mark, new Set(['lb_as_set_weight']))
      .map(
        (r) =>
          `${String(r.fields['port'])} ${String(r.fields['as_address'])} w=${String(r.fields['weight'])} flush=${String(r.fields['is_flush'])}`,
      )
      .sort();
    assert.deepEqual(calls, ['443 10.0.0.1 w=0 flush=false', '80 10.0.0.1 w=0 flush=true']);
    await turn(rig, 'up', 'a');
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=100', '10.0.0.3=0']);
  });

  void test('disable always flushes, even where flush-on-down is off', async () => {
    pushFlows(sim.sim, { address: '192.0.2.10', protocol: 6, port: 443 }, 64, '198.51.100.77');
    assert.ok(flowsOf(sim.sim, TLS, '10.0.0.2') > 0);
    const from = rig.logs.mark();
    rig.daemon.checker.disable('b');
    await rig.logs.waitFor('backend-transition', (a) => a['backend'] === 'b' && a['to'] === 'disabled', from);
    await rig.synced();
    assert.deepEqual(usedAses(sim.sim, TLS), ['10.0.0.1=100', '10.0.0.2=0']);
    assert.equal(flowsOf(sim.sim, TLS, '10.0.0.2'), 0);
    const enabled = rig.logs.mark();
    rig.daemon.checker.enable('b');
    await rig.logs.waitFor('backend-transition', (a) => a['backend'] === 'b' && a['to'] === 'up', enabled);
    await rig.synced();
    assert.deepEqual(usedAses(sim.sim, TLS), ['10.0.0.1=100', '10.0.0.2=50']);
  });

  void test('pool failover to the fallback pool and back', async () => {
    await turn(rig, 'down', 'a', 'b');
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=0', '10.0.0.2=0', '10.0.0.3=100']);
    assert.deepEqual(usedAses(sim.sim, V6), ['10.0.0.3=100', '10.0.0.4=20'], 'other VIPs untouched');
    await turn(rig, 'up', 'b');
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=0', '10.0.0.2=100', '10.0.0.3=0']);
    await turn(rig, 'up', 'a');
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=100', '10.0.0.3=0']);
  });

  void test('reload: a src-ip-sticky change re-creates the VIP; a frontend removed takes its VIP along', async () => {
    const from = rig.logs.mark();
    const outcome = await rig.reload(yaml({ webSticky: true }));
    assert.equal(outcome.ok, true);
    await rig.synced();
    const recreate = await rig.logs.waitFor('lb-vip-recreate', () => true, from);
    assert.equal(recreate.attrs['reason'], 'src-ip-sticky-changed');
    assert.equal(recreate.attrs['frontend'], 'web');
    assert.equal(simVips(sim.sim).get(WEB)?.srcIpSticky, true);
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=100', '10.0.0.3=0']);
    assert.deepEqual(
      usedAses(sim.sim, TLS),
      ['10.0.0.1=100', '10.0.0.2=50'],
      'the sibling VIP on the prefix stays',
    );

    const removed = await rig.reload(yaml({ webSticky: true, withTls: false }));
    assert.equal(removed.ok, true);
    await rig.synced();
    assert.deepEqual([...simVips(sim.sim).keys()].sort(), [WEB, V6].sort());
  });
});
