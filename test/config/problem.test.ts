// Problems as text (formatProblem, formatWarning) and in file order (compareProblems).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareProblems,
  formatProblem,
  formatWarning,
  type ConfigProblem,
} from '../../src/config/problem.js';

const p = (line: number, col: number, message: string): ConfigProblem => ({
  file: 'm.yaml',
  line,
  col,
  message,
});

test('file:line:col: message, and warnings say so', () => {
  assert.equal(formatProblem(p(3, 7, 'bad')), 'm.yaml:3:7: bad');
  assert.equal(formatWarning(p(3, 7, 'odd')), 'm.yaml:3:7: warning: odd');
});

test('sorted by line, then column, then message; equal problems compare 0', () => {
  const sorted = [p(2, 9, 'b'), p(10, 1, 'a'), p(2, 10, 'a'), p(2, 9, 'a'), p(1, 50, 'z')].sort(
    compareProblems,
  );
  assert.deepEqual(sorted, [p(1, 50, 'z'), p(2, 9, 'a'), p(2, 9, 'b'), p(2, 10, 'a'), p(10, 1, 'a')]);
  assert.equal(compareProblems(p(2, 9, 'a'), p(2, 9, 'a')), 0);
  assert.ok(compareProblems(p(2, 9, 'a'), p(2, 9, 'b')) < 0);
  assert.ok(compareProblems(p(2, 9, 'b'), p(2, 9, 'a')) > 0);
  assert.ok(compareProblems(p(2, 3, 'a'), p(2, 9, 'a')) < 0);
  assert.ok(compareProblems(p(2, 9, 'a'), p(2, 3, 'a')) > 0);
});
