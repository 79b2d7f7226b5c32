import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendState } from '../../src/health/index.js';
import type { MaglevConfig } from '../../src/config/types.js';
import {
  desiredState,
  planSync,
  summarise,
  UnknownFrontendError,
  vipKey,
  vipKeyString,
  type LbGeneration,
  type AsState,
  type LbState,
  type VipState,
} from '../../src/dataplane/index.js';
import { vipInStep } from '../../src/dataplane/plan.js';
import { backend, config, frontend } from '../helpers/config.js';
import { actualFrom, describeOps, EMPTY, SimLb, states } from './fixtures.js';

const V = '192.0.2.1/32 tcp:80';

function webConfig(opts: { flushOnDown?: boolean; srcIpSticky?: boolean; flowTableLength?: number } = {}) {
  return config({
    backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')],
    frontends: [
      frontend('web', {
        address: '192.0.2.1',
        pools: [
          ['primary', { a: 100, b: 100 }],
          ['fallback', { c: 100 }],
        ],
        ...opts,
      }),
    ],
  });
}

/** Plans, checks the plan is executable, and returns the rendered plan and the state after. */
function step(
  cfg: MaglevConfig,
  known: Record<string, BackendState>,
  actual: LbState,
  opts: { generation?: LbGeneration; scope?: 'all' | { frontend: string }; forceFlush?: string[] } = {},
): { ops: string[]; after: LbState } {
  const generation = opts.generation ?? '1.2';
  const desired = desiredState(cfg, states(known));
  const plan = planSync(desired, actual, {
    scope: opts.scope ?? 'all',
    generation,
    forceFlush: new Set(opts.forceFlush ?? []),
  });
  return { ops: describeOps(plan), after: SimLb.holding(actual, generation).apply(plan).state() };
}

const ALL_UP: Record<string, BackendState> = { a: 'up', b: 'up', c: 'up' };

void describe('planSync on lb 1.2', () => {
  void test('from empty: VIP first, then every AS (standby pool at 0) in address order', () => {
    const { ops } = step(webConfig(), ALL_UP, EMPTY);
    assert.deepEqual(ops, [
      `vip-add ${V} gre4 len=1024`,
      `as-add ${V} 10.0.0.1 w=100`,
      `as-add ${V} 10.0.0.2 w=100`,
      `as-add ${V} 10.0.0.3 w=0`,
    ]);
  });

  void test('restart neutrality: desired == actual gives no ops', () => {
    const cfg = webConfig();
    const actual = actualFrom(desiredState(cfg, states(ALL_UP)));
    assert.deepEqual(step(cfg, ALL_UP, actual).ops, []);
    assert.deepEqual(step(cfg, ALL_UP, actual, { scope: { frontend: 'web' } }).ops, []);
  });

  void test('failover: the fallback is raised before the primary is lowered, and back', () => {
    const cfg = webConfig();
    const start = actualFrom(desiredState(cfg, states(ALL_UP)));
    const down = step(cfg, { a: 'down', b: 'down', c: 'up' }, start);
    assert.deepEqual(down.ops, [
      `as-weight ${V} 10.0.0.3 w=100`,
      `as-weight ${V} 10.0.0.1 w=0 flush`,
      `as-weight ${V} 10.0.0.2 w=0 flush`,
    ]);
    const back = step(cfg, { a: 'up', b: 'down', c: 'up' }, down.after);
    assert.deepEqual(back.ops, [`as-weight ${V} 10.0.0.1 w=100`, `as-weight ${V} 10.0.0.3 w=0`]);
  });

  void test('down without flush-on-down drains (weight 0, no flush)', () => {
    const cfg = webConfig({ flushOnDown: false });
    const start = actualFrom(desiredState(cfg, states(ALL_UP)));
    assert.deepEqual(step(cfg, { a: 'down', b: 'up', c: 'up' }, start).ops, [`as-weight ${V} 10.0.0.1 w=0`]);
  });

  void test('paused and unknown drain without flush', () => {
    const cfg = webConfig();
    const start = actualFrom(desiredState(cfg, states(ALL_UP)));
    assert.deepEqual(step(cfg, { a: 'paused', b: 'unknown', c: 'up' }, start).ops, [
      `as-weight ${V} 10.0.0.3 w=100`,
      `as-weight ${V} 10.0.0.1 w=0`,
      `as-weight ${V} 10.0.0.2 w=0`,
    ]);
  });

  void test('disable after drain flushes once (forced by the transition), never again', () => {
    const cfg = webConfig();
    const start = actualFrom(desiredState(cfg, states(ALL_UP)));
    // c is up in the standby pool: weight 0, no flush. Now it is disabled.
    const disabled = { a: 'up', b: 'up', c: 'disabled' } as const;
    assert.deepEqual(step(cfg, disabled, start).ops, [], 'a periodic sync does not flush an AS already at 0');
    const forced = step(cfg, disabled, start, { scope: { frontend: 'web' }, forceFlush: ['10.0.0.3'] });
    assert.deepEqual(forced.ops, [`as-weight ${V} 10.0.0.3 w=0 flush`]);
    assert.deepEqual(step(cfg, disabled, forced.after).ops, []);
    assert.deepEqual(step(cfg, disabled, forced.after).ops, []);
  });

  void test('forceFlush only flushes where the state asks for it', () => {
    const cfg = webConfig({ flushOnDown: false });
    const start = actualFrom(desiredState(cfg, states(ALL_UP)));
    const known = { a: 'up', b: 'up', c: 'down' } as const;
    assert.deepEqual(step(cfg, known, start, { forceFlush: ['10.0.0.3', '10.0.0.1'] }).ops, []);
  });

  void test('AS order is numeric, IPv4 before IPv6; VIPs in address order', () => {
    const cfg = config({
      backends: [
        backend('x10', '10.0.0.10'),
        backend('x2', '10.0.0.2'),
        backend('x9', '9.0.0.1'),
        backend('y10', '2001:db8::10'),
        backend('y9', '2001:db8::9'),
        backend('y1', '2001:db8:0:0:1::'),
      ],
      frontends: [
        frontend('v6', { address: '2001:db8::1', pools: [['p', { y1: 1, y10: 1, y9: 1 }]] }),
        frontend('v4b', { address: '192.0.2.10', pools: [['p', { x10: 1, x2: 1, x9: 1 }]] }),
        frontend('v4a', { address: '192.0.2.9', pools: [['p', { x10: 1, x2: 1, x9: 1 }]] }),
      ],
    });
    const up = { x10: 'up', x2: 'up', x9: 'up', y10: 'up', y9: 'up', y1: 'up' } as const;
    assert.deepEqual(step(cfg, up, EMPTY).ops, [
      'vip-add 192.0.2.9/32 tcp:80 gre4 len=1024',
      'as-add 192.0.2.9/32 tcp:80 9.0.0.1 w=1',
      'as-add 192.0.2.9/32 tcp:80 10.0.0.2 w=1',
      'as-add 192.0.2.9/32 tcp:80 10.0.0.10 w=1',
      'vip-add 192.0.2.10/32 tcp:80 gre4 len=1024',
      'as-add 192.0.2.10/32 tcp:80 9.0.0.1 w=1',
      'as-add 192.0.2.10/32 tcp:80 10.0.0.2 w=1',
      'as-add 192.0.2.10/32 tcp:80 10.0.0.10 w=1',
      'vip-add 2001:db8::1/128 tcp:80 gre6 len=1024',
      'as-add 2001:db8::1/128 tcp:80 2001:db8::9 w=1',
      'as-add 2001:db8::1/128 tcp:80 2001:db8::10 w=1',
      'as-add 2001:db8::1/128 tcp:80 2001:db8:0:0:1:: w=1',
    ]);
  });

  void test('VIPs go out in VIP order even from a hand-built desired state in another order', () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1')],
      frontends: [
        frontend('low', { address: '192.0.2.9', pools: [['p', { a: 1 }]] }),
        frontend('high', { address: '192.0.2.10', pools: [['p', { a: 1 }]] }),
      ],
    });
    const desired = desiredState(cfg, states({ a: 'up' }));
    const reversed = { vips: new Map([...desired.vips].reverse()), shadowed: [] };
    assert.deepEqual(
      describeOps(planSync(reversed, EMPTY, { scope: 'all', generation: '1.2' })).filter((op) =>
        op.startsWith('vip-add'),
      ),
      ['vip-add 192.0.2.9/32 tcp:80 gre4 len=1024', 'vip-add 192.0.2.10/32 tcp:80 gre4 len=1024'],
    );
  });

  void test('extra ASes are removed with flush, after adds and weight changes', () => {
    const cfg = webConfig();
    const { actual } = heldWith({
      '10.0.0.2': undefined,
      '10.0.0.20': { weight: 100, inUse: true },
      '10.0.0.9': { weight: 100, inUse: true },
      '10.0.0.1': { weight: 50, inUse: true },
    });
    assert.deepEqual(step(cfg, ALL_UP, actual).ops, [
      `as-add ${V} 10.0.0.2 w=100`,
      `as-weight ${V} 10.0.0.1 w=100`,
      `as-del ${V} 10.0.0.9 flush`,
      `as-del ${V} 10.0.0.20 flush`,
    ]);
  });

  void test('a lazily removed AS (not in use) is re-added, not re-weighted; absent extras are left alone', () => {
    const cfg = webConfig();
    const { actual } = heldWith({
      '10.0.0.1': { weight: 100, inUse: false },
      '10.0.0.7': { weight: 0, inUse: false },
    });
    const { ops, after } = step(cfg, ALL_UP, actual);
    assert.deepEqual(ops, [`as-add ${V} 10.0.0.1 w=100`]);
    assert.deepEqual(step(cfg, ALL_UP, after).ops, []);
  });

  // The planner's shortcut (vipInStep) for a VIP that VPP holds as desired must not hide these.
  void test('a VIP held as desired needs nothing, whatever lazily removed ASes VPP lists beside', () => {
    const cfg = webConfig();
    const want = desiredState(cfg, states(ALL_UP)).vips.get(V);
    assert.ok(want);
    const { actual, vip } = heldWith({
      '10.0.0.7': { weight: 0, inUse: false },
      '10.0.0.8': { weight: 100, inUse: false },
    });
    assert.deepEqual(step(cfg, ALL_UP, actual).ops, []);
    assert.equal(vipInStep(want, vip, '1.2', new Set(), new Set()), true);
  });

  void test('a lazily removed AS is re-added even when an extra AS in use makes the count come out even', () => {
    const cfg = webConfig();
    const { actual } = heldWith({
      '10.0.0.1': { weight: 100, inUse: false },
      '10.0.0.9': { weight: 100, inUse: true },
    });
    const { ops, after } = step(cfg, ALL_UP, actual);
    assert.deepEqual(ops, [`as-add ${V} 10.0.0.1 w=100`, `as-del ${V} 10.0.0.9 flush`]);
    assert.deepEqual(step(cfg, ALL_UP, after).ops, []);
  });

  void test('stale VIPs are removed only in scope all: ASes with flush, then the VIP', () => {
    const cfg = webConfig();
    const actual = withVip(actualFrom(desiredState(cfg, states(ALL_UP))), {
      key: vipKey('198.51.100.7', 17, 53),
      encap: 'gre4',
      srcIpSticky: false,
      flowTableLength: 1024,
      ases: new Map([
        ['10.9.0.10', { weight: 100, inUse: true }],
        ['10.9.0.2', { weight: 0, inUse: true }],
        ['10.9.0.1', { weight: 0, inUse: false }],
      ]),
    });
    assert.deepEqual(step(cfg, ALL_UP, actual, { scope: { frontend: 'web' } }).ops, []);
    assert.deepEqual(step(cfg, ALL_UP, actual).ops, [
      'as-del 198.51.100.7/32 udp:53 10.9.0.2 flush',
      'as-del 198.51.100.7/32 udp:53 10.9.0.10 flush',
      'vip-del 198.51.100.7/32 udp:53 (stale)',
    ]);
  });

  void test('stale VIPs go in VIP order, whatever order VPP listed them in', () => {
    const stale = (address: string): VipState => ({
      key: vipKey(address, 6, 80),
      encap: 'gre4',
      srcIpSticky: false,
      flowTableLength: 1024,
      ases: new Map(),
    });
    const listed = withVip(withVip(EMPTY, stale('198.51.100.20')), stale('198.51.100.3'));
    const empty = config({ backends: [], frontends: [] });
    assert.deepEqual(step(empty, {}, listed).ops, [
      'vip-del 198.51.100.3/32 tcp:80 (stale)',
      'vip-del 198.51.100.20/32 tcp:80 (stale)',
    ]);
  });

  void test('a src-ip-sticky change re-creates the VIP', () => {
    const before = webConfig();
    const actual = actualFrom(desiredState(before, states(ALL_UP)));
    const { ops, after } = step(webConfig({ srcIpSticky: true }), ALL_UP, actual, {
      scope: { frontend: 'web' },
    });
    assert.deepEqual(ops, [
      `as-del ${V} 10.0.0.1 flush`,
      `as-del ${V} 10.0.0.2 flush`,
      `as-del ${V} 10.0.0.3 flush`,
      `vip-del ${V} (src-ip-sticky-changed)`,
      `vip-add ${V} gre4 sticky len=1024`,
      `as-add ${V} 10.0.0.1 w=100`,
      `as-add ${V} 10.0.0.2 w=100`,
      `as-add ${V} 10.0.0.3 w=0`,
    ]);
    assert.deepEqual(step(webConfig({ srcIpSticky: true }), ALL_UP, after).ops, []);
  });

  void test('a flow table length change re-creates; an unknown (undefined or 0) length does not', () => {
    const cfg = webConfig();
    const actual = actualFrom(desiredState(cfg, states(ALL_UP)));
    const plan = step(webConfig({ flowTableLength: 2048 }), ALL_UP, actual).ops;
    assert.equal(plan[3], `vip-del ${V} (flow-table-length-changed)`);
    assert.equal(plan[4], `vip-add ${V} gre4 len=2048`);
    const vip = actual.vips.get(V);
    assert.ok(vip);
    assert.deepEqual(step(cfg, ALL_UP, withVip(actual, { ...vip, flowTableLength: undefined })).ops, []);
    assert.deepEqual(step(cfg, ALL_UP, withVip(actual, { ...vip, flowTableLength: 0 })).ops, []);
  });

  void test('an encap change re-creates every VIP on the prefix before adding any (one encap per prefix)', () => {
    const v4 = [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')];
    const v6 = [backend('a', '2001:db8::a'), backend('b', '2001:db8::b')];
    const frontends = [
      frontend('http', { address: '192.0.2.1', port: 80, pools: [['p', { a: 100 }]] }),
      frontend('https', { address: '192.0.2.1', port: 443, pools: [['p', { b: 100 }]] }),
    ];
    const up = { a: 'up', b: 'up' } as const;
    const actual = actualFrom(desiredState(config({ backends: v4, frontends: frontends }), states(up)));
    const { ops, after } = step(config({ backends: v6, frontends: frontends }), up, actual);
    assert.deepEqual(ops, [
      'as-del 192.0.2.1/32 tcp:80 10.0.0.1 flush',
      'vip-del 192.0.2.1/32 tcp:80 (encap-changed)',
      'as-del 192.0.2.1/32 tcp:443 10.0.0.2 flush',
      'vip-del 192.0.2.1/32 tcp:443 (encap-changed)',
      'vip-add 192.0.2.1/32 tcp:80 gre6 len=1024',
      'as-add 192.0.2.1/32 tcp:80 2001:db8::a w=100',
      'vip-add 192.0.2.1/32 tcp:443 gre6 len=1024',
      'as-add 192.0.2.1/32 tcp:443 2001:db8::b w=100',
    ]);
    assert.deepEqual(step(config({ backends: v6, frontends: frontends }), up, after).ops, []);
  });

  void test('a per-port VIP becoming all-port: the stale VIP goes before the new one comes', () => {
    const backends = [backend('a', '10.0.0.1')];
    const up = { a: 'up' } as const;
    const before = config({
      backends: backends,
      frontends: [frontend('web', { address: '192.0.2.1', pools: [['p', { a: 100 }]] })],
    });
    const now = config({
      backends: backends,
      frontends: [frontend('web', { address: '192.0.2.1', protocol: 'any', pools: [['p', { a: 100 }]] })],
    });
    const { ops } = step(now, up, actualFrom(desiredState(before, states(up))));
    assert.deepEqual(ops, [
      `as-del ${V} 10.0.0.1 flush`,
      `vip-del ${V} (stale)`,
      'vip-add 192.0.2.1/32 any:0 gre4 len=1024',
      'as-add 192.0.2.1/32 any:0 10.0.0.1 w=100',
    ]);
  });

  void test('a flow table length of 0 never reaches a vip-add, even from a hand-built desired state', () => {
    const desired = desiredState(webConfig(), states(ALL_UP));
    const vip = desired.vips.get(V);
    assert.ok(vip);
    const broken = { vips: new Map([[V, { ...vip, flowTableLength: 0 }]]), shadowed: [] };
    const plan = planSync(broken, EMPTY, { scope: 'all', generation: '1.2' });
    assert.deepEqual(describeOps(plan).slice(0, 1), [`vip-add ${V} gre4 len=1024`]);
  });

  void test('a per-frontend scope touches only that VIP and rejects unknown frontends', () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1')],
      frontends: [
        frontend('one', { address: '192.0.2.1', pools: [['p', { a: 100 }]] }),
        frontend('two', { address: '192.0.2.2', pools: [['p', { a: 100 }]] }),
      ],
    });
    assert.deepEqual(step(cfg, { a: 'up' }, EMPTY, { scope: { frontend: 'two' } }).ops, [
      'vip-add 192.0.2.2/32 tcp:80 gre4 len=1024',
      'as-add 192.0.2.2/32 tcp:80 10.0.0.1 w=100',
    ]);
    assert.throws(
      () =>
        planSync(desiredState(cfg, states({})), EMPTY, { scope: { frontend: 'nope' }, generation: '1.2' }),
      (err: unknown) => err instanceof UnknownFrontendError && err.frontend === 'nope',
    );
  });

  void test('actual state spelled differently still matches (keys re-canonicalised)', () => {
    const cfg = config({
      backends: [backend('a', '2001:db8::a')],
      frontends: [frontend('web', { address: '2001:db8::1', pools: [['p', { a: 100 }]] })],
    });
    const vip: VipState = {
      key: { prefix: '2001:DB8:0:0::1/128', protocol: 6, port: 80 },
      encap: 'gre6',
      srcIpSticky: false,
      flowTableLength: 1024,
      ases: new Map([['2001:0db8::000a', { weight: 100, inUse: true }]]),
    };
    const actual: LbState = { vips: new Map([['whatever', vip]]) };
    assert.deepEqual(step(cfg, { a: 'up' }, actual).ops, []);
  });
});

void describe('planSync on lb 1.1 (no weights)', () => {
  void test('new VIP: only ASes with weight > 0 are added', () => {
    const { ops } = step(webConfig(), ALL_UP, EMPTY, { generation: '1.1' });
    assert.deepEqual(ops, [
      `vip-add ${V} gre4 len=1024`,
      `as-add ${V} 10.0.0.1 w=100`,
      `as-add ${V} 10.0.0.2 w=100`,
    ]);
  });

  void test('down removes the AS (flush per flush-on-down), up adds it back, failover adds then removes', () => {
    const cfg = webConfig();
    const start = actualFrom(desiredState(cfg, states(ALL_UP)), '1.1');
    const down = step(cfg, { a: 'down', b: 'up', c: 'up' }, start, { generation: '1.1' });
    assert.deepEqual(down.ops, [`as-del ${V} 10.0.0.1 flush`]);
    const failover = step(cfg, { a: 'down', b: 'paused', c: 'up' }, down.after, { generation: '1.1' });
    assert.deepEqual(failover.ops, [`as-add ${V} 10.0.0.3 w=100`, `as-del ${V} 10.0.0.2`]);
    const back = step(cfg, ALL_UP, failover.after, { generation: '1.1' });
    assert.deepEqual(back.ops, [
      `as-add ${V} 10.0.0.1 w=100`,
      `as-add ${V} 10.0.0.2 w=100`,
      `as-del ${V} 10.0.0.3`,
    ]);
    assert.deepEqual(step(cfg, ALL_UP, back.after, { generation: '1.1' }).ops, []);

    const drain = webConfig({ flushOnDown: false });
    assert.deepEqual(step(drain, { a: 'down', b: 'up', c: 'up' }, start, { generation: '1.1' }).ops, [
      `as-del ${V} 10.0.0.1`,
    ]);
  });

  void test('an AS at 0 that VPP holds is deleted, whatever weight VPP reports for it', () => {
    const cfg = webConfig();
    const { actual } = heldWith({ '10.0.0.1': { weight: 0, inUse: true } }, '1.1');
    assert.deepEqual(step(cfg, { a: 'down', b: 'up', c: 'up' }, actual, { generation: '1.1' }).ops, [
      `as-del ${V} 10.0.0.1 flush`,
    ]);
  });

  void test('reported weights are ignored on 1.1 (restart neutrality)', () => {
    const cfg = webConfig();
    const actual = actualFrom(desiredState(cfg, states(ALL_UP)), '1.1');
    assert.deepEqual(step(cfg, ALL_UP, actual, { generation: '1.1', forceFlush: ['10.0.0.3'] }).ops, []);
  });
});

void test('summarise counts each kind for maglev_vpp_lbsync_total', () => {
  const cfg = webConfig();
  const actual = withVip(actualFrom(desiredState(cfg, states(ALL_UP))), {
    key: vipKey('198.51.100.7', 6, 80),
    encap: 'gre4',
    srcIpSticky: false,
    flowTableLength: 1024,
    ases: new Map([['10.9.0.1', { weight: 100, inUse: true }]]),
  });
  const plan = planSync(
    desiredState(webConfig({ srcIpSticky: true }), states({ a: 'down', b: 'up', c: 'up' })),
    actual,
    {
      scope: 'all',
      generation: '1.2',
    },
  );
  assert.deepEqual(summarise(plan), {
    vip_added: 1,
    vip_removed: 2,
    as_added: 3,
    as_removed: 4,
    as_weight_updated: 0,
  });
  // A failover on a VIP that stays: weight changes only (c raised, a and b lowered).
  const failover = planSync(
    desiredState(cfg, states({ a: 'down', b: 'down', c: 'up' })),
    actualFrom(desiredState(cfg, states(ALL_UP))),
    {
      scope: 'all',
      generation: '1.2',
    },
  );
  assert.deepEqual(summarise(failover), {
    vip_added: 0,
    vip_removed: 0,
    as_added: 0,
    as_removed: 0,
    as_weight_updated: 3,
  });
  assert.deepEqual(summarise([]), {
    vip_added: 0,
    vip_removed: 0,
    as_added: 0,
    as_removed: 0,
    as_weight_updated: 0,
  });
});

/**
 * VPP holding webConfig's desired state, all up (on `generation`), with some of V's ASes changed:
 * an AsState sets one, undefined drops it. Returns that state and V as it holds it.
 */
function heldWith(
  changes: Readonly<Record<string, AsState | undefined>>,
  generation?: LbGeneration,
): { actual: LbState; vip: VipState } {
  const start = actualFrom(desiredState(webConfig(), states(ALL_UP)), generation);
  const held = start.vips.get(V);
  assert.ok(held);
  const ases = new Map(held.ases);
  for (const [address, as] of Object.entries(changes)) {
    if (as === undefined) ases.delete(address);
    else ases.set(address, as);
  }
  const vip = { ...held, ases };
  return { actual: withVip(start, vip), vip };
}

function withVip(state: LbState, vip: VipState): LbState {
  const vips = new Map(state.vips);
  vips.set(vipKeyString(vip.key), vip);
  return { vips };
}
