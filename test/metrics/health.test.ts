import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { backend, config, frontend } from '../helpers/config.js';
import { harness } from './fixtures.js';

/** web: pool0 {a, b} (tcp checks), pool1 {c} (no health check: synthetic pass). */
function webConfig() {
  return config({
    backends: [
      backend('a', '10.0.0.1'),
      backend('b', '10.0.0.2'),
      backend('c', '10.0.0.3', { healthcheck: undefined }),
    ],
    frontends: [frontend('web', { pools: [{ a: 100, b: 100 }, { c: 50 }] })],
  });
}

void describe('scrape-time health gauges', () => {
  void test('before any probe: every backend unknown at rise-1, frontend unknown, no effective weight', async () => {
    const h = harness(webConfig());
    const s = await h.scrape();
    for (const b of ['a', 'b', 'c']) assert.equal(s.value('maglev_backend_state', { backend: b }), 0, b);
    assert.equal(s.value('maglev_backend_health', { backend: 'a' }), 1);
    assert.equal(s.value('maglev_backend_health', { backend: 'c' }), 0);
    assert.equal(s.value('maglev_frontend_state', { frontend: 'web' }), 0);
    assert.deepEqual(
      s.find('maglev_frontend_pool_backend_effective_weight').map((x) => x.value),
      [0, 0, 0],
    );
    assert.deepEqual(
      s.find('maglev_frontend_pool_backend_weight').map((x) => [x.labels.pool, x.labels.backend, x.value]),
      [
        ['pool0', 'a', 100],
        ['pool0', 'b', 100],
        ['pool1', 'c', 50],
      ],
    );
    await h.finish();
  });

  void test('states, counters, enabled flags, weights and frontend state follow the checker', async () => {
    const h = harness(webConfig());
    h.probe.script('10.0.0.2', 'ffffffff');
    h.checker.start();
    await h.clock.advance(1999); // a probed at 0 (pass), b at 1000 (fail), c synthetic

    let s = await h.scrape();
    assert.deepEqual(
      ['a', 'b', 'c'].map((b) => [
        s.value('maglev_backend_state', { backend: b }),
        s.value('maglev_backend_health', { backend: b }),
      ]),
      // A pass that reaches rise jumps the counter to max (rise+fall-1 = 4), as HAProxy does.
      [
        [1, 4],
        [2, 0],
        [1, 1],
      ],
    );
    for (const b of ['a', 'b', 'c']) assert.equal(s.value('maglev_backend_enabled', { backend: b }), 1);
    const eff = (backend: string) =>
      s.value('maglev_frontend_pool_backend_effective_weight', { frontend: 'web', backend });
    // pool0 is active (a is up with weight 100); c is up but in the standby pool.
    assert.deepEqual([eff('a'), eff('b'), eff('c')], [100, 0, 0]);
    assert.equal(s.value('maglev_frontend_state', { frontend: 'web' }), 1);

    // Disabling a leaves pool0 without an up backend: pool1 takes over.
    h.checker.disable('a');
    s = await h.scrape();
    assert.equal(s.value('maglev_backend_state', { backend: 'a' }), 4);
    assert.equal(s.value('maglev_backend_enabled', { backend: 'a' }), 0);
    assert.deepEqual([eff('a'), eff('b'), eff('c')], [0, 0, 50]);
    assert.equal(s.value('maglev_frontend_state', { frontend: 'web' }), 1);

    // Pausing c leaves nothing serving.
    h.checker.pause('c');
    s = await h.scrape();
    assert.equal(s.value('maglev_backend_state', { backend: 'c' }), 3);
    assert.deepEqual([eff('a'), eff('b'), eff('c')], [0, 0, 0]);
    assert.equal(s.value('maglev_frontend_state', { frontend: 'web' }), 2);

    // A runtime weight change shows in both weight families.
    h.checker.setWeight('web', 'pool1', 'c', 30);
    h.checker.resume('c');
    await h.clock.advance(1);
    s = await h.scrape();
    assert.equal(s.value('maglev_frontend_pool_backend_weight', { pool: 'pool1', backend: 'c' }), 30);
    assert.equal(eff('c'), 30);
    assert.equal(s.value('maglev_frontend_state', { frontend: 'web' }), 1);
    await h.finish();
  });

  void test('the same backend in two frontends is weighted per frontend', async () => {
    const cfg = config({
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')],
      frontends: [
        frontend('one', { pools: [{ a: 10 }] }),
        frontend('two', { pools: [{ b: 100 }, { a: 20 }] }),
      ],
    });
    const h = harness(cfg);
    h.checker.start();
    await h.clock.advance(1999);
    const s = await h.scrape();
    assert.equal(
      s.value('maglev_frontend_pool_backend_effective_weight', { frontend: 'one', backend: 'a' }),
      10,
    );
    assert.equal(
      s.value('maglev_frontend_pool_backend_effective_weight', { frontend: 'two', backend: 'a' }),
      0,
    );
    assert.equal(
      s.value('maglev_frontend_pool_backend_effective_weight', { frontend: 'two', backend: 'b' }),
      100,
    );
    await h.finish();
  });

  void test('build info and dropped event subscribers', async () => {
    const h = harness(webConfig());
    let s = await h.scrape();
    assert.equal(s.value('maglev_build_info', { version: '9.9.9', commit: 'abc123' }), 1);
    assert.equal(s.value('maglev_event_subscribers_dropped_total'), 0);

    // A subscriber that never finishes its first event falls behind and is dropped.
    h.checker.subscribe(() => new Promise<void>(() => {}), { maxQueue: 1 });
    h.probe.script('10.0.0.1', 'p');
    h.checker.start();
    await h.clock.advance(1999);
    for (const b of ['a', 'b', 'c']) h.checker.disable(b);
    await h.clock.advance(1);
    s = await h.scrape();
    assert.equal(s.value('maglev_event_subscribers_dropped_total'), 1);
    await h.finish();
  });

  void test('without a checker the health families are empty, not an error', async () => {
    const h = harness(webConfig());
    h.metrics.setChecker(undefined);
    const s = await h.scrape();
    assert.equal(s.find('maglev_backend_state').length, 0);
    assert.equal(s.find('maglev_frontend_state').length, 0);
    assert.equal(s.value('maglev_event_subscribers_dropped_total'), 0);
    assert.equal(s.value('maglev_build_info', { version: '9.9.9' }), 1);
    await h.finish();
  });
});
