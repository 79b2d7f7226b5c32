// Which class each test file belongs to: unit, integration, e2e or package. This file is the one place
// the split is defined; `npm run test:unit|test:integration|test:e2e` and `npm test` all run
// through test/run.ts, which reads it. The rule (also in docs/testing.md):
//
//   unit         one part, inside the test process: pure code, a part on a FakeClock, real
//                sockets on loopback to servers the test runs in-process (gRPC, HTTP, vppsim's
//                API socket). No root, no child process (openssl making test certificates
//                aside), no tool to install. Runs anywhere, in a few minutes.
//   integration  parts wired together the way the daemon wires them (the Daemon against vppsim,
//                the API in front of a real Checker), or anything beyond the test process: root
//                (network namespaces, sysctls, setpriv), one of our programs as a child process,
//                an independent checker (promtool, python3-grpcio).
//   e2e          what a user runs, as they run it: maglevd's binary with its config and signals,
//                several binaries together, a real terminal (tmux), a browser, the demo.
//   package      the Debian packages built, installed on this machine and purged again: root,
//                dpkg and lintian, several minutes; run after the others, with a longer timeout.
//
// Unit is the default: a file is integration or e2e only when listed below (a folder entry
// ends in /), with the reason. classProblems() keeps the list honest: no file in two classes, no
// entry that matches nothing, and no unlisted file that starts programs, namespaces, terminals
// or needs root (the tripwire below; it reads the file's text, so it is a guard, not a proof).

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './helpers/daemon-process.js';

export const TEST_CLASSES = ['unit', 'integration', 'e2e', 'package'] as const;
export type TestClass = (typeof TEST_CLASSES)[number];

export const INTEGRATION: Readonly<Record<string, string>> = {
  'test/integration/': 'parts wired as the daemon wires them: maglevd, vppsim, probes at scale, namespaces',
  'test/netns/': 'network namespaces and sysctls: root',
  'test/announce/bird-real.test.ts': 'a real BIRD 2 (Debian bird2) in a network namespace: root',
  'test/api/checker-integration.test.ts': 'the API in front of a real Checker',
  'test/api/reflection.test.ts': 'python3-grpcio as an independent reflection client',
  'test/cli/checker.test.ts': 'maglevc, the API and a real Checker together',
  'test/frontend/binary.test.ts': 'maglevd-frontend as a child process',
  'test/metrics/docs.test.ts': 'promtool checks the documented rules and queries',
  'test/metrics/promtool.test.ts': 'promtool lints the exposition',
  'test/tester/cli.test.ts': 'maglevt as a child process',
  'test/vppsim/binary.test.ts': 'vppsim as a child process',
  'test/contrib/prometheus-rules.test.ts': 'promtool checks and unit-tests the alerting rules',
  'test/daemon/config-reload-metric.test.ts': "the real Daemon's start and reload paths",
  'test/packaging/sources.test.ts': 'pandoc, lexgrog and man render the manual pages',
  'test/native/addon.test.ts': 'a node child process loads a stale build of the addon',
  'test/probe/tls-default-ca.test.ts': 'a node child process started with NODE_EXTRA_CA_CERTS',
};

export const E2E: Readonly<Record<string, string>> = {
  'test/e2e/': 'the binaries, the browser and the demo',
  'test/cli/e2e.test.ts': 'maglevd and maglevc as child processes, one-shot and in tmux',
  'test/cli/shell.test.ts': "maglevc's shell in a real terminal (tmux)",
  'test/tester/tui.test.ts': "maglevt's screen in a real terminal (tmux)",
};

export const PACKAGE: Readonly<Record<string, string>> = {
  'test/packaging/debian-packages.test.ts': 'builds, installs, upgrades and purges the Debian packages',
};

/** node --test flags a class needs beyond test/run.ts's defaults (it then runs on its own). */
export const CLASS_FLAGS: Readonly<Partial<Record<TestClass, readonly string[]>>> = {
  package: ['--test-timeout=2400000'],
};

/**
 * What a unit test may not do, by the names of the helpers and calls that do it: start one of
 * our programs or the demo, drive a terminal or a browser, make namespaces, spawn a process, or
 * say it needs root.
 */
const BEYOND_THE_PROCESS =
  /\b(runProgram|startDemo|TmuxSession|maglevcProcess|maglevtProcess|NetnsJanitor|addNetns|startServerInNetns|needsRoot|spawn|execFile|execFileSync|fork|chromium)\s*[(<]|\bfrom '(node:child_process)'/;

/** Every *.test.ts under test/, as repository-relative paths, sorted. */
export function testFiles(root = repoRoot): string[] {
  return readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => relative(root, join(root, 'test', f)))
    .sort();
}

const matches = (entry: string, file: string): boolean =>
  entry.endsWith('/') ? file.startsWith(entry) : file === entry;

export function classOf(file: string): TestClass {
  const inIntegration = Object.keys(INTEGRATION).some((e) => matches(e, file));
  const inE2e = Object.keys(E2E).some((e) => matches(e, file));
  const inPackage = Object.keys(PACKAGE).some((e) => matches(e, file));
  return inPackage ? 'package' : inE2e ? 'e2e' : inIntegration ? 'integration' : 'unit';
}

/** Why the classification is wrong, one line each; empty when every file has exactly one class. */
export function classProblems(files: readonly string[], readText: (file: string) => string): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const lists = [INTEGRATION, E2E, PACKAGE].filter((list) =>
      Object.keys(list).some((e) => matches(e, file)),
    );
    if (lists.length > 1) problems.push(`${file} is listed in more than one class`);
  }
  for (const entry of [...Object.keys(INTEGRATION), ...Object.keys(E2E), ...Object.keys(PACKAGE)]) {
    if (!files.some((f) => matches(entry, f))) problems.push(`${entry} is listed but matches no test file`);
  }
  for (const file of files) {
    if (classOf(file) !== 'unit') continue;
    const hit = BEYOND_THE_PROCESS.exec(readText(file));
    if (hit) {
      problems.push(
        `${file} is a unit test (not listed in test/classes.ts) but uses ${hit[1] ?? hit[2]}: list it as integration or e2e`,
      );
    }
  }
  return problems;
}

/** The test files of these classes; throws when the classification itself is broken. */
export function filesOf(classes: readonly TestClass[], root = repoRoot): string[] {
  const files = testFiles(root);
  const problems = classProblems(files, (f) => readFileSync(join(root, f), 'utf8'));
  if (problems.length > 0) throw new Error(`test/classes.ts:\n  ${problems.join('\n  ')}`);
  return files.filter((f) => classes.includes(classOf(f)));
}
