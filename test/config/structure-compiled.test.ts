// The structure check runs configSchema compiled by zod (parse.ts structureSchema): the whole
// schema must stay compilable, or every load silently falls back to the slower interpreter; and
// the compiled schema must give what the interpreter gives, the data of a valid document and the
// findings of an invalid one.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { checkStructure } from '../../src/config/issues.js';
import { structureSchema } from '../../src/config/parse.js';
import { configSchema } from '../../src/config/schema.js';
import { warmupConfigText } from '../../src/config/warm-up.js';

const EXAMPLE = new URL('../../examples/maglev.yaml', import.meta.url).pathname;

type Doc = Record<string, unknown>;

/** A copy of the document with the value at the path replaced (undefined: the key removed). */
function withValue(doc: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(doc) as Doc;
  let here = copy;
  for (const step of path.slice(0, -1)) here = here[step] as Doc;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete here[last];
  else here[last] = value;
  return copy;
}

describe('the compiled structure check', () => {
  test('compiles the whole schema (nothing left to the interpreter)', () => {
    assert.doesNotThrow(() => z.compile(configSchema, { strict: true }));
  });

  test('is built once and reused', () => {
    assert.equal(structureSchema(), structureSchema());
    assert.notEqual(structureSchema(), configSchema);
  });

  test('gives the data the interpreter gives, in the same key order', async () => {
    const documents = [
      parseYaml(await readFile(EXAMPLE, 'utf8')) as unknown,
      parseYaml(warmupConfigText(100)) as unknown,
    ];
    for (const doc of documents) {
      const compiled = checkStructure(structureSchema(), doc);
      const interpreted = checkStructure(configSchema, doc);
      assert.deepEqual(compiled.findings, []);
      assert.ok(compiled.data !== undefined);
      assert.equal(JSON.stringify(compiled.data), JSON.stringify(interpreted.data));
    }
  });

  test('gives the findings the interpreter gives', async () => {
    const example = parseYaml(await readFile(EXAMPLE, 'utf8')) as Doc;
    const maglev = example['maglev'] as Doc;
    const backend = Object.keys(maglev['backends'] as Doc)[0] as string;
    const frontend = Object.keys(maglev['frontends'] as Doc)[0] as string;
    const check = Object.keys(maglev['healthchecks'] as Doc)[0] as string;
    const broken: [readonly (string | number)[], unknown][] = [
      [['maglev', 'backends', backend, 'address'], '10.0.0.300'],
      [['maglev', 'backends', backend, 'address'], 42],
      [['maglev', 'backends', backend, 'address'], undefined],
      [['maglev', 'backends', backend, 'enabled'], 'yes'],
      [['maglev', 'backends', backend, 'colour'], 'blue'],
      [['maglev', 'frontends', frontend, 'port'], 70000],
      [['maglev', 'frontends', frontend, 'pools'], []],
      [['maglev', 'healthchecks', check, 'interval'], '5 minutes'],
      [['maglev', 'healthchecks', check, 'rise'], 0],
      [['maglev', 'vpp'], 'none'],
      [['maglev'], null],
      [['extra'], 1],
    ];
    for (const [path, value] of broken) {
      const doc = withValue(example, path, value);
      const compiled = checkStructure(structureSchema(), doc);
      const interpreted = checkStructure(configSchema, doc);
      assert.ok(compiled.findings.length > 0, `${path.join('.')} = ${String(value)}: no finding`);
      assert.equal(compiled.data, undefined);
      assert.deepEqual(compiled.findings, interpreted.findings, `${path.join('.')} = ${String(value)}`);
    }
  });
});
