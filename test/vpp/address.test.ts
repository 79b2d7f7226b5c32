// The VPP API's address and prefix structs, both ways. Which texts are addresses, and how they are
// spelled, is tested once, through every adapter, in test/net/ip-address.test.ts.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VppDecodeError,
  VppEncodeError,
  fromApiAddress,
  fromApiPrefix,
  fromApiPrefixRaw,
  ip4Bytes,
  ip6Bytes,
  ipFromWire,
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
        un: { ip6: ip6Bytes('2001:db8::1'), ip4: Uint8Array.from([32, 1, 13, 184]) },
      }),
      '2001:db8::1',
    );
    assert.equal(
      fromApiAddress({ af: 0, un: { ip4: Uint8Array.from([192, 0, 2, 1]), ip6: new Uint8Array(16) } }),
      '192.0.2.1',
    );
    assert.throws(() => fromApiAddress({ af: 2, un: {} }), VppDecodeError);
  });

  test('the bare ip4_address and ip6_address arrays', () => {
    assert.deepEqual(ip4Bytes('192.0.2.1'), Uint8Array.from([192, 0, 2, 1]));
    assert.equal(ip6Bytes('::1').length, 16);
    assert.throws(() => ip4Bytes('::1'), VppEncodeError);
    assert.throws(() => ip6Bytes('192.0.2.1'), VppEncodeError);
    assert.throws(() => ipFromWire(new Uint8Array(5)), VppDecodeError);
  });

  test('prefixes: text ↔ vl_api_prefix_t, bare addresses are host prefixes', () => {
    assert.deepEqual(toApiPrefix('192.0.2.0/24'), { address: toApiAddress('192.0.2.0'), len: 24 });
    assert.deepEqual(toApiPrefix('2001:db8::1'), { address: toApiAddress('2001:db8::1'), len: 128 });
    assert.equal(
      fromApiPrefix({ address: { af: 0, un: { ip4: Uint8Array.from([192, 0, 2, 1]) } }, len: 32 }),
      '192.0.2.1/32',
    );
    // The length comes back as sent, even one the family cannot have (the release's 96 + len).
    const raw = fromApiPrefixRaw({
      address: { af: 0, un: { ip4: Uint8Array.from([192, 0, 2, 1]) } },
      len: 128,
    });
    assert.equal(raw.length, 128);
    assert.equal(raw.address.family, 4);
  });

  test('bad input is a VppEncodeError that gives the reason', () => {
    assert.throws(() => toApiAddress('10.0.0.256'), { name: 'VppEncodeError', message: /256 is above 255/ });
    assert.throws(() => toApiAddress('fe80::1%eth0'), { name: 'VppEncodeError', message: /zone index/ });
    assert.throws(() => toApiPrefix('10.0.0.0/33'), { name: 'VppEncodeError', message: /from 0 to 32/ });
  });
});
