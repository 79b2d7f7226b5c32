// Config problems are values with a place: every error and warning names file:line:col, so an
// operator can jump straight to the offending node.

import type { MaglevConfig } from './types.js';

export interface ConfigProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  message: string;
}

/**
 * 'parse': the YAML itself is broken (maglevd --check exits 1).
 * 'semantic': the YAML is fine but does not describe a valid config (exits 2).
 */
export type ConfigErrorKind = 'parse' | 'semantic';

export type ConfigParseResult =
  | { ok: true; config: MaglevConfig; warnings: ConfigProblem[] }
  | { ok: false; kind: ConfigErrorKind; errors: ConfigProblem[]; warnings: ConfigProblem[] };

/** `file:line:col: message`, the shape compilers use, so editors and terminals link it. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** `file:line:col: warning: message`. */
export function formatWarning(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: warning: ${p.message}`;
}

export function compareProblems(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.col - b.col || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
