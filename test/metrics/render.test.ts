// The scrape-time families are written by ScrapeRegistry itself, not by prom-client's formatter
// (which cost seconds and hundreds of MB per scrape at 10 000 backends): the text must stay
// exactly what prom-client would write from the same samples.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { createMetrics } from '../../src/metrics/index.js';
import { registerCollected, ScrapeRegistry } from '../../src/metrics/collected.js';
import { HistogramCounts } from '../../src/metrics/histogram.js';
import { backend, config, frontend, healthcheck } from '../helpers/config.js';
import { FAIL } from '../helpers/scripted-probe.js';
import { harness } from './fixtures.js';

/** What prom-client's own Registry.metrics() writes for the same registry. */
const promClientText = (registry: Registry): Promise<string> => Registry.prototype.metrics.call(registry);

void describe('ScrapeRegistry', () => {
  void test('writes what prom-client writes: a live checker with probes and transitions', async () => {
    const cfg = config({
      healthchecks: [healthcheck({ name: 'web', type: 'http', port: 80 }), healthcheck({ type: 'tcp' })],
      backends: [backend('a', '10.0.0.1', { healthcheck: 'web' }), backend('b', '10.0.0.2')],
      frontends: [
        frontend('f', { pools: [{ a: 100, b: 50 }] }),
        frontend('g', { pools: [{ b: 100 }], flushOnDown: false }),
      ],
    });
    const h = harness(cfg);
    h.probe.script('10.0.0.2', 'ffffp');
    h.checker.start();
    await h.clock.advance(12_000);
    h.metrics.hooks.observeProbes('a').probeDone(FAIL, 12.5);
    const ours = await h.metrics.registry.metrics();
    assert.equal(ours, await promClientText(h.metrics.registry));
    assert.match(ours, /^maglev_probe_duration_seconds_bucket\{backend="a",type="http",le="0.001"\} /m);
    await h.finish();
  });

  void test('escapes names, help and label values as prom-client does; Inf and NaN values', async () => {
    const registry = new ScrapeRegistry();
    const h = new HistogramCounts([0.5, 1]);
    h.observe(0.2);
    h.observe(7);
    registerCollected(registry, {
      name: 'odd_family',
      help: 'help with a \\ backslash\nand a newline',
      type: 'gauge',
      collect: (sink) => {
        sink.sample({}, 1);
        sink.sample({ quote: 'a "b" c', slash: 'x\\y', newline: 'l1\nl2', n: 3 }, Infinity);
        sink.sample({ neg: 'x' }, -Infinity);
        sink.sample({ nan: 'x' }, NaN);
        sink.histogram({ h: 'one' }, h);
      },
    });
    registerCollected(registry, {
      name: 'empty_family',
      help: 'nothing yet',
      type: 'counter',
      collect: () => {},
    });
    assert.equal(await registry.metrics(), await promClientText(registry));
  });

  void test("Node's process metrics are still prom-client's, after the maglev_* families", async () => {
    const m = createMetrics({ processMetrics: true });
    const families = (text: string) => [...text.matchAll(/^# TYPE (\S+)/gm)].map((x) => x[1]);
    const ours = await m.registry.metrics();
    assert.deepEqual(families(ours), families(await promClientText(m.registry)));
    assert.match(ours, /^nodejs_heap_size_used_bytes \d+$/m);
    assert.ok(ours.endsWith('\n') && !ours.endsWith('\n\n'));
  });

  void test('the families of createMetrics with no checker at all', async () => {
    const m = createMetrics({ processMetrics: false, vpp: true });
    assert.equal(await m.registry.metrics(), await promClientText(m.registry));
  });
});
