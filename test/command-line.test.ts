// The command-line helpers every binary shares: the words for a boolean, and the rewrite of the
// Go-style single-dash flags into what commander reads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBool, rewriteGoStyleFlags } from '../src/command-line.js';

test('parseBool: true/1/yes/on and false/0/no/off in any case, nothing else', () => {
  for (const w of ['true', '1', 'yes', 'on', 'TRUE', 'Yes', 'oN']) assert.equal(parseBool(w), true, w);
  for (const w of ['false', '0', 'no', 'off', 'FALSE', 'No', 'Off']) assert.equal(parseBool(w), false, w);
  for (const w of ['', 'maybe', 'truee', ' true', '2', 'y', 'n']) assert.equal(parseBool(w), undefined, w);
});

test('rewriteGoStyleFlags: only the named flags; =bool only for the boolean ones', () => {
  const flags = { names: new Set(['server', 'json', 'color']), bools: new Set(['color']) };
  assert.deepEqual(rewriteGoStyleFlags(['-server', 'x:1', '-json', 'show', '-v'], flags), [
    '--server',
    'x:1',
    '--json',
    'show',
    '-v',
  ]);
  assert.deepEqual(rewriteGoStyleFlags(['-server=a=b', '--color=off', '-color=YES'], flags), [
    '--server=a=b',
    '--no-color',
    '--color',
  ]);
  // Not a boolean here: passed on for commander to refuse.
  assert.deepEqual(rewriteGoStyleFlags(['--json=false'], flags), ['--json=false']);
  assert.deepEqual(rewriteGoStyleFlags(['-color=maybe'], flags), {
    error: '--color expects true or false, got "maybe"',
  });
  assert.deepEqual(rewriteGoStyleFlags(['---server', '-Server', 'server'], flags), [
    '---server',
    '-Server',
    'server',
  ]);
});
