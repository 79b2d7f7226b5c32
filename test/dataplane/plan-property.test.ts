// Property: from any reachable VPP state (a previous config and health, then ASes knocked out
// of use or re-weighted behind our back), a full plan is executable in order by vppsim's lb
// plugin, reaches exactly the desired state, and planning again yields nothing.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ip46Equal } from '../../src/vppsim/index.js';
import { desiredState, planSync, type LbGeneration, type LbState } from '../../src/dataplane/index.js';
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
