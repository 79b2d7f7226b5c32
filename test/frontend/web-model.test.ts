// The page's pure logic, without a browser: live ages, the derived frontend (active pool,
// effective weights, state), the health icon, event ids, the reducers that apply events and the
// row height a long pool's spacers use.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BackendJson, FrontendJson, MaglevdStateJson, VppJson } from '../../src/frontend/index.js';
import {
  dataplaneMismatch,
  deriveFrontend,
  emptyState,
  formatAge,
  frontendHealth,
  isAfter,
  isSettled,
  LOG_KEEP,
  reducers as r,
  rowPitch,
} from '../../src/web/src/model/index.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('formatAge', () => {
  test('the two largest units; under a second is "now"', () => {
    const cases: [number, string][] = [
      [-5000, 'now'],
      [0, 'now'],
      [999, 'now'],
      [1000, '1s'],
      [59 * S, '59s'],
      [10 * M + 30 * S, '10m30s'],
      [H + 12 * M + 59 * S, '1h12m'],
      [D + 16 * H + 5 * M, '1d16h'],
      [2 * H + 5 * S, '2h'],
      [3 * D, '3d'],
      [400 * D + 3 * H, '400d3h'],
    ];
    for (const [ms, want] of cases) assert.equal(formatAge(ms), want, `${ms} ms`);
  });
});

function frontend(
  pools: [string, [string, number, string][]][],
  panicThreshold: number | null = null,
): FrontendJson {
  return {
    name: 'web',
    address: '192.0.2.1',
    protocol: 'tcp',
    port: 80,
    family: 4,
    description: '',
    srcIpSticky: false,
    flushOnDown: true,
    flowTableLength: 1024,
    state: 'unknown',
    stateSince: null,
    activePool: null,
    panicThreshold,
    pools: pools.map(([name, backends]) => ({
      name,
      active: false,
      backends: backends.map(([b, weight, state]) => ({
        name: b,
        address: '198.51.100.1',
        weight,
        effectiveWeight: 0,
        state,
        enabled: true,
        lastTransitionAt: null,
        vppBuckets: null,
        predictedBuckets: null,
        checkerFault: null,
      })),
    })),
  };
}

const live = (states: Record<string, string>) => (name: string) => states[name];

describe('deriveFrontend', () => {
  test('the active pool is the first with an up backend of weight > 0; only its up backends carry weight', () => {
    const f = frontend([
      [
        'primary',
        [
          ['a', 100, 'up'],
          ['b', 50, 'down'],
        ],
      ],
      ['fallback', [['c', 100, 'up']]],
    ]);
    const d = deriveFrontend(f, () => undefined);
    assert.equal(d.activePool, 0);
    assert.equal(d.state, 'up');
    assert.deepEqual(
      d.pools.map((p) => p.backends.map((b) => b.effectiveWeight)),
      [[100, 0], [0]],
    );
  });

  test('a primary pool drained to weight 0 by hand fails over to the fallback', () => {
    const f = frontend([
      ['primary', [['a', 0, 'up']]],
      ['fallback', [['c', 100, 'up']]],
    ]);
    const d = deriveFrontend(f, () => undefined);
    assert.equal(d.activePool, 1);
    assert.deepEqual(
      d.pools.map((p) => p.active),
      [false, true],
    );
  });

  test('live states win over the copies in the frontend; all weights 0 means down, not up', () => {
    const f = frontend([
      [
        'primary',
        [
          ['a', 100, 'up'],
          ['b', 100, 'up'],
        ],
      ],
    ]);
    const d = deriveFrontend(f, live({ a: 'paused', b: 'down' }));
    assert.equal(d.state, 'down');
    assert.equal(d.activePool, null);
    assert.deepEqual(
      d.pools[0]!.backends.map((b) => b.state),
      ['paused', 'down'],
    );
    assert.equal(deriveFrontend(f, live({ a: 'unknown', b: 'unknown' })).state, 'unknown');
    assert.equal(deriveFrontend(frontend([['p', [['a', 0, 'up']]]]), () => undefined).state, 'down');
  });

  test('a state this page does not know is shown as sent and carries no weight, like down', () => {
    const f = frontend([
      [
        'primary',
        [
          ['a', 100, 'draining'],
          ['b', 100, 'unknown'],
        ],
      ],
    ]);
    const d = deriveFrontend(f, () => undefined);
    assert.equal(d.state, 'down');
    assert.equal(d.activePool, null);
    assert.deepEqual(
      d.pools[0]!.backends.map((b) => [b.state, b.effectiveWeight]),
      [
        ['draining', 0],
        ['unknown', 0],
      ],
    );
  });
});

describe("deriveFrontend and the panic threshold (maglevd's own rule, docs/safety.md)", () => {
  const f = frontend(
    [
      [
        'primary',
        [
          ['a', 100, 'up'],
          ['b', 40, 'up'],
          ['c', 100, 'up'],
        ],
      ],
      ['fallback', [['d', 100, 'down']]],
    ],
    50,
  );

  test('no panic while enough are up', () => {
    const d = deriveFrontend(f, live({ c: 'down' }));
    assert.equal(d.panic, null);
    assert.deepEqual(
      d.pools[0]!.backends.map((b) => b.effectiveWeight),
      [100, 40, 0],
    );
  });

  test('below the threshold with no fallback up: panic, every enabled backend at its weight', () => {
    const d = deriveFrontend(f, live({ b: 'down', c: 'down' }));
    assert.deepEqual(d.panic, { pool: 'primary', up: 1, eligible: 3, threshold: 50 });
    assert.equal(d.state, 'up');
    assert.deepEqual(
      d.pools[0]!.backends.map((b) => b.effectiveWeight),
      [100, 40, 100],
    );
    // A disabled backend stays out and leaves the count.
    const off = deriveFrontend(f, live({ a: 'down', b: 'down', c: 'disabled' }));
    assert.deepEqual(off.panic, { pool: 'primary', up: 0, eligible: 2, threshold: 50 });
    assert.deepEqual(
      off.pools[0]!.backends.map((b) => b.effectiveWeight),
      [100, 40, 0],
    );
  });

  test('without a threshold, the same states simply drain', () => {
    const plain = { ...f, panicThreshold: null };
    const d = deriveFrontend(plain, live({ b: 'down', c: 'down' }));
    assert.equal(d.panic, null);
    assert.deepEqual(
      d.pools[0]!.backends.map((b) => b.effectiveWeight),
      [100, 0, 0],
    );
  });
});

function vpp(ases: [string, number][], lbApiVersion = '1.2.0'): VppJson {
  return {
    connected: true,
    error: null,
    info: {
      version: 'x',
      buildDate: '',
      pid: 1,
      bootTime: null,
      connectTime: null,
      lbApiVersion,
      apiSocket: '',
    },
    lbState: {
      readAt: 0,
      vips: [
        {
          prefix: '192.0.2.1/32',
          protocol: 'tcp',
          port: 80,
          encap: 'gre4',
          flowTableLength: 1024,
          srcIpSticky: false,
          frontend: 'web',
          ases: ases.map(([backend, weight]) => ({
            address: '',
            weight,
            inUse: true,
            buckets: null,
            backend,
            predictedBuckets: null,
          })),
        },
      ],
    },
  };
}

describe('health icon', () => {
  const f = frontend([
    [
      'primary',
      [
        ['a', 100, 'up'],
        ['b', 50, 'up'],
      ],
    ],
  ]);

  test('ok, degraded, down, unknown', () => {
    const noVpp: VppJson = { connected: false, info: null, error: 'off', lbState: null };
    assert.equal(
      frontendHealth(
        deriveFrontend(f, () => undefined),
        noVpp,
        'web',
        true,
      ),
      'ok',
    );
    assert.equal(frontendHealth(deriveFrontend(f, live({ b: 'paused' })), noVpp, 'web', true), 'degraded');
    assert.equal(
      frontendHealth(deriveFrontend(f, live({ a: 'down', b: 'down' })), noVpp, 'web', true),
      'down',
    );
    assert.equal(
      frontendHealth(deriveFrontend(f, live({ a: 'unknown', b: 'unknown' })), noVpp, 'web', true),
      'unknown',
    );
  });

  test('a VPP weight that differs is a mismatch, but only once settled', () => {
    const d = deriveFrontend(f, () => undefined);
    assert.equal(
      dataplaneMismatch(
        d,
        vpp([
          ['a', 100],
          ['b', 50],
        ]),
        'web',
      ),
      false,
    );
    assert.equal(
      dataplaneMismatch(
        d,
        vpp([
          ['a', 100],
          ['b', 0],
        ]),
        'web',
      ),
      true,
    );
    assert.equal(dataplaneMismatch(d, vpp([['a', 100]]), 'web'), true, 'a missing AS');
    assert.equal(frontendHealth(d, vpp([['a', 100]]), 'web', true), 'mismatch');
    assert.equal(frontendHealth(d, vpp([['a', 100]]), 'web', false), 'ok', 'settling: not flagged yet');
    // lb 1.1.0 has no weights: presence is what counts.
    assert.equal(
      dataplaneMismatch(
        d,
        vpp(
          [
            ['a', 1],
            ['b', 1],
          ],
          '1.1.0',
        ),
        'web',
      ),
      false,
    );
    assert.equal(dataplaneMismatch(d, vpp([['a', 1]], '1.1.0'), 'web'), true);
  });
});

describe('event ids', () => {
  test('isAfter compares sequence numbers within an epoch', () => {
    assert.equal(isAfter('abc-5', 'abc-4'), true);
    assert.equal(isAfter('abc-4', 'abc-4'), false);
    assert.equal(isAfter('abc-10', 'abc-9'), true, 'numerically, not as strings');
    assert.equal(isAfter('abc-3', 'abc-4'), false);
    assert.equal(isAfter('xyz-1', 'abc-4'), true, 'another epoch counts as newer');
  });
});

function backend(name: string, state: string): BackendJson {
  return {
    name,
    address: '198.51.100.1',
    family: 4,
    state,
    enabled: true,
    healthcheck: 'http',
    counter: 0,
    rise: 2,
    fall: 3,
    frontends: ['web'],
    transitions: [],
    checkerFault: null,
  };
}

function maglevdState(): MaglevdStateJson {
  return {
    status: { name: 'lb1:9090', reachable: true, error: null, since: 0 },
    frontends: [frontend([['primary', [['a', 100, 'up']]]])],
    backends: [backend('a', 'up')],
    healthchecks: [],
    vpp: { connected: false, info: null, error: 'off', lbState: null },
    traffic: null,
    refreshedAt: 1,
  };
}

describe('reducers', () => {
  test('a backend transition updates the backend and its pool rows, once even when repeated per frontend', () => {
    const st = emptyState();
    r.hydrate(
      st,
      {
        eventId: 'e-1',
        version: { program: 'p', version: '1', commit: 'c', date: 'd' },
        admin: true,
        maglevds: [maglevdState()],
      },
      10,
    );
    assert.deepEqual(st.order, ['lb1:9090']);
    assert.equal(st.adminEnabled, true);
    const t = { from: 'up', to: 'down', at: 500, code: 'L4CON', detail: 'refused' };
    const ev = { maglevd: 'lb1:9090', frontend: 'web', backend: 'a', address: '', transition: t };
    r.applyBackendTransition(st, ev, 20);
    r.applyBackendTransition(st, ev, 21);
    const m = st.maglevds['lb1:9090']!;
    assert.equal(m.backends.a!.state, 'down');
    assert.equal(m.backends.a!.transitions.length, 1);
    assert.equal(m.frontends[0]!.pools[0]!.backends[0]!.state, 'down');
    assert.equal(m.frontends[0]!.pools[0]!.backends[0]!.lastTransitionAt, 500);
    assert.equal(m.changedAt, 21);
  });

  test('a checker fault marks the backend and its pool rows, and never changes the state', () => {
    const st = emptyState();
    r.applySnapshot(st, maglevdState(), 5);
    const ev = {
      maglevd: 'lb1:9090',
      frontend: 'web',
      backend: 'a',
      active: true,
      reason: 'netns',
      detail: 'netns "dp" not found',
      at: 700,
    };
    r.applyCheckerFault(st, ev);
    const m = st.maglevds['lb1:9090']!;
    assert.deepEqual(m.backends.a!.checkerFault, {
      reason: 'netns',
      detail: 'netns "dp" not found',
      since: 700,
    });
    assert.equal(m.frontends[0]!.pools[0]!.backends[0]!.checkerFault, 'netns');
    assert.equal(m.backends.a!.state, 'up');
    assert.deepEqual(r.describe('checker-fault', ev), {
      at: 700,
      maglevd: 'lb1:9090',
      kind: 'backend',
      level: 'warn',
      msg: 'checker-fault',
      text: 'a checker fault [netns] netns "dp" not found; state held (web)',
    });
    r.applyCheckerFault(st, { ...ev, active: false });
    assert.equal(m.backends.a!.checkerFault, null);
    assert.equal(m.frontends[0]!.pools[0]!.backends[0]!.checkerFault, null);
    // The log record of the same fault is not shown twice.
    const log = { maglevd: 'lb1:9090', at: 700, level: 'warn', msg: 'checker-fault', attrs: {} };
    assert.equal(r.describe('log', log), undefined);
  });

  test('probe summaries beat a heart per backend probed; failures are listed in the log line', () => {
    const st = emptyState();
    r.applySnapshot(st, maglevdState(), 5);
    const probes = {
      maglevd: 'lb1:9090',
      count: 5,
      backends: ['a', 'b'],
      failed: [{ backend: 'b', code: 'L4CON', detail: 'connect ECONNREFUSED' }],
    };
    r.applyProbes(st, probes);
    r.applyProbes(st, { ...probes, backends: ['a'], failed: [] });
    r.applyProbes(st, { ...probes, maglevd: 'gone' });
    assert.deepEqual({ ...st.maglevds['lb1:9090']!.beats }, { a: 2, b: 1 });
    const line = r.describe('probes', probes);
    assert.equal(line?.msg, 'probe-summary');
    assert.equal(line?.text, '5 probes of 2 backends, failing: b [L4CON] connect ECONNREFUSED');
  });

  test('probe heartbeats (from a maglevd without summaries) and the VPP API counters follow log records', () => {
    const st = emptyState();
    r.applySnapshot(st, maglevdState(), 5);
    const log = (msg: string, attrs: Record<string, unknown> = {}) =>
      r.applyLog(st, { maglevd: 'lb1:9090', at: 1, level: 'debug', msg, attrs }, 7);
    log('probe-start', { backend: 'a' });
    assert.equal(st.maglevds['lb1:9090']!.beats.a, undefined);
    log('probe-done', { backend: 'a' });
    assert.equal(st.maglevds['lb1:9090']!.beats.a, 1);
    log('vpp-api-send');
    log('vpp-api-recv');
    log('vpp-api-recv');
    assert.equal(st.maglevds['lb1:9090']!.vppApiSent, 1);
    assert.equal(st.maglevds['lb1:9090']!.vppApiReceived, 2);
    log('lb-sync', { reason: 'transition' });
    assert.equal(st.maglevds['lb1:9090']!.syncedAt, 7);
  });

  test('frontends merge in place: objects for unchanged rows are kept, a weight change marks a change', () => {
    const st = emptyState();
    r.applySnapshot(st, maglevdState(), 5);
    const m = st.maglevds['lb1:9090']!;
    const row = m.frontends[0]!.pools[0]!.backends[0]!;
    const changed = frontend([['primary', [['a', 40, 'up']]]]);
    r.applyFrontends(st, { maglevd: 'lb1:9090', frontends: [changed] }, 99);
    assert.equal(m.frontends[0]!.pools[0]!.backends[0], row, 'same object, updated in place');
    assert.equal(row.weight, 40);
    assert.equal(m.changedAt, 99);
    r.applyFrontends(st, { maglevd: 'lb1:9090', frontends: [changed] }, 150);
    assert.equal(m.changedAt, 99, 'the same weights again are no change');
  });

  test('a snapshot keeps page-only state (heartbeats) and the log is bounded', () => {
    const st = emptyState();
    r.applySnapshot(st, maglevdState(), 5);
    st.maglevds['lb1:9090']!.beats.a = 3;
    r.applySnapshot(st, maglevdState(), 6);
    assert.equal(st.maglevds['lb1:9090']!.beats.a, 3);
    for (let i = 0; i < LOG_KEEP + 20; i++) {
      r.pushLog(st, { at: i, maglevd: 'm', kind: 'log', level: 'info', msg: 'x', text: String(i) });
    }
    assert.equal(st.log.length, LOG_KEEP);
    assert.equal(st.log[0]!.text, '20');
  });

  test('describe: transitions and log records get event-log lines; frontend replays do not', () => {
    const line = r.describe('backend', {
      maglevd: 'm',
      frontend: 'web',
      backend: 'a',
      address: '',
      transition: { from: 'up', to: 'down', at: 5, code: 'L4CON', detail: 'refused' },
    });
    assert.equal(line?.text, 'a up → down [L4CON] refused (web)');
    assert.equal(line?.level, 'warn');
    assert.equal(
      r.describe('frontend', { maglevd: 'm', frontend: 'web', from: 'up', to: 'up', at: 1 }),
      undefined,
    );
    assert.equal(
      r.describe('log', {
        maglevd: 'm',
        at: 1,
        level: 'info',
        msg: 'lb-sync',
        attrs: { vip: '192.0.2.1', n: 2 },
      })?.text,
      'vip=192.0.2.1 n=2',
    );
  });
});

describe('settling', () => {
  const view = (
    over: Partial<ReturnType<typeof r.viewFromState>>,
    readAt: number,
    lastTransitionAt: number,
  ) => {
    const s = maglevdState();
    s.backends[0]!.transitions = [
      { from: 'unknown', to: 'up', at: lastTransitionAt, code: 'L7OK', detail: '' },
    ];
    s.vpp = { connected: true, info: null, error: null, lbState: { readAt, vips: [] } };
    return { ...r.viewFromState(s, undefined, 0), ...over };
  };

  test('settled only after an lb-state read that follows the change and its lb-sync', () => {
    const f = maglevdState().frontends[0]!;
    assert.equal(
      isSettled(view({ changedAt: 0, syncedAt: 0, lbStateAt: 10 }, 100, 50), f),
      true,
      'no change yet',
    );
    assert.equal(
      isSettled(view({ changedAt: 20, syncedAt: 0, lbStateAt: 10 }, 100, 50), f),
      false,
      'read before the change',
    );
    assert.equal(
      isSettled(view({ changedAt: 20, syncedAt: 0, lbStateAt: 30 }, 100, 50), f),
      false,
      'not reconciled yet',
    );
    assert.equal(isSettled(view({ changedAt: 20, syncedAt: 25, lbStateAt: 30 }, 100, 50), f), true);
    assert.equal(
      isSettled(view({ changedAt: 20, syncedAt: 0, lbStateAt: 5020 }, 100, 50), f),
      true,
      'no lb-sync came',
    );
  });

  test("a state read (on maglevd's clock) before the newest transition is not settled", () => {
    const f = maglevdState().frontends[0]!;
    assert.equal(isSettled(view({ changedAt: 0, syncedAt: 0, lbStateAt: 10 }, 40, 50), f), false);
  });
});

describe('rowPitch', () => {
  // Chromium's rows at the page's fonts: 32.390625 px, and half a border less for a row under a
  // spacer (borders collapse) or for a table's last row.
  const H = 32.390625;
  /** The tops of N drawn rows from TOP, the first of them under a spacer. */
  const underSpacer = (top: number, n: number): number[] =>
    Array.from({ length: n }, (_, i) => top + (i === 0 ? 0 : H - 0.5 + (i - 1) * H));

  test('every table measures the same height, however many rows it draws under a spacer', () => {
    for (const n of [3, 5, 12, 47]) assert.equal(rowPitch([underSpacer(-300.25, n)]), H, `${n} rows`);
    assert.equal(rowPitch([underSpacer(-900, 4), underSpacer(400.5, 30)]), H);
  });

  test('a row taller for its content is not the height of the others', () => {
    const tops = underSpacer(0, 10);
    for (let i = 6; i < tops.length; i++) tops[i]! += 17; // row 5 wraps onto a second line
    assert.equal(rowPitch([tops]), H);
  });

  test('distances a page zoom leaves a few bits apart count as one', () => {
    const zoomed = underSpacer(0, 8).map((t, i) => t / 1.1 + (i % 2) * 1e-12);
    const px = rowPitch([zoomed]);
    assert.ok(px !== undefined && Math.abs(px - H / 1.1) < 1e-9, `${px} px`);
  });

  test('no height before some table draws three rows', () => {
    assert.equal(rowPitch([]), undefined);
    assert.equal(rowPitch([underSpacer(0, 2), [10]]), undefined);
  });
});
