import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ProbeCode, ProbeResult } from '../../src/health/index.js';
import { PROBE_DURATION_BUCKETS, SCHEDULE_LAG_BUCKETS } from '../../src/metrics/index.js';
import type { ProbeFn } from '../../src/probe/types.js';
import { backend, config, frontend, healthcheck } from '../helpers/config.js';
import { harness, type Scrape } from './fixtures.js';

/** A ProbeFn that hands out the given results in order, then passes. */
function queued(results: ProbeResult[]): ProbeFn {
  return () =>
    Promise.resolve(results.shift() ?? { ok: true, layer: 'L7', code: 'L7OK', detail: '', durationMs: 1 });
}

const result = (ok: boolean, code: ProbeCode, durationMs: number): ProbeResult => ({
  ok,
  layer: code.startsWith('L7') ? 'L7' : 'L4',
  code,
  detail: '',
  durationMs,
});

/** Cumulative bucket counts of one histogram series, le → count. */
function buckets(s: Scrape, name: string, labels: Record<string, string> = {}): Map<string, number> {
  return new Map(s.find(`${name}_bucket`, labels).map((x) => [x.labels.le ?? '', x.value]));
}

void describe('event-driven probe series', () => {
  void test('probes are counted by backend, check type, result and code', async () => {
    const cfg = config({
      healthchecks: [healthcheck({ name: 'web', type: 'http', port: 80 })],
      backends: [backend('a', '10.0.0.1', { healthcheck: 'web' })],
      frontends: [frontend('f', { pools: [{ a: 100 }] })],
    });
    const h = harness(cfg, {
      probe: queued([
        result(true, 'L7OK', 3),
        result(false, 'L7STS', 40),
        result(false, 'L7TOUT', 1000),
        result(false, 'L7STS', 7),
        result(true, 'L7OK', 2000),
      ]),
    });
    h.checker.start();
    await h.clock.advance(4 * 2000); // probes at 0, 2000, 4000, 6000, 8000
    const s = await h.scrape();
    const count = (r: string, code: string) =>
      s.value('maglev_probe_total', { backend: 'a', type: 'http', result: r, code });
    assert.equal(count('success', 'L7OK'), 2);
    assert.equal(count('failure', 'L7STS'), 2);
    assert.equal(count('failure', 'L7TOUT'), 1);
    assert.equal(s.find('maglev_probe_total').length, 3);

    // Durations land in the spec's buckets: 3 ms, 7 ms, 40 ms, 1 s, 2 s.
    const b = buckets(s, 'maglev_probe_duration_seconds', { backend: 'a', type: 'http' });
    assert.deepEqual([...b.keys()], [...PROBE_DURATION_BUCKETS.map(String), '+Inf']);
    assert.equal(b.get('0.0025'), 0);
    assert.equal(b.get('0.005'), 1);
    assert.equal(b.get('0.01'), 2);
    assert.equal(b.get('0.05'), 3);
    assert.equal(b.get('1'), 4); // le is inclusive: exactly 1 s counts here
    assert.equal(b.get('2.5'), 5);
    assert.equal(b.get('+Inf'), 5);
    assert.equal(s.value('maglev_probe_duration_seconds_count', { backend: 'a' }), 5);
    assert.ok(Math.abs((s.value('maglev_probe_duration_seconds_sum', { backend: 'a' }) ?? 0) - 3.05) < 1e-9);
    await h.finish();
  });

  void test('transitions are counted by from and to', async () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1')],
      frontends: [frontend('f', { pools: [{ a: 100 }] })],
    });
    const h = harness(cfg);
    // unknown→up, then three failures: up→down; then two passes: down→up.
    h.probe.script('10.0.0.1', 'pfffpp');
    h.checker.start();
    await h.clock.advance(5 * 2000);
    h.checker.pause('a');
    const s = await h.scrape();
    const t = (from: string, to: string) =>
      s.value('maglev_backend_transitions_total', { backend: 'a', from, to });
    assert.equal(t('unknown', 'up'), 1);
    assert.equal(t('up', 'down'), 1);
    assert.equal(t('down', 'up'), 1);
    assert.equal(t('up', 'paused'), 1);
    assert.equal(s.find('maglev_backend_transitions_total').length, 4);
    await h.finish();
  });

  void test('a backend without a health check has transitions but no probe series', async () => {
    const cfg = config({
      backends: [backend('s', '10.0.0.9', { healthcheck: undefined })],
      frontends: [frontend('f', { pools: [{ s: 100 }] })],
    });
    const h = harness(cfg);
    h.checker.start();
    await h.clock.advance(10_000);
    const s = await h.scrape();
    assert.equal(s.value('maglev_backend_transitions_total', { backend: 's', from: 'unknown', to: 'up' }), 1);
    assert.equal(s.find('maglev_probe_total').length, 0);
    assert.equal(s.find('maglev_probe_duration_seconds_count').length, 0);
    await h.finish();
  });

  void test('schedule lag is one histogram over all probes, in seconds', async () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1')],
      frontends: [frontend('f', { pools: [{ a: 100 }] })],
    });
    const h = harness(cfg);
    h.checker.start();
    await h.clock.advance(2 * 2000); // FakeClock fires on time: three probes with no lag
    const ok = result(true, 'L4OK', 1);
    h.metrics.hooks.observeProbes('a').probeDone(ok, 30); // and two late ones, as a busy event loop would make
    h.metrics.hooks.observeProbes('a').probeDone(ok, 7000);
    const s = await h.scrape();
    const b = buckets(s, 'maglev_probe_schedule_lag_seconds');
    assert.deepEqual([...b.keys()], [...SCHEDULE_LAG_BUCKETS.map(String), '+Inf']);
    assert.equal(b.get('0.001'), 3);
    assert.equal(b.get('0.025'), 3);
    assert.equal(b.get('0.05'), 4);
    assert.equal(b.get('5'), 4);
    assert.equal(b.get('10'), 5);
    assert.equal(s.value('maglev_probe_schedule_lag_seconds_count'), 5);
    assert.ok(Math.abs((s.value('maglev_probe_schedule_lag_seconds_sum') ?? 0) - 7.03) < 1e-9);
    assert.equal(
      s.find('maglev_probe_schedule_lag_seconds_bucket').every((x) => x.labels.backend === undefined),
      true,
    );
    await h.finish();
  });
});
