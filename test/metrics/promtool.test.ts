// The exposition must satisfy Prometheus' own linter. promtool comes from Debian's `prometheus`
// package, which scripts/ensure-debian-packages.sh installs before the suite runs.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startMetricsServer } from '../../src/metrics/index.js';
import type { ProbeResult } from '../../src/health/index.js';
import { backend, config, frontend, healthcheck } from '../helpers/config.js';
import { harness } from './fixtures.js';
import { RecordingLogger } from '../helpers/logger.js';

interface Checked {
  code: number | null;
  output: string;
}

function promtoolCheck(exposition: string): Promise<Checked> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new Error('promtool not found: run scripts/ensure-debian-packages.sh (Debian package prometheus)')
          : err,
      );
    });
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}

async function scrapeOverHttp(
  registry: Parameters<typeof startMetricsServer>[0]['registry'],
): Promise<string> {
  const server = await startMetricsServer({ addr: '127.0.0.1:0', registry, logger: new RecordingLogger() });
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    return await res.text();
  } finally {
    await server.close();
  }
}

/** Every family populated: probes of several codes, transitions, weights, VPP connected. */
async function busyDaemon(connected: boolean) {
  const cfg = config({
    healthchecks: [healthcheck({ name: 'tcp', type: 'tcp' }), healthcheck({ name: 'http', type: 'http' })],
    backends: [
      backend('web-1', '10.0.0.1', { healthcheck: 'http' }),
      backend('web-2', '10.0.0.2', { healthcheck: 'http' }),
      backend('db-1', '2001:db8::1', { healthcheck: 'tcp' }),
      backend('static', '10.0.0.9', { healthcheck: undefined }),
    ],
    frontends: [
      frontend('web', { pools: [{ 'web-1': 100, 'web-2': 50 }, { static: 10 }] }),
      frontend('db', { pools: [{ 'db-1': 100 }] }),
    ],
  });
  const h = harness(cfg, { processMetrics: true });
  h.probe.script('10.0.0.2', 'ppfffpp');
  h.checker.start();
  await h.clock.advance(20_000);
  h.checker.disable('db-1');
  const late: ProbeResult = { ok: false, layer: 'L7', code: 'L7TOUT', detail: '', durationMs: 1000 };
  h.metrics.hooks.observeProbes('web-1').probeDone(late, 120);
  const vpp = h.metrics.vpp;
  vpp.apiCall('lb_add_del_vip_v2', 'send', true);
  vpp.apiCall('lb_add_del_vip_v2', 'recv', false);
  vpp.lbSync('all', { vip_added: 2, as_added: 3 });
  if (connected) {
    // Quotes, backslashes and newlines in label values must come out escaped.
    vpp.connected({ version: '25.02 "rc1" \\ build\nx', buildDate: '2025-02-26', pid: 77, bootTimeS: 0 });
    vpp.vipCounters([
      {
        frontend: 'web',
        vip: '192.0.2.1/32 tcp:80',
        next: 5,
        first: 1,
        untracked: 0,
        noServer: 3,
        routePackets: 9,
        routeBytes: 900,
      },
    ]);
  }
  return h;
}

void describe('promtool check metrics', () => {
  for (const connected of [true, false]) {
    void test(`the full exposition passes, VPP ${connected ? 'connected' : 'disconnected'}`, async () => {
      const h = await busyDaemon(connected);
      try {
        const text = await scrapeOverHttp(h.metrics.registry);
        assert.match(text, /^maglev_probe_total\{/m);
        assert.match(text, /^process_cpu_seconds_total /m);
        assert.match(text, /^nodejs_heap_size_used_bytes /m);
        assert.equal(text.includes('maglev_vpp_info{'), connected);
        const checked = await promtoolCheck(text);
        assert.equal(checked.code, 0, `promtool said:\n${checked.output}`);
        assert.equal(checked.output.trim(), '');
      } finally {
        await h.finish();
      }
    });
  }

  void test('promtool itself is strict enough to catch a bad exposition', async () => {
    const checked = await promtoolCheck('# TYPE bad_gauge_total gauge\nbad_gauge_total 1\n');
    assert.notEqual(checked.code, 0);
    assert.match(checked.output, /_total/);
  });
});
