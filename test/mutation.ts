// Mutation testing of the pure core with StrykerJS: `npm run test:mutation [folder...]`. Stryker
// changes one thing at a time in the source (a `<` into `<=`, a constant, a removed call), runs
// the tests that cover it, and counts a mutant killed when a test fails. The share killed says
// how much of the code the tests actually pin down; docs/testing.md records the score per folder
// and the survivors judged equivalent.
//
// Each folder runs with only its own tests, so a run fits in minutes on 2 cores, and the folders
// run one after the other. Not part of `npm test`: it takes far longer than the suite.
//
// Two test runners. The TAP runner starts each test file as `node --import tsx <file>` with
// node's TAP reporter (node:test prints TAP, Stryker reads it), once per mutant; src/config's
// parts use test/mutation/node-test-runner.ts instead, which loads the test files once per worker
// and runs their tests in that process for each mutant (src/config's tests nearly all go through
// the whole pipeline, so the TAP runner takes hours there). The TypeScript checker drops mutants
// that do not compile before any test runs them.

import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Stryker } from '@stryker-mutator/core';
import { repoRoot } from './helpers/daemon-process.js';

/** The shell files of src/dataplane (they talk to VPP); the rest of the folder is pure. One list, the linter's. */
const { DATAPLANE_SHELL } = (await import(pathToFileURL(`${repoRoot}eslint.config.js`).href)) as {
  DATAPLANE_SHELL: readonly string[];
};

interface Folder {
  /** Source files to mutate, repository-relative globs (a leading ! excludes). */
  readonly mutate: readonly string[];
  /** The tests that judge them: the folder's own, and only those. */
  readonly tests: readonly string[];
  /** Which runner: `tap` (a process per test file per mutant) or `node-test` (one process per worker). */
  readonly runner: 'tap' | 'node-test';
}

/**
 * src/config in parts, each a Stryker run of its own with its own incremental report: the folder
 * has about 2 600 mutants, and nearly every config test goes through the whole pipeline (YAML,
 * schema, rules), so one run over all of it takes hours on a shared 2-core machine. Every part is
 * judged by every test file of test/config: all of them but plain-yaml.test.ts enter through
 * parseConfig and reach every file, and Stryker's per-test coverage already runs only the files
 * that reach a mutant, so a smaller set could only lower a score, never raise it.
 */
const CONFIG_TESTS = ['test/config/*.test.ts'];
const inProcess = { tests: CONFIG_TESTS, runner: 'node-test' } as const;
const CONFIG_PARTS: Readonly<Record<string, Folder>> = {
  'config-yaml': { mutate: ['src/config/plain-yaml.ts', 'src/config/positions.ts'], ...inProcess },
  'config-duration': { mutate: ['src/config/duration.ts'], ...inProcess },
  'config-names': {
    mutate: [
      'src/config/names.ts',
      'src/config/defaults.ts',
      'src/config/describe.ts',
      'src/config/json-schema.ts',
      'src/config/announce.ts',
      'src/config/types.ts',
    ],
    ...inProcess,
  },
  'config-schema': { mutate: ['src/config/schema.ts'], ...inProcess },
  'config-rules': {
    mutate: ['src/config/rules.ts', 'src/config/issues.ts', 'src/config/finding.ts', 'src/config/problem.ts'],
    ...inProcess,
  },
  'config-load': {
    mutate: [
      'src/config/normalise.ts',
      'src/config/parse.ts',
      'src/config/load.ts',
      'src/config/load-isolated.ts',
      'src/config/warm-up.ts',
    ],
    ...inProcess,
  },
};

/** The pure core. In src/dataplane the files that are not shell (their tests: those that drive no VPP). */
export const FOLDERS: Readonly<Record<string, Folder>> = {
  health: {
    mutate: ['src/health/**/*.ts', '!src/health/index.ts'],
    tests: ['test/health/*.test.ts'],
    runner: 'tap',
  },
  maglev: {
    mutate: ['src/maglev/**/*.ts', '!src/maglev/index.ts'],
    tests: ['test/maglev/*.test.ts'],
    runner: 'tap',
  },
  ...CONFIG_PARTS,
  dataplane: {
    mutate: ['src/dataplane/*.ts', ...DATAPLANE_SHELL.map((file) => `!src/dataplane/${file}.ts`)],
    tests: [
      'test/dataplane/believed.test.ts',
      'test/dataplane/counter-rates.test.ts',
      'test/dataplane/desired.test.ts',
      'test/dataplane/plan.test.ts',
      'test/dataplane/plan-property.test.ts',
      'test/dataplane/preview.test.ts',
      'test/dataplane/programmed.test.ts',
      'test/dataplane/rate-text.test.ts',
      'test/dataplane/syncer-errors.test.ts',
      'test/dataplane/syncer-plan.test.ts',
      'test/dataplane/syncer-report.test.ts',
      'test/dataplane/vip-key.test.ts',
      'test/dataplane/vpp-config.test.ts',
      'test/dataplane/warmup.test.ts',
    ],
    runner: 'tap',
  },
  'http-response': {
    mutate: ['src/probe/http-response.ts'],
    tests: ['test/probe/http-response.test.ts'],
    runner: 'tap',
  },
};

/** Stryker's options (its type lives in @stryker-mutator/api, which we do not depend on directly). */
type StrykerOptions = ConstructorParameters<typeof Stryker>[0];

/** `dir/*.test.ts` and plain paths, repository-relative, sorted: the files the in-process runner loads. */
function expand(patterns: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    const star = pattern.lastIndexOf('/*');
    if (star < 0) return [pattern];
    const dir = pattern.slice(0, star);
    const suffix = pattern.slice(star + 2);
    return readdirSync(`${repoRoot}${dir}`)
      .filter((f) => f.endsWith(suffix))
      .sort()
      .map((f) => `${dir}/${f}`);
  });
}

function runnerOptions(folder: Folder): StrykerOptions {
  if (folder.runner === 'tap') {
    return {
      testRunner: 'tap',
      tap: {
        testFiles: [...folder.tests],
        nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
        forceBail: true,
      },
    };
  }
  return {
    testRunner: 'node-test',
    appendPlugins: [`${repoRoot}test/mutation/node-test-runner.ts`],
    // The plugin is TypeScript: every Stryker child process that loads plugins needs tsx.
    testRunnerNodeArgs: ['--import', 'tsx'],
    checkerNodeArgs: ['--import', 'tsx'],
    nodeTest: { testFiles: expand(folder.tests) },
  };
}

function options(name: string, folder: Folder): StrykerOptions {
  return {
    mutate: [...folder.mutate],
    ...runnerOptions(folder),
    checkers: ['typescript'],
    // Whether a mutant compiles is a question about src/ alone: the build's project, without test/
    // and bench/, is less for the checker to hold and re-check on every mutant.
    tsconfigFile: 'tsconfig.build.json',
    coverageAnalysis: 'perTest',
    // The machine is shared: two test processes at a time at most.
    concurrency: 2,
    // A mutant that runs much longer than the test did is a loop that no longer ends (counted as
    // detected). The headroom is for a loaded machine; more would only waste minutes per loop.
    timeoutMS: 8_000,
    timeoutFactor: 1.5,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
    // Only what changed since the last run is tested again (the file is not committed).
    incremental: true,
    incrementalFile: `reports/mutation/${name}.incremental.json`,
    // One sandbox folder per Stryker folder, so that two folders can run at once side by side.
    tempDirName: `.stryker-tmp/${name}`,
    ignorePatterns: ['dist', 'native/build', 'reports', 'coverage', 'test-artifacts'],
    cleanTempDir: true,
    thresholds: { high: 90, low: 85, break: null },
  };
}

/** A name that stands for several runs: `config` is all of src/config, part after part. */
const GROUPS: Readonly<Record<string, readonly string[]>> = { config: Object.keys(CONFIG_PARTS) };

const USAGE = `usage: node --import tsx test/mutation.ts [${[...Object.keys(GROUPS), ...Object.keys(FOLDERS)].join('|')}]...`;

const asked = process.argv.slice(2).flatMap((name) => GROUPS[name] ?? [name]);
const unknown = asked.filter((name) => !(name in FOLDERS));
if (unknown.length > 0) {
  process.stderr.write(`unknown folder ${unknown.join(', ')}\n${USAGE}\n`);
  process.exit(2);
}

process.chdir(repoRoot);
const scores: string[] = [];
for (const name of asked.length > 0 ? asked : Object.keys(FOLDERS)) {
  const folder = FOLDERS[name];
  if (folder === undefined) continue;
  const results = await new Stryker(options(name, folder)).runMutationTest();
  const counted = results.filter((r) => r.status !== 'CompileError' && r.status !== 'Ignored');
  const killed = counted.filter((r) => r.status === 'Killed' || r.status === 'Timeout').length;
  const score = counted.length === 0 ? 100 : (100 * killed) / counted.length;
  scores.push(`${name}: ${killed}/${counted.length} killed (${score.toFixed(1)} %)`);
}
process.stdout.write(`\nmutation scores\n${scores.map((s) => `  ${s}`).join('\n')}\n`);
