// Names (isValidName) and the "did you mean" suggestion for typos (closestName, didYouMean).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { closestName, didYouMean, isValidName, NAME_RULE } from '../../src/config/names.js';

/** Optimal string alignment distance, written out plainly as the oracle for closestName. */
function osa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, () => Array<number>(b.length + 1).fill(0));
  for (let i = 0; i <= a.length; i++) d[i]![0] = i;
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/** How far a typo may be from a name to be suggested: a third of its length, from 1 to 3. */
function limitFor(wanted: string): number {
  return Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
}

describe('isValidName', () => {
  test('a letter or digit first, then letters, digits, dot, underscore and dash', () => {
    for (const name of ['a', 'Z', '0', '9', 'web', 'b1', 'A.b_c-9', 'pool-1.eu_west', '0x']) {
      assert.equal(isValidName(name), true, name);
    }
    for (const name of [
      '',
      '-a',
      '.a',
      '_a',
      'a b',
      'a/b',
      'a:b',
      'a$',
      'é',
      'aé',
      ' a',
      'a ',
      'a\n',
      '[a]',
    ]) {
      assert.equal(isValidName(name), false, JSON.stringify(name));
    }
  });

  test('the rule is said in words the operator can act on', () => {
    assert.equal(
      NAME_RULE,
      "names start with a letter or digit and use only letters, digits, '.', '_' and '-'",
    );
  });
});

describe('closestName', () => {
  test('a transposition counts as one edit (prot is port)', () => {
    assert.equal(closestName('prot', ['port']), 'port');
    assert.equal(closestName('ab', ['ba']), 'ba');
    assert.equal(closestName('ab', ['ab']), 'ab');
    // Only a swap of two neighbours is one edit: ab → ca shares a letter across the diagonal
    // (a[0] = b[1]) but needs two.
    assert.equal(closestName('ab', ['ca']), undefined);
    assert.equal(closestName('ab', ['bc']), undefined);
  });

  test('insertions, deletions and substitutions, each one edit; case is ignored and kept', () => {
    assert.equal(closestName('prt', ['port']), 'port');
    assert.equal(closestName('poort', ['port']), 'port');
    assert.equal(closestName('pxrt', ['port']), 'port');
    assert.equal(closestName('PORT', ['Port']), 'Port');
    assert.equal(closestName('xyz', ['port']), undefined);
    assert.equal(closestName('port', []), undefined);
  });

  test('the limit is a third of the length, at least 1 and at most 3', () => {
    // length 2 → 1, 5 → 1, 6 → 2, 9 → 3, 14 → 3
    assert.equal(closestName('ab', ['xb']), 'xb');
    assert.equal(closestName('ab', ['xy']), undefined);
    assert.equal(closestName('abcde', ['abcdx']), 'abcdx');
    assert.equal(closestName('abcde', ['abcxy']), undefined);
    assert.equal(closestName('abcdef', ['abcdxy']), 'abcdxy');
    assert.equal(closestName('abcdef', ['abcxyz']), undefined);
    assert.equal(closestName('abcdefghi', ['abcdefxyz']), 'abcdefxyz');
    assert.equal(closestName('abcdefghi', ['abcdewxyz']), undefined);
    assert.equal(closestName('abcdefghijklmn', ['abcdefghijkxyz']), 'abcdefghijkxyz');
    assert.equal(closestName('abcdefghijklmn', ['abcdefghijwxyz']), undefined);
  });

  test('the closest wins; among equally close ones the first', () => {
    assert.equal(closestName('abcdefghi', ['abcdefxyz', 'abcdefgxy', 'abcdefghx']), 'abcdefghx');
    assert.equal(closestName('abcdefghi', ['abcdefghx', 'abcdefgxy']), 'abcdefghx');
    assert.equal(closestName('abcdefghi', ['abcdefghx', 'abcdefghy']), 'abcdefghx');
    assert.equal(closestName('abcdefghi', ['abcdefghy', 'abcdefghx']), 'abcdefghy');
  });

  test('suggests exactly the names within the limit, and the nearest of them (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), minLength: 0, maxLength: 9 });
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 4 }), (wanted, known) => {
        const hit = closestName(wanted, known);
        const distances = known.map((k) => osa(wanted, k));
        const best = Math.min(...distances);
        if (best > limitFor(wanted)) return hit === undefined;
        return hit === known[distances.indexOf(best)];
      }),
      { numRuns: 300 },
    );
  });
});

describe('didYouMean', () => {
  test("' (did you mean 'x'?)' when a name is close, '' when none is", () => {
    assert.equal(didYouMean('prot', ['port', 'path']), " (did you mean 'port'?)");
    assert.equal(didYouMean('zzzz', ['port', 'path']), '');
  });
});
