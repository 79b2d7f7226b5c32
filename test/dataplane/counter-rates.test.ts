// Counter rates per VIP between two polls (src/dataplane/counter-rates.ts): the poller's
// arithmetic, apart from the segment it reads (test/dataplane/counters-stats.test.ts).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { vipRates } from '../../src/dataplane/index.js';

void describe('counter rates', () => {
  void test('increase over the interval; a reset counts from zero; new VIPs have none', () => {
    const at = (id: string, packets: bigint, route?: [bigint, bigint]) => ({
      id,
      packets,
      routePackets: route?.[0],
      routeBytes: route?.[1],
    });
    const rates = vipRates(
      [at('a#1', 100n, [100n, 10_000n]), at('b#2', 50n), at('gone#3', 1n)],
      [at('a#1', 150n, [110n, 12_000n]), at('b#2', 20n), at('new#4', 5n)],
      10,
    );
    assert.deepEqual(rates.get('a#1'), {
      packetsPerSecond: 5,
      routePacketsPerSecond: 1,
      routeBytesPerSecond: 200,
    });
    assert.deepEqual(rates.get('b#2'), {
      packetsPerSecond: 2,
      routePacketsPerSecond: undefined,
      routeBytesPerSecond: undefined,
    });
    assert.equal(rates.has('new#4'), false);
    assert.equal(vipRates([at('a#1', 1n)], [at('a#1', 2n)], 0).size, 0, 'no time, no rate');
  });

  void test('a counter that did not move is a rate of 0, not a reset', () => {
    const still = { id: 'a#1', packets: 500n, routePackets: 70n, routeBytes: 9_000n };
    assert.deepEqual(vipRates([still], [still], 10).get('a#1'), {
      packetsPerSecond: 0,
      routePacketsPerSecond: 0,
      routeBytesPerSecond: 0,
    });
  });
});
