// Traffic rates as maglevc and the dashboard print them (src/dataplane/rate-text.ts): at most three
// significant digits with an SI prefix, and the edges where the rounding moves to the next digit
// or prefix.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { byteRate, packetRate, siNumber } from '../../src/dataplane/index.js';

void describe('rate text', () => {
  void test('short SI numbers, three significant digits at most', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [0.04, '0.04'],
      [0.004, '0.004'],
      [0.96, '1'], // one significant digit below 1
      [1, '1'],
      [9.94, '9.9'],
      [9.95, '10'],
      [12, '12'],
      [999.4, '999'],
      [999.5, '1k'], // would round to 1000: the next prefix instead
      [1_500, '1.5k'],
      [230e6, '230M'],
      [1e21, '1000E'], // past the last prefix the number grows
    ];
    for (const [value, text] of cases) assert.equal(siNumber(value), text, `siNumber(${value})`);
  });

  void test('no rate to show is 0: negative, not a number, infinite', () => {
    for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(siNumber(value), '0');
  });

  void test('packets per second are the bare number, bytes per second carry their unit', () => {
    assert.equal(packetRate(1_500), '1.5k');
    assert.equal(byteRate(512), '512 B/s');
    assert.equal(byteRate(1.5e6), '1.5 MB/s');
    assert.equal(byteRate(0), '0 B/s');
  });
});
