// Property: from any reachable VPP state (a previous config and health, then ASes knocked out
// of use or re-weighted behind our back), a full plan is executable in order by vppsim's lb
// plugin, reaches exactly the desired state, and planning again yields nothing. And the planner's
// shortcut for a VIP that VPP holds as desired (vipInStep) answers "nothing to do" exactly when
// the VIP's own plan is empty.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ip46Equal } from '../../src/vppsim/index.js';
import { desiredState, planSync, type LbGeneration, type LbState } from '../../src/dataplane/index.js';
import { vipInStep } from '../../src/dataplane/plan.js';
import { arbConfig, arbStates, buildConfig, EMPTY, SimLb, stageRank, stateMap, states } from './fixtures.js';

const arbPerturbations = fc.array(
  fc.record({ pick: fc.nat(), weight: fc.integer({ min: 0, max: 100 }), inUse: fc.boolean() }),
  { maxLength: 6 },
);

/**
 * Changes some ASes behind the planner's back, through the plugin's own calls (an operator with
 * vppctl, a lost call): removed (kept unused until GC), re-added, or re-weighted (lb 1.2).
 */
function perturb(sim: SimLb, changes: { pick: number; weight: number; inUse: boolean }[]): void {
  const slots = sim.lb
    .vips()
    .filter((vip) => vip.used)
    .flatMap((vip) => sim.lb.ases(vip.index).map((as) => ({ vip: vip.index, address: as.address })));
  if (slots.length === 0) return;
  for (const change of changes) {
    const slot = slots[change.pick % slots.length];
    if (!slot) continue;
    const as = sim.lb.ases(slot.vip).find((a) => ip46Equal(a.address, slot.address));
    if (!change.inUse) {
      if (as?.used) sim.lb.delAs(slot.vip, slot.address, false);
    } else if (!as?.used) {
      sim.lb.addAs(slot.vip, slot.address, { weight: change.weight });
    } else if (sim.generation === '1.2') {
      sim.lb.setAsWeight(slot.vip, slot.address, change.weight, false);
    }
  }
}

function inUseView(state: LbState, generation: LbGeneration): Record<string, Record<string, number>> {
  return Object.fromEntries(
    [...state.vips].map(([key, vip]) => [
      key,
      Object.fromEntries(
        [...vip.ases]
          .filter(([, as]) => as.inUse)
          .map(([address, as]) => [address, generation === '1.1' ? 1 : as.weight]),
      ),
    ]),
  );
}

for (const generation of ['1.2', '1.1'] as const) {
  void describe(`full sync converges (lb ${generation})`, () => {
    void test('any reachable state → executable plan → desired state → no further ops', () => {
      fc.assert(
        fc.property(
          arbConfig,
          arbStates,
          arbConfig,
          arbStates,
          arbPerturbations,
          (specBefore, statesBefore, specNow, statesNow, changes) => {
            const before = desiredState(buildConfig(specBefore), states(stateMap(statesBefore)));
            const sim = new SimLb(generation).apply(planSync(before, EMPTY, { scope: 'all', generation }));
            perturb(sim, changes);
            const actual = sim.state();

            const desired = desiredState(buildConfig(specNow), states(stateMap(statesNow)));
            const plan = planSync(desired, actual, { scope: 'all', generation });
            // Each VIP's stages never go back: the pipelined apply relies on it.
            const lastStage = new Map<string, number>();
            for (const op of plan) {
              const key = `${op.vip.prefix} ${op.vip.protocol}:${op.vip.port}`;
              assert.ok(stageRank(op.stage) >= (lastStage.get(key) ?? 0), `${key}: ${op.stage}`);
              lastStage.set(key, stageRank(op.stage));
            }
            const after = sim.apply(plan).state();

            assert.deepEqual([...after.vips.keys()].sort(), [...desired.vips.keys()].sort());
            const expected = Object.fromEntries(
              [...desired.vips].map(([key, vip]) => [
                key,
                Object.fromEntries(
                  [...vip.ases]
                    .filter(([, as]) => generation === '1.2' || as.weight > 0)
                    .map(([address, as]) => [address, generation === '1.1' ? 1 : as.weight]),
                ),
              ]),
            );
            assert.deepEqual(inUseView(after, generation), expected);
            assert.deepEqual(planSync(desired, after, { scope: 'all', generation }), []);
          },
        ),
        { numRuns: 400 },
      );
    });
  });
}

for (const generation of ['1.2', '1.1'] as const) {
  void test(`vipInStep is true exactly when a VIP VPP holds needs no operation (lb ${generation})`, () => {
    let inStep = 0;
    let outOfStep = 0;
    fc.assert(
      fc.property(
        arbConfig,
        arbStates,
        fc.option(fc.tuple(arbConfig, arbStates), { freq: 2 }),
        arbPerturbations,
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 3 }),
        (specBefore, statesBefore, now, changes, flushPicks) => {
          const before = desiredState(buildConfig(specBefore), states(stateMap(statesBefore)));
          const sim = new SimLb(generation).apply(planSync(before, EMPTY, { scope: 'all', generation }));
          perturb(sim, changes);
          const actual = sim.state();
          const [specNow, statesNow] = now ?? [specBefore, statesBefore];
          const desired = desiredState(buildConfig(specNow), states(stateMap(statesNow)));
          for (const [id, want] of desired.vips) {
            const have = actual.vips.get(id);
            if (!have) continue;
            // Some of the VIP's addresses asked to flush: by a transition, or by the operator.
            const addresses = [...want.ases.keys()];
            const forceFlush = new Set<string>();
            const asked = new Set<string>();
            for (const [pick, byOperator] of flushPicks) {
              const address = addresses[pick % Math.max(1, addresses.length)];
              if (address !== undefined) (byOperator ? asked : forceFlush).add(address);
            }
            const plan = planSync(desired, actual, {
              scope: { frontend: want.frontend },
              generation,
              forceFlush,
              operatorFlush: new Map([[want.frontend, asked]]),
            });
            // A VIP VPP must re-create is decided before the shortcut is asked.
            if (plan.some((op) => op.op === 'vip-del')) continue;
            const answer = vipInStep(want, have, generation, forceFlush, asked);
            assert.equal(answer, plan.length === 0, `${id}: ${JSON.stringify(plan)}`);
            if (answer) inStep++;
            else outOfStep++;
          }
        },
      ),
      { numRuns: 400 },
    );
    // Both answers were put to the test, not only the common one.
    assert.ok(inStep > 20 && outOfStep > 20, `in step ${inStep}, out of step ${outOfStep}`);
  });
}
