// The dry run's pure half: the syncer's planner over a change's scopes, and the Maglev buckets
// that would move per VIP, from VPP's table now to the one the plan leaves.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  assumeInSync,
  desiredState,
  previewPlan,
  vipKey,
  vipKeyString,
  type LbGeneration,
  type LbState,
  type VipState,
} from '../../src/dataplane/index.js';
import { backend, config, frontend } from '../helpers/config.js';
import { actualFrom, describeOps, states } from './fixtures.js';

const AB = [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')];
const UP = states({ a: 'up', b: 'up', c: 'up' });

function web(weights: Record<string, number>, flowTableLength = 1024) {
  return frontend('web', { address: '192.0.2.10', pools: [['primary', weights]], flowTableLength });
}

function desired(weights: Record<string, number>, flowTableLength = 1024) {
  return desiredState(config({ backends: AB, frontends: [web(weights, flowTableLength)] }), UP);
}

const WEB_KEY = vipKeyString(vipKey('192.0.2.10', 6, 80));

void describe('previewPlan', () => {
  void test('100/100 → 100/50 at 1024 buckets: 674/350 after (the lb plugin’s table), 208 move', () => {
    const current = desired({ a: 100, b: 100 });
    const after = desired({ a: 100, b: 50 });
    const p = previewPlan({
      desired: after,
      current,
      actual: actualFrom(current),
      scopes: [{ frontend: 'web' }],
      generation: '1.2',
    });
    assert.deepEqual(describeOps(p.ops), ['as-weight 192.0.2.10/32 tcp:80 10.0.0.2 w=50']);
    assert.equal(p.vips.length, 1);
    const vip = p.vips[0];
    assert.ok(vip);
    assert.equal(vip.frontend, 'web');
    assert.equal(vip.flowTableLength, 1024);
    assert.equal(vip.recreated, false);
    assert.deepEqual(
      vip.ases.map((a) => [
        a.address,
        a.backend,
        a.weightBefore,
        a.weightAfter,
        a.bucketsBefore,
        a.bucketsAfter,
      ]),
      [
        ['10.0.0.1', 'a', 100, 100, 512, 674],
        ['10.0.0.2', 'b', 100, 50, 512, 350],
      ],
    );
    // 162 is the least that could move (674 - 512); Maglev's permutations move a few more.
    assert.equal(vip.moved, 208);
  });

  void test('a change that takes a pool below its panic threshold previews the fail-open plan', () => {
    // 3 backends, panic below 50%: b going down leaves 1 of 3 up, so the pool serves on all three
    // at their configured weights (docs/safety.md) instead of draining b.
    const cfg = config({
      backends: AB,
      frontends: [
        frontend('web', {
          address: '192.0.2.10',
          pools: [['primary', { a: 100, b: 100, c: 100 }]],
          panicThreshold: 50,
        }),
      ],
    });
    const current = desiredState(cfg, states({ a: 'up', b: 'up', c: 'down' }));
    const p = previewPlan({
      desired: desiredState(cfg, states({ a: 'up', b: 'down', c: 'down' })),
      current,
      actual: actualFrom(current),
      scopes: [{ frontend: 'web' }],
      generation: '1.2',
    });
    assert.deepEqual(describeOps(p.ops), ['as-weight 192.0.2.10/32 tcp:80 10.0.0.3 w=100']);
    const vip = p.vips[0];
    assert.deepEqual(
      vip?.ases.map((a) => [
        a.address,
        a.weightBefore,
        a.weightAfter,
        a.bucketsBefore > 0,
        a.bucketsAfter > 0,
      ]),
      [
        ['10.0.0.1', 100, 100, true, true],
        ['10.0.0.2', 100, 100, true, true],
        ['10.0.0.3', 0, 100, false, true],
      ],
    );
    // At least the buckets c takes over move (Maglev's permutations move a few more), not all.
    const taken = vip?.ases[2]?.bucketsAfter ?? 0;
    assert.ok(
      (vip?.moved ?? 0) >= taken && (vip?.moved ?? 0) < 1024,
      `moved ${vip?.moved}, c takes ${taken}`,
    );
  });

  void test('property: no change moves nothing and plans nothing, on either generation, any scope', () => {
    const weights = fc.record({
      a: fc.integer({ min: 0, max: 100 }),
      b: fc.integer({ min: 0, max: 100 }),
      c: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(
        weights,
        fc.constantFrom<LbGeneration>('1.1', '1.2'),
        fc.constantFrom(64, 256, 1024),
        fc.boolean(),
        (w, generation, length, full) => {
          const state = desired(w, length);
          const p = previewPlan({
            desired: state,
            current: state,
            actual: actualFrom(state, generation),
            scopes: [full ? 'all' : { frontend: 'web' }],
            generation,
          });
          assert.deepEqual(p.ops, []);
          for (const vip of p.vips) {
            assert.equal(vip.moved, 0);
            for (const as of vip.ases) assert.equal(as.bucketsBefore, as.bucketsAfter);
          }
          // A full scope lists only VIPs that change; a per-frontend one always shows its VIP.
          assert.equal(p.vips.length, full ? 0 : 1);
        },
      ),
    );
  });

  void test('VPP not read: planned against the current desired state as if VPP held it', () => {
    const current = desired({ a: 100, b: 100 });
    const after = desired({ a: 100, b: 0 });
    const assumed = previewPlan({
      desired: after,
      current,
      actual: undefined,
      scopes: [{ frontend: 'web' }],
      generation: '1.2',
    });
    const read = previewPlan({
      desired: after,
      current,
      actual: assumeInSync(current, '1.2'),
      scopes: [{ frontend: 'web' }],
      generation: '1.2',
    });
    assert.deepEqual(assumed, read);
    assert.deepEqual(describeOps(assumed.ops), ['as-weight 192.0.2.10/32 tcp:80 10.0.0.2 w=0']);
    assert.equal(assumed.vips[0]?.moved, 512);
    // On 1.2 a drained AS stays in VPP at weight 0 (on 1.1 it would be gone: undefined).
    assert.deepEqual(
      assumed.vips[0]?.ases.map((a) => [a.address, a.weightAfter, a.bucketsAfter]),
      [
        ['10.0.0.1', 100, 1024],
        ['10.0.0.2', 0, 0],
      ],
    );
  });

  void test('before is what VPP holds: drift in scope shows in the plan and in the buckets', () => {
    const state = desired({ a: 100, b: 100 });
    const actual = actualFrom(state);
    const vip = actual.vips.get(WEB_KEY) as VipState;
    const drifted: LbState = {
      vips: new Map([[WEB_KEY, { ...vip, ases: new Map([...vip.ases].filter(([a]) => a === '10.0.0.1')) }]]),
    };
    const p = previewPlan({
      desired: state,
      current: state,
      actual: drifted,
      scopes: ['all'],
      generation: '1.2',
    });
    assert.deepEqual(describeOps(p.ops), ['as-add 192.0.2.10/32 tcp:80 10.0.0.2 w=100']);
    assert.deepEqual(
      p.vips[0]?.ases.map((a) => [a.address, a.weightBefore, a.bucketsBefore, a.bucketsAfter]),
      [
        ['10.0.0.1', 100, 1024, 512],
        ['10.0.0.2', undefined, 0, 512],
      ],
    );
    assert.equal(p.vips[0]?.moved, 512);
  });

  void test('lb 1.1: a weight change moves nothing and sends nothing; a drain removes the AS', () => {
    const current = desired({ a: 100, b: 100 });
    const lighter = previewPlan({
      desired: desired({ a: 100, b: 50 }),
      current,
      actual: actualFrom(current, '1.1'),
      scopes: [{ frontend: 'web' }],
      generation: '1.1',
    });
    assert.deepEqual(lighter.ops, []);
    assert.equal(lighter.vips[0]?.moved, 0);
    const drained = previewPlan({
      desired: desired({ a: 100, b: 0 }),
      current,
      actual: actualFrom(current, '1.1'),
      scopes: [{ frontend: 'web' }],
      generation: '1.1',
    });
    assert.deepEqual(describeOps(drained.ops), ['as-del 192.0.2.10/32 tcp:80 10.0.0.2']);
    assert.equal(drained.vips[0]?.moved, 512);
    assert.equal(drained.vips[0]?.ases[1]?.weightAfter, undefined);
  });

  void test('a new table length re-creates the VIP: every bucket moves', () => {
    const current = desired({ a: 100, b: 100 });
    const p = previewPlan({
      desired: desired({ a: 100, b: 100 }, 2048),
      current,
      actual: actualFrom(current),
      scopes: ['all'],
      generation: '1.2',
    });
    assert.equal(p.ops[p.ops.length - 3]?.op, 'vip-add');
    const vip = p.vips[0];
    assert.equal(vip?.recreated, true);
    assert.equal(vip?.flowTableLength, 2048);
    assert.equal(vip?.moved, 2048);
    assert.deepEqual(
      vip?.ases.map((a) => [a.bucketsBefore, a.bucketsAfter]),
      [
        [512, 1024],
        [512, 1024],
      ],
    );
  });

  void test('a table length VPP does not report (0 or none) is taken as the desired one, as the planner does', () => {
    const state = desired({ a: 100, b: 100 }, 2048);
    const vip = actualFrom(state).vips.get(WEB_KEY) as VipState;
    for (const reported of [0, undefined]) {
      const actual: LbState = { vips: new Map([[WEB_KEY, { ...vip, flowTableLength: reported }]]) };
      const p = previewPlan({
        desired: desiredState(config({ backends: AB, frontends: [web({ a: 100, b: 50 }, 2048)] }), UP),
        current: state,
        actual,
        scopes: [{ frontend: 'web' }],
        generation: '1.2',
      });
      assert.deepEqual(
        describeOps(p.ops),
        ['as-weight 192.0.2.10/32 tcp:80 10.0.0.2 w=50'],
        String(reported),
      );
      const move = p.vips[0];
      assert.equal(move?.recreated, false, String(reported));
      assert.equal(move?.flowTableLength, 2048, String(reported));
      // The same table, re-weighted: some buckets move, not all of them.
      assert.deepEqual(
        move?.ases.map((a) => a.bucketsBefore),
        [1024, 1024],
        String(reported),
      );
      assert.ok((move?.moved ?? 0) > 0 && (move?.moved ?? 0) < 2048, `${reported}: moved ${move?.moved}`);
    }
  });

  void test('a re-created VIP at the same table length: every bucket and flow moves all the same', () => {
    const state = desired({ a: 100, b: 100 });
    const vip = actualFrom(state).vips.get(WEB_KEY) as VipState;
    const p = previewPlan({
      desired: state,
      current: state,
      actual: { vips: new Map([[WEB_KEY, { ...vip, srcIpSticky: true }]]) },
      scopes: [{ frontend: 'web' }],
      generation: '1.2',
    });
    assert.equal(p.ops.find((op) => op.op === 'vip-del')?.op, 'vip-del');
    const move = p.vips[0];
    assert.equal(move?.recreated, true);
    assert.equal(move?.moved, 1024);
    assert.deepEqual(
      move?.ases.map((a) => [a.bucketsBefore, a.bucketsAfter]),
      [
        [512, 512],
        [512, 512],
      ],
    );
  });

  void test('ASes are listed in address order, an added one among those VPP holds', () => {
    const current = desired({ b: 100, c: 100 });
    const p = previewPlan({
      desired: desired({ a: 100, b: 100, c: 100 }),
      current,
      actual: actualFrom(current),
      scopes: [{ frontend: 'web' }],
      generation: '1.2',
    });
    assert.deepEqual(
      p.vips[0]?.ases.map((a) => [a.address, a.weightBefore]),
      [
        ['10.0.0.1', undefined],
        ['10.0.0.2', 100],
        ['10.0.0.3', 100],
      ],
    );
  });

  void test('an AS leaving the config is named by the backend it was', () => {
    const current = desired({ a: 100, b: 100 });
    const p = previewPlan({
      desired: desired({ a: 100 }),
      current,
      actual: actualFrom(current),
      scopes: [{ frontend: 'web' }],
      generation: '1.2',
    });
    assert.deepEqual(describeOps(p.ops), ['as-del 192.0.2.10/32 tcp:80 10.0.0.2 flush']);
    assert.deepEqual(
      p.vips[0]?.ases.map((a) => [a.address, a.backend, a.weightAfter]),
      [
        ['10.0.0.1', 'a', 100],
        ['10.0.0.2', 'b', undefined],
      ],
    );
  });

  void test('a stale VIP whose table length VPP does not report goes with the default 1024 buckets', () => {
    const current = desired({ a: 100 });
    const vip = actualFrom(current).vips.get(WEB_KEY) as VipState;
    const empty = desiredState(config({ backends: AB, frontends: [] }), UP);
    const p = previewPlan({
      desired: empty,
      current,
      actual: { vips: new Map([[WEB_KEY, { ...vip, flowTableLength: 0 }]]) },
      scopes: ['all'],
      generation: '1.2',
    });
    assert.deepEqual(
      p.vips.map((v) => [v.frontend, v.flowTableLength, v.moved, v.ases[0]?.bucketsBefore]),
      [['web', 1024, 1024, 1024]],
    );
  });

  void test('an AS VPP still lists but no longer uses holds no bucket before', () => {
    const state = desired({ a: 100, b: 100 });
    const vip = actualFrom(state).vips.get(WEB_KEY) as VipState;
    const lazy = new Map(vip.ases);
    lazy.set('10.0.0.2', { weight: 100, inUse: false });
    const p = previewPlan({
      desired: state,
      current: state,
      actual: { vips: new Map([[WEB_KEY, { ...vip, ases: lazy }]]) },
      scopes: [{ frontend: 'web' }],
      generation: '1.2',
    });
    assert.deepEqual(describeOps(p.ops), ['as-add 192.0.2.10/32 tcp:80 10.0.0.2 w=100']);
    assert.deepEqual(
      p.vips[0]?.ases.map((a) => [a.address, a.weightBefore, a.bucketsBefore, a.bucketsAfter]),
      [
        ['10.0.0.1', 100, 1024, 512],
        ['10.0.0.2', undefined, 0, 512],
      ],
    );
  });

  void test('a full scope lists a stale VIP (every bucket goes) and a new one', () => {
    const current = desired({ a: 100 });
    const next = desiredState(
      config({
        backends: AB,
        frontends: [frontend('api', { address: '192.0.2.20', pools: [['p', { c: 100 }]] })],
      }),
      UP,
    );
    const p = previewPlan({
      desired: next,
      current,
      actual: actualFrom(current),
      scopes: ['all'],
      generation: '1.2',
    });
    assert.deepEqual(
      p.vips.map((v) => [vipKeyString(v.key), v.frontend, v.moved]),
      [
        [WEB_KEY, 'web', 1024],
        ['192.0.2.20/32 tcp:80', 'api', 1024],
      ],
    );
    // Deleted or created, neither is re-created.
    assert.deepEqual(
      p.vips.map((v) => v.recreated),
      [false, false],
    );
    assert.deepEqual(describeOps(p.ops), [
      'as-del 192.0.2.10/32 tcp:80 10.0.0.1 flush',
      'vip-del 192.0.2.10/32 tcp:80 (stale)',
      'vip-add 192.0.2.20/32 tcp:80 gre4 len=1024',
      'as-add 192.0.2.20/32 tcp:80 10.0.0.3 w=100',
    ]);
  });

  void test("an operator's flush at an unchanged weight is planned, and moves no bucket", () => {
    const state = desired({ a: 100, b: 50 });
    const p = previewPlan({
      desired: state,
      current: state,
      actual: actualFrom(state),
      scopes: [{ frontend: 'web' }, { frontend: 'web' }],
      generation: '1.2',
      operatorFlush: new Map([['web', new Set(['10.0.0.2'])]]),
    });
    assert.deepEqual(describeOps(p.ops), ['as-weight 192.0.2.10/32 tcp:80 10.0.0.2 w=50 flush']);
    assert.equal(p.vips.length, 1);
    assert.equal(p.vips[0]?.moved, 0);
  });
});

void describe('previewPlan: scopes, shadowed frontends and what VPP is assumed to hold', () => {
  const twoVips = (web: Record<string, number>, api: Record<string, number>) =>
    desiredState(
      config({
        backends: AB,
        frontends: [
          frontend('web', { address: '192.0.2.10', pools: [['p', web]] }),
          frontend('api', { address: '192.0.2.20', pools: [['p', api]] }),
        ],
      }),
      UP,
    );
  const API_KEY = vipKeyString(vipKey('192.0.2.20', 6, 80));

  void test('per-frontend scopes of two frontends: both planned and shown, each with its own VIP', () => {
    const current = twoVips({ a: 100, b: 100 }, { c: 100 });
    const after = twoVips({ a: 100, b: 50 }, { c: 50 });
    const both = previewPlan({
      desired: after,
      current,
      actual: actualFrom(current),
      scopes: [{ frontend: 'api' }, { frontend: 'web' }, { frontend: 'api' }],
      generation: '1.2',
    });
    assert.deepEqual(describeOps(both.ops), [
      'as-weight 192.0.2.20/32 tcp:80 10.0.0.3 w=50',
      'as-weight 192.0.2.10/32 tcp:80 10.0.0.2 w=50',
    ]);
    assert.deepEqual(
      both.vips.map((v) => [vipKeyString(v.key), v.frontend]),
      [
        [WEB_KEY, 'web'],
        [API_KEY, 'api'],
      ],
    );
    // One frontend's scope shows its VIP only, though the other one changes too.
    const api = previewPlan({
      desired: after,
      current,
      actual: actualFrom(current),
      scopes: [{ frontend: 'api' }],
      generation: '1.2',
    });
    assert.deepEqual(describeOps(api.ops), ['as-weight 192.0.2.20/32 tcp:80 10.0.0.3 w=50']);
    assert.deepEqual(
      api.vips.map((v) => [vipKeyString(v.key), v.frontend]),
      [[API_KEY, 'api']],
    );
  });

  void test('a full scope covers the per-frontend ones beside it: each operation once', () => {
    const current = desired({ a: 100, b: 100 });
    const p = previewPlan({
      desired: desired({ a: 100, b: 50 }),
      current,
      actual: actualFrom(current),
      scopes: [{ frontend: 'web' }, 'all', { frontend: 'web' }],
      generation: '1.2',
    });
    assert.deepEqual(describeOps(p.ops), ['as-weight 192.0.2.10/32 tcp:80 10.0.0.2 w=50']);
    assert.equal(p.vips.length, 1);
  });

  void test('a full scope shows a VIP whose only operation moves no bucket (a flush)', () => {
    const state = desired({ a: 100, b: 50 });
    const p = previewPlan({
      desired: state,
      current: state,
      actual: actualFrom(state),
      scopes: ['all'],
      generation: '1.2',
      operatorFlush: new Map([['web', new Set(['10.0.0.2'])]]),
    });
    assert.deepEqual(describeOps(p.ops), ['as-weight 192.0.2.10/32 tcp:80 10.0.0.2 w=50 flush']);
    assert.deepEqual(
      p.vips.map((v) => [vipKeyString(v.key), v.moved]),
      [[WEB_KEY, 0]],
    );
  });

  void test('a shadowed frontend has no VIP of its own: nothing planned, nothing shown, nothing thrown', () => {
    const cfg = config({
      backends: AB,
      frontends: [
        frontend('web', { address: '192.0.2.10', pools: [['p', { a: 100 }]] }),
        frontend('shadow', { address: '192.0.2.10', pools: [['p', { b: 100 }]] }),
      ],
    });
    const state = desiredState(cfg, UP);
    assert.deepEqual(state.shadowed, [{ frontend: 'shadow', by: 'web' }]);
    const p = previewPlan({
      desired: state,
      current: state,
      actual: actualFrom(state),
      scopes: [{ frontend: 'shadow' }],
      generation: '1.2',
    });
    assert.deepEqual(p, { ops: [], vips: [] });
  });

  void test('any other planner failure is not taken for a shadowed frontend: it is thrown', () => {
    const state = desired({ a: 100 });
    const vip = actualFrom(state).vips.get(WEB_KEY) as VipState;
    // What VPP holds is read by our own reader; a key it could not have built is a bug.
    const broken: LbState = {
      vips: new Map([[WEB_KEY, { ...vip, key: { ...vip.key, prefix: '192.0.2.10/33' } }]]),
    };
    assert.throws(
      () =>
        previewPlan({
          desired: state,
          current: state,
          actual: broken,
          scopes: [{ frontend: 'web' }],
          generation: '1.2',
        }),
      RangeError,
    );
  });

  void test('lb 1.1, VPP not read: an AS at weight 0 is assumed absent, the others read 100', () => {
    const current = desired({ a: 40, b: 0 });
    const p = previewPlan({
      desired: desired({ a: 40, b: 100 }),
      current,
      actual: undefined,
      scopes: [{ frontend: 'web' }],
      generation: '1.1',
    });
    assert.deepEqual(describeOps(p.ops), ['as-add 192.0.2.10/32 tcp:80 10.0.0.2 w=100']);
    assert.deepEqual(
      p.vips[0]?.ases.map((a) => [a.address, a.weightBefore, a.weightAfter, a.bucketsBefore, a.bucketsAfter]),
      [
        ['10.0.0.1', 100, 40, 1024, 512],
        ['10.0.0.2', undefined, 100, 0, 512],
      ],
    );
    assert.deepEqual(
      assumeInSync(current, '1.1').vips.get(WEB_KEY)?.ases,
      new Map([['10.0.0.1', { weight: 100, inUse: true }]]),
    );
  });
});
