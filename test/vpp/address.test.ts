import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  VppEncodeError,
  canonicalPrefix,
  compareIp,
  formatIp,
  fromApiAddress,
  fromApiPrefix,
  parseIp,
  parsePrefix,
  toApiAddress,
  toApiPrefix,
} from '../../src/vpp/index.js';

describe('address conversions', () => {
  test('IPv4 and IPv6 text ↔ vl_api_address_t', () => {
    assert.deepEqual(toApiAddress('10.0.0.1'), { af: 0, un: { ip4: Uint8Array.from([10, 0, 0, 1]) } });
    const v6 = toApiAddress('2001:db8::1');
    assert.equal(v6['af'], 1);
    assert.equal(
      fromApiAddress({
        af: 1,
        un: { ip6: parseIp('2001:db8::1').bytes, ip4: Uint8Array.from([32, 1, 13, 184]) },
      }),
      '2001:db8::1',
    );
    assert.equal(
      fromApiAddress({ af: 0, un: { ip4: Uint8Array.from([192, 0, 2, 1]), ip6: new Uint8Array(16) } }),
      '192.0.2.1',
    );
  });

  test('IPv6 is printed per RFC 5952', () => {
    for (const [input, canonical] of [
      ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
      ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'], // the longest zero run wins
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
      ['2001:db8:1:1:1:1:0:1', '2001:db8:1:1:1:1:0:1'], // a single zero group stays
      ['::', '::'],
      ['::1', '::1'],
      ['1::', '1::'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['1:2:3:4:5:6:10.0.0.1', '1:2:3:4:5:6:a00:1'],
    ] as const) {
      assert.equal(formatIp(parseIp(input).bytes), canonical, input);
    }
  });

  test('property: format(parse(x)) is a fixed point for any IPv6 address', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIp(bytes);
        assert.deepEqual(parseIp(text).bytes, bytes);
      }),
    );
  });

  test('prefixes: text ↔ vl_api_prefix_t, bare addresses are host prefixes', () => {
    assert.deepEqual(toApiPrefix('192.0.2.0/24'), { address: toApiAddress('192.0.2.0'), len: 24 });
    assert.equal(
      fromApiPrefix({ address: { af: 0, un: { ip4: Uint8Array.from([192, 0, 2, 1]) } }, len: 32 }),
      '192.0.2.1/32',
    );
    assert.deepEqual(parsePrefix('2001:db8::1').len, 128);
    assert.equal(canonicalPrefix('2001:DB8:0::1/64'), '2001:db8::1/64');
  });

  test('bad input is refused', () => {
    for (const bad of ['10.0.0.256', 'fe80::1%eth0', 'hello', '', '1.2.3'])
      assert.throws(() => parseIp(bad), VppEncodeError, bad);
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/x', '10.0.0.0/'])
      assert.throws(() => parsePrefix(bad), VppEncodeError, bad);
  });

  test('ordering: IPv4 before IPv6, numeric within a family', () => {
    const list = ['2001:db8::1', '10.0.0.10', '::1', '10.0.0.2'];
    assert.deepEqual(list.sort(compareIp), ['10.0.0.2', '10.0.0.10', '::1', '2001:db8::1']);
  });
});
