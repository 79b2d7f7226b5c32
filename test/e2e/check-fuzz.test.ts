// A few mutated configs (test/helpers/config-mutate.ts, a fixed seed) through the real `maglevd --check`:
// the binary exits as the in-process checkConfig says, prints the same file:line:col lines, and
// never dies of an uncaught error. The many-case fuzz runs in-process: test/config/fuzz.test.ts.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { checkConfig } from '../../src/config/index.js';
import { repoRoot } from '../helpers/daemon-process.js';
import { mutatedYaml, PROBLEM_LINE } from '../helpers/config-mutate.js';

const MAGLEVD = 'src/bin/maglevd.ts';
const SEED = 1414;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maglev-check-fuzz-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function maglevdCheck(path: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAGLEVD, '--check', '--config', path], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

void test('maglevd --check on mutated configs: the in-process verdict, file:line:col, no crash', async () => {
  const example = await readFile(join(repoRoot, 'examples/maglev.yaml'), 'utf8');
  const texts = fc.sample(
    mutatedYaml(() => [example]),
    { seed: SEED, numRuns: 4 },
  );
  for (const [i, text] of texts.entries()) {
    const path = join(dir, `mutated-${i}.yaml`);
    await writeFile(path, text);
    const expected = await checkConfig(path);
    const { status, output } = await maglevdCheck(path);
    assert.equal(status, expected.exitCode, `${path}:\n${output}`);
    assert.doesNotMatch(output, /Uncaught|TypeError|RangeError|at .*\.ts:\d+:\d+/, output);
    for (const line of expected.lines) assert.ok(output.includes(line), `missing ${JSON.stringify(line)}`);
    for (const line of expected.lines.slice(0, -1)) assert.match(line, PROBLEM_LINE(path));
  }
});
