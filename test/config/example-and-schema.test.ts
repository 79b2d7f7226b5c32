// The shipped example is valid and complete, and the committed JSON Schema is the generated one.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { configJsonSchema, loadConfigFile } from '../../src/config/index.js';
import { schemaKeys, yamlKeys } from '../helpers/config-keys.js';

const root = new URL('../../', import.meta.url);
const EXAMPLE = new URL('examples/maglev.yaml', root).pathname;
const SCHEMA = new URL('schema/maglev.schema.json', root).pathname;

describe('examples/maglev.yaml', () => {
  test('is valid and draws no warnings', async () => {
    const r = await loadConfigFile(EXAMPLE);
    assert.ok(r.ok, r.ok ? '' : r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
    assert.deepEqual(r.warnings, []);
    const c = r.config;
    // Each check type, two frontends with two pools, an IPv6 frontend.
    assert.deepEqual(
      new Set([...c.healthchecks.values()].map((h) => h.type)),
      new Set(['icmp', 'tcp', 'http', 'https']),
    );
    assert.ok([...c.frontends.values()].filter((f) => f.pools.length >= 2).length >= 2);
    assert.ok([...c.frontends.values()].some((f) => f.family === 6));
  });

  test('uses every key of the schema', async () => {
    const example = yamlKeys(parseYaml(await readFile(EXAMPLE, 'utf8')));
    const missing = [...schemaKeys(configJsonSchema())].filter((k) => !example.has(k));
    assert.deepEqual(missing, []);
  });
});

describe('schema/maglev.schema.json', () => {
  test('equals the schema generated from the zod schema', async () => {
    const committed: unknown = JSON.parse(await readFile(SCHEMA, 'utf8'));
    assert.deepEqual(
      committed,
      configJsonSchema(),
      'schema/maglev.schema.json is stale: regenerate it with `maglevd --print-schema > schema/maglev.schema.json` ' +
        '(or configJsonSchema() from src/config) and commit it',
    );
  });

  test('is a 2020-12 schema that rejects unknown keys and describes names and durations', () => {
    const s = configJsonSchema();
    assert.equal(s.$schema, 'https://json-schema.org/draft/2020-12/schema');
    const text = JSON.stringify(s);
    assert.ok(text.includes('"additionalProperties":false'));
    assert.ok(text.includes('"propertyNames"'));
    assert.ok(text.includes('(ns|us|'));
  });
});
