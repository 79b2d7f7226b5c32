// Every unary RPC of maglev.Maglev through the generated grpc-js client on a real port, with
// the status codes a client relies on.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { msFromDuration, type VppApiBackend } from '../../src/api/index.js';
import { FailedPreconditionError, NotFoundError, UnavailableError } from '../../src/errors.js';
import { T0 } from '../helpers/fake-backend.js';
import { expectStatus, rpc, startFixture, type Fixture } from '../helpers/api-server.js';

void describe('maglev.Maglev unary RPCs', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx.close();
  });

  void test('ListFrontends returns names and full infos in config order; names_only skips infos', async () => {
    const c = fx.client;
    const all = await rpc(c.listFrontends.bind(c), { namesOnly: false });
    assert.deepEqual(all.names, ['web-v4', 'web-v6']);
    assert.equal(all.frontends.length, 2);
    const names = await rpc(c.listFrontends.bind(c), { namesOnly: true });
    assert.deepEqual(names.names, ['web-v4', 'web-v6']);
    assert.deepEqual(names.frontends, []);
  });

  void test('GetFrontend shows pools with configured and effective weights, state and settings', async () => {
    const c = fx.client;
    const f = await rpc(c.getFrontend.bind(c), { name: 'web-v4' });
    assert.equal(f.address, '198.51.100.1');
    assert.equal(f.protocol, 'tcp');
    assert.equal(f.port, 80);
    assert.equal(f.description, 'IPng website');
    assert.equal(f.srcIpSticky, false);
    assert.equal(f.flushOnDown, true);
    assert.equal(f.flowTableLength, 1024);
    assert.equal(f.state, 'up');
    assert.equal(f.activePool, 0);
    assert.equal(f.addressFamily, 4);
    assert.equal(f.stateSince?.getTime(), T0);
    assert.deepEqual(
      f.pools.map((p) => [
        p.name,
        p.active,
        p.backends.map((b) => [b.name, b.weight, b.effectiveWeight, b.state]),
      ]),
      [
        [
          'primary',
          true,
          [
            ['nginx0-ams', 100, 100, 'up'],
            ['nginx0-fra', 50, 0, 'down'],
          ],
        ],
        ['fallback', false, [['nginx0-zrh', 100, 0, 'up']]],
      ],
    );
    const fra = f.pools[0]?.backends[1];
    assert.equal(fra?.flush, true);
    assert.equal(fra?.lastTransition?.getTime(), T0 + 5000);
    assert.equal(f.pools[0]?.backends[0]?.predictedBuckets, 512);
    assert.equal(f.pools[0]?.backends[0]?.vppBuckets, undefined);

    const v6 = await rpc(c.getFrontend.bind(c), { name: 'web-v6' });
    assert.equal(v6.activePool, undefined, 'no active pool is an absent field, not 0');
    assert.equal(v6.protocol, 'any');
    assert.equal(v6.port, 0);
    assert.equal(v6.state, 'unknown');
    assert.equal(v6.stateSince, undefined);
  });

  void test('GetFrontend: NOT_FOUND for an unknown name, INVALID_ARGUMENT for none', async () => {
    const c = fx.client;
    await expectStatus(
      rpc(c.getFrontend.bind(c), { name: 'nope' }),
      status.NOT_FOUND,
      /frontend "nope" not found/,
    );
    await expectStatus(rpc(c.getFrontend.bind(c), { name: '' }), status.INVALID_ARGUMENT);
  });

  void test('ListBackends and GetBackend show state, counter, rise/fall, enabled, health check, history', async () => {
    const c = fx.client;
    const list = await rpc(c.listBackends.bind(c), { namesOnly: false });
    assert.deepEqual(list.names, ['nginx0-ams', 'nginx0-fra', 'nginx0-zrh', 'nginx6']);
    const b = await rpc(c.getBackend.bind(c), { name: 'nginx0-fra' });
    assert.equal(b.address, '192.0.2.11');
    assert.equal(b.state, 'down');
    assert.equal(b.counter, 0);
    assert.equal(b.rise, 2);
    assert.equal(b.fall, 3);
    assert.equal(b.enabled, true);
    assert.equal(b.healthcheck, 'http');
    assert.equal(b.addressFamily, 4);
    assert.deepEqual(b.frontends, ['web-v4']);
    assert.deepEqual(
      b.transitions.map((t) => [t.from, t.to, t.time?.getTime(), t.code, t.detail]),
      [
        ['up', 'down', T0 + 5000, 'L4CON', 'connect ECONNREFUSED'],
        ['unknown', 'up', T0, 'L7OK', 'status 200'],
      ],
    );
    const zrh = await rpc(c.getBackend.bind(c), { name: 'nginx0-zrh' });
    assert.equal(zrh.healthcheck, '', 'no health check is an empty name');
    await expectStatus(rpc(c.getBackend.bind(c), { name: 'ghost' }), status.NOT_FOUND);
  });

  void test('operator actions return the new BackendInfo; errors map to statuses', async () => {
    const c = fx.client;
    const paused = await rpc(c.pauseBackend.bind(c), { name: 'nginx6' });
    assert.equal(paused.state, 'paused');
    assert.equal(paused.transitions[0]?.code, 'paused');
    const resumed = await rpc(c.resumeBackend.bind(c), { name: 'nginx6' });
    assert.equal(resumed.state, 'unknown');
    await expectStatus(
      rpc(c.resumeBackend.bind(c), { name: 'nginx6' }),
      status.FAILED_PRECONDITION,
      /not paused/,
    );
    const disabled = await rpc(c.disableBackend.bind(c), { name: 'nginx6' });
    assert.equal(disabled.state, 'disabled');
    assert.equal(disabled.enabled, false);
    const enabled = await rpc(c.enableBackend.bind(c), { name: 'nginx6' });
    assert.equal(enabled.state, 'unknown');
    assert.equal(enabled.enabled, true);
    await expectStatus(rpc(c.pauseBackend.bind(c), { name: 'ghost' }), status.NOT_FOUND);
    assert.ok(!fx.fake.calls.includes('pause ghost'), 'unknown names are rejected before the backend acts');
  });

  void test("a backend's NotFoundError maps to NOT_FOUND; other throws to INTERNAL", async () => {
    const c = fx.client;
    const original = fx.fake.pauseBackend.bind(fx.fake);
    try {
      fx.fake.pauseBackend = () => {
        throw new NotFoundError('backend', 'nginx6', 'backend "nginx6" was removed by a reload');
      };
      await expectStatus(
        rpc(c.pauseBackend.bind(c), { name: 'nginx6' }),
        status.NOT_FOUND,
        /removed by a reload/,
      );
      fx.fake.pauseBackend = () => {
        throw new TypeError('bug');
      };
      await expectStatus(rpc(c.pauseBackend.bind(c), { name: 'nginx6' }), status.INTERNAL, /bug/);
    } finally {
      fx.fake.pauseBackend = original;
    }
  });

  void test('ListHealthChecks and GetHealthCheck give every setting, durations as Duration', async () => {
    const c = fx.client;
    const list = await rpc(c.listHealthChecks.bind(c), { namesOnly: false });
    assert.deepEqual(list.names, ['http']);
    const hc = await rpc(c.getHealthCheck.bind(c), { name: 'http' });
    assert.equal(hc.type, 'http');
    assert.equal(hc.port, 80);
    assert.equal(msFromDuration(hc.interval!), 2000);
    assert.equal(msFromDuration(hc.fastInterval!), 500);
    assert.equal(msFromDuration(hc.downInterval!), 10_000);
    assert.equal(msFromDuration(hc.timeout!), 1500);
    assert.equal(hc.timeout?.seconds, 1n);
    assert.equal(hc.timeout?.nanos, 500_000_000);
    assert.equal(hc.rise, 2);
    assert.equal(hc.fall, 3);
    assert.equal(hc.probeIpv4Src, '192.0.2.254');
    assert.equal(hc.probeIpv6Src, '');
    assert.deepEqual(hc.params, {
      path: '/healthz',
      host: 'www.example',
      responseCodeMin: 200,
      responseCodeMax: 299,
      responseRegexp: 'ok',
      serverName: '',
      insecureSkipVerify: false,
      ssl: false,
      halfOpen: false,
      tlsSessionReuse: false,
      resetClose: false,
    });
    assert.deepEqual(hc.backends, ['nginx0-ams', 'nginx0-fra', 'nginx6']);
    await expectStatus(rpc(c.getHealthCheck.bind(c), { name: 'icmp' }), status.NOT_FOUND);
  });

  void test("PreviewChange: the action's own checks first, then the preview; nothing is acted on", async () => {
    const c = fx.client;
    const preview = c.previewChange.bind(c);
    const before = fx.fake.calls.length;
    const p = await rpc(preview, { change: { $case: 'disableBackend', value: { name: 'nginx0-ams' } } });
    assert.equal(p.vppOps[0]?.op, 'as-weight');
    assert.equal(p.vppOps[0]?.flush, true);
    assert.equal(p.vips[0]?.bucketsMoved, 1024);
    assert.equal(p.vips[0]?.ases[0]?.weightAfter, 0);
    assert.equal(p.backends[0]?.to, 'disabled');
    const weight = { frontend: 'web-v4', pool: 'primary', backend: 'nginx0-ams', weight: 30, flush: false };
    await rpc(preview, { change: { $case: 'setWeight', value: weight } });
    assert.deepEqual(fx.fake.calls.slice(before), [
      'preview {"kind":"backend-action","action":"disable","backend":"nginx0-ams"}',
      'preview {"kind":"set-weight","input":{"frontend":"web-v4","pool":"primary","backend":"nginx0-ams","weight":30,"flush":false}}',
    ]);
    await expectStatus(rpc(preview, { change: undefined }), status.INVALID_ARGUMENT, /change is required/);
    await expectStatus(
      rpc(preview, { change: { $case: 'pauseBackend', value: { name: 'ghost' } } }),
      status.NOT_FOUND,
    );
    await expectStatus(
      rpc(preview, { change: { $case: 'setWeight', value: { ...weight, weight: 101 } } }),
      status.INVALID_ARGUMENT,
      /outside 0..100/,
    );
    await expectStatus(
      rpc(preview, { change: { $case: 'setWeight', value: { ...weight, pool: 'nope' } } }),
      status.NOT_FOUND,
      /pool/,
    );
    // No VPP in this fake: previewing a sync is as unavailable as the sync.
    await expectStatus(
      rpc(preview, { change: { $case: 'syncVppLbState', value: { frontend: '' } } }),
      status.UNAVAILABLE,
    );
    assert.equal(fx.fake.calls.length, before + 2, 'refused previews never reach the backend');
  });

  void test('SetFrontendPoolBackendWeight: applies and returns the frontend; bad input is rejected', async () => {
    const c = fx.client;
    const set = c.setFrontendPoolBackendWeight.bind(c);
    const base = { frontend: 'web-v4', pool: 'primary', backend: 'nginx0-ams', flush: true };
    const f = await rpc(set, { ...base, weight: 30 });
    assert.equal(f.pools[0]?.backends[0]?.weight, 30);
    assert.ok(fx.fake.calls.includes('weight web-v4/primary/nginx0-ams=30 flush'));
    await expectStatus(rpc(set, { ...base, weight: 101 }), status.INVALID_ARGUMENT, /outside 0..100/);
    await expectStatus(rpc(set, { ...base, weight: -1 }), status.INVALID_ARGUMENT);
    await expectStatus(rpc(set, { ...base, frontend: 'nope', weight: 1 }), status.NOT_FOUND, /frontend/);
    await expectStatus(rpc(set, { ...base, pool: 'nope', weight: 1 }), status.NOT_FOUND, /pool/);
    await expectStatus(
      rpc(set, { ...base, backend: 'nginx0-zrh', weight: 1 }),
      status.NOT_FOUND,
      /in pool "primary"/,
    );
    await rpc(set, { ...base, weight: 100, flush: false });
  });

  void test('CheckConfig and ReloadConfig report the outcome of the shared check/reload path', async () => {
    const c = fx.client;
    fx.fake.checkResult = {
      ok: true,
      warnings: ['flow-table-length 1024 of web-v4 is below 100 x 3 backends'],
    };
    const ok = await rpc(c.checkConfig.bind(c), { candidateYaml: '', candidateName: '' });
    assert.deepEqual(ok, {
      ok: true,
      parseError: '',
      semanticError: '',
      preview: undefined,
      warnings: ['flow-table-length 1024 of web-v4 is below 100 x 3 backends'],
    });
    fx.fake.checkResult = { ok: false, semanticError: 'maglev.yaml:12:7: backend "x" does not exist' };
    const bad = await rpc(c.checkConfig.bind(c), { candidateYaml: '', candidateName: '' });
    assert.equal(bad.ok, false);
    assert.match(bad.semanticError, /12:7/);
    fx.fake.reloadResult = { ok: false, parseError: 'maglev.yaml:3:1: bad indentation' };
    const reload = await rpc(c.reloadConfig.bind(c), {});
    assert.equal(reload.ok, false);
    assert.match(reload.parseError, /3:1/);
    assert.equal(reload.applyError, '');
    assert.ok(fx.fake.calls.includes('check') && fx.fake.calls.includes('reload'));
  });

  void test('VPP RPCs are UNAVAILABLE while VPP integration is not connected', async () => {
    const c = fx.client;
    fx.fake.vppBackend = undefined;
    const re = /VPP integration is not connected/;
    await expectStatus(rpc(c.getVppInfo.bind(c), {}), status.UNAVAILABLE, re);
    await expectStatus(rpc(c.getVpplbState.bind(c), {}), status.UNAVAILABLE, re);
    await expectStatus(rpc(c.syncVpplbState.bind(c), { frontend: '' }), status.UNAVAILABLE, re);
    await expectStatus(rpc(c.getVpplbCounters.bind(c), {}), status.UNAVAILABLE, re);
  });

  void test('VPP RPCs with a VPP backend: info, lb state, sync, counters', async () => {
    const c = fx.client;
    const synced: (string | undefined)[] = [];
    const vpp: VppApiBackend = {
      info: () => ({
        version: '26.10-rc0~123',
        buildDate: '2026-08-22T10:00:00',
        buildDirectory: '/home/vpp',
        pid: 4242,
        bootTime: T0 - 3_600_000,
        connectTime: T0,
        lbApiVersion: '1.2.0',
        apiSocket: '/run/vpp/api.sock',
        statsSocket: '/run/vpp/stats.sock',
      }),
      lbState: () =>
        Promise.resolve({
          conf: {
            ipv4SrcAddress: '192.0.2.254',
            ipv6SrcAddress: '2001:db8::fe',
            stickyBucketsPerCore: 1024,
            flowTimeoutS: 40,
          },
          vips: [
            {
              prefix: '198.51.100.1/32',
              protocol: 'tcp',
              port: 80,
              encap: 'gre4',
              flowTableLength: 1024,
              srcIpSticky: false,
              frontend: 'web-v4',
              index: 1,
              ases: [
                {
                  address: '192.0.2.10',
                  weight: 100,
                  flags: 1,
                  inUse: true,
                  buckets: 1024,
                  inUseSince: 12,
                  backend: 'nginx0-ams',
                  predictedBuckets: 1024,
                },
                {
                  address: '192.0.2.99',
                  weight: 0,
                  flags: 0,
                  inUse: false,
                  buckets: undefined,
                  inUseSince: 0,
                  backend: undefined,
                  predictedBuckets: undefined,
                },
              ],
            },
          ],
          readAt: T0,
        }),
      sync: (frontend) => {
        synced.push(frontend);
        return Promise.resolve({
          vipsAdded: 1,
          vipsRemoved: 0,
          asesAdded: 2,
          asesRemoved: 0,
          weightsUpdated: 3,
        });
      },
      counters: () => ({
        updatedAt: T0,
        source: 'stats-segment',
        rateIntervalSeconds: 5,
        vips: [
          {
            frontend: 'web-v4',
            prefix: '198.51.100.1/32',
            protocol: 'tcp',
            port: 80,
            nextPackets: 2n ** 60n,
            firstPackets: 7n,
            untrackedPackets: 0n,
            noServerPackets: 3n,
            index: 4,
            routePackets: 2n ** 62n,
            routeBytes: 2n ** 63n + 1n,
            packetsPerSecond: 12.5,
            routePacketsPerSecond: 13,
            routeBytesPerSecond: 1_000_000.25,
          },
        ],
      }),
    };
    fx.fake.vppBackend = vpp;
    try {
      const info = await rpc(c.getVppInfo.bind(c), {});
      assert.equal(info.version, '26.10-rc0~123');
      assert.equal(info.pid, 4242);
      assert.equal(info.bootTime?.getTime(), T0 - 3_600_000);
      assert.equal(info.connectTime?.getTime(), T0);
      assert.equal(info.lbApiVersion, '1.2.0');

      const state = await rpc(c.getVpplbState.bind(c), {});
      assert.equal(state.conf?.flowTimeout, 40);
      const vip = state.vips[0];
      assert.equal(vip?.prefix, '198.51.100.1/32');
      assert.equal(vip?.index, 1);
      assert.deepEqual(
        vip?.ases.map((a) => [a.address, a.weight, a.inUse, a.buckets, a.backend, a.predictedBuckets]),
        [
          ['192.0.2.10', 100, true, 1024, 'nginx0-ams', 1024],
          ['192.0.2.99', 0, false, undefined, '', undefined],
        ],
      );

      assert.deepEqual(await rpc(c.syncVpplbState.bind(c), { frontend: '' }), {
        vipsAdded: 1,
        vipsRemoved: 0,
        asesAdded: 2,
        asesRemoved: 0,
        weightsUpdated: 3,
      });
      await rpc(c.syncVpplbState.bind(c), { frontend: 'web-v6' });
      assert.deepEqual(synced, [undefined, 'web-v6']);
      await expectStatus(rpc(c.syncVpplbState.bind(c), { frontend: 'nope' }), status.NOT_FOUND);

      const counters = await rpc(c.getVpplbCounters.bind(c), {});
      assert.equal(counters.vips[0]?.nextPackets, 2n ** 60n, 'uint64 survives beyond 2^53');
      assert.equal(counters.vips[0]?.noServerPackets, 3n);
      assert.equal(counters.vips[0]?.index, 4);
      assert.equal(counters.vips[0]?.routeBytes, 2n ** 63n + 1n, 'route bytes beyond 2^63');
      assert.equal(counters.vips[0]?.routePackets, 2n ** 62n);
      assert.equal(counters.vips[0]?.packetsPerSecond, 12.5);
      assert.equal(counters.vips[0]?.routeBytesPerSecond, 1_000_000.25);
      assert.equal(counters.source, 'stats-segment');
      assert.equal(counters.rateIntervalSeconds, 5);
      assert.equal(counters.updatedAt?.getTime(), T0);

      vpp.sync = () => Promise.reject(new FailedPreconditionError('VPP sync is held by the startup warmup'));
      await expectStatus(
        rpc(c.syncVpplbState.bind(c), { frontend: '' }),
        status.FAILED_PRECONDITION,
        /warmup/,
      );
      vpp.info = () => {
        throw new UnavailableError('VPP is not connected');
      };
      await expectStatus(rpc(c.getVppInfo.bind(c), {}), status.UNAVAILABLE, /not connected/);
    } finally {
      fx.fake.vppBackend = undefined;
    }
  });
});
