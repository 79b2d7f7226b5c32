// A Stryker test runner that runs node:test files in its own process, many times over: the test
// files are loaded once per worker through a stand-in for `node:test` that only collects their
// tests (node-test-collector.ts, mapped in by node-test-hooks.mjs), and each mutant is then
// switched on with Stryker's `__stryker__.activeMutant` and judged by the tests that reach it.
//
// Why: Stryker's TAP runner starts `node --import tsx <file>` for every test file for every
// mutant. For src/config, whose tests nearly all go through the whole pipeline, that is about
// ten hours on a shared 2-core machine; here a mutant costs only the tests that reach it.
//
// What it does not do: reload modules. A static mutant (one that acts while a module loads, such
// as a zod schema built at the top of a file) needs the modules evaluated afresh, so
// capabilities() says `reloadEnvironment: false` and Stryker starts a new worker for it; the
// worker then loads everything with that mutant already active and runs every test. What it
// refuses (the collector throws, the file fails to load, Stryker stops): the test context `t`,
// subtests, skip, todo and only, and node:test's other exports (mock, run, snapshot), which
// fail the import. A refusal stops the run rather than scoring a mutant by a test that did not
// run as node:test would run it.

import { readFileSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  INSTRUMENTER_CONSTANTS,
  type InstrumenterContext,
  type StrykerOptions,
} from '@stryker-mutator/api/core';
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import {
  DryRunStatus,
  TestStatus,
  determineHitLimitReached,
  toMutantRunResult,
  type DryRunOptions,
  type DryRunResult,
  type MutantRunOptions,
  type MutantRunResult,
  type TestResult,
  type TestRunner,
  type TestRunnerCapabilities,
} from '@stryker-mutator/api/test-runner';
import { beginFile, endFile, isSuite, type Body, type CollectedSuite } from './node-test-collector.js';

/** The plugin's own options, under `nodeTest` in Stryker's options. */
export interface NodeTestOptions {
  /** Test files, relative to the sandbox (Stryker's working directory), in the order to load them. */
  readonly testFiles: readonly string[];
}

export const strykerValidationSchema = {
  $schema: 'http://json-schema.org/draft-07/schema',
  title: 'NodeTestRunnerOptions',
  type: 'object',
  properties: {
    nodeTest: {
      type: 'object',
      properties: { testFiles: { type: 'array', items: { type: 'string' } } },
      required: ['testFiles'],
      additionalProperties: false,
    },
  },
} as const;

/** A test ready to run: its id (file and names), its body and the suites around it, outermost first. */
interface RunnableTest {
  readonly id: string;
  readonly name: string;
  readonly file: string;
  readonly body: Body;
  readonly suites: readonly CollectedSuite[];
}

/** The dry run's time per test, shared by the workers through the sandbox, so each runs the fastest first. */
const TIMES_FILE = '.stryker-node-test-times.json';

/** Each load imports the test files under a URL of its own, so that a second runner in one process collects afresh. */
let loads = 0;

function message(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
}

export class NodeTestRunner implements TestRunner {
  static readonly inject = tokens(commonTokens.options);

  readonly #testFiles: readonly string[];
  readonly #ns: InstrumenterContext;
  #tests: RunnableTest[] | undefined;
  #roots: CollectedSuite[] = [];
  #times = new Map<string, number>();
  /** An error thrown outside any awaited test code (a timer, a stray promise): it fails the test running. */
  #stray: unknown[] = [];
  readonly #onStray = (err: unknown): void => {
    this.#stray.push(err);
  };

  constructor(options: StrykerOptions) {
    const settings = (options as StrykerOptions & { nodeTest?: NodeTestOptions }).nodeTest;
    if (settings === undefined || settings.testFiles.length === 0) {
      throw new Error('node-test runner: set nodeTest.testFiles to the test files to run');
    }
    this.#testFiles = settings.testFiles;
    const global = globalThis as { __stryker__?: InstrumenterContext };
    this.#ns = global.__stryker__ ??= {};
  }

  capabilities(): TestRunnerCapabilities {
    return { reloadEnvironment: false };
  }

  init(): Promise<void> {
    register(new URL('./node-test-hooks.mjs', import.meta.url), {
      data: { collectorUrl: new URL('./node-test-collector.ts', import.meta.url).href },
    });
    process.on('uncaughtException', this.#onStray);
    process.on('unhandledRejection', this.#onStray);
    return Promise.resolve();
  }

  async dispose(): Promise<void> {
    process.off('uncaughtException', this.#onStray);
    process.off('unhandledRejection', this.#onStray);
    await this.#runAfterHooks();
  }

  async dryRun(options: DryRunOptions): Promise<DryRunResult> {
    try {
      await this.#load();
    } catch (err) {
      return { status: DryRunStatus.Error, errorMessage: message(err) };
    }
    const perTest = options.coverageAnalysis === 'perTest';
    const results: TestResult[] = [];
    for (const t of this.#loaded()) {
      if (perTest) this.#ns.currentTestId = t.id;
      const result = await this.#runTest(t);
      this.#ns.currentTestId = undefined;
      this.#times.set(t.id, result.timeSpentMs);
      results.push(result);
    }
    writeFileSync(TIMES_FILE, JSON.stringify(Object.fromEntries(this.#times)));
    return {
      status: DryRunStatus.Complete,
      tests: results,
      ...(options.coverageAnalysis === 'off' ? {} : { mutantCoverage: this.#ns.mutantCoverage }),
    };
  }

  async mutantRun(options: MutantRunOptions): Promise<MutantRunResult> {
    const { activeMutant, testFilter, disableBail, hitLimit, mutantActivation, reloadEnvironment } = options;
    if (reloadEnvironment && this.#tests !== undefined) {
      // capabilities() says this runner cannot reload; Stryker restarts the worker instead.
      return toMutantRunResult({
        status: DryRunStatus.Error,
        errorMessage: 'node-test runner cannot reload modules',
      });
    }
    try {
      if (mutantActivation === 'static') {
        if (this.#tests !== undefined) {
          return toMutantRunResult({
            status: DryRunStatus.Error,
            errorMessage: `static mutant ${activeMutant.id} in a worker that has already loaded the tests`,
          });
        }
        // Active while the modules load: that is when a static mutant acts.
        switchOn(this.#ns, activeMutant.id);
        try {
          await this.#load();
        } catch (err) {
          // The mutant broke the loading of a test file or of what it imports: a test fails.
          return toMutantRunResult({
            status: DryRunStatus.Complete,
            tests: [
              {
                id: 'load',
                name: 'loading the test files',
                status: TestStatus.Failed,
                failureMessage: message(err),
                timeSpentMs: 0,
              },
            ],
          });
        }
      } else {
        await this.#load();
        switchOn(this.#ns, activeMutant.id);
      }
      this.#ns.hitLimit = hitLimit;
      this.#ns.hitCount = hitLimit === undefined ? undefined : 0;
      const wanted = testFilter === undefined ? undefined : new Set(testFilter);
      const times = this.#knownTimes();
      const tests = this.#loaded()
        .filter((t) => wanted === undefined || wanted.has(t.id))
        .sort((a, b) => (times.get(a.id) ?? Infinity) - (times.get(b.id) ?? Infinity));
      const results: TestResult[] = [];
      for (const t of tests) {
        const result = await this.#runTest(t);
        results.push(result);
        const hitLimitReached = determineHitLimitReached(this.#ns.hitCount, this.#ns.hitLimit);
        if (hitLimitReached !== undefined) return toMutantRunResult(hitLimitReached);
        if (result.status === TestStatus.Failed && !disableBail) break;
      }
      return toMutantRunResult({ status: DryRunStatus.Complete, tests: results });
    } finally {
      this.#ns.activeMutant = undefined;
      delete process.env[INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE];
      this.#ns.hitLimit = undefined;
      this.#ns.hitCount = undefined;
    }
  }

  #loaded(): readonly RunnableTest[] {
    if (this.#tests === undefined) throw new Error('tests not loaded');
    return this.#tests;
  }

  /** The dry run's times: this worker's own, or those another worker wrote into the sandbox. */
  #knownTimes(): ReadonlyMap<string, number> {
    if (this.#times.size === 0) {
      try {
        const written = JSON.parse(readFileSync(TIMES_FILE, 'utf8')) as Record<string, number>;
        this.#times = new Map(Object.entries(written));
      } catch {
        // No dry run in this sandbox yet (a runner driven directly): the files' own order.
      }
    }
    return this.#times;
  }

  /** Imports every test file once, collecting its tests, then runs the `before` hooks. */
  async #load(): Promise<void> {
    if (this.#tests !== undefined) return;
    const load = ++loads;
    const tests: RunnableTest[] = [];
    const roots: CollectedSuite[] = [];
    const seen = new Set<string>();
    for (const file of this.#testFiles) {
      beginFile(file);
      let root: CollectedSuite;
      try {
        await import(`${pathToFileURL(resolvePath(file)).href}?stryker-load=${load}`);
      } finally {
        root = await endFile();
      }
      roots.push(root);
      const walk = (
        suite: CollectedSuite,
        suites: readonly CollectedSuite[],
        names: readonly string[],
      ): void => {
        for (const child of suite.children) {
          if (isSuite(child)) {
            walk(child, [...suites, child], [...names, child.name]);
            continue;
          }
          const name = [...names, child.name].join(' › ');
          let id = `${file}: ${name}`;
          for (let n = 2; seen.has(id); n++) id = `${file}: ${name} (${n})`;
          seen.add(id);
          tests.push({ id, name, file, body: child.body, suites });
        }
      };
      walk(root, [root], []);
    }
    this.#roots = roots;
    this.#tests = tests;
    for (const root of roots) await runBeforeHooks(root);
  }

  async #runAfterHooks(): Promise<void> {
    const roots = this.#roots;
    this.#roots = [];
    for (const root of roots) await runAfterHooks(root).catch(() => undefined);
  }

  async #runTest(t: RunnableTest): Promise<TestResult> {
    const started = performance.now();
    this.#stray = [];
    let failure: unknown;
    let failed = false;
    try {
      for (const suite of t.suites) for (const hook of suite.beforeEach) await hook();
      try {
        await t.body();
      } finally {
        for (const suite of [...t.suites].reverse()) for (const hook of suite.afterEach) await hook();
      }
    } catch (err) {
      failed = true;
      failure = err;
    }
    // A stray error caught during the test (a timer's throw, a rejection nobody awaited) fails it, as node:test does.
    if (!failed && this.#stray.length > 0) {
      failed = true;
      failure = this.#stray[0];
    }
    const timeSpentMs = performance.now() - started;
    const base = { id: t.id, name: t.name, fileName: t.file, timeSpentMs };
    return failed
      ? { ...base, status: TestStatus.Failed, failureMessage: message(failure) }
      : { ...base, status: TestStatus.Success };
  }
}

/**
 * Switches a mutant on: in this thread's `__stryker__`, and in the environment variable that the
 * instrumented code reads when it loads, so that a worker thread a test starts (load-isolated.ts)
 * runs the mutant too, as it does under the TAP runner, which hands the variable to its process.
 */
function switchOn(ns: InstrumenterContext, id: string): void {
  ns.activeMutant = id;
  process.env[INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE] = id;
}

async function runBeforeHooks(suite: CollectedSuite): Promise<void> {
  for (const hook of suite.before) await hook();
  for (const child of suite.children) if (isSuite(child)) await runBeforeHooks(child);
}

async function runAfterHooks(suite: CollectedSuite): Promise<void> {
  for (const child of suite.children) if (isSuite(child)) await runAfterHooks(child);
  for (const hook of suite.after) await hook();
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'node-test', NodeTestRunner)];
