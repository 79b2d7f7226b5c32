// The file-system shell around parseConfig: loadConfigFile for the daemon (start and reload) and
// checkConfig for `maglevd --check`.

import { readFile } from 'node:fs/promises';
import { parseConfig } from './parse.js';
import { compareProblems, formatProblem, formatWarning, type ConfigParseResult } from './problem.js';

export async function loadConfigFile(path: string): Promise<ConfigParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Node's file errors already begin with their code ("ENOENT: no such file ..."); say it once.
    const reason =
      e.code === undefined || e.message.startsWith(`${e.code}: `) ? e.message : `${e.code}: ${e.message}`;
    return {
      ok: false,
      kind: 'parse',
      errors: [{ file: path, line: 1, col: 1, message: `cannot read config file (${reason})` }],
      warnings: [],
    };
  }
  return parseConfig(text, path);
}

export interface CheckResult {
  /** 0 valid, 1 YAML parse error (or unreadable file), 2 semantic error. */
  exitCode: 0 | 1 | 2;
  lines: string[];
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** What `maglevd --check` prints and exits with: every error and warning, then a summary. */
export async function checkConfig(path: string): Promise<CheckResult> {
  const result = await loadConfigFile(path);
  const problems = [
    ...(result.ok ? [] : result.errors.map((p) => ({ p, text: formatProblem(p) }))),
    ...result.warnings.map((p) => ({ p, text: formatWarning(p) })),
  ].sort((a, b) => compareProblems(a.p, b.p));
  const lines = problems.map((x) => x.text);
  if (result.ok) {
    const c = result.config;
    const summary = [
      count(c.healthchecks.size, 'healthcheck'),
      count(c.backends.size, 'backend'),
      count(c.frontends.size, 'frontend'),
    ];
    const warned = result.warnings.length > 0 ? `, ${count(result.warnings.length, 'warning')}` : '';
    lines.push(`${path}: ok (${summary.join(', ')}${warned})`);
    return { exitCode: 0, lines };
  }
  const what = result.kind === 'parse' ? 'YAML parse error' : 'invalid';
  const warned = result.warnings.length > 0 ? `, ${count(result.warnings.length, 'warning')}` : '';
  lines.push(`${path}: ${what} (${count(result.errors.length, 'error')}${warned})`);
  return { exitCode: result.kind === 'parse' ? 1 : 2, lines };
}
