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
  for (const backends of [1, 7, 25, 100, 1000]) {
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

  void test('every health check is probed by some backend, with every param its type takes; all but one set their own interval and timeout', () => {
    const raw = parseYaml(warmupConfigText(100)) as {
      maglev: {
        healthchecks: Record<string, { type: string; interval?: string; timeout?: string; params?: object }>;
        backends: Record<string, { healthcheck?: string; enabled?: boolean }>;
      };
    };
    const { healthchecks, backends } = raw.maglev;
    const used = new Set(Object.values(backends).map((b) => b.healthcheck));
    assert.deepEqual(
      Object.keys(healthchecks).filter((name) => !used.has(name)),
      [],
      'every health check has a backend',
    );
    assert.ok(used.has(undefined), 'some backend has no health check');
    const disabled = Object.values(backends).filter((b) => b.enabled === false).length;
    assert.ok(disabled > 0 && disabled < Object.keys(backends).length / 4, `${disabled} disabled`);
    const paramsByType = new Map<string, Set<string>>();
    for (const hc of Object.values(healthchecks)) {
      const keys = paramsByType.get(hc.type) ?? new Set<string>();
      for (const k of Object.keys(hc.params ?? {})) keys.add(k);
      paramsByType.set(hc.type, keys);
    }
    // imaps takes the defaults; the others set their own.
    assert.deepEqual(
      Object.entries(healthchecks)
        .filter(([, hc]) => hc.interval !== undefined && hc.timeout !== undefined)
        .map(([name]) => name)
        .sort(),
      ['ping', 'secure', 'ssh', 'web'],
    );
    assert.deepEqual(Object.fromEntries([...paramsByType].map(([t, k]) => [t, [...k].sort()])), {
      icmp: [],
      tcp: ['half-open', 'insecure-skip-verify', 'server-name', 'ssl', 'tls-session-reuse'],
      http: ['host', 'path', 'reset-close', 'response-code', 'response-regexp'],
      https: ['host', 'insecure-skip-verify', 'path', 'response-code', 'server-name', 'tls-session-reuse'],
    });
  });

  void test('its frontends take every kind of setting both ways', () => {
    const parsed = parseConfig(warmupConfigText(100), 'warm-up.yaml');
    assert.ok(parsed.ok);
    const frontends = [...parsed.config.frontends.values()];
    const both = (label: string, values: unknown[]) =>
      assert.deepEqual(new Set(values.map(Boolean)), new Set([true, false]), label);
    both(
      'src-ip-sticky',
      frontends.map((f) => f.srcIpSticky),
    );
    both(
      'flush-on-down',
      frontends.map((f) => f.flushOnDown),
    );
    both(
      'panic-threshold',
      frontends.map((f) => f.panicThreshold !== undefined),
    );
    both(
      'announce',
      frontends.map((f) => f.announce !== false),
    );
    const weights = frontends.flatMap((f) =>
      f.pools.flatMap((p) => [...p.backends.values()].map((b) => b.weight)),
    );
    both(
      'a weight other than 100',
      weights.map((w) => w !== 100),
    );
    assert.equal(
      new Set(frontends.map((f) => `${f.address} ${f.protocol} ${f.port}`)).size,
      frontends.length,
    );
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
