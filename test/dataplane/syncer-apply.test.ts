// applyOps with many operations in flight, against vppsim over the real socket: the window holds,
// the wire order is the plan's, a refusal in the middle of a window belongs to the operation VPP
// refused (its siblings still count, its VIP's later stages are skipped), and a connection lost
// with operations in flight ends the run without a crash. And, over random configs and health:
// whatever the window, a plan sent to vppsim takes it from any earlier state to the desired one.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  applyOps,
  desiredState,
  planSync,
  readActualState,
  vipKeyString,
  type LbOp,
} from '../../src/dataplane/index.js';
import { VppApiError, VppClient, VppConnectionError, vnetErrorCode } from '../../src/vpp/index.js';
import { AS_WRITES, LB_WRITES, startSim, usedAses, type SimHandle } from '../helpers/vppsim-harness.js';
import { withTempDir } from '../helpers/temp-dir.js';
import {
  EMPTY,
  InFlightMeter,
  arbConfig,
  arbStates,
  buildConfig,
  manyFrontends,
  stateMap,
  states,
} from './fixtures.js';

async function withClient(fn: (sim: SimHandle, client: VppClient) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const socketPath = join(dir, 'api.sock');
    const sim = await startSim({ socketPath });
    const client = await VppClient.connect({ socketPath, apiDir: null });
    try {
      await fn(sim, client);
    } finally {
      client.destroy();
      await sim.sim.close();
    }
  });
}

/** The plan that builds `frontends` VIPs of `perFrontend` ASes each from nothing. */
function buildPlan(frontends: number, perFrontend: number): LbOp[] {
  const desired = desiredState(manyFrontends(frontends, perFrontend), states({}, 'up'));
  return planSync(desired, EMPTY, { scope: 'all', generation: '1.2' });
}

const vipOf = (f: number): string => `192.0.2.${f + 1}/32 6:80`;

void test("many operations in flight, never more than the window; each VIP's on the wire in the plan's order", async () => {
  await withClient(async (sim, client) => {
    const ops = buildPlan(3, 50);
    const meter = new InFlightMeter(client);
    const result = await applyOps(meter, ops, {}, { window: 16 });
    assert.equal(result.applied.length, ops.length);
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.skipped, []);
    assert.equal(meter.most, 16);
    for (let f = 0; f < 3; f++) assert.equal(usedAses(sim.sim, vipOf(f)).length, 50);
    // Every VIP's add went out before any of its ASes, and its ASes in the plan's order; the
    // VIPs did not wait for each other (all three adds went out first).
    const wire = sim.recorder
      .since(0, LB_WRITES)
      .map((r) => `${r.msg === 'lb_add_del_as_v2' ? String(r.fields['as_address']) : 'vip'}`);
    assert.deepEqual(wire.slice(0, 3), ['vip', 'vip', 'vip']);
    const planned = ops.flatMap((op) => (op.op === 'as-add' ? [op.address] : []));
    for (let f = 0; f < 3; f++) {
      const mine = planned.filter((a) => a.startsWith(`10.${f}.`));
      assert.deepEqual(
        wire.filter((a) => a.startsWith(`10.${f}.`)),
        mine,
      );
    }
  });
});

void test('teardowns are barriers: nothing overtakes them, they overtake nothing', async () => {
  await withClient(async (sim, client) => {
    // Two VIPs in VPP; the next plan tears the first down (stale) and builds a third.
    await applyOps(client, buildPlan(2, 5));
    const desired = desiredState(manyFrontends(3, 5), states({}, 'up'));
    const stale = await readActualState(client, desired);
    const target = new Map([...desired.vips].filter(([, v]) => v.frontend !== 'fe0'));
    const plan = planSync({ ...desired, vips: target }, stale.state, { scope: 'all', generation: '1.2' });
    assert.ok(plan[0]?.stage === 'teardown-ases');
    const mark = sim.recorder.requests.length;
    const result = await applyOps(client, plan, {}, { window: 64 });
    assert.equal(result.applied.length, plan.length);
    const wire = sim.recorder.since(mark, LB_WRITES).map((r) => Boolean(r.fields['is_del']));
    const teardowns = plan.filter((op) => op.stage.startsWith('teardown')).length;
    assert.deepEqual(
      wire.slice(0, teardowns),
      Array.from({ length: teardowns }, () => true),
    );
    assert.ok(wire.slice(teardowns).every((isDel) => !isDel));
  });
});

void test('window 1 sends one operation at a time', async () => {
  await withClient(async (_sim, client) => {
    const meter = new InFlightMeter(client);
    const result = await applyOps(meter, buildPlan(2, 10), {}, { window: 1 });
    assert.equal(result.applied.length, 22);
    assert.equal(meter.most, 1);
  });
});

void test("a VIP's ASes wait for the VIP: its add is answered before they go out", async () => {
  await withClient(async (sim, client) => {
    const meter = new InFlightMeter(client);
    const ops = buildPlan(1, 5);
    const seen: number[] = [];
    await applyOps(meter, ops, { onApplied: (op) => op.op === 'vip-add' && seen.push(meter.inFlight) });
    // When the VIP add was answered, nothing else of its VIP was in flight.
    assert.deepEqual(seen, [0]);
    assert.equal(usedAses(sim.sim, vipOf(0)).length, 5);
  });
});

void test('a refusal in the middle of a window: that operation fails, its siblings count, its later stages are skipped', async () => {
  await withClient(async (sim, client) => {
    const ops = buildPlan(2, 10);
    // The 4th AS of the first VIP is IPv6: VPP refuses it for an IPv4 VIP.
    const firstVip = vipKeyString(ops[0]?.vip ?? assert.fail('no plan'));
    const bad = ops.findIndex((op, i) => i > 3 && op.op === 'as-add' && vipKeyString(op.vip) === firstVip);
    const original = ops[bad] as Extract<LbOp, { op: 'as-add' }>;
    ops[bad] = { ...original, address: '2001:db8::1' };
    // A later stage of that VIP (a weight lowering) must not be sent.
    const lowering: LbOp = { ...original, op: 'as-weight', stage: 'weight-lower', weight: 0, flush: false };
    const vipEnd = ops.findLastIndex((op) => vipKeyString(op.vip) === firstVip);
    ops.splice(vipEnd + 1, 0, lowering);

    const failedHook: LbOp[] = [];
    const result = await applyOps(client, ops, { onFailed: (op) => failedHook.push(op) }, { window: 8 });
    assert.equal(result.failed.length, 1);
    const failure = result.failed[0];
    assert.equal(failure?.op, ops[bad]);
    assert.ok(failure?.error instanceof VppApiError);
    assert.equal(failure.error.msg, 'lb_add_del_as_v2');
    assert.equal(failure.error.retval, vnetErrorCode('INVALID_ADDRESS_FAMILY'));
    assert.deepEqual(failedHook, [ops[bad]]);
    assert.deepEqual(result.skipped, [lowering]);
    assert.equal(usedAses(sim.sim, vipOf(0)).length, 9);
    assert.equal(usedAses(sim.sim, vipOf(1)).length, 10);
    assert.equal(sim.recorder.named('lb_as_set_weight').length, 0);
  });
});

void test('a refused VIP add: none of its ASes is sent, the next VIP gets everything', async () => {
  await withClient(async (sim, client) => {
    const ops = buildPlan(2, 5);
    // An all-port VIP already on the first prefix: VPP refuses the per-port one (VALUE_EXIST).
    const taken = buildPlan(1, 0)[0] as Extract<LbOp, { op: 'vip-add' }>;
    await applyOps(client, [{ ...taken, vip: { ...taken.vip, protocol: 255, port: 0 } }]);
    const mark = sim.recorder.requests.length;

    const result = await applyOps(client, ops, {}, { window: 8 });
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]?.op.op, 'vip-add');
    assert.equal(result.skipped.length, 5);
    assert.equal(usedAses(sim.sim, vipOf(1)).length, 5);
    const sentAses = sim.recorder.since(mark, AS_WRITES).map((r) => r.fields['as_address']);
    assert.equal(sentAses.length, 5);
  });
});

void test('the connection lost with operations in flight: they fail with it, the rest is skipped, nothing throws', async () => {
  await withClient(async (sim, client) => {
    const ops = buildPlan(2, 100);
    const drop = sim.recorder.next(
      (r) => LB_WRITES.has(r.msg) && sim.recorder.since(0, LB_WRITES).length === 40,
    );
    void drop.then(() => sim.sim.server.dropClients());
    const result = await applyOps(client, ops, {}, { window: 32 });
    assert.equal(result.applied.length + result.failed.length + result.skipped.length, ops.length);
    assert.ok(result.applied.length >= 39, `applied ${result.applied.length}`);
    assert.ok(result.failed.length >= 1);
    assert.ok(result.failed.every((f) => f.error instanceof VppConnectionError));
    assert.ok(result.skipped.length > 0);
    // Whatever VPP confirmed is really there.
    const inVpp = new Set([0, 1].flatMap((f) => usedAses(sim.sim, vipOf(f), false)));
    for (const op of result.applied) if (op.op === 'as-add') assert.ok(inVpp.has(op.address));
  });
});

void test('any window: from any earlier state, the plan takes vppsim to the desired state', async () => {
  await fc.assert(
    fc.asyncProperty(
      arbConfig,
      arbStates,
      arbConfig,
      arbStates,
      fc.integer({ min: 1, max: 64 }),
      async (specBefore, statesBefore, specNow, statesNow, window) => {
        await withClient(async (_sim, client) => {
          const before = desiredState(buildConfig(specBefore), states(stateMap(statesBefore)));
          const seeded = await applyOps(client, planSync(before, EMPTY, { scope: 'all', generation: '1.2' }));
          assert.deepEqual(seeded.failed, []);

          const desired = desiredState(buildConfig(specNow), states(stateMap(statesNow)));
          const actual = await readActualState(client, desired);
          const plan = planSync(desired, actual.state, { scope: 'all', generation: '1.2' });
          const result = await applyOps(client, plan, {}, { window });
          assert.deepEqual(result.failed, []);
          assert.equal(result.applied.length, plan.length);

          const after = await readActualState(client, desired);
          assert.deepEqual(planSync(desired, after.state, { scope: 'all', generation: '1.2' }), []);
        });
      },
    ),
    { numRuns: 40 },
  );
});
