// The helper the monitoring-kit tests rely on: it finds metric names, and only metric names.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportedSeriesNames, metricNamesIn } from './exported-metrics.js';

void describe('metricNamesIn', () => {
  void test('selectors, functions, aggregations, matchers and ranges', () => {
    assert.deepEqual(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (instance, le) (rate(maglev_probe_schedule_lag_seconds_bucket{job=~"$job", instance="a:1"}[$__rate_interval]))) > 0.5',
      ),
      ['maglev_probe_schedule_lag_seconds_bucket'],
    );
    assert.deepEqual(
      metricNamesIn(
        'maglev_frontend_state == 1 and on (instance, frontend) count by (instance, frontend) ((maglev_frontend_pool_backend_weight > 0) and on (instance, backend) (maglev_backend_state == 2)) > 0',
      ),
      ['maglev_backend_state', 'maglev_frontend_pool_backend_weight', 'maglev_frontend_state'],
    );
    assert.deepEqual(metricNamesIn('count(up{job="x"} == 1) or vector(0)'), ['up']);
    assert.deepEqual(metricNamesIn('rate(x_total[1h] offset 1h) * 8 + 1e3'), ['x_total']);
    assert.deepEqual(metricNamesIn('label_values(maglev_build_info{job=~"$job"}, instance)'), [
      'instance',
      'maglev_build_info',
    ]);
  });

  void test('the exported names come from the registry, histograms with their suffixes', () => {
    const names = exportedSeriesNames();
    assert.ok(names.has('maglev_backend_state'));
    assert.ok(names.has('maglev_probe_duration_seconds_bucket'));
    assert.ok(names.has('maglev_vpp_lbsync_errors_total'));
    assert.ok(names.has('process_cpu_seconds_total'));
    assert.ok(!names.has('maglev_probe_duration_seconds'));
  });
});
