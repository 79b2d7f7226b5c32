// The unit / integration / e2e / package split of test/classes.ts holds: every test file is in exactly one
// class, the lists name no file that is gone, and the tripwire for unlisted files that reach
// beyond the test process fires.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { E2E, INTEGRATION, classOf, classProblems, filesOf, testFiles } from '../classes.js';
import { repoRoot } from '../helpers/daemon-process.js';

const read = (file: string): string => readFileSync(join(repoRoot, file), 'utf8');

void describe('test classes', () => {
  void test('the classification of the real test files has no problem', () => {
    assert.deepEqual(classProblems(testFiles(), read), []);
  });

  void test('unit, integration, e2e and package partition the test files', () => {
    const all = testFiles();
    const unit = filesOf(['unit']);
    const integration = filesOf(['integration']);
    const e2e = filesOf(['e2e']);
    const pkg = filesOf(['package']);
    assert.deepEqual([...unit, ...integration, ...e2e, ...pkg].sort(), all);
    assert.equal(
      new Set([...unit, ...integration, ...e2e, ...pkg]).size,
      all.length,
      'no file in two classes',
    );
    assert.deepEqual(filesOf(['unit', 'integration', 'e2e', 'package']), all);
    // Each class holds something, and this very file is a unit test.
    for (const files of [unit, integration, e2e, pkg]) assert.ok(files.length > 0);
    assert.ok(unit.includes('test/repo/test-classes.test.ts'));
  });

  void test('listed files and folders take their class; everything else is unit', () => {
    assert.equal(classOf('test/integration/anything.test.ts'), 'integration');
    assert.equal(classOf('test/netns/netns.test.ts'), 'integration');
    assert.equal(classOf('test/e2e/demo.test.ts'), 'e2e');
    assert.equal(classOf('test/cli/shell.test.ts'), 'e2e');
    assert.equal(classOf('test/cli/render.test.ts'), 'unit');
    assert.equal(classOf('test/packaging/debian-packages.test.ts'), 'package');
    for (const entry of Object.keys(INTEGRATION)) assert.ok(!(entry in E2E), entry);
  });

  void test('an unlisted file that starts programs, namespaces or terminals, or needs root, is reported', () => {
    // Each snippet is put together from pieces, so that this file does not trip the wire itself.
    const call = (name: string, args: string): string => `${name}(${args});`;
    const cases: Record<string, string> = {
      [`import { spawn } from 'node:${'child_process'}';`]: 'node:child_process',
      [call('runProgram', "MAGLEVD, ['--config', file]")]: 'runProgram',
      [`const tmux = new ${call('TmuxSession', "'x'")}`]: 'TmuxSession',
      [`const janitor = new ${call('NetnsJanitor', '')}`]: 'NetnsJanitor',
      [`describe('namespaces', { skip: ${call('needsRoot', "'network namespaces'").slice(0, -1)} }, () => {});`]:
        'needsRoot',
    };
    for (const [text, what] of Object.entries(cases)) {
      const problems = classProblems(['test/probe/x.test.ts', ...testFiles()], (f) =>
        f === 'test/probe/x.test.ts' ? text : read(f),
      );
      assert.equal(problems.length, 1, text);
      assert.match(problems[0]!, new RegExp(`^test/probe/x\\.test\\.ts is a unit test .* uses ${what}`));
    }
    // The same text in a listed file is no problem.
    const listed = classProblems(testFiles(), (f) =>
      f === 'test/e2e/demo.test.ts' ? call('runProgram', 'x') : read(f),
    );
    assert.deepEqual(listed, []);
  });

  void test('an entry that matches no file is reported', () => {
    const withoutE2eFolder = testFiles().filter((f) => !f.startsWith('test/e2e/'));
    assert.deepEqual(classProblems(withoutE2eFolder, read), ['test/e2e/ is listed but matches no test file']);
  });
});
