import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import {
  ErrorPanel,
  FRESH_MS,
  HeaderTally,
  MAX_TALLY_VALUES,
  MISSING_VALUE,
  Monitor,
  OTHER_VALUE,
  RollingWindow,
  VipStats,
  nearestRank,
  summariseLatencies,
  type Anomaly,
} from '../../src/tester/index.js';
import { answered, connected, refused, target, timedOut } from './fixtures.js';

describe('RollingWindow', () => {
  test('keeps the newest maxSamples', () => {
    const w = new RollingWindow<{ at: number; v: number }>(3, 60_000);
    for (let i = 0; i < 10; i++) w.push({ at: i, v: i });
    assert.deepEqual(
      w.values().map((x) => x.v),
      [7, 8, 9],
    );
    assert.equal(w.size, 3);
  });

  test('forgets what is older than maxAgeMs', () => {
    const clock = new FakeClock();
    const w = new RollingWindow<{ at: number }>(1_000, 60_000);
    w.push({ at: clock.now() });
    w.push({ at: clock.now() + 30_000 });
    w.prune(clock.now() + 60_000);
    assert.equal(w.size, 2);
    w.prune(clock.now() + 60_001);
    assert.equal(w.size, 1);
    w.prune(clock.now() + 90_001);
    assert.equal(w.size, 0);
  });
});

describe('percentiles', () => {
  test('nearest rank picks measured values', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(nearestRank(sorted, 0.5), 50);
    assert.equal(nearestRank(sorted, 0.95), 95);
    assert.equal(nearestRank(sorted, 0.99), 99);
    assert.equal(nearestRank([7], 0.99), 7);
    assert.equal(nearestRank([], 0.5), undefined);
  });

  test('summary of unsorted latencies', () => {
    assert.deepEqual(summariseLatencies([5, 1, 3, 2, 4]), { p50: 3, p95: 5, p99: 5, max: 5 });
    assert.equal(summariseLatencies([]), undefined);
  });
});

describe('HeaderTally', () => {
  test('counts values in first-seen order with their last sighting', () => {
    const clock = new FakeClock();
    const t = new HeaderTally();
    t.record('b2', clock.now());
    t.record('b1', clock.now() + 10);
    t.record('b2', clock.now() + 20);
    t.record(undefined, clock.now() + 30);
    assert.deepEqual(
      t.list().map((e) => [e.value, e.count, e.lastSeenAt - clock.now()]),
      [
        ['b2', 2, 20],
        ['b1', 1, 10],
        [MISSING_VALUE, 1, 30],
      ],
    );
  });

  test('is bounded: values past the limit count as (other)', () => {
    const t = new HeaderTally();
    for (let i = 0; i < MAX_TALLY_VALUES + 10; i++) t.record(`req-${i}`, i);
    assert.equal(t.size, MAX_TALLY_VALUES);
    assert.equal(t.list().at(-1)?.value, OTHER_VALUE);
    assert.equal(t.list().at(-1)?.count, 11);
    // A value already tallied keeps its own row.
    assert.equal(t.record('req-0', 100), 'req-0');
  });
});

describe('VipStats', () => {
  test('lifetime N and FAIL, rolling OK %, LAST, percentiles over answers only', () => {
    const clock = new FakeClock();
    const s = new VipStats();
    for (let i = 1; i <= 8; i++) s.record({ ...answered(i, 'b1'), at: clock.now() });
    s.record({ ...answered(9, 'b1', 503), at: clock.now() });
    s.record({ ...timedOut(), at: clock.now() });
    const snap = s.snapshot(clock.now());
    assert.equal(snap.total, 10);
    assert.equal(snap.failed, 2);
    assert.equal(snap.okRatio, 0.8);
    assert.equal(snap.last?.status, 'timeout');
    // The timeout's 2 s is not a latency; the 503's 9 ms is.
    assert.deepEqual(snap.latency, { p50: 5, p95: 9, p99: 9, max: 9 });
  });

  test('the rolling window forgets an outage, the lifetime counts do not', async () => {
    const clock = new FakeClock();
    const s = new VipStats(1_000, 60_000);
    for (let i = 0; i < 10; i++) s.record({ ...refused(), at: clock.now() });
    await clock.advance(61_000);
    s.record({ ...answered(1, 'b1'), at: clock.now() });
    const snap = s.snapshot(clock.now());
    assert.equal(snap.okRatio, 1);
    assert.equal(snap.windowSize, 1);
    assert.equal(snap.total, 11);
    assert.equal(snap.failed, 10);
  });

  test('tally rows: counts, window shares, and drained after 5 s without answers', async () => {
    const clock = new FakeClock();
    const s = new VipStats();
    for (let i = 0; i < 30; i++) {
      s.record({ ...answered(1, i % 3 === 0 ? 'b1' : 'b2'), at: clock.now() });
      await clock.advance(100);
    }
    let rows = s.snapshot(clock.now()).tally;
    assert.deepEqual(
      rows.map((r) => [r.value, r.count, r.share.toFixed(3), r.fresh]),
      [
        ['b1', 10, '0.333', true],
        ['b2', 20, '0.667', true],
      ],
    );
    // b1 stops answering: b2 takes everything.
    const lastB1 = clock.now() - 300;
    for (let i = 0; i < 60; i++) {
      s.record({ ...answered(1, 'b2'), at: clock.now() });
      await clock.advance(100);
    }
    rows = s.snapshot(clock.now()).tally;
    assert.equal(rows[0]?.value, 'b1');
    assert.equal(rows[0]?.fresh, false);
    assert.ok(clock.now() - (rows[0]?.lastSeenAt ?? 0) > FRESH_MS);
    assert.equal(rows[0]?.lastSeenAt, lastB1);
    assert.equal(rows[1]?.fresh, true);
    // And comes back.
    s.record({ ...answered(1, 'b1'), at: clock.now() });
    assert.equal(s.snapshot(clock.now()).tally[0]?.fresh, true);
  });

  test('TCP connects are not tallied', () => {
    const s = new VipStats();
    s.record({ ...connected(0.3), at: 0 });
    const snap = s.snapshot(0);
    assert.deepEqual(snap.tally, []);
    assert.equal(snap.okRatio, 1);
    assert.equal(snap.latency?.max, 0.3);
  });

  test('a spike is > 5x the rolling p50 and > 50 ms, once the baseline has 20 answers', () => {
    const s = new VipStats();
    // Too early: no baseline yet.
    for (let i = 0; i < 19; i++) assert.equal(s.record({ ...answered(10, 'b1'), at: i }), undefined);
    assert.equal(s.record({ ...answered(500, 'b1'), at: 19 }), undefined);
    for (let i = 20; i < 40; i++) s.record({ ...answered(10, 'b1'), at: i });
    assert.deepEqual(s.record({ ...answered(51, 'b1'), at: 40 }), { latencyMs: 51, baselineP50: 10 });
    // Not 5x.
    assert.equal(s.record({ ...answered(49, 'b1'), at: 41 }), undefined);
    // A failure is never a spike (it has its own class).
    assert.equal(s.record({ ...timedOut(), at: 42 }), undefined);
  });

  test('a fast service needs a spike above 50 ms, not just 5x', () => {
    const s = new VipStats();
    for (let i = 0; i < 30; i++) s.record({ ...answered(0.2, 'b1'), at: i });
    assert.equal(s.record({ ...answered(40, 'b1'), at: 30 }), undefined);
    assert.ok(s.record({ ...answered(60, 'b1'), at: 31 }));
  });
});

describe('ErrorPanel', () => {
  const anomaly = (at: number, vip: string, kind: Anomaly['kind'], code: string): Anomaly => ({
    at,
    vipKey: vip,
    vip,
    kind,
    code,
    detail: `${code} at ${at}`,
  });

  test('repeats of one anomaly on one VIP grow one row until the VIP recovers', () => {
    const p = new ErrorPanel();
    p.add(anomaly(1, 'web', 'net-err', 'ECONNREFUSED'));
    p.add(anomaly(2, 'dns', 'timeout', 'timeout'));
    p.add(anomaly(3, 'web', 'net-err', 'ECONNREFUSED'));
    p.add(anomaly(4, 'web', 'net-err', 'ECONNREFUSED'));
    let rows = p.groups();
    assert.deepEqual(
      rows.map((g) => [g.vip, g.kind, g.count, g.firstAt, g.lastAt, g.detail]),
      [
        ['dns', 'timeout', 1, 2, 2, 'timeout at 2'],
        ['web', 'net-err', 3, 1, 4, 'ECONNREFUSED at 4'],
      ],
    );
    p.recovered('web');
    p.add(anomaly(5, 'web', 'net-err', 'ECONNREFUSED'));
    // A different failure also starts a new row.
    p.add(anomaly(6, 'web', 'net-err', 'ECONNRESET'));
    p.add(anomaly(7, 'dns', 'timeout', 'timeout'));
    rows = p.groups();
    assert.deepEqual(
      rows.map((g) => [g.vip, g.code, g.count]),
      [
        ['web', 'ECONNRESET', 1],
        ['web', 'ECONNREFUSED', 1],
        ['dns', 'timeout', 2],
        ['web', 'ECONNREFUSED', 3],
      ],
    );
    assert.deepEqual(p.counts(), { timeout: 2, 'http-err': 0, 'net-err': 5, spike: 0 });
  });

  test('holds at most maxGroups rows, newest kept; totals keep counting', () => {
    const p = new ErrorPanel(5);
    for (let i = 0; i < 12; i++) p.add(anomaly(i, `vip${i}`, 'http-err', '503'));
    assert.equal(p.size, 5);
    assert.deepEqual(
      p.groups().map((g) => g.vip),
      ['vip11', 'vip10', 'vip9', 'vip8', 'vip7'],
    );
    assert.equal(p.counts()['http-err'], 12);
    // A dropped row is no longer open: a repeat starts a fresh row.
    p.add(anomaly(20, 'vip0', 'http-err', '503'));
    assert.equal(p.groups()[0]?.count, 1);
  });
});

describe('Monitor', () => {
  test('feeds each VIP and turns failures and spikes into grouped anomalies', async () => {
    const clock = new FakeClock();
    const web = target('web');
    const ssh = target('ssh', 'tcp', '192.0.2.2', 22);
    const m = new Monitor([web, ssh]);
    for (let i = 0; i < 25; i++) {
      m.record(web, answered(2, 'b1'), clock.now());
      m.record(ssh, connected(1), clock.now());
      await clock.advance(100);
    }
    m.record(web, answered(200, 'b1'), clock.now());
    m.record(ssh, refused(), clock.now());
    m.record(ssh, refused(), clock.now());
    m.record(web, answered(3, 'b1', 502), clock.now());
    const v = m.view(clock.now());
    assert.deepEqual(
      v.vips.map((x) => [x.target.name, x.stats.total, x.stats.failed]),
      [
        ['web', 27, 1],
        ['ssh', 27, 2],
      ],
    );
    assert.deepEqual(
      v.errors.map((g) => [g.vip, g.kind, g.code, g.count, g.detail]),
      [
        ['web', 'http-err', '502', 1, 'HTTP 502'],
        ['ssh', 'net-err', 'ECONNREFUSED', 2, 'connect ECONNREFUSED 192.0.2.1:80'],
        ['web', 'spike', 'spike', 1, '200ms (p50 2.00ms)'],
      ],
    );
    assert.deepEqual(v.errorCounts, { timeout: 0, 'http-err': 1, 'net-err': 2, spike: 1 });
    assert.throws(() => m.record(target('other', 'http', '192.0.2.99'), refused(), 0), /unknown VIP/);
  });
});
