// Pure formatting: ages, durations, colour decisions, and tables that line up with and without
// colour escapes.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  colourWanted,
  fields,
  formatAge,
  formatDuration,
  makeStyle,
  plainStyle,
  stripAnsi,
  table,
  visibleWidth,
} from '../../src/cli/index.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('ages: the two largest units', () => {
  test('examples from the brief', () => {
    assert.equal(formatAge(10 * m + 30 * s), '10m30s');
    assert.equal(formatAge(1 * h + 12 * m + 59 * s), '1h12m');
    assert.equal(formatAge(1 * d + 16 * h + 5 * m), '1d16h');
  });

  test('edges', () => {
    assert.equal(formatAge(0), '0s');
    assert.equal(formatAge(999), '0s');
    assert.equal(formatAge(45 * s), '45s');
    assert.equal(formatAge(60 * s), '1m0s');
    assert.equal(formatAge(h), '1h0m');
    assert.equal(formatAge(400 * d), '400d0h');
    assert.equal(formatAge(-5 * s), '0s', 'clock skew shows as 0s, never negative');
  });
});

describe('durations as maglev.yaml writes them', () => {
  test('examples', () => {
    assert.equal(formatDuration(500), '500ms');
    assert.equal(formatDuration(1500), '1.5s');
    assert.equal(formatDuration(2000), '2s');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(h), '1h');
    assert.equal(formatDuration(h + 30 * s), '1h30s');
    assert.equal(formatDuration(0), '0s');
  });
});

describe('colour', () => {
  test('the flag wins, then NO_COLOR, then the terminal', () => {
    assert.equal(colourWanted(true, false, { NO_COLOR: '1' }), true);
    assert.equal(colourWanted(false, true, {}), false);
    assert.equal(colourWanted(undefined, true, { NO_COLOR: '1' }), false);
    assert.equal(colourWanted(undefined, true, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
    assert.equal(colourWanted(undefined, true, {}), true);
    assert.equal(colourWanted(undefined, false, {}), false);
  });

  test('state colours: up green, down red, unknown/paused yellow, disabled/removed grey', () => {
    const c = makeStyle(true);
    assert.equal(c.state('up'), '\x1b[32mup\x1b[39m');
    assert.equal(c.state('down'), '\x1b[31mdown\x1b[39m');
    assert.equal(c.state('unknown'), '\x1b[33munknown\x1b[39m');
    assert.equal(c.state('paused'), '\x1b[33mpaused\x1b[39m');
    assert.equal(c.state('disabled'), '\x1b[90mdisabled\x1b[39m');
    assert.equal(c.state('removed'), '\x1b[90mremoved\x1b[39m');
    assert.equal(c.label('frontend'), '\x1b[34mfrontend\x1b[39m');
    assert.equal(plainStyle.state('up'), 'up');
  });
});

describe('tables', () => {
  const rows = [
    ['nginx0-ams', 'up', '100'],
    ['b', 'disabled', '5'],
  ];

  test('columns two spaces apart, numbers right-aligned, no trailing spaces', () => {
    assert.deepEqual(table(plainStyle, ['BACKEND', 'STATE', 'WEIGHT'], rows, { right: [2] }), [
      'BACKEND     STATE     WEIGHT',
      'nginx0-ams  up           100',
      'b           disabled       5',
    ]);
  });

  test('coloured cells line up exactly like plain ones', () => {
    const c = makeStyle(true);
    const coloured = table(
      c,
      ['BACKEND', 'STATE', 'WEIGHT'],
      rows.map(([n, st, w]) => [n ?? '', c.state(st ?? ''), w ?? '']),
      { right: [2], indent: '  ' },
    );
    assert.notDeepEqual(coloured, coloured.map(stripAnsi));
    assert.deepEqual(coloured.map(stripAnsi), [
      '  BACKEND     STATE     WEIGHT',
      '  nginx0-ams  up           100',
      '  b           disabled       5',
    ]);
    assert.equal(visibleWidth(c.state('up')), 2);
  });

  test('label/value blocks', () => {
    assert.deepEqual(
      fields(plainStyle, [
        ['state', 'up'],
        ['src-ip-sticky', 'no'],
      ]),
      ['state          up', 'src-ip-sticky  no'],
    );
  });
});
