// contrib/grafana/maglev-dashboard.json: a well-formed Grafana dashboard whose every query
// names metrics maglevd really exports (the list comes from a real registry, not from a list
// kept by hand), and which uses its datasource and instance variables throughout.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { exportedSeriesNames, metricNamesIn } from './exported-metrics.js';

const FILE = new URL('../../contrib/grafana/maglev-dashboard.json', import.meta.url);

interface Target {
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

async function dashboard(): Promise<Dashboard> {
  return JSON.parse(await readFile(FILE, 'utf8')) as Dashboard;
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** label_values(metric{...}, label): only the metric part names a series. */
function variableQueries(d: Dashboard): string[] {
  return d.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => (typeof v.query === 'string' ? v.query : (v.query?.query ?? '')))
    .map((q) => /^label_values\((.*),\s*\w+\)$/.exec(q)?.[1] ?? q);
}

void describe('contrib/grafana/maglev-dashboard.json', () => {
  void test('is a dashboard with unique panel ids on a 24-column grid', async () => {
    const d = await dashboard();
    assert.equal(d.uid, 'vpp-maglev');
    assert.ok(d.schemaVersion >= 36);
    const panels = allPanels(d.panels);
    assert.ok(panels.length >= 20);
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length, 'panel ids are unique');
    for (const p of panels) {
      assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the grid`);
    }
  });

  void test('every query uses the datasource variable and selects by $instance', async () => {
    const d = await dashboard();
    assert.deepEqual(
      d.templating.list.map((v) => v.name),
      ['datasource', 'job', 'instance'],
    );
    for (const p of allPanels(d.panels).filter((p) => p.type !== 'row')) {
      assert.equal(p.datasource?.uid, '${datasource}', p.title);
      assert.ok((p.targets ?? []).length > 0, `${p.title} has queries`);
      for (const t of p.targets ?? []) {
        assert.equal(t.datasource?.uid, '${datasource}', p.title);
        assert.match(t.expr ?? '', /instance=~"\$instance"/, `${p.title}: ${t.expr}`);
      }
    }
  });

  void test('every expression names only metrics maglevd exports', async () => {
    const d = await dashboard();
    const exported = exportedSeriesNames();
    const exprs = [
      ...allPanels(d.panels).flatMap((p) =>
        (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr ?? '' })),
      ),
      ...variableQueries(d).map((expr) => ({ where: 'variables', expr })),
    ];
    assert.ok(exprs.length >= 30);
    const used = new Set<string>();
    for (const { where, expr } of exprs) {
      const names = metricNamesIn(expr);
      assert.ok(names.length > 0, `${where}: no metric in ${expr}`);
      for (const name of names) {
        assert.ok(exported.has(name), `${where}: ${name} is not exported by maglevd (${expr})`);
        used.add(name);
      }
    }
    // The families an operator looks at first are all on it.
    for (const family of [
      'maglev_backend_state',
      'maglev_frontend_state',
      'maglev_frontend_pool_backend_effective_weight',
      'maglev_probe_total',
      'maglev_vpp_connected',
      'maglev_vpp_lbsync_errors_total',
      'maglev_config_last_reload_successful',
      'maglev_vip_packets_total',
    ]) {
      assert.ok(used.has(family), `${family} is not on the dashboard`);
    }
  });
});
