// Runs one class of tests, or all of them, with the flags CI uses; the classes are defined in
// test/classes.ts. `npm run test:unit` is `node --import tsx test/run.ts unit`; scripts/test.sh
// runs `all`. Further arguments go to `node --test` (e.g. --test-reporter=dot).

import { spawn } from 'node:child_process';
import { TEST_CLASSES, filesOf, type TestClass } from './classes.js';
import { repoRoot } from './helpers/daemon-process.js';

/**
 * A test that hangs fails after 3 minutes instead of eating CI's 90; a stray handle left by a
 * test cannot keep the run from finishing.
 */
const NODE_TEST_FLAGS = ['--test-reporter=spec', '--test-timeout=180000', '--test-force-exit'];

const USAGE = `usage: node --import tsx test/run.ts ${TEST_CLASSES.join('|')}|all [node --test flags...]`;

function isTestClass(name: string): name is TestClass {
  return (TEST_CLASSES as readonly string[]).includes(name);
}

const [which, ...extra] = process.argv.slice(2);
if (which === undefined || (which !== 'all' && !isTestClass(which))) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

let files: string[];
try {
  files = filesOf(which === 'all' ? TEST_CLASSES : [which]);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}

/** A flag given on the command line replaces the default of the same name. */
const flagName = (flag: string): string => flag.split('=')[0] ?? flag;
const flags = [...NODE_TEST_FLAGS.filter((f) => !extra.some((e) => flagName(e) === flagName(f))), ...extra];

const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...flags, ...files], {
  cwd: repoRoot,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
