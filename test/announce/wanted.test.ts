// planAnnouncements: which frontends want their VIP announced, and which routes that makes.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planAnnouncements, routeCarries, type AnnounceInputs } from '../../src/announce/index.js';
import { parseConfig, type MaglevConfig } from '../../src/config/index.js';
import type { FrontendState } from '../../src/health/index.js';

function config(announce: boolean, frontends: string[]): MaglevConfig {
  const text = [
    'maglev:',
    ...(announce ? ['  announce:'] : []),
    '  backends: {b4: {address: 192.0.2.1}, b6: {address: 2001:db8::1}}',
    '  frontends:',
    ...frontends.map((f) => `    ${f}`),
  ].join('\n');
  const r = parseConfig(text + '\n', 't.yaml');
  if (!r.ok) assert.fail(r.errors.map((e) => e.message).join('\n'));
  return r.config;
}

const POOL4 = 'pools: [{name: p, backends: {b4: {}}}]';
const POOL6 = 'pools: [{name: p, backends: {b6: {}}}]';

function inputs(
  cfg: MaglevConfig,
  states: Record<string, FrontendState>,
  programmed: string[],
  stopping = false,
): AnnounceInputs {
  return {
    config: cfg,
    frontendState: (name) => states[name],
    programmed: (name) => programmed.includes(name),
    stopping,
  };
}

describe('planAnnouncements', () => {
  const cfg = config(true, [
    `web: {address: 198.51.100.10, port: 80, ${POOL4}}`,
    `tls: {address: 198.51.100.10, port: 443, ${POOL4}}`,
    `v6: {address: "2001:db8:100::10", port: 80, ${POOL6}}`,
    `low: {address: 198.51.100.2, port: 80, ${POOL4}}`,
    `quiet: {address: 198.51.100.3, port: 80, announce: false, ${POOL4}}`,
  ]);

  test('up and programmed: announced, one route per address, IPv4 first, ascending', () => {
    const plan = planAnnouncements(
      inputs(cfg, { web: 'up', tls: 'up', v6: 'up', low: 'up', quiet: 'up' }, [
        'web',
        'tls',
        'v6',
        'low',
        'quiet',
      ]),
    );
    assert.deepEqual(
      plan.frontends.map((f) => [f.frontend, f.reason]),
      [
        ['web', 'up'],
        ['tls', 'up'],
        ['v6', 'up'],
        ['low', 'up'],
        ['quiet', 'off'],
      ],
    );
    assert.deepEqual(plan.routes, [
      { prefix: '198.51.100.2/32', family: 4, frontends: ['low'] },
      { prefix: '198.51.100.10/32', family: 4, frontends: ['web', 'tls'] },
      { prefix: '2001:db8:100::10/128', family: 6, frontends: ['v6'] },
    ]);
  });

  test('down, unknown and not programmed frontends are not wanted, with the reason', () => {
    const plan = planAnnouncements(
      inputs(cfg, { web: 'down', tls: 'unknown', v6: 'up', low: 'up' }, ['web', 'tls', 'low']),
    );
    assert.deepEqual(
      plan.frontends.map((f) => [f.frontend, f.wanted, f.reason]),
      [
        ['web', false, 'frontend-down'],
        ['tls', false, 'frontend-down'],
        ['v6', false, 'not-programmed'],
        ['low', true, 'up'],
        ['quiet', false, 'off'],
      ],
    );
    assert.deepEqual(
      plan.routes.map((r) => r.prefix),
      ['198.51.100.2/32'],
    );
  });

  test('an address stays announced while any frontend on it wants it, and carries the others', () => {
    const plan = planAnnouncements(inputs(cfg, { web: 'down', tls: 'up' }, ['tls']));
    assert.deepEqual(plan.routes, [{ prefix: '198.51.100.10/32', family: 4, frontends: ['tls'] }]);
    const web = plan.frontends.find((f) => f.frontend === 'web');
    assert.ok(web);
    assert.equal(web.wanted, false);
    assert.equal(routeCarries(plan.routes, web), true);
    const quiet = plan.frontends.find((f) => f.frontend === 'quiet');
    assert.ok(quiet);
    assert.equal(routeCarries(plan.routes, quiet), false);
  });

  test('stopping withdraws everything', () => {
    const plan = planAnnouncements(
      inputs(cfg, { web: 'up', tls: 'up', v6: 'up', low: 'up' }, ['web', 'tls', 'v6', 'low'], true),
    );
    assert.deepEqual(plan.routes, []);
    assert.deepEqual(
      plan.frontends.map((f) => f.reason),
      ['stopping', 'stopping', 'stopping', 'stopping', 'off'],
    );
  });

  test('without maglev.announce every frontend is off', () => {
    const off = config(false, [`web: {address: 198.51.100.10, port: 80, ${POOL4}}`]);
    const plan = planAnnouncements(inputs(off, { web: 'up' }, ['web']));
    assert.deepEqual(plan.routes, []);
    assert.deepEqual(
      plan.frontends.map((f) => f.reason),
      ['off'],
    );
  });
});
