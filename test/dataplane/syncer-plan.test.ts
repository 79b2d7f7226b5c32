// The planner's operator-flush option, which the syncer uses for SetFrontendPoolBackendWeight with
// flush=true: the weight call carries flush whatever the state says, even at an unchanged weight,
// and only on the frontend the operator named.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { desiredState, planSync, type LbGeneration } from '../../src/dataplane/index.js';
import { backend, config, frontend } from '../helpers/config.js';
import { actualFrom, describeOps, states } from './fixtures.js';

const cfg = config({
  backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')],
  frontends: [
    frontend('web', { address: '192.0.2.1', pools: [['p', { a: 100, b: 100 }]] }),
    frontend('api', { address: '192.0.2.2', pools: [['p', { a: 100, b: 100 }]] }),
  ],
});
const up = states({}, 'up');

function plan(
  generation: LbGeneration,
  operatorFlush: Record<string, string[]>,
  mutate: (c: typeof cfg) => typeof cfg = (c) => c,
): string[] {
  const actual = actualFrom(desiredState(cfg, up), generation);
  const desired = desiredState(mutate(cfg), up);
  return describeOps(
    planSync(desired, actual, {
      scope: 'all',
      generation,
      operatorFlush: new Map(Object.entries(operatorFlush).map(([f, a]) => [f, new Set(a)])),
    }),
  );
}

function weight(c: typeof cfg, fe: string, b: string, w: number): typeof cfg {
  const f = c.frontends.get(fe);
  if (!f) throw new Error(fe);
  const pools = f.pools.map((p) => ({
    ...p,
    backends: new Map([...p.backends].map(([n, s]) => [n, n === b ? { weight: w } : s])),
  }));
  return { ...c, frontends: new Map([...c.frontends].map(([n, x]) => [n, n === fe ? { ...x, pools } : x])) };
}

void describe('planSync operatorFlush', () => {
  void test('unchanged weight: one flushing weight call, on the named frontend only', () => {
    assert.deepEqual(plan('1.2', { web: ['10.0.0.2'] }), [
      'as-weight 192.0.2.1/32 tcp:80 10.0.0.2 w=100 flush',
    ]);
  });

  void test('a weight change to a non-zero weight carries the flush too', () => {
    assert.deepEqual(
      plan('1.2', { web: ['10.0.0.2'] }, (c) => weight(c, 'web', 'b', 30)),
      ['as-weight 192.0.2.1/32 tcp:80 10.0.0.2 w=30 flush'],
    );
    assert.deepEqual(
      plan('1.2', {}, (c) => weight(c, 'web', 'b', 30)),
      ['as-weight 192.0.2.1/32 tcp:80 10.0.0.2 w=30'],
    );
  });

  void test('lb 1.1: weight 0 is a delete, with flush when asked; nothing to flush at a weight > 0', () => {
    assert.deepEqual(
      plan('1.1', { web: ['10.0.0.2'] }, (c) => weight(c, 'web', 'b', 0)),
      ['as-del 192.0.2.1/32 tcp:80 10.0.0.2 flush'],
    );
    assert.deepEqual(
      plan('1.1', {}, (c) => weight(c, 'web', 'b', 0)),
      ['as-del 192.0.2.1/32 tcp:80 10.0.0.2'],
    );
    assert.deepEqual(plan('1.1', { web: ['10.0.0.2'] }), []);
  });
});
