// The sync's rehearsal (plan-rehearsal.ts) warms the planner on a config without sending
// anything: planned against a VPP that holds the config already it comes to no operation at
// all, and with the first backend of each frontend down since, to one weight change per VIP.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig, warmupConfigText } from '../../src/config/index.js';
import { rehearseSync } from '../../src/dataplane/index.js';
import { backend, config, frontend } from '../helpers/config.js';

void describe('rehearseSync', () => {
  void test('two frontends: nothing to do when VPP holds the config; one weight change per VIP when its first backend is down', () => {
    const c = config({
      backends: [backend('a', '10.0.0.1'), backend('b', '10.0.0.2'), backend('c', '10.0.0.3')],
      frontends: [
        frontend('web', { address: '192.0.2.1', pools: [{ a: 100, b: 100 }], flushOnDown: false }),
        frontend('api', { address: '192.0.2.2', pools: [{ c: 100, b: 100 }], flushOnDown: false }),
      ],
    });
    // web: a goes to weight 0; api: c; b, first in neither, stays up in both.
    assert.deepEqual(rehearseSync(c), { inSync: 0, firstBackendsDown: 2 });
  });

  void test("the parser's warm-up config: nothing to do when in sync, changes when backends are down", () => {
    const parsed = parseConfig(warmupConfigText(100), 'warm-up.yaml');
    assert.ok(parsed.ok);
    const rehearsal = rehearseSync(parsed.config);
    assert.equal(rehearsal.inSync, 0);
    assert.ok(rehearsal.firstBackendsDown >= parsed.config.frontends.size / 2, JSON.stringify(rehearsal));
  });
});
