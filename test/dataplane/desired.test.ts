import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendState } from '../../src/health/index.js';
import {
  desiredState,
  desiredVip,
  frontendBackendsKnown,
  frontendsReferencing,
  vipKeyString,
  type DesiredVip,
} from '../../src/dataplane/index.js';
import { backend, config, frontend } from '../helpers/config.js';
import { states } from './fixtures.js';

const BACKENDS = [
  backend('a', '10.0.0.1'),
  backend('b', '10.0.0.2'),
  backend('c', '10.0.0.3'),
  backend('d', '10.0.0.4'),
];

/** address → "weight" or "weight flush" */
function weights(vip: DesiredVip): Record<string, string> {
  return Object.fromEntries(
    [...vip.ases].map(([address, as]) => [address, `${as.weight}${as.flush ? ' flush' : ''}`]),
  );
}

function single(
  pools: [string, Record<string, number>][],
  known: Record<string, BackendState>,
  flushOnDown = true,
) {
  const cfg = config({
    backends: BACKENDS,
    frontends: [frontend('web', { address: '192.0.2.1', pools, flushOnDown })],
  });
  const state = desiredState(cfg, states(known));
  const vip = state.vips.get('192.0.2.1/32 tcp:80');
  assert.ok(vip);
  return vip;
}

void describe('desired weights per backend state', () => {
  const pools: [string, Record<string, number>][] = [['primary', { a: 100, b: 50 }]];
  const cases: [string, BackendState, boolean, string][] = [
    ['up in the active pool carries its pool weight', 'up', true, '50'],
    ['down with flush-on-down flushes', 'down', true, '0 flush'],
    ['down without flush-on-down only drains', 'down', false, '0'],
    ['disabled always flushes', 'disabled', false, '0 flush'],
    ['removed flushes', 'removed', true, '0 flush'],
    ['paused never flushes', 'paused', true, '0'],
    ['unknown never flushes', 'unknown', true, '0'],
  ];
  for (const [name, bState, flushOnDown, expected] of cases) {
    void test(name, () => {
      const vip = single(pools, { a: 'up', b: bState }, flushOnDown);
      assert.deepEqual(weights(vip), { '10.0.0.1': '100', '10.0.0.2': expected });
    });
  }
});

void describe('pools', () => {
  const pools: [string, Record<string, number>][] = [
    ['primary', { a: 100, b: 100 }],
    ['fallback', { c: 100, d: 20 }],
  ];

  void test('primary serving: fallback backends are present at weight 0 without flush', () => {
    const vip = single(pools, { a: 'up', b: 'up', c: 'up', d: 'up' });
    assert.deepEqual(weights(vip), {
      '10.0.0.1': '100',
      '10.0.0.2': '100',
      '10.0.0.3': '0',
      '10.0.0.4': '0',
    });
  });

  void test('primary all down fails over to the fallback weights', () => {
    const vip = single(pools, { a: 'down', b: 'down', c: 'up', d: 'up' });
    assert.deepEqual(weights(vip), {
      '10.0.0.1': '0 flush',
      '10.0.0.2': '0 flush',
      '10.0.0.3': '100',
      '10.0.0.4': '20',
    });
  });

  void test('and back when one primary backend comes up', () => {
    const vip = single(pools, { a: 'up', b: 'down', c: 'up', d: 'up' });
    assert.deepEqual(weights(vip), {
      '10.0.0.1': '100',
      '10.0.0.2': '0 flush',
      '10.0.0.3': '0',
      '10.0.0.4': '0',
    });
  });

  void test('a primary pool whose weights were all set to 0 fails over', () => {
    const vip = single(
      [
        ['primary', { a: 0, b: 0 }],
        ['fallback', { c: 100 }],
      ],
      { a: 'up', b: 'up', c: 'up' },
    );
    assert.deepEqual(weights(vip), { '10.0.0.1': '0', '10.0.0.2': '0', '10.0.0.3': '100' });
  });

  void test('no pool active: every AS at 0, the VIP stays', () => {
    const vip = single(pools, { a: 'down', b: 'paused', c: 'unknown', d: 'disabled' });
    assert.deepEqual(weights(vip), {
      '10.0.0.1': '0 flush',
      '10.0.0.2': '0',
      '10.0.0.3': '0',
      '10.0.0.4': '0 flush',
    });
  });

  void test('a backend in two pools carries its weight in the active pool', () => {
    const twice: [string, Record<string, number>][] = [
      ['primary', { a: 100, b: 0 }],
      ['fallback', { b: 80, c: 100 }],
    ];
    assert.deepEqual(weights(single(twice, { a: 'up', b: 'up', c: 'up' })), {
      '10.0.0.1': '100',
      '10.0.0.2': '0',
      '10.0.0.3': '0',
    });
    assert.deepEqual(weights(single(twice, { a: 'down', b: 'up', c: 'up' })), {
      '10.0.0.1': '0 flush',
      '10.0.0.2': '80',
      '10.0.0.3': '100',
    });
    // One AS, named once: the name is not repeated for each pool it is listed in.
    assert.deepEqual(single(twice, { a: 'up', b: 'up', c: 'up' }).ases.get('10.0.0.2')?.backends, ['b']);
  });

  void test('two backend names on one address merge: max weight, flush only at 0', () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1'), backend('a-icmp', '10.0.0.1'), backend('b', '10.0.0.2')],
      frontends: [
        frontend('web', { address: '192.0.2.1', pools: [['p', { a: 100, 'a-icmp': 50, b: 100 }]] }),
      ],
    });
    const up = desiredState(cfg, states({ a: 'down', 'a-icmp': 'up', b: 'up' })).vips.get(
      '192.0.2.1/32 tcp:80',
    );
    assert.ok(up);
    assert.deepEqual(weights(up), { '10.0.0.1': '50', '10.0.0.2': '100' });
    assert.deepEqual(up.ases.get('10.0.0.1')?.backends, ['a', 'a-icmp']);
    // The weight of the first name stands when a later one has none (and asks for a flush).
    const first = desiredState(cfg, states({ a: 'up', 'a-icmp': 'down', b: 'up' })).vips.get(
      '192.0.2.1/32 tcp:80',
    );
    assert.ok(first);
    assert.deepEqual(weights(first), { '10.0.0.1': '100', '10.0.0.2': '100' });
    const down = desiredState(cfg, states({ a: 'down', 'a-icmp': 'paused', b: 'up' })).vips.get(
      '192.0.2.1/32 tcp:80',
    );
    assert.ok(down);
    assert.deepEqual(weights(down), { '10.0.0.1': '0 flush', '10.0.0.2': '100' });
  });
});

void describe('VIP mapping', () => {
  void test('two frontends on one address are two VIPs, in VIP order', () => {
    const cfg = config({
      backends: BACKENDS,
      frontends: [
        frontend('https', { address: '192.0.2.1', port: 443, pools: [['p', { a: 100 }]] }),
        frontend('dns', { address: '192.0.2.1', protocol: 'udp', port: 53, pools: [['p', { b: 100 }]] }),
        frontend('http', { address: '192.0.2.1', port: 80, pools: [['p', { a: 100, b: 100 }]] }),
      ],
    });
    const state = desiredState(cfg, states({}, 'up'));
    assert.deepEqual(
      [...state.vips.keys()],
      ['192.0.2.1/32 tcp:80', '192.0.2.1/32 tcp:443', '192.0.2.1/32 udp:53'],
    );
    assert.deepEqual(
      [...state.vips.values()].map((v) => v.frontend),
      ['http', 'https', 'dns'],
    );
    assert.deepEqual(state.shadowed, []);
  });

  void test('an IPv6 VIP with IPv4 backends is gre4; IPv4 VIP with IPv6 backends is gre6', () => {
    const cfg = config({
      backends: [...BACKENDS, backend('v6', '2001:DB8:0::10')],
      frontends: [
        frontend('v6vip', { address: '2001:db8::1', pools: [['p', { a: 100 }]] }),
        frontend('v4vip', { address: '192.0.2.1', pools: [['p', { v6: 100 }]] }),
      ],
    });
    const state = desiredState(cfg, states({}, 'up'));
    const v6 = state.vips.get('2001:db8::1/128 tcp:80');
    const v4 = state.vips.get('192.0.2.1/32 tcp:80');
    assert.equal(v6?.encap, 'gre4');
    assert.equal(v4?.encap, 'gre6');
    assert.deepEqual([...(v4?.ases.keys() ?? [])], ['2001:db8::10']);
  });

  void test('a backend of the other family cannot be an AS of the VIP: the first backend decides, the rest is left out', () => {
    const cfg = config({
      backends: [...BACKENDS, backend('v6', '2001:db8::10')],
      frontends: [
        frontend('mixed', {
          address: '192.0.2.1',
          pools: [
            ['p', { a: 100, v6: 100 }],
            ['q', { v6: 100, b: 100 }],
          ],
        }),
      ],
    });
    const vip = desiredState(cfg, states({}, 'up')).vips.get('192.0.2.1/32 tcp:80');
    assert.equal(vip?.encap, 'gre4');
    assert.deepEqual([...(vip?.ases.keys() ?? [])], ['10.0.0.1', '10.0.0.2']);
  });

  void test('protocol any is an all-ports VIP with protocol 255', () => {
    const vip = desiredVip(
      frontend('all', { address: '192.0.2.9', protocol: 'any', pools: [['p', { a: 100 }]] }),
      config({ backends: BACKENDS, frontends: [] }).backends,
      states({}, 'up'),
    );
    assert.deepEqual(vip.key, { prefix: '192.0.2.9/32', protocol: 255, port: 0 });
    assert.equal(vipKeyString(vip.key), '192.0.2.9/32 any:0');
  });

  void test('srcIpSticky and flowTableLength carried; an invalid table length becomes 1024', () => {
    const cfg = config({
      backends: BACKENDS,
      frontends: [
        frontend('s', {
          address: '192.0.2.1',
          srcIpSticky: true,
          flowTableLength: 4096,
          pools: [['p', { a: 1 }]],
        }),
        frontend('z', { address: '192.0.2.2', flowTableLength: 0, pools: [['p', { a: 1 }]] }),
        frontend('n', { address: '192.0.2.3', flowTableLength: 1000, pools: [['p', { a: 1 }]] }),
      ],
    });
    const vips = [...desiredState(cfg, states({})).vips.values()];
    assert.deepEqual(
      vips.map((v) => [v.frontend, v.srcIpSticky, v.flowTableLength]),
      [
        ['s', true, 4096],
        ['z', false, 1024],
        ['n', false, 1024],
      ],
    );
  });

  void test('ASes are keyed by canonical address in numeric order', () => {
    const cfg = config({
      backends: [backend('x', '10.0.0.10'), backend('y', '10.0.0.2'), backend('z', '9.255.255.255')],
      frontends: [
        frontend('web', {
          address: '192.0.2.1',
          pools: [
            ['p', { x: 1, y: 2 }],
            ['q', { z: 3 }],
          ],
        }),
      ],
    });
    const vip = [...desiredState(cfg, states({})).vips.values()][0];
    assert.deepEqual([...(vip?.ases.keys() ?? [])], ['9.255.255.255', '10.0.0.2', '10.0.0.10']);
  });

  void test('a second frontend with the same VIP key is shadowed, not thrown', () => {
    const cfg = config({
      backends: BACKENDS,
      frontends: [
        frontend('first', { address: '192.0.2.1', pools: [['p', { a: 100 }]] }),
        frontend('second', { address: '192.0.2.1', pools: [['p', { b: 100 }]] }),
      ],
    });
    const state = desiredState(cfg, states({}, 'up'));
    assert.equal(state.vips.size, 1);
    assert.equal(state.vips.get('192.0.2.1/32 tcp:80')?.frontend, 'first');
    assert.deepEqual(state.shadowed, [{ frontend: 'second', by: 'first' }]);
  });
});

void test('frontendBackendsKnown: every referenced backend out of unknown', () => {
  const fe = frontend('web', {
    address: '192.0.2.1',
    pools: [
      ['p', { a: 100 }],
      ['q', { b: 100 }],
    ],
  });
  assert.equal(frontendBackendsKnown(fe, states({ a: 'up' })), false);
  // Within a pool too: one backend known is not enough.
  const shared = frontend('web', { address: '192.0.2.1', pools: [['p', { a: 100, b: 100 }]] });
  assert.equal(frontendBackendsKnown(shared, states({ a: 'up' })), false);
  assert.equal(frontendBackendsKnown(shared, states({ b: 'down' })), false);
  assert.equal(frontendBackendsKnown(shared, states({ a: 'up', b: 'down' })), true);
  assert.equal(frontendBackendsKnown(fe, states({ a: 'up', b: 'paused' })), true);
  assert.equal(frontendBackendsKnown(fe, states({ a: 'down', b: 'disabled' })), true);
});

void test('frontendsReferencing: every frontend with the backend in any pool, in config order', () => {
  const cfg = config({
    backends: BACKENDS,
    frontends: [
      frontend('one', {
        address: '192.0.2.1',
        pools: [
          ['p', { a: 100 }],
          ['q', { c: 100 }],
        ],
      }),
      frontend('two', { address: '192.0.2.2', pools: [['p', { b: 100 }]] }),
      frontend('three', { address: '192.0.2.3', pools: [['p', { c: 0 }]] }),
    ],
  });
  assert.deepEqual(frontendsReferencing(cfg, 'c'), ['one', 'three']);
  assert.deepEqual(frontendsReferencing(cfg, 'b'), ['two']);
  assert.deepEqual(frontendsReferencing(cfg, 'zzz'), []);
});
