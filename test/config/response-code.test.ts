// parseResponseCode: `200` or `"200-399"`, 100 <= N <= M <= 599, nothing else.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResponseCode } from '../../src/config/schema.js';

test('a code or a range within 100..599, with blanks around it allowed', () => {
  assert.deepEqual(parseResponseCode(200), { min: 200, max: 200 });
  assert.deepEqual(parseResponseCode('200'), { min: 200, max: 200 });
  assert.deepEqual(parseResponseCode(' 204 '), { min: 204, max: 204 });
  assert.deepEqual(parseResponseCode('200-399'), { min: 200, max: 399 });
  assert.deepEqual(parseResponseCode('100'), { min: 100, max: 100 });
  assert.deepEqual(parseResponseCode('599'), { min: 599, max: 599 });
  assert.deepEqual(parseResponseCode('100-599'), { min: 100, max: 599 });
  assert.deepEqual(parseResponseCode('301-301'), { min: 301, max: 301 });
});

test('anything else is refused', () => {
  for (const value of [
    '099',
    99,
    '600',
    '100-600',
    '200-100',
    'x200',
    '200x',
    '200-3999',
    '2000',
    '20',
    'abc',
    '',
    '200-',
  ]) {
    assert.equal(parseResponseCode(value), undefined, JSON.stringify(value));
  }
});
