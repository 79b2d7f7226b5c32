// The dashboard's traffic, without a browser: one GetVPPLBCounters poll as the page needs it
// (rates per frontend, totals counting each VIP address once), the history kept for the
// sparklines (window, duplicates, frontends that go), the page's reducer, and the sparkline path.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VPPLBCounters } from '../../src/api/index.js';
import { appendTraffic, trafficSample, TRAFFIC_WINDOW_MS } from '../../src/frontend/index.js';
import type { MaglevdStateJson, TrafficSampleJson } from '../../src/frontend/index.js';
import { emptyState, reducers as r, sparklinePath } from '../../src/web/src/model/index.js';

const T0 = Date.UTC(2026, 3, 15, 12, 0, 0);

function counters(at: number, pps: number, bps: number): VPPLBCounters {
  return VPPLBCounters.fromPartial({
    updatedAt: new Date(at),
    source: 'stats-segment',
    rateIntervalSeconds: 5,
    vips: [
      {
        frontend: 'web',
        prefix: '192.0.2.1/32',
        protocol: 'tcp',
        port: 80,
        firstPackets: 10n,
        nextPackets: 90n,
        routePackets: 120n,
        routeBytes: 9000n,
        packetsPerSecond: pps,
        routeBytesPerSecond: bps,
      },
      {
        frontend: 'web-tls',
        prefix: '192.0.2.1/32',
        protocol: 'tcp',
        port: 443,
        firstPackets: 1n,
        nextPackets: 19n,
        routePackets: 120n,
        routeBytes: 9000n,
        packetsPerSecond: 4,
        routeBytesPerSecond: bps,
      },
      { frontend: '', prefix: '198.51.100.9/32', protocol: 'udp', port: 53, noServerPackets: 3n },
    ],
  });
}

function sample(at: number, pps: number, bps: number): TrafficSampleJson {
  const s = trafficSample(counters(at, pps, bps));
  assert.ok(s);
  return s;
}

describe('traffic sample', () => {
  test('rates per frontend; totals over every VIP, bytes and routes once per address', () => {
    const s = sample(T0, 20, 1000);
    assert.deepEqual(s.frontends, [
      { frontend: 'web', pps: 20, bps: 1000, sharedAddress: true },
      { frontend: 'web-tls', pps: 4, bps: 1000, sharedAddress: true },
    ]);
    assert.deepEqual(s.totals, {
      pps: 24,
      bps: 1000,
      first: 11,
      next: 109,
      untracked: 0,
      noServer: 3,
      routePackets: 120,
      routeBytes: 9000,
    });
    assert.equal(s.at, T0);
    assert.equal(s.source, 'stats-segment');
    assert.equal(s.intervalS, 5);
  });

  test('no rates yet, no bytes without the stats segment: nulls, not zeros', () => {
    const c = VPPLBCounters.fromPartial({
      updatedAt: new Date(T0),
      source: 'cli',
      vips: [{ frontend: 'web', prefix: '192.0.2.1/32', protocol: 'tcp', port: 80 }],
    });
    const s = trafficSample(c);
    assert.deepEqual(s?.frontends, [{ frontend: 'web', pps: null, bps: null, sharedAddress: false }]);
    assert.equal(s?.totals.routeBytes, null);
    assert.equal(s?.intervalS, null);
    assert.equal(
      trafficSample(VPPLBCounters.fromPartial({ updatedAt: new Date(T0) })),
      undefined,
      'not polled yet',
    );
  });
});

describe('traffic history', () => {
  test('points accumulate for the window; a repeated poll adds nothing; gone frontends go', () => {
    let t = appendTraffic(null, sample(T0, 10, 100));
    t = appendTraffic(t, sample(T0 + 5000, 20, 200));
    const same = appendTraffic(t, sample(T0 + 5000, 99, 999));
    assert.equal(same, t, 'the same poll again changes nothing');
    assert.deepEqual(
      t.frontends[0]?.history.map((p) => [p.at - T0, p.pps, p.bps]),
      [
        [0, 10, 100],
        [5000, 20, 200],
      ],
    );
    assert.deepEqual(
      t.totals.history.map((p) => p.pps),
      [14, 24],
    );
    const later = appendTraffic(t, sample(T0 + 5000 + TRAFFIC_WINDOW_MS, 30, 300));
    assert.deepEqual(
      later.frontends[0]?.history.map((p) => p.pps),
      [30],
      'older points leave the window',
    );
    const fewer: TrafficSampleJson = { ...sample(T0 + 10_000, 1, 1), frontends: [] };
    assert.deepEqual(appendTraffic(t, fewer).frontends, []);
  });

  test('the page reducer appends traffic events and drops the picture when the counters go', () => {
    const st = emptyState();
    const m: MaglevdStateJson = {
      status: { name: 'lb1', reachable: true, error: null, since: 0 },
      frontends: [],
      backends: [],
      healthchecks: [],
      vpp: { connected: true, info: null, error: null, lbState: null },
      traffic: appendTraffic(null, sample(T0, 10, 100)),
      refreshedAt: 1,
    };
    r.hydrate(
      st,
      {
        eventId: 'e-1',
        version: { program: 'p', version: '1', commit: 'c', date: 'd' },
        admin: false,
        maglevds: [m],
      },
      10,
    );
    r.applyTraffic(st, { maglevd: 'lb1', sample: sample(T0 + 5000, 20, 200) });
    assert.deepEqual(
      st.maglevds['lb1']?.traffic?.frontends[0]?.history.map((p) => p.pps),
      [10, 20],
    );
    r.applyTraffic(st, { maglevd: 'lb1', sample: null });
    assert.equal(st.maglevds['lb1']?.traffic, null);
    r.applyTraffic(st, { maglevd: 'nobody', sample: null }); // unknown maglevd: ignored
  });
});

describe('sparkline', () => {
  const box = { width: 60, height: 11, windowMs: 60_000, minSpanMs: 20_000 };
  const at = (s: number, pps: number | null) => ({ at: T0 + s * 1000, pps, bps: null });

  test('time left to right ending at the newest point; height against the largest value', () => {
    assert.equal(sparklinePath([at(0, 5), at(30, 10), at(60, 0)], 'pps', box), 'M0 6L30 1L60 11');
  });

  test('a short history spans the width (down to the least span); a long one the window', () => {
    assert.equal(sparklinePath([at(100, 1), at(130, 1)], 'pps', box), 'M0 1L60 1', 'history of 30 s');
    assert.equal(sparklinePath([at(100, 1), at(110, 1)], 'pps', box), 'M30 1L60 1', 'at least 20 s');
    assert.equal(
      sparklinePath([at(0, 1), at(100, 1), at(130, 1)], 'pps', box),
      'M0 1L60 1',
      'older than the window: out, the rest spans the width',
    );
  });

  test('a point without a value breaks the line; nothing to draw is empty', () => {
    assert.equal(sparklinePath([at(0, 1), at(30, null), at(60, 1)], 'pps', box), 'M0 1h0M60 1h0');
    assert.equal(sparklinePath([at(50, null), at(60, 4)], 'pps', box), 'M60 1h0', 'a lone point is a dot');
    assert.equal(sparklinePath([], 'pps', box), '');
    assert.equal(
      sparklinePath([at(0, 0), at(60, 0)], 'pps', box),
      'M0 11L60 11',
      'all zero: the bottom edge',
    );
    assert.equal(sparklinePath([at(0, 3), at(60, 3)], 'bps', box), '', 'no bytes known: nothing');
  });
});
