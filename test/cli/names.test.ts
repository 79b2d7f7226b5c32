// Live names: one fetch per kind within the TTL, pools per frontend, failures as "unknown".

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrontendInfo } from '../../src/api/index.js';
import { LiveNames, NAME_TTL_MS, type MaglevApi } from '../../src/cli/index.js';
import { FakeClock } from '../../src/clock/index.js';

type NameApi = Pick<MaglevApi, 'frontendNames' | 'backendNames' | 'healthCheckNames' | 'getFrontend'>;

function fakeApi(calls: string[]): NameApi {
  return {
    frontendNames: () => (calls.push('frontends'), Promise.resolve(['web'])),
    backendNames: () => (calls.push('backends'), Promise.resolve(['a', 'b'])),
    healthCheckNames: () => (calls.push('healthchecks'), Promise.reject(new Error('unreachable'))),
    getFrontend: (name) => {
      calls.push(`frontend ${name}`);
      return name === 'web'
        ? Promise.resolve(FrontendInfo.fromPartial({ name, pools: [{ name: 'primary' }, { name: 'spare' }] }))
        : Promise.reject(new Error('not found'));
    },
  };
}

test('names are cached for the TTL, then fetched again', async () => {
  const calls: string[] = [];
  const clock = new FakeClock();
  const names = new LiveNames(fakeApi(calls), clock);
  assert.deepEqual(await names.lookup('backend', {}), ['a', 'b']);
  assert.deepEqual(await names.lookup('backend', {}), ['a', 'b']);
  await clock.advance(NAME_TTL_MS - 1);
  await names.lookup('backend', {});
  assert.deepEqual(calls, ['backends']);
  await clock.advance(1);
  await names.lookup('backend', {});
  assert.deepEqual(calls, ['backends', 'backends']);
  names.clear();
  await names.lookup('backend', {});
  assert.equal(calls.length, 3);
});

test('pools depend on the frontend; failures are unknown, not errors', async () => {
  const calls: string[] = [];
  const names = new LiveNames(fakeApi(calls), new FakeClock());
  assert.deepEqual(await names.lookup('pool', { frontend: 'web' }), ['primary', 'spare']);
  assert.equal(await names.lookup('pool', { frontend: 'nope' }), undefined);
  assert.equal(await names.lookup('pool', {}), undefined);
  assert.equal(await names.lookup('healthcheck', {}), undefined);
  assert.deepEqual(await names.lookup('frontend', {}), ['web']);
  assert.deepEqual(calls, ['frontend web', 'frontend nope', 'healthchecks', 'frontends']);
});

test('concurrent lookups share one fetch', async () => {
  const calls: string[] = [];
  const names = new LiveNames(fakeApi(calls), new FakeClock());
  await Promise.all([names.lookup('backend', {}), names.lookup('backend', {}), names.lookup('backend', {})]);
  assert.deepEqual(calls, ['backends']);
});
