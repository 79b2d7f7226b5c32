// Runs one class of tests, or all of them, with the flags CI uses; the classes are defined in
// test/classes.ts. `npm run test:unit` is `node --import tsx test/run.ts unit`; scripts/test.sh
// runs `all`: unit, integration and e2e in one node --test run, then the package class in its
// own (it takes minutes). Further arguments go to `node --test` (e.g. --test-reporter=dot).

import { spawn } from 'node:child_process';
import { CLASS_FLAGS, TEST_CLASSES, filesOf, type TestClass } from './classes.js';
import { repoRoot } from './helpers/daemon-process.js';

/**
 * A test that hangs fails after 3 minutes instead of eating CI's 90. No --test-force-exit: on
 * node 20 it can drop the reports of a file's last tests, which then count neither as passed nor
 * as failed while the run still exits 0 (docs/testing.md §How a run ends).
 */
const NODE_TEST_FLAGS = ['--test-reporter=spec', '--test-timeout=180000'];

/**
 * What stands in for --test-force-exit: a file whose tests are done but which leaves a handle
 * open keeps node --test waiting, so a run that outlives this is stopped and fails, saying why
 * (a clean CI run takes about 13 minutes, CI stops at 90).
 */
const RUN_DEADLINE_MS = 60 * 60_000;

const USAGE = `usage: node --import tsx test/run.ts ${TEST_CLASSES.join('|')}|all [node --test flags...]`;

function isTestClass(name: string): name is TestClass {
  return (TEST_CLASSES as readonly string[]).includes(name);
}

const [which, ...extra] = process.argv.slice(2);
if (which === undefined || (which !== 'all' && !isTestClass(which))) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

const classes: readonly TestClass[] = which === 'all' ? TEST_CLASSES : [which];
// The classes with no flags of their own go in one node --test run; each other class (the
// package test's long timeout) runs after them, on its own.
const runs = [
  classes.filter((c) => CLASS_FLAGS[c] === undefined),
  ...classes.filter((c) => CLASS_FLAGS[c] !== undefined).map((c) => [c]),
].filter((run) => run.length > 0);

/** A later flag replaces an earlier one of the same name. */
const flagName = (flag: string): string => flag.split('=')[0] ?? flag;
const merged = (...lists: (readonly string[])[]): string[] =>
  lists.reduce<string[]>(
    (acc, list) => [...acc.filter((f) => !list.some((l) => flagName(l) === flagName(f))), ...list],
    [],
  );

function runOnce(run: readonly TestClass[]): Promise<number> {
  let files: string[];
  try {
    files = filesOf(run);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return Promise.resolve(2);
  }
  const flags = merged(NODE_TEST_FLAGS, ...run.map((c) => CLASS_FLAGS[c] ?? []), extra);
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...flags, ...files], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const deadline = setTimeout(() => {
    process.stderr.write(
      `\ntest/run.ts: the ${run.join(' + ')} run is still going after ${RUN_DEADLINE_MS / 60_000} min: ` +
        'stopped. A test file that finished its tests but left a handle open (a server, a timer, ' +
        'a child process) keeps node --test waiting; it is a file whose results are not above.\n',
    );
    child.kill('SIGKILL');
  }, RUN_DEADLINE_MS);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(deadline);
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code ?? 1);
    }),
  );
}

let status = 0;
for (const run of runs) {
  const code = await runOnce(run);
  if (code !== 0) {
    status = code;
    break;
  }
}
process.exit(status);
