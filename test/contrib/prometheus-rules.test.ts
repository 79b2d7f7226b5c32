// contrib/prometheus/maglev-alerts.yml: valid for Prometheus (promtool check rules), behaving
// as its own tests say (promtool test rules), every alert the issue asks for present and
// tested firing, and every metric it names one maglevd exports.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { exportedSeriesNames, metricNamesIn } from './exported-metrics.js';

const DIR = fileURLToPath(new URL('../../contrib/prometheus/', import.meta.url));
const RULES = `${DIR}maglev-alerts.yml`;
const TESTS = `${DIR}maglev-alerts.test.yml`;

/** Prometheus' own scrape health, not a maglevd metric. */
const PROMETHEUS_SERIES = new Set(['up']);

function promtool(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT' ? new Error('promtool not found: run scripts/ensure-debian-packages.sh') : err,
      ),
    );
    child.on('close', (code) => resolve({ code, output }));
  });
}

interface Rule {
  alert: string;
  expr: string;
}

async function rules(): Promise<Rule[]> {
  const doc = parse(await readFile(RULES, 'utf8')) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

void describe('contrib/prometheus/maglev-alerts.yml', () => {
  void test('promtool check rules accepts it', async () => {
    const { code, output } = await promtool(['check', 'rules', RULES], DIR);
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`SUCCESS: ${(await rules()).length} rules found`));
  });

  void test('promtool test rules passes its own tests', async () => {
    const { code, output } = await promtool(['test', 'rules', TESTS], DIR);
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS/);
  });

  void test('has the alerts operators need, each tested firing at least once', async () => {
    const names = (await rules()).map((r) => r.alert);
    for (const wanted of [
      'MaglevBackendDown',
      'MaglevFrontendDown',
      'MaglevFrontendDegraded',
      'MaglevVPPDisconnected',
      'MaglevLbSyncFailing',
      'MaglevProbesLate',
      'MaglevEventSubscribersDropped',
      'MaglevConfigReloadFailed',
    ]) {
      assert.ok(names.includes(wanted), `${wanted} missing`);
    }
    const tests = parse(await readFile(TESTS, 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      tests.tests.flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    for (const name of names) assert.ok(firing.has(name), `no test sees ${name} fire`);
  });

  void test('every metric a rule names is one maglevd exports', async () => {
    const exported = exportedSeriesNames();
    for (const rule of await rules()) {
      for (const name of metricNamesIn(rule.expr)) {
        assert.ok(
          exported.has(name) || PROMETHEUS_SERIES.has(name),
          `${rule.alert}: ${name} is not exported by maglevd`,
        );
      }
    }
  });
});
