import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clibXxhash,
  crc32cU64,
  flowHash,
  lbHashHash,
  newFlowBucket,
  portsWord,
} from '../../src/maglev/index.js';
import { mustParseIp } from '../../src/net/ip-address.js';

// Expected values computed by a C harness that compiles VPP's lb_hash_hash (both variants:
// _mm_crc32_u64 with -msse4.2, and clib_xxhash from xxhash.h) and builds the hash words the
// way node.c's lb_node_get_hash does (raw u16 port loads, little-endian u64 address loads).
const vectors = [
  {
    src: '192.0.2.10',
    dst: '198.51.100.1',
    protocol: 6,
    srcPort: 40000,
    dstPort: 80,
    crc32c: 2510168877,
    xxhash: 4117668515,
    stickyCrc32c: 914977022,
    stickyXxhash: 3091837261,
  },
  {
    src: '10.0.0.1',
    dst: '10.0.0.2',
    protocol: 17,
    srcPort: 53,
    dstPort: 53,
    crc32c: 776188239,
    xxhash: 2234348210,
    stickyCrc32c: 4211226700,
    stickyXxhash: 4269299050,
  },
  {
    src: '203.0.113.7',
    dst: '192.0.2.1',
    protocol: 1,
    srcPort: 0,
    dstPort: 0,
    crc32c: 2379527730,
    xxhash: 1006659073,
    stickyCrc32c: 2379527730,
    stickyXxhash: 1006659073,
  },
  {
    src: '127.0.0.1',
    dst: '127.0.0.2',
    protocol: 6,
    srcPort: 12345,
    dstPort: 443,
    crc32c: 3129289767,
    xxhash: 3369433070,
    stickyCrc32c: 2475769964,
    stickyXxhash: 3192243649,
  },
  {
    src: '2001:db8::1',
    dst: '2001:db8:1::80',
    protocol: 6,
    srcPort: 50123,
    dstPort: 443,
    crc32c: 324575690,
    xxhash: 4077623479,
    stickyCrc32c: 171245689,
    stickyXxhash: 2255764816,
  },
  {
    src: 'fe80::1234:5678',
    dst: '2001:db8::1',
    protocol: 58,
    srcPort: 0,
    dstPort: 0,
    crc32c: 3695094405,
    xxhash: 350621241,
    stickyCrc32c: 3695094405,
    stickyXxhash: 350621241,
  },
];

void describe('CRC32C step', () => {
  void test('matches the RFC 3720 check values (with the usual pre/post inversion added)', () => {
    let crc = 0xffffffff;
    for (let i = 0; i < 4; i++) crc = crc32cU64(crc, 0, 0);
    assert.equal(~crc >>> 0, 0x8a9136aa, '32 bytes of 0x00');
    crc = 0xffffffff;
    for (let i = 0; i < 4; i++) crc = crc32cU64(crc, 0xffffffff, 0xffffffff);
    assert.equal(~crc >>> 0, 0x62a8ab43, '32 bytes of 0xff');
  });
});

void describe('lb_hash_hash', () => {
  void test('xxhash variant is the low 32 bits of clib_xxhash of the XOR of the words', () => {
    const words = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const lo = 1 ^ 3 ^ 5 ^ 7 ^ 9;
    const hi = 2 ^ 4 ^ 6 ^ 8 ^ 10;
    const expected = Number(clibXxhash((BigInt(hi) << 32n) | BigInt(lo)) & 0xffffffffn);
    assert.equal(lbHashHash(words, 'xxhash'), expected);
  });

  void test('crc32c of all-zero words is 0 (no inversion, chained from 0)', () => {
    assert.equal(lbHashHash(new Uint32Array(10)), 0);
  });
});

void describe('flowHash (node.c lb_node_get_hash)', () => {
  for (const v of vectors) {
    void test(`${v.src} → ${v.dst} proto ${v.protocol} ${v.srcPort}→${v.dstPort}`, () => {
      assert.equal(flowHash(v), v.crc32c, 'crc32c');
      assert.equal(flowHash(v, { hashFunction: 'xxhash' }), v.xxhash, 'xxhash');
      assert.equal(flowHash(v, { srcIpSticky: true }), v.stickyCrc32c, 'src_ip_sticky crc32c');
      assert.equal(
        flowHash(v, { srcIpSticky: true, hashFunction: 'xxhash' }),
        v.stickyXxhash,
        'src_ip_sticky xxhash',
      );
    });
  }

  void test('accepts parsed addresses as well as text', () => {
    const v = vectors[0];
    assert.ok(v);
    assert.equal(flowHash({ ...v, src: mustParseIp(v.src), dst: mustParseIp(v.dst) }), v.crc32c);
  });

  void test('ports only count for TCP and UDP', () => {
    assert.equal(portsWord(6, 0x1234, 0x0050), 0x34125000);
    assert.equal(portsWord(17, 1, 2), 0x01000200);
    assert.equal(portsWord(1, 1, 2), 0);
    const icmp = { src: '10.0.0.1', dst: '10.0.0.2', protocol: 1, srcPort: 1, dstPort: 2 };
    assert.equal(flowHash(icmp), flowHash({ ...icmp, srcPort: 999, dstPort: 7 }));
  });

  void test('src_ip_sticky ignores ports, the plain hash does not', () => {
    const a = { src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, srcPort: 1000, dstPort: 80 };
    const b = { ...a, srcPort: 1001 };
    assert.equal(flowHash(a, { srcIpSticky: true }), flowHash(b, { srcIpSticky: true }));
    assert.notEqual(flowHash(a), flowHash(b));
  });

  void test('refuses mixed families and ports that are not u16', () => {
    assert.throws(
      () => flowHash({ src: '10.0.0.1', dst: '2001:db8::1', protocol: 6, srcPort: 1, dstPort: 2 }),
      RangeError,
    );
    assert.throws(
      () => flowHash({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, srcPort: 65536, dstPort: 2 }),
      RangeError,
    );
  });
});

void describe('newFlowBucket', () => {
  void test('is hash & (M − 1), non-negative for hashes with the top bit set', () => {
    assert.equal(newFlowBucket(0xffffffff, 1024), 1023);
    assert.equal(newFlowBucket(2510168877, 65536), 2510168877 % 65536);
    assert.equal(newFlowBucket(12345, 1), 0);
  });
});
