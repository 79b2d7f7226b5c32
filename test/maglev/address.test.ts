import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareAddressBytes, formatAddress, parseAddress } from '../../src/maglev/index.js';

const hex = (text: string) => Buffer.from(parseAddress(text).bytes).toString('hex');

void describe('addresses in ip46 form', () => {
  void test('IPv4 is twelve zero bytes then a.b.c.d', () => {
    assert.equal(hex('10.0.0.1'), '0000000000000000000000000a000001');
    assert.equal(parseAddress('10.0.0.1').family, 4);
  });

  void test('IPv6 forms: full, compressed, leading and trailing ::, embedded IPv4, upper case', () => {
    assert.equal(hex('2001:db8::1'), '20010db8000000000000000000000001');
    assert.equal(hex('2001:0DB8:0:0:0:0:0:1'), '20010db8000000000000000000000001');
    assert.equal(hex('::'), '00000000000000000000000000000000');
    assert.equal(hex('::1'), '00000000000000000000000000000001');
    assert.equal(hex('fe80::'), 'fe800000000000000000000000000000');
    assert.equal(hex('::ffff:192.0.2.1'), '00000000000000000000ffffc0000201');
    assert.equal(hex('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
    assert.equal(parseAddress('::1').family, 6);
  });

  void test('rejects what is not an address', () => {
    for (const bad of [
      '',
      '10.0.0',
      '10.0.0.256',
      '10.0.0.01',
      '10.0.0.1/32',
      'host.example',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '1:2:3:4:5:6:7::8',
      '12345::',
      'fe80::1%eth0',
      '::1.2.3',
      ':1',
    ]) {
      assert.throws(() => parseAddress(bad), RangeError, bad);
    }
  });

  void test('formats IPv4 dotted and IPv6 per RFC 5952', () => {
    const round = (t: string) => formatAddress(parseAddress(t));
    assert.equal(round('192.0.2.1'), '192.0.2.1');
    assert.equal(round('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(round('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
    assert.equal(round('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(round('2001:db8:1:1:1:1:0:1'), '2001:db8:1:1:1:1:0:1');
    assert.equal(round('::'), '::');
    assert.equal(round('::1'), '::1');
    assert.equal(round('fe80::'), 'fe80::');
  });

  void test('memcmp order: numeric within a family, IPv4 before global IPv6', () => {
    const cmp = (a: string, b: string) =>
      Math.sign(compareAddressBytes(parseAddress(a).bytes, parseAddress(b).bytes));
    assert.equal(cmp('10.0.0.2', '10.0.0.10'), -1);
    assert.equal(cmp('10.0.0.10', '9.255.255.255'), 1);
    assert.equal(cmp('255.255.255.255', '2001:db8::1'), -1);
    assert.equal(cmp('2001:db8::1', '2001:db8::1'), 0);
  });
});
