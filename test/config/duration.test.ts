// The Go-duration parser and formatter.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatGoDuration, parseGoDuration } from '../../src/config/index.js';

function ms(text: string): number {
  const r = parseGoDuration(text);
  if (!r.ok) assert.fail(`${text}: ${r.reason}`);
  return r.ms;
}

describe('parseGoDuration', () => {
  test('every unit', () => {
    assert.equal(ms('1h'), 3_600_000);
    assert.equal(ms('2m'), 120_000);
    assert.equal(ms('3s'), 3_000);
    assert.equal(ms('500ms'), 500);
    assert.equal(ms('250us'), 0.25);
    assert.equal(ms('250\u00b5s'), 0.25);
    assert.equal(ms('250\u03bcs'), 0.25);
    assert.equal(ms('1500000ns'), 1.5);
  });

  test('compound durations and fractions', () => {
    assert.equal(ms('1m30s'), 90_000);
    assert.equal(ms('1h2m3s4ms'), 3_723_004);
    assert.equal(ms('1.5s'), 1_500);
    assert.equal(ms('.5s'), 500);
    assert.equal(ms('1.s'), 1_000);
    assert.equal(ms('0.001s'), 1);
    assert.equal(ms('1.5h'), 5_400_000);
  });

  test('zero, signs', () => {
    assert.equal(ms('0'), 0);
    assert.equal(ms('0s'), 0);
    assert.equal(ms('0ms'), 0);
    assert.equal(ms('+2s'), 2_000);
    assert.equal(ms('-2s'), -2_000);
  });

  test('rejects what Go rejects, with a reason', () => {
    const cases: [string, string][] = [
      ['', 'empty'],
      ['2', 'missing unit'],
      ['1m30', 'missing unit'],
      ['2sec', 'unknown unit "sec"'],
      ['2 s', 'unknown unit " s"'],
      ['s', 'expected a number'],
      ['.s', 'expected a number'],
      ['1.2.3s', 'missing unit'],
      ['3000000h', 'out of range'],
      ['-', 'empty'],
    ];
    for (const [text, reason] of cases) {
      const r = parseGoDuration(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.ok(r.reason.includes(reason), `${text}: ${r.reason}`);
    }
  });

  test('a reason quotes the group it stopped at, not the whole text', () => {
    assert.deepEqual(parseGoDuration('1s.s'), { ok: false, reason: 'expected a number at ".s"' });
    assert.deepEqual(parseGoDuration('1s2'), {
      ok: false,
      reason: 'missing unit after 2 (use ns, us, ms, s, m or h)',
    });
    assert.deepEqual(parseGoDuration('1s2x'), {
      ok: false,
      reason: 'unknown unit "x" (use ns, us, ms, s, m or h)',
    });
  });

  test('the largest Go duration parses, one more nanosecond does not', () => {
    assert.equal(parseGoDuration('9223372036854775807ns').ok, true);
    assert.equal(parseGoDuration('9223372036854775808ns').ok, false);
  });
});

describe('formatGoDuration', () => {
  test('prints as Go does', () => {
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(0.000001), '1ns');
    assert.equal(formatGoDuration(0.25), '250\u00b5s');
    assert.equal(formatGoDuration(1.5), '1.5ms');
    assert.equal(formatGoDuration(500), '500ms');
    assert.equal(formatGoDuration(1_500), '1.5s');
    assert.equal(formatGoDuration(90_000), '1m30s');
    assert.equal(formatGoDuration(3_600_000), '1h0m0s');
    assert.equal(formatGoDuration(-2_000), '-2s');
  });

  test('each unit starts at exactly one of itself, as in Go', () => {
    assert.equal(formatGoDuration(0.000999), '999ns');
    assert.equal(formatGoDuration(0.001), '1\u00b5s');
    assert.equal(formatGoDuration(0.999999), '999.999\u00b5s');
    assert.equal(formatGoDuration(1), '1ms');
    assert.equal(formatGoDuration(999.999999), '999.999999ms');
    assert.equal(formatGoDuration(1_000), '1s');
    assert.equal(formatGoDuration(59_999), '59.999s');
    assert.equal(formatGoDuration(60_000), '1m0s');
    assert.equal(formatGoDuration(3_599_999), '59m59.999s');
    assert.equal(formatGoDuration(-0.001), '-1\u00b5s');
    assert.equal(formatGoDuration(-90_000), '-1m30s');
  });

  test('round-trips through the parser', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 24 * 3_600_000 }), (n) => {
        const r = parseGoDuration(formatGoDuration(n));
        return r.ok && r.ms === n;
      }),
    );
  });
});
