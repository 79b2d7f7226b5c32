// The VPP RPCs of a running maglevd, through a real gRPC client, against vppsim: GetVPPInfo,
// GetVPPLBState (frontend and backend names, buckets and predicted buckets at fixed figures, a
// prediction that follows VPP's weights from read to read),
// SyncVPPLBState (summary, NOT_FOUND, FAILED_PRECONDITION during warmup, UNAVAILABLE without VPP),
// GetVPPLBCounters, and SetFrontendPoolBackendWeight reaching VPP before it answers. Also: maglevd
// refuses to start (exit 2) or to reload without the GRE source addresses.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { credentials, status } from '@grpc/grpc-js';
import { MaglevClient } from '../../src/api/index.js';
import { ConfigRejectedError } from '../../src/daemon/daemon.js';
import { expectStatus, rpc } from '../helpers/api-server.js';
import { runProgram } from '../helpers/daemon-process.js';
import {
  LB_WRITES,
  pushFlows,
  simVips,
  startSim,
  usedAses,
  type SimHandle,
} from '../helpers/vppsim-harness.js';
import { FAST_CHECK, allUp, startDaemon, vppSection, type DaemonRig } from '../helpers/vppsim-daemon.js';
import { withTempDir } from '../helpers/temp-dir.js';

function yaml(vpp: Parameters<typeof vppSection>[0] = {}): string {
  return `maglev:
${vppSection(vpp)}${FAST_CHECK}  backends:
    a: { address: 10.0.0.1, healthcheck: tcp }
    b: { address: 10.0.0.2, healthcheck: tcp }
  frontends:
    web:
      address: 192.0.2.10
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends:
            a: {}
            b: { weight: 50 }
`;
}

const WEB = '192.0.2.10/32 6:80';

function clientOf(rig: DaemonRig): MaglevClient {
  return new MaglevClient(`127.0.0.1:${String(rig.daemon.grpcPort)}`, credentials.createInsecure());
}

void describe('VPP RPCs against vppsim', () => {
  let dir: string;
  let release: () => void;
  let done: Promise<void>;
  let sim: SimHandle;
  let rig: DaemonRig;
  let client: MaglevClient;

  before(async () => {
    const ready = new Promise<void>((resolve) => {
      done = withTempDir(async (d) => {
        dir = d;
        resolve();
        await new Promise<void>((r) => (release = r));
      });
    });
    await ready;
    sim = await startSim({ socketPath: join(dir, 'api.sock'), pid: 4321 });
    rig = await startDaemon({ dir, yaml: yaml(), vppSocket: sim.socketPath, grpc: true });
    await allUp(rig, ['a', 'b']);
    client = clientOf(rig);
  });

  after(async () => {
    client.close();
    await rig.stop();
    await sim.sim.close();
    release();
    await done;
  });

  void test('GetVPPInfo', async () => {
    const info = await rpc(client.getVppInfo.bind(client), {});
    assert.match(info.version, /vppsim/);
    assert.equal(info.pid, 4321);
    assert.equal(info.lbApiVersion, '1.2.0');
    assert.equal(info.apiSocket, sim.socketPath);
    assert.equal(info.statsSocket, join(dir, 'stats.sock'));
    assert.ok(info.connectTime instanceof Date);
    assert.equal(info.bootTime, undefined, 'vppsim is not a vpp process: its start time is unknown');
  });

  void test('GetVPPLBState: live, named, with buckets that match the prediction', async () => {
    const state = await rpc(client.getVpplbState.bind(client), {});
    assert.equal(state.conf?.ipv4SrcAddress, '192.0.2.254');
    assert.equal(state.conf?.ipv6SrcAddress, '2001:db8::fe');
    assert.equal(state.vips.length, 1);
    const vip = state.vips[0];
    assert.ok(vip);
    assert.equal(vip.frontend, 'web');
    assert.equal(vip.prefix, '192.0.2.10/32');
    assert.equal(vip.protocol, 'tcp');
    assert.equal(vip.encap, 'gre4');
    assert.equal(vip.flowTableLength, 1024);
    assert.equal(typeof vip.index, 'number');
    assert.deepEqual(
      vip.ases.map((as) => [as.address, as.backend, as.weight, as.inUse]),
      [
        ['10.0.0.1', 'a', 100, true],
        ['10.0.0.2', 'b', 50, true],
      ],
    );
    // Weights 100/50 in 1024 buckets give 674/350 (docs/vpp-lb.md's weighted table): what
    // vppsim built and what maglevd predicts are each held to that figure, not to each other.
    assert.deepEqual(
      vip.ases.map((as) => [as.address, as.buckets, as.predictedBuckets]),
      [
        ['10.0.0.1', 674, 674],
        ['10.0.0.2', 350, 350],
      ],
    );
    // The read feeds the frontend view's vpp_buckets.
    const fe = await rpc(client.getFrontend.bind(client), { name: 'web' });
    const a = fe.pools[0]?.backends.find((b) => b.name === 'a');
    assert.equal(a?.vppBuckets, vip.ases[0]?.buckets);
  });

  void test('SyncVPPLBState: nothing to do, then a repair; unknown frontend is NOT_FOUND', async () => {
    assert.deepEqual(await rpc(client.syncVpplbState.bind(client), { frontend: '' }), {
      vipsAdded: 0,
      vipsRemoved: 0,
      asesAdded: 0,
      asesRemoved: 0,
      weightsUpdated: 0,
    });
    const vip = simVips(sim.sim).get(WEB);
    assert.ok(vip);
    sim.sim.lb.setAsWeight(
      vip.index,
      new Uint8Array([...new Array<number>(12).fill(0), 10, 0, 0, 1]),
      7,
      false,
    );
    const repaired = await rpc(client.syncVpplbState.bind(client), { frontend: 'web' });
    assert.equal(repaired.weightsUpdated, 1);
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=50']);
    await expectStatus(rpc(client.syncVpplbState.bind(client), { frontend: 'nope' }), status.NOT_FOUND);
  });

  void test('SetFrontendPoolBackendWeight reaches VPP before the call returns, with the flush asked for', async () => {
    const mark = sim.recorder.requests.length;
    await rpc(client.setFrontendPoolBackendWeight.bind(client), {
      frontend: 'web',
      pool: 'primary',
      backend: 'b',
      weight: 0,
      flush: true,
    });
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=0']);
    assert.deepEqual(
      sim.recorder
        .since(mark, LB_WRITES)
        .map((r) => [r.msg, r.fields['as_address'], r.fields['weight'], r.fields['is_flush']]),
      [['lb_as_set_weight', '10.0.0.2', 0, true]],
    );
    await rpc(client.setFrontendPoolBackendWeight.bind(client), {
      frontend: 'web',
      pool: 'primary',
      backend: 'b',
      weight: 50,
      flush: false,
    });
    assert.deepEqual(usedAses(sim.sim, WEB), ['10.0.0.1=100', '10.0.0.2=50']);
  });

  void test('GetVPPLBState: the prediction follows the weights VPP holds, read after read', async () => {
    const predicted = async () =>
      (await rpc(client.getVpplbState.bind(client), {})).vips[0]?.ases.map((as) => [
        as.address,
        as.weight,
        as.predictedBuckets,
      ]);
    const usual = [
      ['10.0.0.1', 100, 674],
      ['10.0.0.2', 50, 350],
    ];
    assert.deepEqual(await predicted(), usual);
    assert.deepEqual(await predicted(), usual, 'read again, nothing changed');
    // Behind maglevd's back, as in the repair above: VPP's own weights are what is predicted.
    const vip = simVips(sim.sim).get(WEB);
    assert.ok(vip);
    sim.sim.lb.setAsWeight(
      vip.index,
      new Uint8Array([...new Array<number>(12).fill(0), 10, 0, 0, 2]),
      100,
      false,
    );
    assert.deepEqual(await predicted(), [
      ['10.0.0.1', 100, 512],
      ['10.0.0.2', 100, 512],
    ]);
    await rpc(client.syncVpplbState.bind(client), { frontend: 'web' });
    assert.deepEqual(await predicted(), usual);
  });

  void test('GetVPPLBCounters: the per-VIP counters of the last poll', async () => {
    pushFlows(sim.sim, { address: '192.0.2.10', protocol: 6, port: 80 }, 12);
    await rig.daemon.vpp?.poller.pollNow();
    const counters = await rpc(client.getVpplbCounters.bind(client), {});
    assert.equal(counters.vips.length, 1);
    const web = counters.vips[0];
    assert.equal(web?.frontend, 'web');
    assert.equal(web?.prefix, '192.0.2.10/32');
    assert.equal(web?.firstPackets, 12n);
    assert.equal(web?.nextPackets, 0n);
    assert.ok(counters.updatedAt instanceof Date);
  });

  void test('without VPP every VPP RPC is UNAVAILABLE', async () => {
    const from = rig.logs.mark();
    await sim.sim.close();
    await rig.logs.waitFor('vpp-disconnect', () => true, from);
    for (const call of [
      rpc(client.getVppInfo.bind(client), {}),
      rpc(client.getVpplbState.bind(client), {}),
      rpc(client.syncVpplbState.bind(client), { frontend: '' }),
      rpc(client.getVpplbCounters.bind(client), {}),
    ])
      await expectStatus(call, status.UNAVAILABLE, /not connected/);
  });
});

void describe('VPP RPCs against a lb 1.1 VPP', () => {
  void test('GetVPPInfo and GetVPPLBState read the release generation right', async () => {
    await withTempDir(async (dir) => {
      const sim = await startSim({ socketPath: join(dir, 'api.sock'), lbGeneration: '1.1' });
      const rig = await startDaemon({ dir, yaml: yaml(), vppSocket: sim.socketPath, grpc: true });
      const client = clientOf(rig);
      try {
        await allUp(rig, ['a', 'b']);
        const info = await rpc(client.getVppInfo.bind(client), {});
        assert.equal(info.lbApiVersion, '1.1.0');
        const state = await rpc(client.getVpplbState.bind(client), {});
        assert.equal(state.conf?.ipv4SrcAddress, '192.0.2.254');
        assert.equal(state.conf?.ipv6SrcAddress, '2001:db8::fe');
        assert.equal(state.conf?.stickyBucketsPerCore, 1024);
        const vip = state.vips[0];
        assert.equal(vip?.frontend, 'web');
        assert.equal(vip?.protocol, 'tcp', 'the release dump says 0; the CLI knows better');
        assert.equal(vip?.flowTableLength, 1024);
        // No weights on 1.1: equal shares, and the CLI's bucket counts match the prediction.
        assert.deepEqual(
          vip?.ases.map((as) => [as.address, as.weight, as.buckets, as.predictedBuckets]),
          [
            ['10.0.0.1', 100, 512, 512],
            ['10.0.0.2', 100, 512, 512],
          ],
        );
      } finally {
        client.close();
        await rig.stop();
        await sim.sim.close();
      }
    });
  });
});

void describe('VPP RPCs during warmup, and the source-address rule', () => {
  void test('SyncVPPLBState is FAILED_PRECONDITION while the warmup holds', async () => {
    await withTempDir(async (dir) => {
      const sim = await startSim({ socketPath: join(dir, 'api.sock') });
      const rig = await startDaemon({
        dir,
        yaml: yaml({ minDelay: '1h', maxDelay: '1h' }),
        vppSocket: sim.socketPath,
        grpc: true,
      });
      const client = clientOf(rig);
      try {
        await allUp(rig, ['a', 'b']);
        await expectStatus(
          rpc(client.syncVpplbState.bind(client), { frontend: '' }),
          status.FAILED_PRECONDITION,
          /warmup/,
        );
        await expectStatus(
          rpc(client.syncVpplbState.bind(client), { frontend: 'web' }),
          status.FAILED_PRECONDITION,
          /warmup/,
        );
        // The weight is taken (in memory), VPP is left alone.
        await rpc(client.setFrontendPoolBackendWeight.bind(client), {
          frontend: 'web',
          pool: 'primary',
          backend: 'a',
          weight: 10,
          flush: false,
        });
        assert.equal(sim.recorder.since(0, LB_WRITES).length, 0);
        assert.equal(simVips(sim.sim).size, 0);
      } finally {
        client.close();
        await rig.stop();
        await sim.sim.close();
      }
    });
  });

  void test('no GRE source addresses: refused at start (exit 2) and on reload', async () => {
    await withTempDir(async (dir) => {
      const sim = await startSim({ socketPath: join(dir, 'api.sock') });
      const bad = yaml().replace(/ {6}ipv[46]-src-address: .*\n/g, '');
      try {
        await assert.rejects(
          startDaemon({ dir, yaml: bad, vppSocket: sim.socketPath, file: 'bad.yaml' }),
          (err: unknown) =>
            err instanceof ConfigRejectedError &&
            err.outcome.kind === 'semantic' &&
            /ipv4-src-address/.test(err.message),
        );
        const file = join(dir, 'bad-cli.yaml');
        await writeFile(file, bad);
        const proc = runProgram('src/bin/maglevd.ts', [
          '--config',
          file,
          '--vpp-api-addr',
          sim.socketPath,
          '--grpc-addr',
          '',
          '--metrics-addr',
          '',
        ]);
        assert.equal(await proc.exited, 2);
        assert.ok(proc.stderr.some((l) => /ipv6-src-address/.test(l)));

        const rig = await startDaemon({ dir, yaml: yaml(), vppSocket: sim.socketPath });
        try {
          const outcome = await rig.reload(bad);
          assert.equal(outcome.ok, false);
          assert.equal(outcome.kind, 'semantic');
          assert.equal(
            rig.daemon.checker.config().vpp.lb.ipv4SrcAddress,
            '192.0.2.254',
            'the old config stays',
          );
        } finally {
          await rig.stop();
        }
      } finally {
        await sim.sim.close();
      }
    });
  });
});
