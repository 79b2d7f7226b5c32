// Fuzzing the config loader (issue #14): mutated YAML, starting from the shipped examples and a
// small valid config, never crashes the loader, and `maglevd --check` always ends the way it
// promises: exit 0 for a valid file, otherwise exit 1 (YAML) or 2 (semantic) with every problem
// at file:line:col inside the file. Seeded and bounded: a failure prints fast-check's seed and
// the smallest mutated file it found. test/e2e/check-fuzz.test.ts runs a few through the binary.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { checkConfig, parseConfig } from '../../src/config/index.js';
import { repoRoot } from '../helpers/daemon-process.js';
import { BASE_LINES } from './fixtures.js';
import { mutatedYaml, PROBLEM_LINE, SUMMARY_LINE } from '../helpers/config-mutate.js';

const SEED = 1414;

let dir = '';
let seeds: string[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maglev-config-fuzz-'));
  const examples = await Promise.all(
    ['examples/maglev.yaml', 'examples/demo.yaml'].map((f) => readFile(join(repoRoot, f), 'utf8')),
  );
  seeds = [...examples, `${BASE_LINES.join('\n')}\n`];
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Where a problem may point: a line of the file (or the one just past its end), column >= 1. */
function assertInside(text: string, p: { line: number; col: number; message: string }): void {
  const lineCount = text.split('\n').length;
  assert.ok(
    Number.isInteger(p.line) && p.line >= 1 && p.line <= lineCount + 1,
    `line ${p.line}: ${p.message}`,
  );
  assert.ok(Number.isInteger(p.col) && p.col >= 1, `col ${p.col}: ${p.message}`);
  assert.ok(p.message.length > 0, 'a problem with no message');
}

void describe('config loader fuzz', () => {
  void test('parseConfig never throws on mutated YAML; every problem has a position inside the file', () => {
    fc.assert(
      fc.property(
        mutatedYaml(() => seeds),
        (text) => {
          const r = parseConfig(text, 'fuzz.yaml');
          for (const w of r.warnings) assertInside(text, w);
          if (r.ok) return;
          assert.ok(r.errors.length > 0, 'rejected without an error');
          for (const e of r.errors) assertInside(text, e);
        },
      ),
      { seed: SEED, numRuns: 250 },
    );
  });

  void test('maglevd --check (checkConfig) exits 0, 1 or 2; on 1 and 2 every line is file:line:col', async () => {
    const path = join(dir, 'fuzz.yaml');
    const exits = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        mutatedYaml(() => seeds),
        async (text) => {
          await writeFile(path, text);
          const { exitCode, lines } = await checkConfig(path);
          exits.add(exitCode);
          const summary = lines.at(-1) ?? '';
          const problems = lines.slice(0, -1);
          assert.match(summary, SUMMARY_LINE(path));
          for (const l of problems) assert.match(l, PROBLEM_LINE(path));
          if (exitCode === 0) {
            assert.match(summary, /: ok \(/);
            return;
          }
          assert.ok(exitCode === 1 || exitCode === 2, `exit ${exitCode}`);
          assert.match(summary, exitCode === 1 ? /: YAML parse error \(/ : /: invalid \(/);
          assert.ok(
            problems.some((l) => !l.includes(': warning: ')),
            'a failing check names at least one error',
          );
        },
      ),
      { seed: SEED + 1, numRuns: 150 },
    );
    // The mutations reach all three outcomes, so the fuzzer is not testing only one of them.
    assert.deepEqual([...exits].sort(), [0, 1, 2]);
  });
});
