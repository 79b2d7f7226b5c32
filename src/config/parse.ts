// parseConfig: YAML text → validated MaglevConfig, or every problem in the file at once.
// Three stages: YAML syntax (kind 'parse'), structure (zod), semantic rules (both kind
// 'semantic'). A clean config in plain YAML takes a fast path that skips yaml's Document
// (plain-yaml.ts); everything else, and every problem, goes through the full parse. Pure: no file
// system, no clock.

import { LineCounter, isScalar, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { Finding } from './finding.js';
import { checkStructure } from './issues.js';
import { normalise } from './normalise.js';
import { parsePlainYaml } from './plain-yaml.js';
import { YamlLocator } from './positions.js';
import { compareProblems, type ConfigParseResult, type ConfigProblem } from './problem.js';
import type { MaglevConfig } from './types.js';
import { checkRules } from './rules.js';
import { configSchema } from './schema.js';

/** A config has a few dozen aliases at most; more smells of a billion-laughs document. */
const MAX_ALIAS_COUNT = 1000;

/**
 * Duplicate map keys and aliases without an anchor, in one walk over the document (a reload of a
 * 10 000-backend file walks 40 000 nodes; twice was measurable). Duplicate keys are found with one
 * Set per map: yaml's own `uniqueKeys` compares each key with every earlier one, which takes 29 s
 * for a 20 000-entry backends map; this is linear. Keys are compared as the strings they become,
 * so `1:` and `"1":` are duplicates too.
 */
function structuralProblems(doc: Document): {
  duplicates: { offset: number; key: string }[];
  unresolved: { offset: number; name: string }[];
} {
  const duplicates: { offset: number; key: string }[] = [];
  const unresolved: { offset: number; name: string }[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (key === '<<') continue; // merge keys may repeat
        if (seen.has(key)) duplicates.push({ offset: pair.key.range?.[0] ?? 0, key });
        seen.add(key);
      }
    },
    Alias(_key, node) {
      if (node.resolve(doc) === undefined)
        unresolved.push({ offset: node.range?.[0] ?? 0, name: node.source });
    },
  });
  return { duplicates, unresolved };
}

function syntaxProblem(text: string, error: YAMLError): { offset: number; message: string } {
  let offset = error.pos[0];
  // A bad indent is reported on the leading blank; the item it belongs to is what to look at.
  if (error.code === 'BAD_INDENT') {
    while (text[offset] === ' ') offset++;
  }
  return { offset, message: `invalid YAML: ${error.message}` };
}

function unique(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.line}:${p.col}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(compareProblems);
}

/**
 * The fast path: plain YAML read by parsePlainYaml, checked with the same structure and rules.
 * Only a config with nothing to report is taken from here; anything else (outside the subset, an
 * error, a warning) is left to the full parse, whose Document places every finding.
 */
function parsePlainConfig(text: string): MaglevConfig | undefined {
  const plain = parsePlainYaml(text);
  if (!plain) return undefined;
  const order = (path: readonly (string | number)[]) => plain.keyOrder(path);
  const structure = checkStructure(configSchema, plain.value);
  if (structure.findings.length > 0 || structure.data === undefined) return undefined;
  if (checkRules(plain.value, order).length > 0) return undefined;
  return normalise(structure.data, order);
}

export interface ParseOptions {
  /** Try parsePlainYaml first (the default); false always builds yaml's Document. */
  readonly plainFastPath?: boolean;
}

export function parseConfig(text: string, file: string, options: ParseOptions = {}): ConfigParseResult {
  if (options.plainFastPath !== false) {
    const config = parsePlainConfig(text);
    if (config) return { ok: true, config, warnings: [] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: false,
    prettyErrors: false,
    merge: true,
  });
  const at = (offset: number, message: string): ConfigProblem => ({
    file,
    ...lines.linePos(offset),
    message,
  });

  const yamlWarnings = doc.warnings.map((w) => at(w.pos[0], `YAML: ${w.message}`));
  const syntax = doc.errors.map((e) => {
    const p = syntaxProblem(text, e);
    return at(p.offset, p.message);
  });
  const { duplicates, unresolved } = structuralProblems(doc);
  for (const dup of duplicates) {
    syntax.push(at(dup.offset, `duplicate key '${dup.key}' (map keys must be unique)`));
  }
  for (const alias of unresolved) {
    syntax.push(
      at(alias.offset, `invalid YAML: alias *${alias.name} has no anchor &${alias.name} before it`),
    );
  }
  if (syntax.length > 0)
    return { ok: false, kind: 'parse', errors: unique(syntax), warnings: unique(yamlWarnings) };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = `invalid YAML: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, kind: 'parse', errors: [at(0, message)], warnings: unique(yamlWarnings) };
  }

  const locator = new YamlLocator(doc, lines);
  const order = (path: readonly (string | number)[]) => locator.keyOrder(path);
  const structure = checkStructure(configSchema, raw);
  const findings: Finding[] = [...structure.findings, ...checkRules(raw, order)];
  const place = (f: Finding): ConfigProblem => ({
    file,
    ...locator.position(f.path, f.at),
    message: f.message,
  });
  const errors = unique(findings.filter((f) => f.severity === 'error').map(place));
  const warnings = unique([...yamlWarnings, ...findings.filter((f) => f.severity === 'warning').map(place)]);

  if (errors.length > 0 || structure.data === undefined) {
    return { ok: false, kind: 'semantic', errors, warnings };
  }
  return { ok: true, config: normalise(structure.data, order), warnings };
}
