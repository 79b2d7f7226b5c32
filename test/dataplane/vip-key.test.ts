// VIP keys: canonical host prefixes and the VIP order the planner sends ops in. Address parsing
// and spelling themselves are tested once, through every adapter, in test/net/ip-address.test.ts.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareVipKeys,
  hostPrefix,
  protocolName,
  protocolNumber,
  validFlowTableLength,
  vipAddress,
  vipFamily,
  vipKey,
  vipKeyString,
} from '../../src/dataplane/index.js';

void describe('VIP keys', () => {
  void test('host prefixes and VIP keys are canonical; port 0 forces protocol 255', () => {
    assert.equal(hostPrefix('192.0.2.1'), '192.0.2.1/32');
    assert.equal(hostPrefix('2001:DB8::0:1'), '2001:db8::1/128');
    assert.deepEqual(vipKey('2001:DB8::1/128', 6, 80), { prefix: '2001:db8::1/128', protocol: 6, port: 80 });
    assert.deepEqual(vipKey('192.0.2.1', 6, 0), { prefix: '192.0.2.1/32', protocol: 255, port: 0 });
    assert.equal(vipKeyString(vipKey('192.0.2.1', 17, 53)), '192.0.2.1/32 udp:53');
    assert.equal(vipFamily(vipKey('2001:db8::1', 6, 80)), 6);
  });

  void test('a VIP key that is not a prefix is a bug, not a guess', () => {
    for (const bad of ['192.0.2.1/33', '192.0.2.1/x', '010.0.0.1', '2001:db8::1/129'])
      assert.throws(() => vipKey(bad, 6, 80), RangeError, bad);
    // The message names the text and why, for the log line that reports the bug.
    assert.throws(() => vipKey('192.0.2.1/33', 6, 80), {
      name: 'RangeError',
      message: /^not a prefix: "192\.0\.2\.1\/33" \(.+\)$/,
    });
  });

  void test("a VIP's address is its prefix without the length", () => {
    assert.equal(vipAddress(vipKey('192.0.2.1', 6, 80)), '192.0.2.1');
    assert.equal(vipAddress(vipKey('2001:db8::1', 6, 80)), '2001:db8::1');
  });

  void test('config protocol names are the IP protocol numbers VPP takes, and back', () => {
    const names = ['tcp', 'udp', 'any'] as const;
    assert.deepEqual(names.map(protocolNumber), [6, 17, 255]);
    assert.deepEqual(names.map(protocolNumber).map(protocolName), names);
  });

  void test('a flow table length is a power of two from 1 to 2^31, else the default 1024', () => {
    for (const ok of [1, 2, 1024, 2 ** 16, 2 ** 31]) assert.equal(validFlowTableLength(ok), ok, String(ok));
    // 0 and fractions pass a bare (length & (length - 1)) test: 0 & -1, 1.5 & 0.5 are both 0.
    for (const bad of [0, -1, 1.5, 0.5, 3, 1000, 2 ** 32, Number.NaN, Number.POSITIVE_INFINITY])
      assert.equal(validFlowTableLength(bad), 1024, String(bad));
  });

  void test('VIP order: address numeric (v4 first), then prefix length, protocol, port', () => {
    const keys = [
      vipKey('2001:db8::1', 6, 80),
      vipKey('192.0.2.10', 6, 80),
      vipKey('192.0.2.9', 17, 53),
      vipKey('192.0.2.9', 6, 443),
      vipKey('192.0.2.9', 6, 80),
      vipKey('192.0.2.9/31', 6, 80),
    ];
    assert.deepEqual(keys.sort(compareVipKeys).map(vipKeyString), [
      '192.0.2.9/31 tcp:80',
      '192.0.2.9/32 tcp:80',
      '192.0.2.9/32 tcp:443',
      '192.0.2.9/32 udp:53',
      '192.0.2.10/32 tcp:80',
      '2001:db8::1/128 tcp:80',
    ]);
    // A comparator, both ways round (a sort alone only ever asks one way), asked again (remembered).
    for (let round = 0; round < 2; round++) {
      assert.ok(compareVipKeys(vipKey('192.0.2.10', 6, 80), vipKey('192.0.2.9', 6, 80)) > 0);
      assert.ok(compareVipKeys(vipKey('192.0.2.9', 6, 80), vipKey('192.0.2.10', 6, 80)) < 0);
      assert.equal(compareVipKeys(vipKey('192.0.2.9', 6, 80), vipKey('192.0.2.9/32', 6, 80)), 0);
    }
  });
});
