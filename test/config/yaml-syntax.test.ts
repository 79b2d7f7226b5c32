// Broken YAML is kind 'parse' (maglevd --check exits 1), with every syntax error positioned.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertProblem, lines, mustFail, show } from './fixtures.js';

describe('YAML syntax errors', () => {
  test('a duplicate key is reported at the second occurrence', () => {
    const r = mustFail(
      lines('maglev:', '  backends:', '    b1: {address: 192.0.2.1}', '    b1: {address: 192.0.2.2}'),
    );
    assert.equal(r.kind, 'parse');
    assertProblem(r.errors, { message: ["duplicate key 'b1'"], line: 4, col: 5 });
  });

  test('a duplicate key inside a flow map', () => {
    const r = mustFail(lines('maglev:', '  backends:', '    b1: {address: 192.0.2.1, address: 192.0.2.2}'));
    assert.equal(r.kind, 'parse');
    assertProblem(r.errors, { message: ["duplicate key 'address'"], line: 3, col: 30 });
  });

  test('bad indentation', () => {
    const r = mustFail(
      lines('maglev:', '  backends:', '    b1:', '      address: 192.0.2.1', '     enabled: true'),
    );
    assert.equal(r.kind, 'parse');
    assertProblem(r.errors, { message: ['invalid YAML'], line: 5, col: 6 });
  });

  test('a tab used as indentation', () => {
    const r = mustFail('maglev:\n\tbackends: {}\n');
    assert.equal(r.kind, 'parse');
    assertProblem(r.errors, { message: ['Tabs are not allowed as indentation'], line: 2, col: 1 });
  });

  test('an unterminated flow sequence', () => {
    const r = mustFail(lines('maglev:', '  frontends:', '    f1:', '      pools: [a, b', '  backends: {}'));
    assert.equal(r.kind, 'parse');
    assert.ok(r.errors.length >= 1);
    assert.ok(
      r.errors.every((e) => e.line >= 4),
      show(r.errors),
    );
  });

  test('an alias without an anchor', () => {
    const r = mustFail(lines('maglev:', '  backends:', '    b1: *nothing'));
    assert.equal(r.kind, 'parse');
    assertProblem(r.errors, { message: ['alias *nothing has no anchor'], line: 3, col: 9 });
  });

  test('two documents in one file', () => {
    const r = mustFail(lines('maglev: {}', '---', 'maglev: {}'));
    assert.equal(r.kind, 'parse');
    assertProblem(r.errors, { message: ['multiple documents'], line: 2, col: 1 });
  });

  test('every syntax error is reported, in order, not just the first', () => {
    const r = mustFail(
      lines(
        'maglev:',
        '  backends:',
        '    b1: {address: 192.0.2.1}',
        '    b1: {address: 192.0.2.2}',
        '  frontends:',
        '    f1: {}',
        '    f1: {}',
      ),
    );
    assert.equal(r.kind, 'parse');
    assertProblem(r.errors, { message: ["duplicate key 'b1'"], line: 4, col: 5 });
    assertProblem(r.errors, { message: ["duplicate key 'f1'"], line: 7, col: 5 });
    assert.equal(r.errors.length, 2, show(r.errors));
  });

  test('syntax errors win over semantic ones: the file is not interpreted', () => {
    const r = mustFail(lines('maglev:', '  bogus: 1', '  bogus: 2'));
    assert.equal(r.kind, 'parse');
    assert.equal(r.errors.length, 1, show(r.errors));
  });

  test('keys that become the same string are duplicates (1 and "1")', () => {
    const r = mustFail(
      lines('maglev:', '  backends:', '    1: {address: 192.0.2.1}', '    "1": {address: 192.0.2.2}'),
    );
    assert.equal(r.kind, 'parse');
    assertProblem(r.errors, { message: ["duplicate key '1'"], line: 4, col: 5 });
  });

  test('an alias bomb is refused as invalid YAML before it is expanded', () => {
    const r = mustFail(
      lines(
        'a: &a [x, x, x, x, x, x, x, x, x, x]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
        'maglev: {}',
      ),
    );
    assert.equal(r.kind, 'parse');
    assert.deepEqual(r.errors, [
      {
        file: 'test.yaml',
        line: 1,
        col: 1,
        message: 'invalid YAML: Excessive alias count indicates a resource exhaustion attack',
      },
    ]);
  });

  test('a 10 000-backend file with a duplicate near the end is parsed and the duplicate found', () => {
    const l = ['maglev:', '  backends:'];
    for (let i = 0; i < 10_000; i++) l.push(`    b${i}: {address: 10.0.${i >> 8}.${i & 255}}`);
    l.push('    b9000: {address: 192.0.2.1}');
    const r = mustFail(lines(...l));
    assert.equal(r.kind, 'parse');
    assertProblem(r.errors, { message: ["duplicate key 'b9000'"], line: 10_003, col: 5 });
  });
});
