// Each field's own words for a value of the wrong kind or just past its bounds, one config line
// at a time: an operator reads the message, not zod's default. Each row was a mutant that
// outlived the tests (config-schema, docs/testing.md): the field's error option emptied, its
// wording emptied, or a bound moved by one.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';

/** A valid config with `edit` applied to its text; the health check is h, the frontend f. */
function configWith(edit: (text: string) => string): string {
  return edit(`maglev:
  healthchecks:
    h: { type: https, port: 443, params: { path: /healthz } }
  backends:
    b: { address: 192.0.2.1, healthcheck: h }
  frontends:
    f:
      address: 192.0.2.100
      port: 80
      pools:
        - name: p
          backends: { b: {} }
`);
}

const under = (key: string, line: string) => (text: string) =>
  text.replace('maglev:\n', `maglev:\n  ${key}: { ${line} }\n`);
const inLb = (line: string) => (text: string) =>
  text.replace('maglev:\n', `maglev:\n  vpp:\n    lb: { ${line} }\n`);
const inBird = (line: string) => under('announce', `bird: { ${line} }`);
const inCheck = (line: string) => (text: string) => text.replace('port: 443,', `port: 443, ${line},`);
const inParams = (line: string) => (text: string) =>
  text.replace('path: /healthz', `path: /healthz, ${line}`);

const REFUSED: [string, (text: string) => string, string][] = [
  [
    'a port that is a word',
    (t) => t.replace('port: 443', 'port: web'),
    'healthchecks.h.port: must be an integer from 1 to 65535, got "web"',
  ],
  [
    'a port of 0',
    (t) => t.replace('port: 443', 'port: 0'),
    'healthchecks.h.port: must be an integer from 1 to 65535, got 0',
  ],
  [
    'rise as a word',
    inCheck('rise: two'),
    'healthchecks.h.rise: must be an integer of at least 1, got "two"',
  ],
  ['rise of 0', inCheck('rise: 0'), 'healthchecks.h.rise: must be an integer of at least 1, got 0'],
  [
    'sticky buckets as a word',
    inLb('sticky-buckets-per-core: many'),
    'vpp.lb.sticky-buckets-per-core: must be a power of two from 1 to 16777216, got "many"',
  ],
  [
    'sticky buckets of 0',
    inLb('sticky-buckets-per-core: 0'),
    'vpp.lb.sticky-buckets-per-core: must be a power of two from 1 to 16777216, got 0',
  ],
  [
    'a start-up delay that is true',
    inLb('startup-min-delay: true'),
    'vpp.lb.startup-min-delay: must be a duration like "2s", "500ms" or "1m30s", got true',
  ],
  [
    'a health check named by a number',
    (t) => t.replace('healthcheck: h', 'healthcheck: 5'),
    'backends.b.healthcheck: must be a health check name, got 5',
  ],
  [
    'a pool named by a number',
    (t) => t.replace('- name: p', '- name: 5'),
    'frontends.f.pools[0].name: must be a name, got 5',
  ],
  [
    'pools that are a word',
    (t) => t.replace('      pools:\n        - name: p\n          backends: { b: {} }', '      pools: all'),
    'frontends.f.pools: must be a list of pools, got "all"',
  ],
  [
    'a response code that is true',
    inParams('response-code: true'),
    'healthchecks.h.params.response-code: must be a status code N or a range "N-M" with 100 <= N <= M <= 599, got true',
  ],
  [
    'a path that is a number',
    (t) => t.replace('path: /healthz', 'path: 5'),
    'healthchecks.h.params.path: must be a path starting with "/", got 5',
  ],
  [
    'a regexp that is a number',
    inParams('response-regexp: 5'),
    'healthchecks.h.params.response-regexp: must be a regular expression, got 5',
  ],
  [
    'a server name that is a number',
    inParams('server-name: 5'),
    'healthchecks.h.params.server-name: must be a DNS name, got 5',
  ],
  [
    'a netns that is a number',
    under('healthchecker', 'netns: 5'),
    'healthchecker.netns: must be a network namespace name, got 5',
  ],
  [
    'the netns "."',
    under('healthchecker', "netns: '.'"),
    'healthchecker.netns: must be a namespace name as under /var/run/netns (no "/"), got "."',
  ],
  [
    'the netns ".."',
    under('healthchecker', "netns: '..'"),
    'healthchecker.netns: must be a namespace name as under /var/run/netns (no "/"), got ".."',
  ],
  [
    'a flow timeout one second over the most',
    inLb('flow-timeout: 4294967295s'),
    'vpp.lb.flow-timeout: must be at most 4294967294s',
  ],
  [
    'a relative BIRD socket',
    inBird('socket: run/bird.ctl'),
    'announce.bird.socket: must be an absolute path to BIRD\'s control socket, got "run/bird.ctl"',
  ],
  [
    'a BIRD protocol that is a number',
    inBird('protocol: 5'),
    'announce.bird.protocol: must be a BIRD protocol name, got 5',
  ],
  [
    'a BIRD protocol of 64 characters',
    inBird(`protocol: p${'x'.repeat(63)}`),
    "announce.bird.protocol: must be at most 63 characters (BIRD symbols end at 64 with the '4' or '6')",
  ],
];

const ACCEPTED: [string, (text: string) => string][] = [
  ['a flow timeout of the most VPP takes', inLb('flow-timeout: 4294967294s')],
  ['a BIRD protocol of 63 characters', inBird(`protocol: p${'x'.repeat(62)}`)],
];

void describe("each field's words for a bad value", () => {
  for (const [label, edit, message] of REFUSED) {
    void test(label, () => {
      const result = parseConfig(configWith(edit), 'maglev.yaml');
      assert.equal(result.ok, false, `${label}: accepted`);
      if (result.ok) return;
      assert.deepEqual(
        result.errors.map((e) => e.message),
        [message],
      );
    });
  }
  for (const [label, edit] of ACCEPTED) {
    void test(`${label} is accepted`, () => {
      const result = parseConfig(configWith(edit), 'maglev.yaml');
      assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('\n'));
    });
  }
});
