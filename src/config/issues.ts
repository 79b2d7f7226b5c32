// Turns zod's structural issues into findings with our wording: one finding per unknown key (at
// the key), "missing required key" at the parent, and everything else at the offending value.

import { z } from 'zod';
import { describePath, describeValue } from './describe.js';
import type { ConfigPath, Finding } from './finding.js';
import { didYouMean } from './names.js';

type RawIssue = z.core.$ZodRawIssue;

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

function yamlBoolHint(input: unknown): string {
  return typeof input === 'string' && /^(yes|no|on|off|y|n)$/i.test(input)
    ? ' (YAML 1.2 booleans are only true and false)'
    : '';
}

/** Messages for issues whose schema did not bring its own wording. */
function genericMessage(iss: RawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type': {
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      return `must be ${expected}, got ${describeValue(iss.input)}${iss.expected === 'boolean' ? yamlBoolHint(iss.input) : ''}`;
    }
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => String(v)).join(', ')}; got ${describeValue(iss.input)}`;
    case 'too_small':
      return iss.origin === 'array'
        ? `must have at least ${String(iss.minimum)} item(s)`
        : `must be at least ${String(iss.minimum)}, got ${describeValue(iss.input)}`;
    case 'too_big':
      return iss.origin === 'array'
        ? `must have at most ${String(iss.maximum)} item(s)`
        : `must be at most ${String(iss.maximum)}, got ${describeValue(iss.input)}`;
    default:
      return undefined;
  }
}

function pathOf(path: readonly PropertyKey[]): ConfigPath {
  return path.map((seg) => (typeof seg === 'number' ? seg : String(seg)));
}

/** Runs a schema and returns every structural problem as a finding, plus the data if valid. */
export function checkStructure<T extends z.ZodType>(
  schema: T,
  raw: unknown,
): { findings: Finding[]; data: z.output<T> | undefined } {
  // The allowed keys of each object with unknown keys, for "did you mean".
  const allowedKeys = new Map<string, string[]>();
  const result = schema.safeParse(raw, {
    reportInput: true,
    error: (iss) => {
      if (iss.code === 'unrecognized_keys' && iss.inst instanceof z.ZodObject) {
        allowedKeys.set(JSON.stringify(iss.path ?? []), Object.keys(iss.inst.shape));
      }
      return genericMessage(iss);
    },
  });
  if (result.success) return { findings: [], data: result.data };

  const findings: Finding[] = [];
  for (const issue of result.error.issues) {
    const path = pathOf(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys.get(JSON.stringify(issue.path)) ?? [];
      for (const key of issue.keys) {
        const where = path.length === 0 ? 'top level' : describePath(path);
        const hint = path.length === 0 ? " (everything goes under 'maglev:')" : didYouMean(key, allowed);
        findings.push({
          severity: 'error',
          path: [...path, key],
          at: 'key',
          message: `${where}: unknown key '${key}'${hint}`,
        });
      }
    } else if (issue.input === undefined && path.length > 0) {
      // YAML has no undefined: the key is absent.
      const parent = path.slice(0, -1);
      const where = parent.length === 0 ? 'top level' : describePath(parent);
      findings.push({
        severity: 'error',
        path,
        at: 'parent',
        message: `${where}: missing required key '${String(path[path.length - 1])}'`,
      });
    } else if (path.length === 0) {
      findings.push({
        severity: 'error',
        path,
        at: 'value',
        message:
          raw === null || raw === undefined
            ? "the file is empty: expected a top-level 'maglev:' map"
            : `the file must be a map with a top-level 'maglev:' key, got ${describeValue(raw)}`,
      });
    } else {
      findings.push({
        severity: 'error',
        path,
        at: 'value',
        message: `${describePath(path)}: ${issue.message}`,
      });
    }
  }
  return { findings, data: undefined };
}
