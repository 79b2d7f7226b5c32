// Shared fixtures for the config tests: a small valid config whose lines the cases replace.

import assert from 'node:assert/strict';
import {
  parseConfig,
  type ConfigParseResult,
  type ConfigProblem,
  type MaglevConfig,
} from '../../src/config/index.js';

/** A valid config; line numbers in the comments are the ones the cases rely on. */
export const BASE_LINES: readonly string[] = [
  'maglev:', // 1
  '  healthchecks:', // 2
  '    web: {type: http, port: 80}', // 3
  '  backends:', // 4
  '    b1: {address: 192.0.2.1, healthcheck: web}', // 5
  '    b2: {address: 192.0.2.2, healthcheck: web}', // 6
  '    b6: {address: 2001:db8::6}', // 7
  '  frontends:', // 8
  '    f1:', // 9
  '      address: 198.51.100.1', // 10
  '      port: 80', // 11
  '      pools:', // 12
  '        - name: primary', // 13
  '          backends: {b1: {}}', // 14
];

/** The base config with 1-based line numbers replaced (a string) or removed (null), then lines appended. */
export function variant(replace: Record<number, string | null>, append: readonly string[] = []): string {
  const out: string[] = [];
  BASE_LINES.forEach((line, i) => {
    const r = replace[i + 1];
    if (r === undefined) out.push(line);
    else if (r !== null) out.push(r);
  });
  return [...out, ...append].join('\n') + '\n';
}

export function lines(...l: string[]): string {
  return l.join('\n') + '\n';
}

export function mustParse(text: string): { config: MaglevConfig; warnings: ConfigProblem[] } {
  const r = parseConfig(text, 'test.yaml');
  if (!r.ok)
    assert.fail(
      `expected a valid config, got:\n${r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n')}`,
    );
  return r;
}

export function mustFail(text: string): Extract<ConfigParseResult, { ok: false }> {
  const r = parseConfig(text, 'test.yaml');
  if (r.ok) assert.fail('expected errors, the config was accepted');
  return r;
}

export function show(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  ${p.line}:${p.col}: ${p.message}`).join('\n');
}

/**
 * Asserts one problem sits at line:col with exactly this message, or, given a list, with a
 * message containing every part of it (for messages too long to spell out whole).
 */
export function assertProblem(
  problems: readonly ConfigProblem[],
  expected: { message: string | readonly string[]; line: number; col: number },
): void {
  const { message } = expected;
  const parts = typeof message === 'string' ? [message] : message;
  const hit = problems.find((p) =>
    typeof message === 'string' ? p.message === message : parts.every((s) => p.message.includes(s)),
  );
  assert.ok(hit, `no problem mentions ${JSON.stringify(parts)}; got:\n${show(problems)}`);
  assert.deepEqual(
    { line: hit.line, col: hit.col },
    { line: expected.line, col: expected.col },
    `position of "${hit.message}"`,
  );
}
