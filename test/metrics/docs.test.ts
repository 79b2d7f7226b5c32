// docs/metrics.md stays true: every maglev_* family is documented, and the example queries are
// valid PromQL according to promtool. (The alert rules are in contrib/, tested by test/contrib.)

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetrics } from '../../src/metrics/index.js';

const DOC = new URL('../../docs/metrics.md', import.meta.url);

function promtool(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT' ? new Error('promtool not found: run scripts/ensure-debian-packages.sh') : err,
      );
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function checkRules(yaml: string): Promise<{ code: number | null; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'maglev-rules-'));
  try {
    const file = join(dir, 'rules.yml');
    await writeFile(file, yaml);
    return await promtool(['check', 'rules', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text of the section that follows an HTML comment marker, up to the next heading. */
function after(doc: string, marker: string): string {
  const at = doc.indexOf(`<!-- ${marker} -->`);
  assert.ok(at >= 0, `marker ${marker} missing from docs/metrics.md`);
  const rest = doc.slice(at);
  const end = rest.indexOf('\n## ');
  return end < 0 ? rest : rest.slice(0, end);
}

void describe('docs/metrics.md', () => {
  void test('documents every maglev_* family the registry exposes', async () => {
    const doc = await readFile(DOC, 'utf8');
    const names = createMetrics({ processMetrics: false })
      .registry.getMetricsAsArray()
      .map((m) => m.name);
    assert.ok(names.length >= 20);
    for (const name of names) assert.ok(doc.includes(`\`${name}\``), `${name} is not in docs/metrics.md`);
  });

  void test('the example queries parse as PromQL', async () => {
    const doc = await readFile(DOC, 'utf8');
    const queries = [...after(doc, 'queries').matchAll(/^- [^`]*`([^`]+)`/gm)].map((m) => m[1] as string);
    assert.ok(queries.length >= 3);
    // Wrapped as recording rules, so promtool parses them without a server.
    const yaml = [
      'groups:',
      '  - name: queries',
      '    rules:',
      ...queries.map((q, i) => `      - record: doc:query${i}\n        expr: ${JSON.stringify(q)}`),
    ].join('\n');
    const checked = await checkRules(`${yaml}\n`);
    assert.equal(checked.code, 0, checked.output);
  });
});
