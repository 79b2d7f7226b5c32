// The in-process Stryker runner (node-test-runner.ts), driven directly as Stryker drives it, over
// fixture/: a file mutated by hand in Stryker's own way, whose mutants a test kills, none kills,
// or a loop stops. A runner that scored everything killed, or everything survived, fails here.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StrykerOptions } from '@stryker-mutator/api/core';
import {
  DryRunStatus,
  MutantRunStatus,
  TestStatus,
  type DryRunResult,
  type MutantRunOptions,
} from '@stryker-mutator/api/test-runner';
import { NodeTestRunner } from './node-test-runner.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixture/${name}`, import.meta.url));
const ARITHMETIC = fixture('arithmetic.check.ts');

let dir: string;
const cwd = process.cwd();

before(async () => {
  // The runner keeps the dry run's times in its working directory (the sandbox, under Stryker).
  dir = await mkdtemp(join(tmpdir(), 'maglev-node-test-runner-'));
  process.chdir(dir);
});

after(async () => {
  process.chdir(cwd);
  await rm(dir, { recursive: true, force: true });
});

async function runner(...testFiles: string[]): Promise<NodeTestRunner> {
  const r = new NodeTestRunner({ nodeTest: { testFiles } } as unknown as StrykerOptions);
  await r.init();
  return r;
}

function mutant(id: string, extra: Partial<MutantRunOptions> = {}): MutantRunOptions {
  return {
    activeMutant: {
      id,
      fileName: fixture('arithmetic.ts'),
      mutatorName: 'by hand',
      replacement: '',
      location: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
    },
    sandboxFileName: fixture('arithmetic.ts'),
    timeout: 10_000,
    disableBail: false,
    mutantActivation: 'runtime',
    reloadEnvironment: false,
    ...extra,
  };
}

function complete(result: DryRunResult): Extract<DryRunResult, { status: DryRunStatus.Complete }> {
  assert.equal(result.status, DryRunStatus.Complete, JSON.stringify(result));
  return result;
}

// First in this file: the only load of greeting.ts in this process, which a static mutant needs.
test('a static mutant: the modules load with it switched on, every test runs, and it is killed', async () => {
  const r = await runner(fixture('greeting.check.ts'));
  try {
    assert.deepEqual(r.capabilities(), { reloadEnvironment: false });
    const result = await r.mutantRun(mutant('4', { mutantActivation: 'static', reloadEnvironment: true }));
    assert.equal(result.status, MutantRunStatus.Killed);
    assert.deepEqual(result.killedBy, [`${fixture('greeting.check.ts')}: the greeting`]);
    const coverage = (globalThis as { __stryker__?: { mutantCoverage?: { static: Record<string, number> } } })
      .__stryker__?.mutantCoverage;
    assert.equal(coverage?.static['4'], 1, 'the load is static coverage');
  } finally {
    await r.dispose();
  }
});

test('the dry run runs every test, with its id, time and per-test coverage', async () => {
  const r = await runner(ARITHMETIC);
  try {
    const result = complete(
      await r.dryRun({ timeout: 10_000, disableBail: false, coverageAnalysis: 'perTest' }),
    );
    const ids = result.tests.map((t) => t.id);
    assert.deepEqual(ids, [
      `${ARITHMETIC}: add › 1 + 2 is 3`,
      `${ARITHMETIC}: add › the beforeEach hook ran`,
      `${ARITHMETIC}: capped keeps 50 and cuts 150`,
      `${ARITHMETIC}: countTo counts`,
    ]);
    assert.ok(result.tests.every((t) => t.status === TestStatus.Success && t.timeSpentMs >= 0));
    const perTest = result.mutantCoverage?.perTest ?? {};
    assert.deepEqual(perTest[`${ARITHMETIC}: add › 1 + 2 is 3`], { '1': 1 });
    assert.equal(perTest[`${ARITHMETIC}: add › the beforeEach hook ran`], undefined);
    assert.deepEqual(perTest[`${ARITHMETIC}: capped keeps 50 and cuts 150`], { '2': 2 });
    assert.deepEqual(perTest[`${ARITHMETIC}: countTo counts`], { '3': 1 });
  } finally {
    await r.dispose();
  }
});

test('mutant runs: killed by the test that fails, survived when none does, a loop stopped as a timeout', async () => {
  const r = await runner(ARITHMETIC);
  try {
    complete(await r.dryRun({ timeout: 10_000, disableBail: false, coverageAnalysis: 'perTest' }));
    const killed = await r.mutantRun(mutant('1', { testFilter: [`${ARITHMETIC}: add › 1 + 2 is 3`] }));
    assert.equal(killed.status, MutantRunStatus.Killed);
    assert.deepEqual(killed.killedBy, [`${ARITHMETIC}: add › 1 + 2 is 3`]);
    assert.match(killed.failureMessage, /-1/);

    const survived = await r.mutantRun(
      mutant('2', { testFilter: [`${ARITHMETIC}: capped keeps 50 and cuts 150`] }),
    );
    assert.deepEqual(survived, { status: MutantRunStatus.Survived, nrOfTests: 1 });

    const looped = await r.mutantRun(
      mutant('3', { testFilter: [`${ARITHMETIC}: countTo counts`], hitLimit: 100 }),
    );
    assert.equal(looped.status, MutantRunStatus.Timeout);

    // The same runner, the mutants off again: nothing left switched on.
    const clean = await r.mutantRun(mutant('none'));
    assert.deepEqual(clean, { status: MutantRunStatus.Survived, nrOfTests: 4 });
  } finally {
    await r.dispose();
  }
});

test('without a filter every test runs; it bails at the first failure unless told not to', async () => {
  // No dry run's times: the tests run in the file's order, so the failing one is first.
  await rm(join(dir, '.stryker-node-test-times.json'), { force: true });
  const r = await runner(ARITHMETIC);
  try {
    const bailed = await r.mutantRun(mutant('1'));
    assert.equal(bailed.status, MutantRunStatus.Killed);
    assert.equal(bailed.nrOfTests, 1);
    const all = await r.mutantRun(mutant('1', { disableBail: true }));
    assert.equal(all.status, MutantRunStatus.Killed);
    assert.equal(all.nrOfTests, 4);
  } finally {
    await r.dispose();
  }
});

test('a worker thread a test starts sees the mutant switched on, and none once the run is over', async () => {
  const WORKER = fixture('worker.check.ts');
  const r = await runner(WORKER);
  try {
    complete(await r.dryRun({ timeout: 10_000, disableBail: false, coverageAnalysis: 'perTest' }));
    const result = await r.mutantRun(mutant('5'));
    assert.equal(result.status, MutantRunStatus.Killed);
    assert.match(result.failureMessage, /'5'/);
    assert.deepEqual(await r.mutantRun(mutant('5', { testFilter: [] })), {
      status: MutantRunStatus.Survived,
      nrOfTests: 0,
    });
    complete(await r.dryRun({ timeout: 10_000, disableBail: false, coverageAnalysis: 'perTest' }));
  } finally {
    await r.dispose();
  }
});

test('a test that takes the context `t`, or is skipped, todo or only, is refused: the dry run is an error, not a score', async () => {
  // The declarations the runner refuses are written here, into the working directory, so that the
  // repository itself holds no skipped, todo or only test. `.mts`: outside the package a `.ts`
  // file would load as CommonJS, past the runner's hook for `node:test`.
  const refusedFlags = ['skip', 'todo', 'only'] as const;
  const cases: [string, RegExp][] = [[fixture('context.check.ts'), /test context `t`/]];
  for (const flag of refusedFlags) {
    const file = join(dir, `${flag}.check.mts`);
    await writeFile(
      file,
      `import { test } from 'node:test';\ntest('declared with ${flag}', { ${flag}: true }, () => undefined);\n`,
    );
    cases.push([file, new RegExp(`has ${flag}`)]);
  }
  for (const [file, reason] of cases) {
    const r = await runner(file);
    try {
      const result = await r.dryRun({ timeout: 10_000, disableBail: false, coverageAnalysis: 'perTest' });
      assert.equal(result.status, DryRunStatus.Error, file);
      assert.match(result.errorMessage, reason);
    } finally {
      await r.dispose();
    }
  }
});
