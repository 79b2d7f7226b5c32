// checkStructure's own wording, for the schema checks that bring no message of their own: every
// config check today brings one for its bounds, so these are read here, on small schemas.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { checkStructure } from '../../src/config/issues.js';

function messages(schema: z.ZodType, value: unknown): [string, string][] {
  return checkStructure(schema, value).findings.map((f) => [f.path.join('.'), f.message]);
}

describe('checkStructure: the generic messages', () => {
  test('a list too short or too long counts items; a number out of bounds quotes itself', () => {
    assert.deepEqual(messages(z.object({ a: z.array(z.number()).min(1) }), { a: [] }), [
      ['a', 'a: must have at least 1 item(s)'],
    ]);
    assert.deepEqual(messages(z.object({ a: z.array(z.number()).max(1) }), { a: [1, 2] }), [
      ['a', 'a: must have at most 1 item(s)'],
    ]);
    assert.deepEqual(messages(z.object({ a: z.number().min(5) }), { a: 3 }), [
      ['a', 'a: must be at least 5, got 3'],
    ]);
    assert.deepEqual(messages(z.object({ a: z.number().max(5) }), { a: 7 }), [
      ['a', 'a: must be at most 5, got 7'],
    ]);
  });

  test('a wrong type is named in words', () => {
    const schema = z.object({ a: z.number(), b: z.number().int(), c: z.array(z.string()) });
    assert.deepEqual(messages(schema, { a: 'x', b: 1.5, c: 'y' }), [
      ['a', 'a: must be a number, got "x"'],
      ['b', 'b: must be an integer, got 1.5'],
      ['c', 'c: must be a list, got "y"'],
    ]);
  });
});
