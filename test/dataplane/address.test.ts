import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canonicalAddress,
  compareAddresses,
  compareVipKeys,
  formatAddress,
  hostPrefix,
  parseAddress,
  vipKey,
  vipKeyString,
} from '../../src/dataplane/index.js';

void describe('addresses', () => {
  void test('numeric order, IPv4 before IPv6', () => {
    const addresses = [
      '2001:db8::10',
      '10.0.0.10',
      '::1',
      '2001:db8::9',
      '10.0.0.2',
      '9.255.255.255',
      '::ffff:1.2.3.4',
    ];
    assert.deepEqual(addresses.sort(compareAddresses), [
      '9.255.255.255',
      '10.0.0.2',
      '10.0.0.10',
      '::1',
      '::ffff:1.2.3.4',
      '2001:db8::9',
      '2001:db8::10',
    ]);
  });

  void test('canonical spelling (RFC 5952 for IPv6)', () => {
    const cases: [string, string][] = [
      ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
      ['2001:db8:1:1:1:1:1:1', '2001:db8:1:1:1:1:1:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['::', '::'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['192.0.2.1', '192.0.2.1'],
    ];
    for (const [input, expected] of cases) assert.equal(canonicalAddress(input), expected, input);
  });

  void test('invalid literals are rejected', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.256',
      '1.2.3.4.5',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      'g::1',
      '1:2:3:4:5:6:7::8',
    ])
      assert.equal(parseAddress(bad), undefined, bad);
  });

  void test('format ∘ parse is the identity on values (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const parsed = parseAddress(text);
        assert.ok(parsed, text);
        assert.deepEqual(parseAddress(formatAddress(parsed)), parsed);
      }),
    );
  });

  void test('host prefixes and VIP keys are canonical; port 0 forces protocol 255', () => {
    assert.equal(hostPrefix('192.0.2.1'), '192.0.2.1/32');
    assert.equal(hostPrefix('2001:DB8::0:1'), '2001:db8::1/128');
    assert.deepEqual(vipKey('2001:DB8::1/128', 6, 80), { prefix: '2001:db8::1/128', protocol: 6, port: 80 });
    assert.deepEqual(vipKey('192.0.2.1', 6, 0), { prefix: '192.0.2.1/32', protocol: 255, port: 0 });
    assert.equal(vipKeyString(vipKey('192.0.2.1', 17, 53)), '192.0.2.1/32 udp:53');
  });

  void test('VIP order: address numeric (v4 first), then protocol, then port', () => {
    const keys = [
      vipKey('2001:db8::1', 6, 80),
      vipKey('192.0.2.10', 6, 80),
      vipKey('192.0.2.9', 17, 53),
      vipKey('192.0.2.9', 6, 443),
      vipKey('192.0.2.9', 6, 80),
    ];
    assert.deepEqual(keys.sort(compareVipKeys).map(vipKeyString), [
      '192.0.2.9/32 tcp:80',
      '192.0.2.9/32 tcp:443',
      '192.0.2.9/32 udp:53',
      '192.0.2.10/32 tcp:80',
      '2001:db8::1/128 tcp:80',
    ]);
  });
});
