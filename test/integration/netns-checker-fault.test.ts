// The checker's own faults are not the backends' (issue 14): maglevd (the real Daemon, the real
// probes in healthchecker.netns) programs vppsim while the probe namespace loses the icmp
// check's source address, and then disappears altogether. Nothing is wrong with any backend, so
// no backend may move and no VIP may drain; the fault is logged, and clears when the address is
// back. Needs root (CI runs as root).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensurePingGroupRange } from '../../src/probe/index.js';
import { silentLogger } from '../../src/log/index.js';
import { TestPki } from '../helpers/index.js';
import {
  addNetns,
  deleteNetns,
  ip,
  NetnsJanitor,
  startServerInNetns,
  sweepStaleNamespaces,
} from '../helpers/netns.js';
import { buildTopology, type Topology } from '../helpers/netns-topology.js';
import { allUp, startDaemon, vppSection, type DaemonRig } from '../helpers/vppsim-daemon.js';
import { startSim, usedAses, type SimHandle } from '../helpers/vppsim-harness.js';
import { needsRoot } from '../helpers/requirements.js';
import { withTempDir } from '../helpers/temp-dir.js';

const PING_VIP = '192.0.2.1/32 6:80';
const WEB_VIP = '192.0.2.2/32 6:80';

function yaml(topo: Topology): string {
  return `maglev:
  healthchecker:
    netns: ${topo.dataplane}
${vppSection()}  healthchecks:
    ping:
      type: icmp
      probe-ipv4-src: ${topo.v4.source}
      interval: 100ms
      timeout: 400ms
      rise: 1
      fall: 2
    web:
      type: tcp
      port: 80
      interval: 100ms
      timeout: 400ms
      rise: 1
      fall: 2
  backends:
    ping: { address: ${topo.v4.backend}, healthcheck: ping }
    web: { address: ${topo.v4.backend}, healthcheck: web }
  frontends:
    ping-vip:
      address: 192.0.2.1
      port: 80
      pools:
        - name: only
          backends: { ping: {} }
    web-vip:
      address: 192.0.2.2
      port: 80
      pools:
        - name: only
          backends: { web: {} }
`;
}

void describe(
  'checker self-faults in healthchecker.netns leave backends and VIPs alone',
  { skip: needsRoot('network namespaces') },
  () => {
    const janitor = new NetnsJanitor();
    let pki: TestPki;
    let topo: Topology;
    let dir: string;
    let release: () => void;
    let done: Promise<void>;
    let sim: SimHandle;
    let rig: DaemonRig;

    before(async () => {
      sweepStaleNamespaces();
      topo = buildTopology(janitor);
      pki = await TestPki.create();
      const cert = await pki.issue([topo.v4.backend]);
      await startServerInNetns(janitor, topo.backends, { cert: cert.certPath, key: cert.keyPath });
      assert.equal(ensurePingGroupRange({ netns: topo.dataplane, logger: silentLogger }).ok, true);
      const ready = new Promise<void>((resolve) => {
        done = withTempDir(async (d) => {
          dir = d;
          resolve();
          await new Promise<void>((r) => (release = r));
        });
      });
      await ready;
      sim = await startSim({ socketPath: join(dir, 'api.sock') });
      rig = await startDaemon({ dir, yaml: yaml(topo), vppSocket: sim.socketPath, realProbes: true });
      await allUp(rig, ['ping', 'web']);
    });

    after(async () => {
      await rig?.stop();
      await sim?.sim.close();
      release?.();
      await done;
      await janitor.cleanup();
      await pki?.dispose();
    });

    /** Waits for `count` more probes of `backend` that ended as a checker fault. */
    async function faultedProbes(backend: string, from: number, count: number): Promise<void> {
      for (let seen = 0; seen < count; seen++) {
        const next = await rig.logs.waitFor(
          'probe-done',
          (a) => a['backend'] === backend && a['code'] === 'checker-fault',
          from,
        );
        from = rig.logs.records.indexOf(next) + 1;
      }
    }

    const transitionsSince = (mark: number) =>
      rig.logs
        .named('backend-transition', mark)
        .map((r) => `${String(r.attrs['backend'])}→${String(r.attrs['to'])}`);

    void test('the icmp source address disappears: a checker fault, not a down backend', async () => {
      const mark = rig.logs.mark();
      ip('-n', topo.dataplane, 'addr', 'del', `${topo.v4.source}/32`, 'dev', 'lo');
      const fault = await rig.logs.waitFor('checker-fault', (a) => a['backend'] === 'ping', mark);
      assert.equal(fault.attrs['reason'], 'source-address');
      assert.equal(fault.attrs['healthcheck'], 'ping');
      // More faulted probes than `fall`: a backend fault would long have taken it down.
      await faultedProbes('ping', mark, 4);
      await rig.synced();
      assert.deepEqual(transitionsSince(mark), []);
      assert.equal(rig.daemon.checker.stateOf('ping'), 'up');
      assert.deepEqual(usedAses(sim.sim, PING_VIP), [`${topo.v4.backend}=100`]);

      // The address comes back: the fault clears and nothing moves because of it.
      const back = rig.logs.mark();
      ip('-n', topo.dataplane, 'addr', 'add', `${topo.v4.source}/32`, 'dev', 'lo');
      await rig.logs.waitFor('checker-fault-cleared', (a) => a['backend'] === 'ping', back);
      await rig.logs.waitFor('probe-done', (a) => a['backend'] === 'ping' && a['code'] === 'L4OK', back);
      await rig.synced();
      assert.deepEqual(transitionsSince(mark), []);
      assert.deepEqual(usedAses(sim.sim, PING_VIP), [`${topo.v4.backend}=100`]);
    });

    void test('the namespace is deleted: every backend keeps its state, no VIP drains', async () => {
      const mark = rig.logs.mark();
      deleteNetns(topo.dataplane);
      for (const backend of ['ping', 'web']) {
        const fault = await rig.logs.waitFor('checker-fault', (a) => a['backend'] === backend, mark);
        assert.equal(fault.attrs['reason'], 'netns');
        await faultedProbes(backend, mark, 4);
      }
      await rig.synced();
      assert.deepEqual(transitionsSince(mark), []);
      assert.equal(rig.daemon.checker.stateOf('ping'), 'up');
      assert.equal(rig.daemon.checker.stateOf('web'), 'up');
      assert.deepEqual(usedAses(sim.sim, PING_VIP), [`${topo.v4.backend}=100`]);
      assert.deepEqual(usedAses(sim.sim, WEB_VIP), [`${topo.v4.backend}=100`]);

      // Re-created empty (no routes, no source address): still the checker's fault, now with the
      // cause the fresh namespace has.
      const empty = rig.logs.mark();
      addNetns(topo.dataplane);
      const web = await rig.logs.waitFor(
        'checker-fault',
        (a) => a['backend'] === 'web' && a['reason'] === 'no-route',
        empty,
      );
      assert.match(String(web.attrs['detail']), /ENETUNREACH/);
      await rig.logs.waitFor(
        'checker-fault',
        (a) => a['backend'] === 'ping' && a['reason'] === 'source-address',
        empty,
      );
      await faultedProbes('web', empty, 3);
      await rig.synced();
      assert.deepEqual(transitionsSince(mark), []);
      assert.deepEqual(usedAses(sim.sim, WEB_VIP), [`${topo.v4.backend}=100`]);
    });
  },
);
