import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { backend, config, frontend, healthcheck } from '../helpers/config.js';
import { harness } from './fixtures.js';

const tcp = healthcheck({ name: 'tcp-check', type: 'tcp', port: 80 });
const http = healthcheck({ name: 'http-check', type: 'http', port: 80 });

function before() {
  return config({
    healthchecks: [tcp, http],
    backends: [
      backend('a', '10.0.0.1', { healthcheck: 'tcp-check' }),
      backend('b', '10.0.0.2', { healthcheck: 'tcp-check' }),
      backend('c', '10.0.0.3', { healthcheck: 'tcp-check' }),
    ],
    frontends: [
      frontend('web', { pools: [{ a: 100, b: 100 }] }),
      frontend('api', { pools: [{ b: 100, c: 100 }] }),
    ],
  });
}

/** b and the api frontend are gone; c moved from a tcp to an http check. */
function after() {
  return config({
    healthchecks: [tcp, http],
    backends: [
      backend('a', '10.0.0.1', { healthcheck: 'tcp-check' }),
      backend('c', '10.0.0.3', { healthcheck: 'http-check' }),
    ],
    frontends: [frontend('web', { pools: [{ a: 100, c: 100 }] })],
  });
}

void describe('label sets after a reload', () => {
  void test("a removed backend's series all disappear, gauges and event counters alike", async () => {
    const h = harness(before());
    h.probe.script('10.0.0.2', 'ffff');
    h.checker.start();
    await h.clock.advance(6000);
    let s = await h.scrape();
    // b has every kind of series before the reload.
    const families = (backendName: string) =>
      [...new Set(s.mentioning('backend', backendName).map((x) => x.name))].sort();
    assert.deepEqual(families('b'), [
      'maglev_backend_enabled',
      'maglev_backend_health',
      'maglev_backend_state',
      'maglev_backend_transitions_total',
      'maglev_frontend_pool_backend_effective_weight',
      'maglev_frontend_pool_backend_weight',
      'maglev_probe_duration_seconds_bucket',
      'maglev_probe_duration_seconds_count',
      'maglev_probe_duration_seconds_sum',
      'maglev_probe_total',
    ]);
    assert.deepEqual(s.labelValues('maglev_frontend_state', 'frontend'), ['api', 'web']);

    h.checker.reload(after());
    s = await h.scrape();
    assert.deepEqual(s.mentioning('backend', 'b'), []);
    assert.deepEqual(s.mentioning('frontend', 'api'), []);
    assert.deepEqual(s.labelValues('maglev_backend_state', 'backend'), ['a', 'c']);
    // The survivors keep their counts.
    assert.equal(s.value('maglev_backend_transitions_total', { backend: 'a', from: 'unknown', to: 'up' }), 1);
    assert.ok((s.value('maglev_probe_total', { backend: 'a', result: 'success' }) ?? 0) >= 3);
    await h.finish();
  });

  void test('a backend whose check type changed keeps no series under the old type', async () => {
    const h = harness(before());
    h.checker.start();
    await h.clock.advance(6000);
    let s = await h.scrape();
    assert.deepEqual(s.labelValues('maglev_probe_total', 'type'), ['tcp']);

    h.checker.reload(after());
    s = await h.scrape();
    assert.deepEqual(
      s.find('maglev_probe_total', { backend: 'c' }),
      [],
      'old-type series gone before any new probe',
    );
    assert.deepEqual(s.find('maglev_probe_duration_seconds_count', { backend: 'c' }), []);

    await h.clock.advance(6000);
    s = await h.scrape();
    assert.deepEqual(
      s.find('maglev_probe_total', { backend: 'c' }).map((x) => x.labels.type),
      ['http'],
    );
    assert.deepEqual(s.labelValues('maglev_probe_total', 'type'), ['http', 'tcp']); // a is still tcp
    await h.finish();
  });

  void test('a backend that comes back starts its counters from zero', async () => {
    const h = harness(before());
    h.checker.start();
    await h.clock.advance(6000);
    h.checker.reload(after());
    await h.scrape();
    h.checker.reload(before()); // b is back, its first probe not yet run
    const s = await h.scrape();
    assert.equal(s.value('maglev_backend_state', { backend: 'b' }), 0);
    assert.deepEqual(s.find('maglev_backend_transitions_total', { backend: 'b' }), []);
    await h.finish();
  });

  void test('forgetBackend drops event series at once; the checker-backed gauges stay', async () => {
    const h = harness(before());
    h.checker.start();
    await h.clock.advance(6000);
    h.metrics.forgetBackend('a');
    const s = await h.scrape();
    assert.deepEqual(s.find('maglev_probe_total', { backend: 'a' }), []);
    assert.deepEqual(s.find('maglev_backend_transitions_total', { backend: 'a' }), []);
    assert.equal(s.value('maglev_backend_state', { backend: 'a' }), 1);
    // Its worker goes on counting into the same record, so the series come back with its next probe.
    await h.clock.advance(6000);
    assert.notDeepEqual((await h.scrape()).find('maglev_probe_total', { backend: 'a' }), []);
    await h.finish();
  });

  void test('repeated reloads keep the number of series bounded', async () => {
    const h = harness(before());
    h.checker.start();
    await h.clock.advance(6000);
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      h.checker.reload(after());
      await h.clock.advance(6000);
      h.checker.reload(before());
      await h.clock.advance(6000);
      sizes.push((await h.scrape()).samples.length);
    }
    assert.equal(new Set(sizes).size, 1, `series count changed across reloads: ${sizes.join(', ')}`);
    await h.finish();
  });
});
