// The one address parser and formatter (src/net/ip-address.ts), and every adapter built on it,
// against one table: each row goes through the parser and through config (the schema's message
// and the normalised address), the dataplane's VIP keys, the VPP API encoding, the maglev hash key
// and vppsim's lb plugin text, which must all accept the same texts and agree on the address.
// The C library (inet_ntop behind node:net) is the outside referee for both directions.

import assert from 'node:assert/strict';
import { isIP, SocketAddress } from 'node:net';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../../src/config/index.js';
import { hostPrefix } from '../../src/dataplane/index.js';
import { addressKey, ip46FromText } from '../../src/maglev/index.js';
import {
  canonicalIp,
  compareIp,
  compareIpText,
  ipOrderKey,
  ipSpelling,
  formatIp,
  formatIpPrefix,
  formatIpv6Hex,
  mustParseIp,
  parseIp,
  parseIpPrefix,
  mustReadIpText,
  readIpText,
  type IpAddress,
} from '../../src/net/ip-address.js';
import {
  VppEncodeError,
  builtinDefinitions,
  compileType,
  decodeValue,
  encodeValue,
  fromApiAddress,
  fromApiPrefix,
  toApiAddress,
  toApiPrefix,
  type VppFields,
  type VppStruct,
} from '../../src/vpp/index.js';
import { formatIp46, formatIp46Prefix, parseVipPrefix } from '../../src/vppsim/index.js';

interface Accepted {
  readonly text: string;
  readonly canonical: string;
  /** What VPP's CLI (and so vppsim) prints, where it is not the canonical text. */
  readonly vpp?: string;
  /** inet_ntop writes it otherwise (glibc dots the deprecated IPv4-compatible ::/96). */
  readonly libc?: string;
}

interface Refused {
  readonly text: string;
  /** A part of the reason the parser gives. */
  readonly reason: string;
  /** node:net accepts it; we refuse on purpose. */
  readonly nodeAccepts?: true;
}

const ACCEPTED: readonly Accepted[] = [
  { text: '192.0.2.1', canonical: '192.0.2.1' },
  { text: '0.0.0.0', canonical: '0.0.0.0' },
  { text: '255.255.255.255', canonical: '255.255.255.255' },
  { text: '10.0.0.10', canonical: '10.0.0.10' },
  // compressed forms and RFC 5952's choices
  { text: '2001:db8::1', canonical: '2001:db8::1' },
  { text: '2001:DB8:0:0:0:0:0:1', canonical: '2001:db8::1' },
  { text: '2001:0db8:0000:0000:0000:0000:0000:0001', canonical: '2001:db8::1' },
  { text: '2001:0db8:0000:0000:0001:0000:0000:0001', canonical: '2001:db8::1:0:0:1' },
  { text: '2001:db8:0:1:0:0:0:1', canonical: '2001:db8:0:1::1' },
  { text: '2001:0:0:1:0:0:0:1', canonical: '2001:0:0:1::1' },
  { text: '2001:db8:1:1:1:1:0:1', canonical: '2001:db8:1:1:1:1:0:1' },
  { text: '1:2:3:4:5:6:7::', canonical: '1:2:3:4:5:6:7:0' },
  { text: '1:2:3:4:5:6::8', canonical: '1:2:3:4:5:6:0:8' },
  { text: '1:2:3:4:5:6:7:8', canonical: '1:2:3:4:5:6:7:8' },
  { text: 'fe80:0::1', canonical: 'fe80::1' },
  { text: '::', canonical: '::', vpp: '0.0.0.0' },
  { text: '::1', canonical: '::1', vpp: '0.0.0.1' },
  { text: '1::', canonical: '1::' },
  { text: 'FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', canonical: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' },
  // IPv4-mapped: the dotted tail, however it was written; VPP writes hex
  { text: '::ffff:192.0.2.1', canonical: '::ffff:192.0.2.1', vpp: '::ffff:c000:201' },
  { text: '0:0:0:0:0:FFFF:C000:0201', canonical: '::ffff:192.0.2.1', vpp: '::ffff:c000:201' },
  { text: '::ffff:0:0', canonical: '::ffff:0.0.0.0', vpp: '::ffff:0:0' },
  // other embedded IPv4: hex. The lb plugin holds IPv4 as ::a.b.c.d, so VPP prints ::/96 as IPv4.
  { text: '64:ff9b::192.0.2.1', canonical: '64:ff9b::c000:201' },
  { text: '1:2:3:4:5:6:10.0.0.1', canonical: '1:2:3:4:5:6:a00:1' },
  { text: '::ffff:0:1.2.3.4', canonical: '::ffff:0:102:304' },
  { text: '::192.0.2.1', canonical: '::c000:201', vpp: '192.0.2.1', libc: '::192.0.2.1' },
];

const REFUSED: readonly Refused[] = [
  { text: '', reason: 'empty' },
  { text: ' 192.0.2.1', reason: 'white space' },
  { text: '192.0.2.1 ', reason: 'white space' },
  { text: '2001:db8::1\n', reason: 'white space' },
  // IPv4 shape and range
  { text: '192.0.2', reason: 'four numbers' },
  { text: '1.2.3.4.5', reason: 'four numbers' },
  { text: '1.2.3.4.', reason: 'four numbers' },
  { text: '1..2.3', reason: 'empty number' },
  { text: '192.0.2.256', reason: '256 is above 255' },
  { text: '1.2.3.1000', reason: '1000 is above 255' },
  { text: '0x7f.0.0.1', reason: 'not an IP literal' },
  // leading zeros: octal to inet_aton, decimal to others
  { text: '010.0.0.1', reason: 'leading zero in 010' },
  { text: '192.0.2.01', reason: 'leading zero in 01' },
  { text: '::ffff:010.0.0.1', reason: 'leading zero in 010' },
  // IPv6 shape
  { text: '1:2:3:4:5:6:7', reason: '7 groups' },
  { text: '1:2:3:4:5:6:7:8:9', reason: '9 groups' },
  { text: '1:2:3:4:5:6:7:1.2.3.4', reason: '9 groups' },
  { text: '1:2:3:4:5:6:7::8', reason: 'at least' },
  { text: '1::2::3', reason: 'more than once' },
  { text: ':1', reason: 'empty group' },
  { text: '1:', reason: 'empty group' },
  { text: ':::', reason: 'empty group' },
  { text: '12345::', reason: '"12345"' },
  { text: '0000:0000::00001', reason: '"00001"' },
  { text: 'g::1', reason: '"g"' },
  { text: '1.2.3.4::', reason: 'last 32 bits' },
  { text: '::1.2.3.4:1', reason: 'last 32 bits' },
  { text: '::1.2.3', reason: 'four numbers' },
  // what an address field is not
  { text: 'fe80::1%eth0', reason: 'zone index %eth0', nodeAccepts: true },
  { text: 'fe80::1%1', reason: 'zone index %1', nodeAccepts: true },
  { text: '[2001:db8::1]', reason: 'brackets' },
  { text: '2001:db8::/64', reason: 'prefix length' },
  { text: '192.0.2.1/32', reason: 'prefix length' },
  { text: 'localhost', reason: 'not an IP literal' },
  { text: 'host.example', reason: 'not an IP literal' },
];

const VPP_TYPES = builtinDefinitions();

/** The fields as VPP gets them and sends them back: encoded as `type`, then decoded. */
function overTheWire(type: 'vl_api_address_t' | 'vl_api_prefix_t', fields: VppFields): VppStruct {
  const layout = compileType(type, VPP_TYPES);
  const decoded = decodeValue(layout, encodeValue(layout, fields));
  assert.ok(typeof decoded === 'object' && !(decoded instanceof Uint8Array) && !Array.isArray(decoded));
  return decoded as VppStruct;
}

const bitsOf = (canonical: string): 32 | 128 => (canonical.includes(':') ? 128 : 32);

/** The address config hands the daemon for a backend written `address: <text>`, or the message. */
function throughConfig(text: string): { address: string } | { message: string } {
  const r = parseConfig(`maglev:\n  backends:\n    b: {address: ${JSON.stringify(text)}}\n`, 't.yaml');
  if (!r.ok) return { message: r.errors.map((e) => e.message).join('\n') };
  const backend = r.config.backends.get('b');
  assert.ok(backend);
  return { address: backend.address };
}

describe('one address table through the parser and every adapter', () => {
  for (const row of ACCEPTED) {
    test(`accepts ${JSON.stringify(row.text)} as ${row.canonical}`, () => {
      const parsed = parseIp(row.text);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      const ip = parsed.ip;
      assert.equal(formatIp(ip), row.canonical);
      assert.equal(ip.family, bitsOf(row.canonical) === 32 ? 4 : 6);
      assert.equal(ip.bytes.length, ip.family === 4 ? 4 : 16);
      assert.equal(canonicalIp(row.text), row.canonical);
      assert.deepEqual(readIpText(row.text), { ok: true, family: ip.family, canonical: row.canonical });
      // The canonical text is a fixed point.
      assert.deepEqual(mustParseIp(row.canonical), ip);

      // node:net and the C library agree.
      assert.equal(isIP(row.text), ip.family);
      const family = ip.family === 4 ? 'ipv4' : 'ipv6';
      assert.equal(new SocketAddress({ address: row.text, family }).address, row.libc ?? row.canonical);

      // config: accepted, and normalised to the canonical text.
      assert.deepEqual(throughConfig(row.text), { address: row.canonical });

      // dataplane: the VIP host prefix.
      assert.equal(hostPrefix(row.text), `${row.canonical}/${bitsOf(row.canonical)}`);

      // vpp: vl_api_address_t and vl_api_prefix_t, there and back.
      const api = toApiAddress(row.text);
      assert.deepEqual(
        api,
        ip.family === 4 ? { af: 0, un: { ip4: ip.bytes } } : { af: 1, un: { ip6: ip.bytes } },
      );
      assert.equal(fromApiAddress(overTheWire('vl_api_address_t', api)), row.canonical);
      const prefix = overTheWire('vl_api_prefix_t', toApiPrefix(row.text));
      assert.equal(fromApiPrefix(prefix), `${row.canonical}/${bitsOf(row.canonical)}`);

      // maglev: the lb plugin's 16 bytes and the hash key do not depend on the spelling.
      const ip46 = ip46FromText(row.text);
      assert.equal(ip46.length, 16);
      assert.deepEqual(ip46.subarray(16 - ip.bytes.length), ip.bytes);
      assert.ok(ip46.subarray(0, 16 - ip.bytes.length).every((b) => b === 0));
      assert.equal(addressKey(row.text), addressKey(row.canonical));

      // vppsim: the plugin's prefix, printed as VPP prints it, read back by maglevd as the same
      // address (but for ::a.b.c.d, which VPP itself cannot tell from a.b.c.d).
      const vip = parseVipPrefix(row.text);
      assert.deepEqual(vip, { prefix: ip46, plen: 128 });
      const vppText = row.vpp ?? row.canonical;
      assert.equal(formatIp46(ip46), vppText);
      assert.equal(formatIp46Prefix(vip.prefix, vip.plen), `${vppText}/${bitsOf(vppText)}`);
      if (ip.family === 4 || !vppText.includes('.')) assert.equal(canonicalIp(vppText), row.canonical);
    });
  }

  for (const row of REFUSED) {
    test(`refuses ${JSON.stringify(row.text)}: ${row.reason}`, () => {
      const parsed = parseIp(row.text);
      assert.equal(parsed.ok, false);
      assert.ok(!parsed.ok && parsed.reason.includes(row.reason), !parsed.ok ? parsed.reason : '');
      const reason = parsed.ok ? '' : parsed.reason;
      assert.throws(() => mustParseIp(row.text), { name: 'RangeError', message: new RegExp(escape(reason)) });
      assert.deepEqual(readIpText(row.text), { ok: false, reason });
      assert.throws(() => mustReadIpText(row.text), {
        name: 'RangeError',
        message: new RegExp(escape(reason)),
      });

      assert.equal(isIP(row.text) !== 0, row.nodeAccepts === true, 'node:net');

      // config: refused in place, with the parser's reason.
      const viaConfig = throughConfig(row.text);
      assert.ok('message' in viaConfig);
      assert.equal(
        viaConfig.message,
        `backends.b.address: must be an IPv4 or IPv6 address, got ${JSON.stringify(row.text)}: ${reason}`,
      );

      assert.throws(() => hostPrefix(row.text), RangeError, 'dataplane');
      assert.throws(() => toApiAddress(row.text), VppEncodeError, 'vpp address');
      if (!row.text.includes('/')) {
        assert.throws(() => toApiPrefix(row.text), VppEncodeError, 'vpp prefix');
        assert.throws(() => parseVipPrefix(row.text), RangeError, 'vppsim prefix');
      }
      assert.throws(() => ip46FromText(row.text), RangeError, 'maglev');
      assert.throws(() => addressKey(row.text), RangeError, 'maglev key');
    });
  }
});

describe('prefixes', () => {
  test('address/length or a bare address (its host prefix), the length checked per family', () => {
    const cases: [string, string][] = [
      ['192.0.2.0/24', '192.0.2.0/24'],
      ['192.0.2.1', '192.0.2.1/32'],
      ['0.0.0.0/0', '0.0.0.0/0'],
      ['2001:DB8:0::1/64', '2001:db8::1/64'],
      ['2001:db8::1', '2001:db8::1/128'],
      ['::ffff:c000:201/128', '::ffff:192.0.2.1/128'],
    ];
    for (const [text, canonical] of cases) {
      const parsed = parseIpPrefix(text);
      assert.ok(parsed.ok, text);
      assert.equal(formatIpPrefix(parsed.prefix), canonical);
      assert.equal(fromApiPrefix(overTheWire('vl_api_prefix_t', toApiPrefix(text))), canonical, 'vpp');
    }
    for (const [text, reason] of [
      ['10.0.0.0/33', 'from 0 to 32'],
      ['2001:db8::/129', 'from 0 to 128'],
      ['10.0.0.0/', 'from 0 to 32'],
      ['10.0.0.0/x', 'from 0 to 32'],
      ['10.0.0.0/08', 'from 0 to 32'],
      ['10.0.0.0/8/8', 'from 0 to 32'],
      ['010.0.0.0/8', 'leading zero'],
    ] as const) {
      const parsed = parseIpPrefix(text);
      assert.ok(!parsed.ok && parsed.reason.includes(reason), text);
      assert.throws(() => toApiPrefix(text), VppEncodeError, text);
      assert.throws(() => parseVipPrefix(text), RangeError, text);
    }
  });

  test('vppsim holds an IPv4 prefix as ::a.b.c.d with 96 + length, as the lb plugin does', () => {
    assert.deepEqual(parseVipPrefix('192.0.2.0/24'), { prefix: ip46FromText('192.0.2.0'), plen: 120 });
    assert.equal(formatIp46Prefix(ip46FromText('192.0.2.0'), 120), '192.0.2.0/24');
    assert.deepEqual(parseVipPrefix('2001:db8::/64'), { prefix: ip46FromText('2001:db8::'), plen: 64 });
  });
});

describe('order', () => {
  test('numeric, every IPv4 address before every IPv6 address', () => {
    const addresses = [
      '2001:db8::10',
      '10.0.0.10',
      '::1',
      '2001:db8::9',
      '10.0.0.2',
      '9.255.255.255',
      '::ffff:1.2.3.4',
    ];
    assert.deepEqual(addresses.sort(compareIpText), [
      '9.255.255.255',
      '10.0.0.2',
      '10.0.0.10',
      '::1',
      '::ffff:1.2.3.4',
      '2001:db8::9',
      '2001:db8::10',
    ]);
    assert.equal(compareIp(mustParseIp('2001:DB8::1'), mustParseIp('2001:db8:0::1')), 0);
  });
});

describe('properties', () => {
  const group = fc.oneof(
    fc.constant(0),
    fc.constant(0),
    fc.constant(0xffff),
    fc.integer({ min: 0, max: 0xffff }),
  );
  const sixteenBytes = fc
    .array(group, { minLength: 8, maxLength: 8 })
    .map((groups) => Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff])));

  test('formatIp writes what inet_ntop writes (but for the deprecated ::/96), and parses back', () => {
    fc.assert(
      fc.property(sixteenBytes, (bytes) => {
        const ip: IpAddress = { family: 6, bytes };
        const text = formatIp(ip);
        assert.deepEqual(mustParseIp(text), ip);
        const compatible =
          bytes.subarray(0, 12).every((b) => b === 0) && (bytes[12] !== 0 || bytes[13] !== 0);
        if (!compatible) assert.equal(text, new SocketAddress({ address: text, family: 'ipv6' }).address);
      }),
      { numRuns: 2000 },
    );
  });

  test('every spelling of an address (padded, compressed, upper case, dotted tail) gives one text', () => {
    fc.assert(
      fc.property(sixteenBytes, fc.boolean(), fc.boolean(), (bytes, upper, dotted) => {
        const groups = Array.from(
          { length: 8 },
          (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0),
        );
        let text = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
        if (dotted)
          text = `${groups
            .slice(0, 6)
            .map((g) => g.toString(16))
            .join(':')}:${Array.from(bytes.subarray(12)).join('.')}`;
        if (upper) text = text.toUpperCase();
        assert.equal(canonicalIp(text), formatIp({ family: 6, bytes }));
        assert.equal(fromApiAddress(overTheWire('vl_api_address_t', toApiAddress(text))), canonicalIp(text));
      }),
    );
  });

  test('readIpText gives, asked again and again (it remembers), what parsing gives, for any text', () => {
    const text = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), (texts) => {
        for (let round = 0; round < 2; round++) {
          for (const t of texts) {
            const parsed = parseIp(t);
            const expected = parsed.ok
              ? { ok: true, family: parsed.ip.family, canonical: formatIp(parsed.ip) }
              : { ok: false, reason: parsed.reason };
            assert.deepEqual(readIpText(t), expected, JSON.stringify(t));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('compareIpText, ipOrderKey, ipSpelling and canonicalIp give, asked again and again (they remember), what parsing gives', () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6());
    const sign = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
    fc.assert(
      fc.property(fc.array(address, { minLength: 2, maxLength: 20 }), (texts) => {
        for (let round = 0; round < 2; round++) {
          for (const a of texts) {
            assert.equal(canonicalIp(a), formatIp(mustParseIp(a)));
            assert.deepEqual(ipSpelling(a), { canonical: canonicalIp(a), orderKey: ipOrderKey(a) });
            for (const b of texts) {
              const order = Math.sign(compareIp(mustParseIp(a), mustParseIp(b)));
              assert.equal(Math.sign(compareIpText(a, b)), order, `${a} vs ${b}`);
              assert.equal(sign(ipOrderKey(a), ipOrderKey(b)), order, `keys of ${a} vs ${b}`);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('accepts exactly what node:net accepts (zone indexes aside), and reads it as inet_pton does', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.ipV4(),
          fc.ipV6(),
          fc.ipV4Extended(),
          fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF.:') }),
        ),
        (text) => {
          const parsed = parseIp(text);
          assert.equal(parsed.ok, isIP(text) !== 0, text);
          if (parsed.ok) {
            const family = parsed.ip.family === 4 ? 'ipv4' : 'ipv6';
            assert.equal(
              canonicalIp(new SocketAddress({ address: text, family }).address),
              formatIp(parsed.ip),
            );
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('never guesses between octal and decimal: what it takes as IPv4 is plain decimal', () => {
    fc.assert(
      fc.property(fc.ipV4Extended(), (text) => {
        if (parseIp(text).ok) assert.match(text, /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/);
      }),
    );
  });

  test('VPP spells IPv6 without a dotted tail; reading its text back gives the same address', () => {
    fc.assert(
      fc.property(sixteenBytes, (bytes) => {
        const vppText = formatIpv6Hex(bytes);
        assert.ok(!vppText.includes('.'));
        assert.deepEqual(mustParseIp(vppText).bytes, bytes);
      }),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
