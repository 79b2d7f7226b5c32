import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  activePoolIndex,
  effectiveWeight,
  frontendState,
  type BackendState,
} from '../../src/health/index.js';
import { frontend } from '../helpers/config.js';

const states =
  (m: Record<string, BackendState>) =>
  (name: string): BackendState =>
    m[name] ?? 'unknown';

void describe('activePoolIndex', () => {
  void test('first pool with an up backend of weight > 0', () => {
    const fe = frontend('fe', { pools: [{ a: 100, b: 100 }, { c: 100 }] });
    assert.equal(activePoolIndex(fe, states({ a: 'up', c: 'up' })), 0);
    assert.equal(activePoolIndex(fe, states({ a: 'down', b: 'paused', c: 'up' })), 1);
  });
  void test('a primary pool whose weights were all set to 0 fails over', () => {
    const fe = frontend('fe', { pools: [{ a: 0, b: 0 }, { c: 50 }] });
    assert.equal(activePoolIndex(fe, states({ a: 'up', b: 'up', c: 'up' })), 1);
  });
  void test('-1 when no pool qualifies', () => {
    const fe = frontend('fe', { pools: [{ a: 100 }, { c: 0 }] });
    assert.equal(activePoolIndex(fe, states({ a: 'down', c: 'up' })), -1);
  });
});

void describe('effectiveWeight', () => {
  const cases: Array<[BackendState, boolean, boolean, number, boolean]> = [
    // state, inActivePool, flushOnDown, weight, flush
    ['up', true, true, 70, false],
    ['up', false, true, 0, false],
    ['down', true, true, 0, true],
    ['down', true, false, 0, false],
    ['disabled', true, false, 0, true],
    ['removed', true, false, 0, true],
    ['unknown', true, true, 0, false],
    ['paused', true, true, 0, false],
  ];
  for (const [state, inActivePool, flushOnDown, weight, flush] of cases) {
    void test(`${state} active=${inActivePool} flushOnDown=${flushOnDown}`, () => {
      assert.deepEqual(effectiveWeight({ state, poolWeight: 70, inActivePool, flushOnDown }), {
        weight,
        flush,
      });
    });
  }
});

void describe('frontendState', () => {
  const fe = frontend('fe', { pools: [{ a: 100, b: 100 }, { c: 100 }] });
  void test('unknown while every backend is unknown', () => {
    assert.equal(frontendState(fe, states({})), 'unknown');
  });
  void test('up when some backend carries weight', () => {
    assert.equal(frontendState(fe, states({ a: 'down', b: 'down', c: 'up' })), 'up');
  });
  void test('down when some backend has a real state but nobody carries weight', () => {
    assert.equal(frontendState(fe, states({ a: 'down' })), 'down');
    assert.equal(frontendState(fe, states({ a: 'disabled', b: 'paused', c: 'down' })), 'down');
  });
  void test('up backends whose pool weights are all 0 leave the frontend down', () => {
    const zero = frontend('fe', { pools: [{ a: 0 }] });
    assert.equal(frontendState(zero, states({ a: 'up' })), 'down');
  });
});
