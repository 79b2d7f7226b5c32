// ProgrammedVips: which frontends VPP holds serving, as the syncer's runs report it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProgrammedVips, desiredState } from '../../src/dataplane/index.js';
import { states, twoFrontends } from './fixtures.js';

describe('ProgrammedVips', () => {
  const cfg = twoFrontends();
  const allUp = desiredState(cfg, states({}, 'up'));
  const allDown = desiredState(cfg, states({}, 'down'));

  test('a full run makes every frontend with a serving weight programmed; it reports what changed', () => {
    const p = new ProgrammedVips();
    assert.deepEqual(p.afterRun(allUp, ['all'], new Set()), ['web', 'dns']);
    assert.equal(p.isServing('web'), true);
    assert.equal(p.isServing('dns'), true);
    assert.deepEqual(p.afterRun(allUp, ['all'], new Set()), [], 'nothing changed');
  });

  test('weights of 0 are held but do not serve; a per-VIP run covers only its frontend', () => {
    const p = new ProgrammedVips();
    p.afterRun(allUp, ['all'], new Set());
    assert.deepEqual(p.afterRun(allDown, [{ frontend: 'web' }], new Set()), ['web']);
    assert.equal(p.isServing('web'), false);
    assert.equal(p.isServing('dns'), true, 'not covered by the run');
  });

  test('a failed or skipped operation makes its frontend not programmed until a run succeeds', () => {
    const p = new ProgrammedVips();
    p.afterRun(allUp, ['all'], new Set());
    assert.deepEqual(p.afterRun(allUp, ['all'], new Set(['dns', undefined])), ['dns']);
    assert.equal(p.isServing('dns'), false);
    assert.equal(p.isServing('web'), true);
    assert.deepEqual(p.afterRun(allUp, [{ frontend: 'dns' }], new Set()), ['dns']);
    assert.equal(p.isServing('dns'), true);
  });

  test('a frontend gone from the config is forgotten by a full run; a disconnect clears everything', () => {
    const p = new ProgrammedVips();
    p.afterRun(allUp, ['all'], new Set());
    const webOnly = desiredState(
      { ...cfg, frontends: new Map([['web', cfg.frontends.get('web')!]]) },
      states({}, 'up'),
    );
    assert.deepEqual(p.afterRun(webOnly, ['all'], new Set()), ['dns']);
    assert.equal(p.isServing('dns'), false);
    assert.deepEqual(p.disconnected(), ['web']);
    assert.equal(p.isServing('web'), false);
    assert.deepEqual(p.disconnected(), []);
  });

  test('a disconnect reports only the frontends that were serving, not those held at weight 0', () => {
    const p = new ProgrammedVips();
    p.afterRun(allUp, ['all'], new Set());
    p.afterRun(allDown, [{ frontend: 'web' }], new Set());
    assert.deepEqual(p.disconnected(), ['dns']);
    assert.equal(p.isServing('dns'), false);
  });

  test('never synced: not programmed', () => {
    assert.equal(new ProgrammedVips().isServing('web'), false);
  });
});
