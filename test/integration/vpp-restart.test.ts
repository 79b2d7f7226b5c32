// Restarts. The headline: maglevd restarted while every backend is healthy changes NO AS in VPP
// (restart neutrality, docs/vpp.md §Startup warmup) — counted on vppsim's side, for both lb generations.
// Also: nothing reaches VPP before startup-min-delay; vppsim restarted under a running maglevd gets
// everything back; and lb 1.1 (no weights) carries the same forwarding intent as 1.2 through failures and
// failover.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { LbGeneration } from '../../src/vpp/index.js';
import {
  AS_WRITES,
  LB_WRITES,
  simVips,
  startSim,
  usedAses,
  type SimHandle,
} from '../helpers/vppsim-harness.js';
import { FAST_CHECK, allUp, startDaemon, turn, vppSection } from '../helpers/vppsim-daemon.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { ScriptedProbe } from '../helpers/scripted-probe.js';

const BACKENDS = { a: '10.0.0.1', b: '10.0.0.2', c: '10.0.0.3', d: '10.0.0.4', e: '10.0.0.5' };
const NAMES = Object.keys(BACKENDS);

function yaml(vpp: { minDelay?: string; maxDelay?: string } = {}): string {
  return `maglev:
${vppSection(vpp)}${FAST_CHECK}  backends:
${Object.entries(BACKENDS)
  .map(([n, a]) => `    ${n}: { address: ${a}, healthcheck: tcp }`)
  .join('\n')}
  frontends:
    web:
      address: 192.0.2.10
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends:
            a: {}
            b: { weight: 60 }
        - name: fallback
          backends:
            c: {}
    dns:
      address: 192.0.2.11
      protocol: udp
      port: 53
      flush-on-down: false
      pools:
        - name: only
          backends:
            d: {}
            e: {}
    all-ports:
      address: 2001:db8::20
      protocol: any
      pools:
        - name: only
          backends:
            a: {}
            d: { weight: 10 }
`;
}

/** Every lb request that reads or writes the lb plugin's state (the counters CLI aside). */
const LB_SYNC_TRAFFIC: ReadonlySet<string> = new Set([
  ...LB_WRITES,
  'lb_vip_dump',
  'lb_as_dump',
  'lb_as_v2_dump',
]);

async function restartNeutrality(generation: LbGeneration): Promise<void> {
  await withTempDir(async (dir) => {
    const sim = await startSim({ socketPath: join(dir, 'api.sock'), lbGeneration: generation });
    try {
      const first = await startDaemon({ dir, yaml: yaml(), vppSocket: sim.socketPath });
      await allUp(first, NAMES);
      const before = simVips(sim.sim);
      assert.equal(before.size, 3);
      await first.stop();

      const mark = sim.recorder.requests.length;
      const second = await startDaemon({
        dir,
        yaml: yaml({ minDelay: '300ms', maxDelay: '4s' }),
        vppSocket: sim.socketPath,
        file: 'maglev-restarted.yaml',
      });
      try {
        await second.logs.waitFor('warmup-release-window');
        // The sim reads its socket in a later turn than this continuation: this count is exact.
        const beforeMin = sim.recorder.since(mark, LB_SYNC_TRAFFIC);
        assert.deepEqual(beforeMin, [], 'nothing touches VPP before startup-min-delay');

        await second.logs.waitFor('lb-sync', (a) => a['reason'] === 'warmup-final');
        await second.synced();
        const released = second.logs.named('warmup-release').map((r) => r.attrs['frontend']);
        assert.deepEqual([...released].sort(), ['all-ports', 'dns', 'web']);

        const asChanges = sim.recorder.since(mark, AS_WRITES);
        assert.deepEqual(asChanges, [], 'a restart with healthy backends changes no AS');
        const vipChanges = sim.recorder.since(mark, new Set(['lb_add_del_vip', 'lb_add_del_vip_v2']));
        assert.deepEqual(vipChanges, []);
        assert.deepEqual(simVips(sim.sim), before);
        // It did look: the release syncs (batched over one read) and the final sync read VPP.
        assert.ok(sim.recorder.since(mark, new Set(['lb_vip_dump'])).length >= 2);
        const releaseSyncs = second.logs
          .named('lb-sync')
          .filter((r) => String(r.attrs['reason']).includes('warmup-release'));
        assert.deepEqual(releaseSyncs.map((r) => r.attrs['frontend']).sort(), ['all-ports', 'dns', 'web']);
      } finally {
        await second.stop();
      }
    } finally {
      await sim.sim.close();
    }
  });
}

void describe('restarts', () => {
  void test('maglevd restart with healthy backends: zero AS changes in VPP (lb 1.2)', () =>
    restartNeutrality('1.2'));

  void test('maglevd restart with healthy backends: zero AS changes in VPP (lb 1.1)', () =>
    restartNeutrality('1.1'));

  void test('vppsim restarted under a running maglevd: full resync into the empty VPP', async () => {
    await withTempDir(async (dir) => {
      const socketPath = join(dir, 'api.sock');
      let sim: SimHandle = await startSim({ socketPath, pid: 1111 });
      const rig = await startDaemon({ dir, yaml: yaml(), vppSocket: socketPath });
      try {
        await allUp(rig, NAMES);
        const expected = new Map(
          [...simVips(sim.sim)]
            .map(([k, v]) => [k, usedAses(sim.sim, k), v.type] as const)
            .map(([k, a, t]) => [k, { a, t }]),
        );
        const from = rig.logs.mark();
        await sim.sim.close();
        await rig.logs.waitFor('vpp-disconnect', () => true, from);
        sim = await startSim({ socketPath, pid: 2222 });
        const connect = await rig.logs.waitFor('vpp-connect', () => true, from);
        assert.equal(connect.attrs['restarted'], true);
        await rig.logs.waitFor('lb-sync', (a) => a['reason'] === 'connect', from);
        await rig.synced();
        for (const [key, { a, t }] of expected) {
          assert.deepEqual(usedAses(sim.sim, key), a, key);
          assert.equal(simVips(sim.sim).get(key)?.type, t);
        }
        assert.equal(sim.recorder.named('lb_conf').length, 1, 'the new VPP got its source addresses');
      } finally {
        await rig.stop();
        await sim.sim.close();
      }
    });
  });

  void test('lb 1.1 carries the same forwarding intent as 1.2 (the set of ASes taking new flows)', async () => {
    await withTempDir(async (dir) => {
      const sims = await Promise.all(
        (['1.1', '1.2'] as const).map((g) =>
          startSim({ socketPath: join(dir, `api-${g}.sock`), lbGeneration: g }),
        ),
      );
      const [old, cur] = sims as [SimHandle, SimHandle];
      const probes = new ScriptedProbe();
      const rigs = await Promise.all(
        sims.map((s, i) =>
          startDaemon({ dir, yaml: yaml(), vppSocket: s.socketPath, probes, file: `maglev-${i}.yaml` }),
        ),
      );
      try {
        for (const rig of rigs) await allUp(rig, NAMES);
        /** 1.2: in use with weight > 0; 1.1: in use (weight 0 means removed there). */
        const intent = (): [string[], string[]] => {
          const view = (s: SimHandle, weighted: boolean) =>
            [...simVips(s.sim)].flatMap(([key, vip]) =>
              [...vip.ases]
                .filter(([, as]) => as.used && (!weighted || as.weight > 0))
                .map(([address]) => `${key} ${address}`),
            );
          return [view(old, false).sort(), view(cur, true).sort()];
        };
        const steps: ['up' | 'down', Record<string, string>][] = [
          ['down', { a: BACKENDS.a }],
          ['down', { b: BACKENDS.b }], // web fails over to c
          ['down', { d: BACKENDS.d }],
          ['up', { a: BACKENDS.a, b: BACKENDS.b, d: BACKENDS.d }],
        ];
        const [start11, start12] = intent();
        assert.deepEqual(start11, start12);
        for (const [to, backends] of steps) {
          await turn(rigs, to, backends);
          const [i11, i12] = intent();
          assert.deepEqual(i11, i12, `after ${to} ${Object.keys(backends).join(',')}`);
        }
      } finally {
        await Promise.all(rigs.map((r) => r.stop()));
        await Promise.all(sims.map((s) => s.sim.close()));
      }
    });
  });
});
