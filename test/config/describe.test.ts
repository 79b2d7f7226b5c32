// How values and paths from the file are quoted back in messages (describeValue, describePath).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describePath, describeValue } from '../../src/config/describe.js';

describe('describeValue', () => {
  test('each kind of value the YAML reader can give, and the rest by its type', () => {
    const cases: [unknown, string][] = [
      [undefined, 'nothing'],
      [null, 'an empty value'],
      ['web', '"web"'],
      ['say "hi"\n', '"say \\"hi\\"\\n"'],
      ['', '""'],
      [1.5, '1.5'],
      [0, '0'],
      [true, 'true'],
      [false, 'false'],
      [10n, '10'],
      [[], 'a list'],
      [[1, 2], 'a list'],
      [new Uint8Array([1]), 'binary data'],
      [Buffer.from('x'), 'binary data'],
      [{}, 'a map'],
      [new Map(), 'a map'],
      [() => 1, 'function'],
      [Symbol('s'), 'symbol'],
    ];
    for (const [value, expected] of cases) assert.equal(describeValue(value), expected, expected);
  });
});

describe('describePath', () => {
  test('dots between keys, brackets around indexes, without the maglev. root', () => {
    assert.equal(describePath(['maglev', 'healthchecks', 'web', 'port']), 'healthchecks.web.port');
    assert.equal(
      describePath(['maglev', 'frontends', 'web', 'pools', 0, 'name']),
      'frontends.web.pools[0].name',
    );
    assert.equal(describePath(['frontends', 'web', 'pools', 1]), 'frontends.web.pools[1]');
    assert.equal(describePath([0, 'name']), '[0].name');
    assert.equal(describePath(['maglev', 2]), '[2]');
  });

  test('maglev alone, or anywhere but first, stays', () => {
    assert.equal(describePath(['maglev']), 'maglev');
    assert.equal(describePath(['backends', 'maglev']), 'backends.maglev');
    assert.equal(describePath([]), '');
  });
});
