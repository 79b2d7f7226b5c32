// The parser's warm-up config takes the path a reload of a clean file takes (the plain-YAML fast
// path, no finding) and uses every key of the schema, so that warming it compiles every part of
// the parse a reload can run; warmConfigParser pauses once per round.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { configJsonSchema, parseConfig, warmConfigParser, warmupConfigText } from '../../src/config/index.js';
import { parsePlainYaml } from '../../src/config/plain-yaml.js';
import { schemaKeys, yamlKeys } from '../helpers/config-keys.js';

void describe('the parser warm-up config', () => {
  for (const backends of [1, 7, 100, 1000]) {
    void test(`with ${backends} backends: read by the fast path, valid, without a warning, the same as the full parse`, () => {
      const text = warmupConfigText(backends);
      assert.notEqual(parsePlainYaml(text), undefined, 'inside the plain-YAML subset');
      const fast = parseConfig(text, 'warm-up.yaml');
      assert.ok(
        fast.ok,
        fast.ok ? '' : fast.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'),
      );
      assert.deepEqual(fast.warnings, []);
      assert.equal(fast.config.backends.size, backends);
      assert.deepEqual(parseConfig(text, 'warm-up.yaml', { plainFastPath: false }), fast);
    });
  }

  void test('uses every key of the schema and every kind of health check, family and protocol', () => {
    const text = warmupConfigText(100);
    const used = yamlKeys(parseYaml(text));
    assert.deepEqual(
      [...schemaKeys(configJsonSchema())].filter((k) => !used.has(k)),
      [],
    );
    const result = parseConfig(text, 'warm-up.yaml');
    assert.ok(result.ok);
    const c = result.config;
    assert.deepEqual(
      new Set([...c.healthchecks.values()].map((h) => h.type)),
      new Set(['icmp', 'tcp', 'http', 'https']),
    );
    assert.deepEqual(new Set([...c.backends.values()].map((b) => b.family)), new Set([4, 6]));
    assert.deepEqual(new Set([...c.frontends.values()].map((f) => f.family)), new Set([4, 6]));
    assert.deepEqual(
      new Set([...c.frontends.values()].map((f) => f.protocol)),
      new Set(['tcp', 'udp', 'any']),
    );
    assert.ok([...c.backends.values()].some((b) => !b.enabled));
    assert.ok([...c.backends.values()].some((b) => b.healthcheck === undefined));
    assert.ok([...c.frontends.values()].some((f) => f.pools.length === 2));
  });

  void test('warmConfigParser parses the given rounds, pausing after each, and reports success', async () => {
    let pauses = 0;
    const result = await warmConfigParser(3, 10, () => {
      pauses++;
      return Promise.resolve();
    });
    assert.deepEqual(result, { rounds: 3, ok: true });
    assert.equal(pauses, 3);
  });

  void test("warmConfigParser hands each round's config to the rehearsal before it pauses", async () => {
    const events: string[] = [];
    await warmConfigParser(
      2,
      7,
      () => {
        events.push('pause');
        return Promise.resolve();
      },
      (config) => events.push(`rehearse ${config.backends.size}`),
    );
    assert.deepEqual(events, ['rehearse 7', 'pause', 'rehearse 7', 'pause']);
  });
});
