// One run reports every independent mistake in the file, each at its own place.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertProblem, lines, mustFail, show } from './fixtures.js';

describe('all errors at once', () => {
  test('mistakes in every section are all reported, sorted by position', () => {
    const r = mustFail(
      lines(
        'maglev:', // 1
        '  healthchecker: {transition-history: 0}', // 2
        '  vpp:', // 3
        '    lb: {ipv4-src-address: "::1", sync-interval: 5}', // 4
        '  healthchecks:', // 5
        '    web: {type: http, port: 0, timeout: 1x}', // 6
        '    ping: {type: icmp, port: 7}', // 7
        '  backends:', // 8
        '    b1: {address: 192.0.2.1, healthcheck: nope}', // 9
        '    b2: {address: 192.0.2.999}', // 10
        '  frontends:', // 11
        '    f1:', // 12
        '      address: 198.51.100.1', // 13
        '      protocol: any', // 14
        '      port: 80', // 15
        '      pools:', // 16
        '        - name: primary', // 17
        '          backends: {b1: {weight: 500}, missing: {}}', // 18
      ),
    );
    assert.equal(r.kind, 'semantic');
    const expected = [
      {
        message: 'healthchecker.transition-history: must be an integer of at least 1, got 0',
        line: 2,
        col: 39,
      },
      { message: 'vpp.lb.ipv4-src-address: must be an IPv4 address, got IPv6 address ::1', line: 4, col: 28 },
      {
        message:
          'vpp.lb.sync-interval: must be a duration like "2s", "500ms" or "1m30s", got 5 (durations need a unit, e.g. "5s")',
        line: 4,
        col: 50,
      },
      { message: 'healthchecks.web.port: must be an integer from 1 to 65535, got 0', line: 6, col: 29 },
      {
        message:
          'healthchecks.web.timeout: must be a duration like "2s", "500ms" or "1m30s", got "1x": unknown unit "x" (use ns, us, ms, s, m or h)',
        line: 6,
        col: 41,
      },
      { message: 'healthchecks.ping.port: icmp checks take no port', line: 7, col: 24 },
      { message: "backends.b1.healthcheck: health check 'nope' is not defined", line: 9, col: 43 },
      {
        message: 'backends.b2.address: must be an IPv4 or IPv6 address, got "192.0.2.999": 999 is above 255',
        line: 10,
        col: 19,
      },
      {
        message: 'frontends.f1.port: protocol any serves all ports, so port must be 0 or omitted, got 80',
        line: 15,
        col: 13,
      },
      {
        message: 'frontends.f1.pools[0].backends.b1.weight: must be an integer from 0 to 100, got 500',
        line: 18,
        col: 35,
      },
      { message: "frontends.f1.pools[0]: backend 'missing' is not defined", line: 18, col: 41 },
    ];
    for (const e of expected) assertProblem(r.errors, e);
    assert.equal(r.errors.length, expected.length, show(r.errors));
    const positions = r.errors.map((e) => e.line * 1000 + e.col);
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
    );
  });

  test('several unknown keys in one map each get their own position', () => {
    const r = mustFail(
      lines(
        'maglev:',
        '  backends:',
        '    b1:',
        '      address: 192.0.2.1',
        '      adress: x',
        '      wieght: 1',
      ),
    );
    assertProblem(r.errors, { message: ["unknown key 'adress' (did you mean 'address'?)"], line: 5, col: 7 });
    assertProblem(r.errors, { message: ["unknown key 'wieght'"], line: 6, col: 7 });
    assert.equal(r.errors.length, 2, show(r.errors));
  });

  test('a bad entry does not hide rules on its neighbours', () => {
    const r = mustFail(
      lines(
        'maglev:',
        '  backends:',
        '    "bad name": {address: 192.0.2.1, extra: 1}',
        '    b6: {address: "2001:db8::6"}',
        '    b4: {address: 192.0.2.4}',
        '  frontends:',
        '    f1:',
        '      address: 198.51.100.1',
        '      port: 80',
        '      description: [not, a, string]',
        '      pools: [{name: p, backends: {b6: {}, b4: {}}}]',
      ),
    );
    assertProblem(r.errors, { message: ['backend name "bad name" is not valid'], line: 3, col: 5 });
    assertProblem(r.errors, { message: ["unknown key 'extra'"], line: 3, col: 38 });
    assertProblem(r.errors, { message: ['description: must be a string, got a list'], line: 10, col: 20 });
    assertProblem(r.errors, {
      message: ["backend 'b4' is IPv4 but backend 'b6' is IPv6"],
      line: 11,
      col: 44,
    });
    assert.equal(r.errors.length, 4, show(r.errors));
  });
});
