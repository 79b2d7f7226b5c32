// The panic threshold on vppsim (docs/safety.md §The panic threshold): maglevd (the real Daemon,
// scripted probes) keeps a frontend with `panic-threshold: 50%` serving on all its enabled
// backends at their configured weights when too few are up and no fallback is, while a frontend
// without one drains as it always did; a fallback pool that comes up ends the panic.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AS_WRITES, startSim, usedAses, type SimHandle } from '../helpers/vppsim-harness.js';
import { withTempDir } from '../helpers/temp-dir.js';
import {
  FAST_CHECK,
  allUp,
  startDaemon,
  turn,
  vppSection,
  type DaemonRig,
} from '../helpers/vppsim-daemon.js';

const SAFE = '192.0.2.20/32 6:80';
const PLAIN = '192.0.2.21/32 6:80';
const ADDRESS: Record<string, string> = {
  a: '10.0.1.1',
  b: '10.0.1.2',
  c: '10.0.1.3',
  d: '10.0.1.4',
  e: '10.0.1.5',
  f: '10.0.1.6',
};

const YAML = `maglev:
${vppSection()}${FAST_CHECK}  backends:
${Object.entries(ADDRESS)
  .map(([name, address]) => `    ${name}: { address: ${address}, healthcheck: tcp }`)
  .join('\n')}
  frontends:
    safe:
      address: 192.0.2.20
      port: 80
      panic-threshold: 50%
      pools:
        - name: primary
          backends:
            a: {}
            b: { weight: 50 }
            c: {}
            d: {}
        - name: fallback
          backends:
            e: {}
    plain:
      address: 192.0.2.21
      port: 80
      pools:
        - name: only
          backends:
            f: {}
`;

const some = (...names: string[]) => Object.fromEntries(names.map((n) => [n, ADDRESS[n] ?? '']));

void describe('panic-threshold on vppsim', () => {
  let dir: string;
  let release: () => void;
  let done: Promise<void>;
  let sim: SimHandle;
  let rig: DaemonRig;

  before(async () => {
    const ready = new Promise<void>((resolve) => {
      done = withTempDir(async (d) => {
        dir = d;
        resolve();
        await new Promise<void>((r) => (release = r));
      });
    });
    await ready;
    sim = await startSim({ socketPath: join(dir, 'api.sock') });
    rig = await startDaemon({ dir, yaml: YAML, vppSocket: sim.socketPath });
    await allUp(rig, Object.keys(ADDRESS));
  });

  after(async () => {
    await rig?.stop();
    await sim?.sim.close();
    release?.();
    await done;
  });

  void test('healthy: the primary serves, the fallback waits', () => {
    assert.deepEqual(usedAses(sim.sim, SAFE), [
      '10.0.1.1=100',
      '10.0.1.2=50',
      '10.0.1.3=100',
      '10.0.1.4=100',
      '10.0.1.5=0',
    ]);
    assert.equal(rig.daemon.checker.frontendPanic('safe'), undefined);
  });

  void test('2 of 4 up is at the threshold: the down ones drain as usual', async () => {
    await turn(rig, 'down', some('c', 'd', 'e'));
    assert.deepEqual(usedAses(sim.sim, SAFE), [
      '10.0.1.1=100',
      '10.0.1.2=50',
      '10.0.1.3=0',
      '10.0.1.4=0',
      '10.0.1.5=0',
    ]);
    assert.equal(rig.daemon.checker.frontendPanic('safe'), undefined);
  });

  void test('1 of 4 up, no fallback up: panic, every enabled backend at its configured weight', async () => {
    const mark = rig.logs.mark();
    const sent = sim.recorder.requests.length;
    await turn(rig, 'down', some('b'));
    assert.deepEqual(usedAses(sim.sim, SAFE), [
      '10.0.1.1=100',
      '10.0.1.2=50',
      '10.0.1.3=100',
      '10.0.1.4=100',
      '10.0.1.5=0',
    ]);
    const panic = await rig.logs.waitFor('frontend-panic', (a) => a['frontend'] === 'safe', mark);
    assert.deepEqual(panic.attrs, { frontend: 'safe', pool: 'primary', up: 1, eligible: 4, threshold: 50 });
    assert.equal(rig.daemon.checker.frontendState('safe'), 'up');
    // b went down and straight into the panic pool: it kept its weight and its flows.
    const toB = sim.recorder
      .since(sent, AS_WRITES)
      .filter((r) => String(r.fields['as_address']) === ADDRESS.b);
    assert.deepEqual(toB, []);
    const toC = sim.recorder
      .since(sent, AS_WRITES)
      .filter((r) => String(r.fields['as_address']) === ADDRESS.c);
    assert.equal(toC.length, 1, 'c was raised back to its weight');
  });

  void test('a disabled backend leaves the count and stays out; the others keep serving', async () => {
    rig.daemon.checker.disable('d');
    await rig.synced();
    // 1 up of 3 eligible: still panic; d is disabled, so weight 0.
    assert.deepEqual(rig.daemon.checker.frontendPanic('safe'), {
      pool: 0,
      up: 1,
      eligible: 3,
      threshold: 50,
    });
    assert.deepEqual(usedAses(sim.sim, SAFE), [
      '10.0.1.1=100',
      '10.0.1.2=50',
      '10.0.1.3=100',
      '10.0.1.4=0',
      '10.0.1.5=0',
    ]);
    rig.daemon.checker.enable('d');
    await rig.synced();
  });

  void test('the fallback comes up: the panic ends and the usual rules apply', async () => {
    const mark = rig.logs.mark();
    await turn(rig, 'up', some('e'));
    await rig.logs.waitFor('frontend-panic-ended', (a) => a['frontend'] === 'safe', mark);
    // a is still up in the primary, so the primary stays active; the down ones drain.
    assert.deepEqual(usedAses(sim.sim, SAFE), [
      '10.0.1.1=100',
      '10.0.1.2=0',
      '10.0.1.3=0',
      '10.0.1.4=0',
      '10.0.1.5=0',
    ]);
  });

  void test('without a panic-threshold, today\u2019s behaviour: everything down drains the VIP', async () => {
    await turn(rig, 'down', some('f'));
    assert.deepEqual(usedAses(sim.sim, PLAIN), ['10.0.1.6=0']);
    assert.equal(rig.daemon.checker.frontendPanic('plain'), undefined);
    assert.equal(rig.daemon.checker.frontendState('plain'), 'down');
  });

  void test('nothing up anywhere: the primary serves in panic, the fallback stays at 0', async () => {
    await turn(rig, 'down', some('a', 'e'));
    assert.deepEqual(rig.daemon.checker.frontendPanic('safe'), {
      pool: 0,
      up: 0,
      eligible: 4,
      threshold: 50,
    });
    assert.deepEqual(usedAses(sim.sim, SAFE), [
      '10.0.1.1=100',
      '10.0.1.2=50',
      '10.0.1.3=100',
      '10.0.1.4=100',
      '10.0.1.5=0',
    ]);
  });
});
