// The lb plugin's ip46 form of an address and the order VPP sorts ASes in. Parsing and spelling
// are tested once, through every adapter, in test/net/ip-address.test.ts.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareAddressBytes, ip46FromText, ipFromIp46 } from '../../src/maglev/index.js';
import { formatIp } from '../../src/net/ip-address.js';

const hex = (text: string) => Buffer.from(ip46FromText(text)).toString('hex');

void describe('addresses in ip46 form', () => {
  void test('IPv4 is twelve zero bytes then a.b.c.d', () => {
    assert.equal(hex('10.0.0.1'), '0000000000000000000000000a000001');
    assert.equal(formatIp(ipFromIp46(ip46FromText('10.0.0.1'), 4)), '10.0.0.1');
  });

  void test('IPv6 is its sixteen bytes', () => {
    assert.equal(hex('2001:db8::1'), '20010db8000000000000000000000001');
    assert.equal(hex('::'), '00000000000000000000000000000000');
    assert.equal(hex('::ffff:192.0.2.1'), '00000000000000000000ffffc0000201');
    assert.equal(hex('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
    assert.equal(formatIp(ipFromIp46(ip46FromText('2001:db8::1'), 6)), '2001:db8::1');
  });

  void test('the bytes alone do not say the family: ::a.b.c.d and a.b.c.d are one ip46', () => {
    assert.equal(hex('::a00:1'), hex('10.0.0.1'));
    assert.equal(formatIp(ipFromIp46(ip46FromText('10.0.0.1'), 6)), '::a00:1');
  });

  void test('memcmp order: numeric within a family, IPv4 before global IPv6', () => {
    const cmp = (a: string, b: string) => Math.sign(compareAddressBytes(ip46FromText(a), ip46FromText(b)));
    assert.equal(cmp('10.0.0.2', '10.0.0.10'), -1);
    assert.equal(cmp('10.0.0.10', '9.255.255.255'), 1);
    assert.equal(cmp('255.255.255.255', '2001:db8::1'), -1);
    assert.equal(cmp('::1', '0.0.0.2'), -1, 'not by family: ::1 is the smaller ip46');
    assert.equal(cmp('2001:db8::1', '2001:db8::1'), 0);
  });
});
