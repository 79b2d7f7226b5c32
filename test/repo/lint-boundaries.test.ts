// The import boundaries eslint.config.js keeps, shown to fire: snippets linted as if they were
// files of the pure core, of the shell, of a test folder and of test/helpers, under exactly the
// rules `npm run lint` applies (only those rules, so the snippets need no type information).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { repoRoot } from '../helpers/daemon-process.js';

const { pureCoreBoundary, testBoundary } = (await import(
  pathToFileURL(`${repoRoot}eslint.config.js`).href
)) as {
  pureCoreBoundary: Linter.Config[];
  testBoundary: Linter.Config[];
};

const linter = new Linter({ configType: 'flat', cwd: repoRoot });
const config: Linter.Config[] = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: {
      '@typescript-eslint': tseslint.plugin as unknown as NonNullable<Linter.Config['plugins']>[string],
    },
  },
  ...pureCoreBoundary,
  ...testBoundary,
];

/** The rule ids that fire on `code` as the file `filename` (relative to the repository). */
function violations(filename: string, code: string): string[] {
  return linter
    .verify(code, config, { filename: `${repoRoot}${filename}` })
    .map((m) => m.ruleId ?? m.message);
}

const IMPORTS = '@typescript-eslint/no-restricted-imports';

void describe('the pure core does no I/O', () => {
  const pure = [
    'src/health/x.ts',
    'src/maglev/x.ts',
    'src/net/x.ts',
    'src/dataplane/plan.ts',
    'src/dataplane/new-file.ts',
  ];

  for (const file of pure) {
    void test(`${file}: node builtins, I/O packages and shell modules are refused`, () => {
      for (const code of [
        "import fs from 'node:fs';",
        "import { createHash } from 'crypto';",
        "import type { Socket } from 'node:net';",
        "import { credentials } from '@grpc/grpc-js';",
        "import pino from 'pino';",
        "import { Registry } from 'prom-client';",
        "import { Hono } from 'hono';",
        "import { parse } from 'yaml';",
        "import { JsonLogger } from '../log/index.js';",
        "import type { LbApi } from '../vpp/index.js';",
        "import { Checker } from '../checker/index.js';",
        "import { systemClock } from '../clock/index.js';",
        "import { parseConfig } from '../config/index.js';",
        "import { Syncer } from '../dataplane/syncer.js';",
        "export { x } from 'node:fs';",
      ]) {
        assert.deepEqual(violations(file, code), [IMPORTS], `${file}: ${code}`);
      }
    });
  }

  void test('pure modules, config types and the injected clock type are allowed', () => {
    for (const code of [
      "import { activePoolIndex } from '../health/index.js';",
      "import { vipKeyString } from '../dataplane/model.js';",
      "import type { MaglevConfig } from '../config/types.js';",
      "import type { Clock } from '../clock/index.js';",
      "import { helper } from './helper.js';",
    ]) {
      assert.deepEqual(violations('src/maglev/x.ts', code), [], code);
    }
  });

  void test('a pure dataplane file may not import the shell next to it; the shell may', () => {
    const code = "import { Syncer } from './syncer.js';";
    assert.deepEqual(violations('src/dataplane/plan.ts', code), [IMPORTS]);
    assert.deepEqual(violations('src/dataplane/counters-poller.ts', code), []);
  });

  void test('ambient time, timers, randomness and output are refused', () => {
    for (const code of [
      'export const t = Date.now();',
      'export const r = Math.random();',
      'setTimeout(() => {}, 1);',
      'console.log(1);',
      'export const pid = process.pid;',
      'export const t = performance.now();',
    ]) {
      assert.equal(violations('src/health/x.ts', code).length, 1, code);
    }
    assert.deepEqual(
      violations('src/health/x.ts', 'export const at = (clock: { now(): number }) => clock.now();'),
      [],
    );
  });

  void test('the shell is not bound by these rules', () => {
    const code = "import fs from 'node:fs';\nimport pino from 'pino';\nexport const t = Date.now();";
    for (const file of ['src/probe/x.ts', 'src/dataplane/syncer.ts', 'src/dataplane/vpp-process.ts']) {
      assert.deepEqual(violations(file, code), [], file);
    }
  });
});

void describe('test folders share code only through test/helpers', () => {
  void test("a test importing another test folder's file is refused", () => {
    assert.deepEqual(violations('test/metrics/x.test.ts', "import { x } from '../checker/fixtures.js';"), [
      'no-restricted-imports',
    ]);
    assert.deepEqual(violations('test/e2e/x.test.ts', "import { x } from '../cli/fixtures.js';"), [
      'no-restricted-imports',
    ]);
  });

  void test('its own fixtures, test/helpers and src are allowed', () => {
    for (const code of [
      "import { x } from './fixtures.js';",
      "import { x } from '../helpers/config.js';",
      "import { x } from '../../src/health/index.js';",
      "import { filesOf } from '../classes.js';",
    ]) {
      assert.deepEqual(violations('test/metrics/x.test.ts', code), [], code);
    }
  });

  void test('a test at the top of test/ imports src/ and test/helpers as ../src and ./helpers', () => {
    for (const code of [
      "import { x } from '../src/command-line.js';",
      "import { x } from './helpers/config.js';",
    ]) {
      assert.deepEqual(violations('test/command-line.test.ts', code), [], code);
    }
  });

  void test('test/helpers imports no test folder', () => {
    assert.deepEqual(violations('test/helpers/x.ts', "import { x } from '../api/fixtures.js';"), [
      'no-restricted-imports',
    ]);
    assert.deepEqual(violations('test/helpers/x.ts', "import { x } from './logger.js';"), []);
  });
});
