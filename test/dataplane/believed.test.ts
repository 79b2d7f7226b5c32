// The believed state (src/dataplane/believed.ts) against vppsim's lb plugin: after any plan VPP
// executed, the last read with the applied operations folded in plans exactly as a fresh read
// would, for any next desired state and any scope. That is what lets a reload's sync skip the read.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { desiredState, planSync, vipKey, type LbOp, type LbState } from '../../src/dataplane/index.js';
import { withApplied } from '../../src/dataplane/believed.js';
import { arbConfig, arbStates, buildConfig, EMPTY, SimLb, stateMap, states } from './fixtures.js';

const arbKnockOuts = fc.array(fc.nat(), { maxLength: 4 });

/** ASes deleted behind the planner's back before the read (VPP keeps them, unused, until GC). */
function knockOut(sim: SimLb, picks: number[]): void {
  const slots = sim.lb
    .vips()
    .filter((vip) => vip.used)
    .flatMap((vip) => sim.lb.ases(vip.index).map((as) => ({ vip: vip.index, address: as.address })));
  for (const pick of picks) {
    const slot = slots[pick % Math.max(1, slots.length)];
    if (slot) sim.lb.delAs(slot.vip, slot.address, false);
  }
}

for (const generation of ['1.2', '1.1'] as const) {
  void describe(`believed state (lb ${generation})`, () => {
    void test('last read + applied operations plans like a fresh read, for any next state and scope', () => {
      fc.assert(
        fc.property(
          arbConfig,
          arbStates,
          arbKnockOuts,
          arbConfig,
          arbStates,
          arbConfig,
          arbStates,
          (specA, statesA, picks, specB, statesB, specC, statesC) => {
            const first = desiredState(buildConfig(specA), states(stateMap(statesA)));
            const sim = new SimLb(generation).apply(planSync(first, EMPTY, { scope: 'all', generation }));
            knockOut(sim, picks);
            const read: LbState = sim.state();
            const next = desiredState(buildConfig(specB), states(stateMap(statesB)));
            const plan = planSync(next, read, { scope: 'all', generation });
            sim.apply(plan);

            const believed = withApplied(read, plan);
            const fresh = sim.state();
            const after = desiredState(buildConfig(specC), states(stateMap(statesC)));
            const scopes = [
              'all' as const,
              ...[...after.vips.values()].map((v) => ({ frontend: v.frontend })),
            ];
            for (const scope of scopes)
              assert.deepEqual(
                planSync(after, believed, { scope, generation }),
                planSync(after, fresh, { scope, generation }),
                JSON.stringify(scope),
              );
          },
        ),
        { numRuns: 300 },
      );
    });
  });
}

void describe('withApplied', () => {
  const web = vipKey('192.0.2.1', 6, 80);
  const dns = vipKey('192.0.2.2', 17, 53);
  const base = { frontend: 'web', vip: web } as const;
  const state: LbState = {
    vips: new Map([
      [
        '192.0.2.1/32 tcp:80',
        {
          key: web,
          encap: 'gre4',
          srcIpSticky: false,
          flowTableLength: 1024,
          ases: new Map([
            ['10.0.0.1', { weight: 100, inUse: true }],
            ['10.0.0.2', { weight: 0, inUse: false }],
          ]),
        },
      ],
    ]),
  };

  void test('folds each kind of operation in, and leaves the state it was given alone', () => {
    const ops: LbOp[] = [
      { ...base, stage: 'as-add', op: 'as-add', address: '10.0.0.2', weight: 50 },
      { ...base, stage: 'weight-lower', op: 'as-weight', address: '10.0.0.1', weight: 0, flush: true },
      { ...base, stage: 'as-del', op: 'as-del', address: '10.0.0.1', flush: true },
      {
        frontend: 'dns',
        vip: dns,
        stage: 'vip-add',
        op: 'vip-add',
        encap: 'gre4',
        srcIpSticky: true,
        flowTableLength: 256,
      },
      { frontend: 'dns', vip: dns, stage: 'as-add', op: 'as-add', address: '10.0.0.9', weight: 100 },
    ];
    const after = withApplied(state, ops);
    assert.deepEqual(
      [...after.vips].map(([id, vip]) => [id, vip.srcIpSticky, vip.flowTableLength, [...vip.ases]]),
      [
        ['192.0.2.1/32 tcp:80', false, 1024, [['10.0.0.2', { weight: 50, inUse: true }]]],
        ['192.0.2.2/32 udp:53', true, 256, [['10.0.0.9', { weight: 100, inUse: true }]]],
      ],
    );
    assert.deepEqual(
      [...(state.vips.get('192.0.2.1/32 tcp:80')?.ases.keys() ?? [])],
      ['10.0.0.1', '10.0.0.2'],
    );
    assert.equal(state.vips.size, 1);

    const gone = withApplied(after, [{ ...base, stage: 'teardown-vip', op: 'vip-del', reason: 'stale' }]);
    assert.deepEqual([...gone.vips.keys()], ['192.0.2.2/32 udp:53']);
    assert.equal(withApplied(state, []), state);
  });

  void test('an AS operation for a VIP it does not hold is a bug, not a guess', () => {
    assert.throws(
      () => withApplied(EMPTY, [{ ...base, stage: 'as-add', op: 'as-add', address: '10.0.0.1', weight: 1 }]),
      /does not hold/,
    );
  });
});
