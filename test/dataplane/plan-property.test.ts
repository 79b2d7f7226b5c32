// Property: from any reachable VPP state (a previous config and health, then ASes knocked out
// of use or re-weighted behind our back), a full plan is executable in order by vppsim's lb
// plugin, reaches exactly the desired state, and planning again yields nothing.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BACKEND_STATES, type BackendState } from '../../src/health/index.js';
import type { FrontendConfig, MaglevConfig } from '../../src/config/types.js';
import { ip46Equal } from '../../src/vppsim/index.js';
import { desiredState, planSync, type LbGeneration, type LbState } from '../../src/dataplane/index.js';
import { backend, config, frontend } from '../helpers/config.js';
import { EMPTY, SimLb, states } from './fixtures.js';

const V4 = ['10.0.0.1', '10.0.0.2', '10.0.0.10', '10.1.0.1', '9.9.9.9'];
const V6 = ['2001:db8::a', '2001:db8::b', '2001:db8::1:0', '2001:db8::10'];
const BACKENDS = [...V4.map((a, i) => backend(`v4-${i}`, a)), ...V6.map((a, i) => backend(`v6-${i}`, a))];
const VIP_ADDRESSES = ['192.0.2.1', '192.0.2.2', '2001:db8:f::1'];

const arbFrontend = fc.record({
  vip: fc.integer({ min: 0, max: VIP_ADDRESSES.length - 1 }),
  protocol: fc.constantFrom('tcp' as const, 'udp' as const),
  port: fc.constantFrom(53, 80, 443),
  pools: fc.array(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 100 })), { minLength: 1, maxLength: 4 }),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  srcIpSticky: fc.boolean(),
  flushOnDown: fc.boolean(),
  flowTableLength: fc.constantFrom(512, 1024),
});

// Per VIP address one backend family and one port style: config validation guarantees both.
const arbConfig = fc.record({
  frontends: fc.array(arbFrontend, { maxLength: 5 }),
  familyOfVip: fc.array(fc.constantFrom(4, 6), { minLength: 3, maxLength: 3 }),
  allPortsOfVip: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
});

type ConfigSpec = typeof arbConfig extends fc.Arbitrary<infer T> ? T : never;

function buildConfig(spec: ConfigSpec): MaglevConfig {
  const frontends: FrontendConfig[] = spec.frontends.map((f, i) => {
    const family = spec.familyOfVip[f.vip] ?? 4;
    const names = family === 4 ? V4.map((_, j) => `v4-${j}`) : V6.map((_, j) => `v6-${j}`);
    return frontend(`fe${i}`, {
      address: VIP_ADDRESSES[f.vip] ?? '192.0.2.1',
      protocol: spec.allPortsOfVip[f.vip] ? 'any' : f.protocol,
      port: f.port,
      pools: f.pools.map((members, p) => [
        `pool${p}`,
        Object.fromEntries(members.map(([n, w]) => [names[n % names.length] ?? 'none', w])),
      ]),
      srcIpSticky: f.srcIpSticky,
      flushOnDown: f.flushOnDown,
      flowTableLength: f.flowTableLength,
    });
  });
  return config({ backends: BACKENDS, frontends: frontends });
}

const arbStates = fc.array(fc.constantFrom(...BACKEND_STATES), {
  minLength: BACKENDS.length,
  maxLength: BACKENDS.length,
});

function stateMap(list: BackendState[]): Record<string, BackendState> {
  return Object.fromEntries(BACKENDS.map((b, i) => [b.name, list[i] ?? 'unknown']));
}

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
