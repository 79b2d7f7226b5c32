// The metrics of docs/safety.md: checker faults counted and gauged by reason, suspect episodes
// counted by health check, and a frontend's panic as a 0/1 gauge with the effective weights it
// gives.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKER_FAULT_REASONS } from '../../src/health/index.js';
import { backend, config, frontend, healthcheck } from '../helpers/config.js';
import { harness } from './fixtures.js';

void describe('checker-fault and panic metrics', () => {
  void test('faults by reason: a counter of probes and a gauge of backends held', async () => {
    const h = harness(
      config({
        backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2')],
        frontends: [frontend('web', { pools: [{ a: 100, b: 100 }] })],
      }),
    );
    h.probe.script('10.0.0.1', 'pxxxp');
    h.probe.script('10.0.0.2', 'pssss');
    h.checker.start();
    let s = await h.scrape();
    assert.deepEqual(
      s.labelValues('maglev_checker_faults_active', 'reason'),
      [...CHECKER_FAULT_REASONS].sort(),
    );
    assert.equal(s.value('maglev_checker_faults_active', { reason: 'netns' }), 0);
    await h.clock.advance(2000 * 3 + 1000);
    s = await h.scrape();
    assert.equal(s.value('maglev_checker_faults_total', { reason: 'netns' }), 3);
    assert.equal(s.value('maglev_checker_faults_total', { reason: 'source-address' }), 3);
    assert.equal(s.value('maglev_checker_faults_active', { reason: 'netns' }), 1);
    assert.equal(s.value('maglev_checker_faults_active', { reason: 'source-address' }), 1);
    assert.equal(
      s.value('maglev_probe_total', { backend: 'a', result: 'failure', code: 'checker-fault' }),
      3,
      'counted with the other probes too',
    );
    assert.equal(s.value('maglev_backend_state', { backend: 'a' }), 1, 'still up');
    await h.clock.advance(2000);
    s = await h.scrape();
    assert.equal(s.value('maglev_checker_faults_active', { reason: 'netns' }), 0);
    await h.finish();
  });

  void test('suspect episodes per health check', async () => {
    const h = harness(
      config({
        healthchecks: [healthcheck({ rise: 1, fall: 1 })],
        backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')],
        frontends: [frontend('web', { pools: [{ a: 100, b: 100, c: 100 }] })],
      }),
    );
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) h.probe.script(ip, 'pf');
    h.checker.start();
    await h.clock.advance(4000);
    const s = await h.scrape();
    assert.equal(s.value('maglev_checker_suspect_total', { healthcheck: 'hc' }), 1);
    await h.finish();
  });

  void test('panic: the gauge is 1 and the effective weights are the configured ones', async () => {
    const h = harness(
      config({
        healthchecks: [healthcheck({ rise: 1, fall: 1 })],
        backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')],
        frontends: [
          frontend('web', { pools: [{ a: 100, b: 40, c: 100 }], panicThreshold: 50 }),
          frontend('plain', { pools: [{ c: 100 }] }),
        ],
      }),
    );
    h.probe.script('10.0.0.2', 'f');
    h.probe.script('10.0.0.3', 'f');
    h.checker.start();
    await h.clock.advance(2000);
    const s = await h.scrape();
    assert.equal(s.value('maglev_frontend_panic', { frontend: 'web' }), 1);
    assert.equal(s.value('maglev_frontend_panic', { frontend: 'plain' }), 0);
    assert.deepEqual(
      s.find('maglev_frontend_pool_backend_effective_weight', { frontend: 'web' }).map((x) => x.value),
      [100, 40, 100],
    );
    assert.equal(
      s.value('maglev_frontend_pool_backend_effective_weight', { frontend: 'plain', backend: 'c' }),
      0,
    );
    await h.finish();
  });
});
