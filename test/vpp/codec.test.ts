import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ApiDefinitions,
  VppDecodeError,
  VppDefinitionError,
  VppEncodeError,
  compileMessage,
  compileType,
  decodeValue,
  encodeValue,
  type ApiJsonFile,
  type VppFields,
  type VppStruct,
} from '../../src/vpp/index.js';
import { hex } from './fixtures.js';

// A definition file exercising every kind of type the codec supports.
const kitchenSink: ApiJsonFile = {
  types: [
    ['pair', ['u8', 'a'], ['u16', 'b']],
    ['tagged', ['vl_api_colour_t', 'colour'], ['string', 'label', 8], ['vl_api_pair_t', 'inner']],
    ['with_vla', ['u8', 'n'], ['vl_api_pair_t', 'items', 0, 'n']],
  ],
  unions: [['number_union', ['u8', 'small'], ['u32', 'medium'], ['vl_api_mac_t', 'mac']]],
  enums: [
    ['colour', ['RED', 1], ['GREEN', 2], ['BLUE', 3], { enumtype: 'u8' }],
    ['big_enum', ['ONE', 1], ['MAX', 0xffffffff]],
    ['signed_enum', ['MINUS', -2], ['PLUS', 2], { enumtype: 'i32' }],
    ['wide_enum', ['W', 0x1234], { enumtype: 'u16' }],
  ],
  enumflags: [['perms', ['READ', 1], ['WRITE', 2], ['EXEC', 4], { enumtype: 'u8' }]],
  aliases: {
    mac: { type: 'u8', length: 6 },
    index: { type: 'u32' },
    pair_alias: { type: 'vl_api_pair_t' },
    name16: { type: 'string', length: 16 },
  },
  messages: [
    [
      'scalars',
      ['u16', '_vl_msg_id'],
      ['u8', 'u8'],
      ['i8', 'i8'],
      ['u16', 'u16'],
      ['i16', 'i16'],
      ['u32', 'u32'],
      ['i32', 'i32'],
      ['u64', 'u64'],
      ['i64', 'i64'],
      ['f64', 'f64'],
      ['bool', 'flag'],
      { crc: '0x00000001' },
    ],
    [
      'enums',
      ['u16', '_vl_msg_id'],
      ['vl_api_colour_t', 'colour'],
      ['vl_api_big_enum_t', 'big', { default: 1 }],
      ['vl_api_signed_enum_t', 'signed'],
      ['vl_api_wide_enum_t', 'wide'],
      ['vl_api_perms_t', 'perms'],
      { crc: '0x00000002' },
    ],
    [
      'arrays',
      ['u16', '_vl_msg_id'],
      ['u8', 'raw', 4],
      ['u16', 'words', 3],
      ['vl_api_pair_t', 'pairs', 2],
      ['u32', 'count'],
      ['u32', 'values', 0, 'count'],
      ['u8', 'nbytes'],
      ['u8', 'blob', 0, 'nbytes'],
      { crc: '0x00000003' },
    ],
    [
      'strings',
      ['u16', '_vl_msg_id'],
      ['string', 'fixed', 8],
      ['string', 'var', 0],
      ['vl_api_name16_t', 'aliased'],
      ['string', 'tail', 0],
      { crc: '0x00000004' },
    ],
    [
      'nested',
      ['u16', '_vl_msg_id'],
      ['vl_api_tagged_t', 'tagged'],
      ['vl_api_number_union_t', 'un'],
      ['vl_api_mac_t', 'mac'],
      ['vl_api_index_t', 'idx'],
      ['vl_api_pair_alias_t', 'aliased_pair'],
      ['vl_api_with_vla_t', 'vla'],
      { crc: '0x00000005' },
    ],
    ['legacy_rest', ['u16', '_vl_msg_id'], ['u32', 'x'], ['u8', 'data', 0], { crc: '0x00000006' }],
  ],
};

const defs = new ApiDefinitions([{ source: 'test:kitchen-sink', file: kitchenSink }]);
const codec = (name: string) => {
  const def = defs.message(name);
  assert.ok(def, name);
  return compileMessage(def, defs);
};

function roundTrip(name: string, fields: VppFields): { bytes: Buffer; decoded: VppStruct } {
  const c = codec(name);
  const bytes = c.encode({ _vl_msg_id: 7, ...fields });
  const decoded = c.decode(bytes);
  // Re-encoding the decoded value gives the same bytes.
  assert.deepEqual(c.encode(decoded), bytes);
  return { bytes, decoded };
}

describe('codec: scalars', () => {
  test('every integer width, 64-bit as bigint, f64, bool — big-endian', () => {
    const { bytes, decoded } = roundTrip('scalars', {
      u8: 0xfe,
      i8: -2,
      u16: 0xbeef,
      i16: -300,
      u32: 0xdeadbeef,
      i32: -70000,
      u64: 0x0102030405060708n,
      i64: -5n,
      f64: 1.5,
      flag: true,
    });
    assert.equal(bytes.length, 2 + 1 + 1 + 2 + 2 + 4 + 4 + 8 + 8 + 8 + 1);
    assert.deepEqual(
      bytes.subarray(0, 32),
      hex('0007 fe fe beef fed4 deadbeef fffeee90 0102030405060708 fffffffffffffffb'),
    );
    // f64 follows vpp_papi: native (little-endian) order.
    assert.deepEqual(bytes.subarray(32, 40), hex('000000000000f83f'));
    assert.equal(bytes[40], 1);
    assert.deepEqual(decoded, {
      _vl_msg_id: 7,
      u8: 0xfe,
      i8: -2,
      u16: 0xbeef,
      i16: -300,
      u32: 0xdeadbeef,
      i32: -70000,
      u64: 0x0102030405060708n,
      i64: -5n,
      f64: 1.5,
      flag: true,
    });
  });

  test('fields left out encode as zero (no defaults are applied)', () => {
    const { decoded } = roundTrip('enums', {});
    assert.equal(decoded['big'], 0); // the JSON says default=1, the wire says 0
  });

  test('out-of-range and wrong-typed values are refused with the field path', () => {
    const c = codec('scalars');
    assert.throws(() => c.encode({ u8: 256 }), /scalars\.u8: 256 is out of range for u8/);
    assert.throws(() => c.encode({ i16: 40000 }), VppEncodeError);
    assert.throws(() => c.encode({ u32: 1.5 }), /expected an integer/);
    assert.throws(() => c.encode({ u64: -1n }), /out of range for u64/);
    assert.throws(() => c.encode({ flag: 'yes' }), /expected a boolean/);
    assert.throws(() => c.encode({ nope: 1 }), /scalars\.nope: scalars has no such field/);
  });

  test('property: any in-range scalars round-trip', () => {
    fc.assert(
      fc.property(
        fc.record({
          u8: fc.integer({ min: 0, max: 0xff }),
          i8: fc.integer({ min: -128, max: 127 }),
          u16: fc.integer({ min: 0, max: 0xffff }),
          i16: fc.integer({ min: -32768, max: 32767 }),
          u32: fc.integer({ min: 0, max: 0xffffffff }),
          i32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
          u64: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          i64: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
          f64: fc.double({ noNaN: true }),
          flag: fc.boolean(),
        }),
        (fields) => {
          const c = codec('scalars');
          const decoded = c.decode(c.encode({ _vl_msg_id: 1, ...fields }));
          assert.deepEqual(decoded, { _vl_msg_id: 1, ...fields });
        },
      ),
    );
  });
});

describe('codec: enums', () => {
  test('declared widths (u8, u16, i32, default u32), symbols or numbers, enumflags', () => {
    const { bytes, decoded } = roundTrip('enums', {
      colour: 'GREEN',
      big: 'MAX',
      signed: 'MINUS',
      wide: 0x1234,
      perms: 1 | 4,
    });
    assert.deepEqual(bytes, hex('0007 02 ffffffff fffffffe 1234 05'));
    assert.deepEqual(decoded, {
      _vl_msg_id: 7,
      colour: 2,
      big: 0xffffffff,
      signed: -2,
      wide: 0x1234,
      perms: 5,
    });
  });

  test('an unknown symbol is refused; unknown numbers pass (flags, newer VPPs)', () => {
    assert.throws(() => codec('enums').encode({ colour: 'PURPLE' }), /PURPLE is not a value of enum colour/);
    assert.equal(codec('enums').decode(codec('enums').encode({ colour: 9 }))['colour'], 9);
  });
});

describe('codec: arrays', () => {
  test('fixed arrays (bytes, words, structs) and variable arrays with earlier count fields', () => {
    const { bytes, decoded } = roundTrip('arrays', {
      raw: Uint8Array.from([1, 2, 3, 4]),
      words: [10, 20, 30],
      pairs: [
        { a: 1, b: 2 },
        { a: 3, b: 4 },
      ],
      values: [0xaabbccdd, 1],
      blob: Uint8Array.from([9, 8, 7]),
    });
    assert.deepEqual(
      bytes,
      hex('0007 01020304 000a 0014 001e 01 0002 03 0004 00000002 aabbccdd 00000001 03 090807'),
    );
    assert.equal(decoded['count'], 2);
    assert.equal(decoded['nbytes'], 3);
    assert.deepEqual(decoded['blob'], Uint8Array.from([9, 8, 7]));
  });

  test('short fixed arrays are zero-padded; too long is an error', () => {
    const c = codec('arrays');
    const d = c.decode(c.encode({ raw: [1], words: [5] }));
    assert.deepEqual(d['raw'], Uint8Array.from([1, 0, 0, 0]));
    assert.deepEqual(d['words'], [5, 0, 0]);
    assert.throws(() => c.encode({ raw: [1, 2, 3, 4, 5] }), /5 bytes do not fit u8\[4\]/);
  });

  test('a count that disagrees with its array is refused', () => {
    assert.throws(
      () => codec('arrays').encode({ count: 3, values: [1] }),
      /count 3 but values has 1 elements/,
    );
  });

  test('a legacy [0] array without a count takes the rest of the message', () => {
    const { decoded } = roundTrip('legacy_rest', { x: 1, data: Uint8Array.from([5, 6, 7]) });
    assert.deepEqual(decoded['data'], Uint8Array.from([5, 6, 7]));
  });
});

describe('codec: strings', () => {
  test('string[N] is NUL-padded, string is u32 length + bytes, string aliases are fixed', () => {
    const { bytes, decoded } = roundTrip('strings', { fixed: 'abc', var: 'héllo', aliased: 'x', tail: '' });
    const fixed = hex('61626300 00000000');
    const varStr = Buffer.concat([hex('00000006'), Buffer.from('héllo')]);
    const aliased = Buffer.concat([Buffer.from('x'), Buffer.alloc(15)]);
    assert.deepEqual(bytes, Buffer.concat([hex('0007'), fixed, varStr, aliased, hex('00000000')]));
    assert.deepEqual(decoded, { _vl_msg_id: 7, fixed: 'abc', var: 'héllo', aliased: 'x', tail: '' });
  });

  test('string[N] holds at most N-1 bytes; decoding cuts at the first NUL', () => {
    const c = codec('strings');
    assert.throws(() => c.encode({ fixed: '12345678' }), /does not fit string\[8\]/);
    const bytes = c.encode({ fixed: 'abc' });
    bytes[6] = 0x7a; // junk after the NUL, as VPP sometimes leaves
    assert.equal(c.decode(bytes)['fixed'], 'abc');
  });
});

describe('codec: nested types, unions, aliases', () => {
  test('typedefs inline, union sized by its largest member, aliases resolved', () => {
    const { bytes, decoded } = roundTrip('nested', {
      tagged: { colour: 'BLUE', label: 'hi', inner: { a: 1, b: 0x0203 } },
      un: { medium: 0x01020304 },
      mac: Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]),
      idx: 42,
      aliased_pair: { a: 9, b: 10 },
      vla: { items: [{ a: 1, b: 1 }] },
    });
    assert.deepEqual(
      bytes,
      hex(
        '0007 03 6869000000000000 01 0203 ' + // tagged
          '01020304 0000 ' + // union: 6 bytes (mac), u32 member at offset 0
          'aabbccddeeff 0000002a 09 000a 01 01 0001',
      ),
    );
    // A decoded union carries every member, all read from the same bytes.
    assert.deepEqual(decoded['un'], {
      small: 1,
      medium: 0x01020304,
      mac: Uint8Array.from([1, 2, 3, 4, 0, 0]),
    });
  });

  test('a union value with a non-member is refused', () => {
    assert.throws(
      () => codec('nested').encode({ un: { large: 1 } }),
      /nested\.un\.large: not a member of number_union/,
    );
  });

  test('compileType / encodeValue / decodeValue work on a lone type', () => {
    const layout = compileType('vl_api_pair_t', defs);
    assert.equal(layout.size, 3);
    const bytes = encodeValue(layout, { a: 1, b: 2 });
    assert.deepEqual(bytes, hex('01 0002'));
    assert.deepEqual(decodeValue(layout, bytes), { a: 1, b: 2 });
  });

  test('an unknown type or a self-reference is a definition error', () => {
    const bad = new ApiDefinitions([
      {
        source: 'bad',
        file: {
          types: [['loop', ['vl_api_loop_t', 'again']]],
          messages: [
            ['m1', ['u16', '_vl_msg_id'], ['vl_api_nowhere_t', 'x'], { crc: '0x1' }],
            ['m2', ['u16', '_vl_msg_id'], ['vl_api_loop_t', 'x'], { crc: '0x2' }],
          ],
        },
      },
    ]);
    assert.throws(() => compileMessage(bad.message('m1')!, bad), /unknown type vl_api_nowhere_t/);
    assert.throws(() => compileMessage(bad.message('m2')!, bad), VppDefinitionError);
  });
});

describe('codec: hostile input', () => {
  const samples: Record<string, VppFields> = {
    scalars: { u64: 1n, flag: true },
    arrays: { values: [1, 2, 3], blob: [1, 2] },
    strings: { fixed: 'a', var: 'bcd', aliased: 'e', tail: 'fg' },
    nested: { vla: { items: [{ a: 1 }, { a: 2 }] } },
  };

  for (const [name, fields] of Object.entries(samples)) {
    test(`${name}: every truncation throws VppDecodeError, nothing else`, () => {
      const c = codec(name);
      const full = c.encode(fields);
      for (let len = 0; len < full.length; len++) {
        assert.throws(() => c.decode(full.subarray(0, len)), VppDecodeError, `${name} cut at ${len}`);
      }
      assert.doesNotThrow(() => c.decode(full));
    });
  }

  test('a corrupt huge count fails fast without allocating', () => {
    const c = codec('arrays');
    const bytes = c.encode({ values: [1] });
    bytes.writeUInt32BE(0xffffffff, 2 + 4 + 6 + 6); // the count field
    assert.throws(() => c.decode(bytes), /4294967295 elements do not fit/);
  });

  test('property: random bytes never crash the decoder with anything but VppDecodeError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('scalars', 'enums', 'arrays', 'strings', 'nested', 'legacy_rest'),
        fc.uint8Array({ maxLength: 80 }),
        (name, bytes) => {
          try {
            codec(name).decode(bytes);
          } catch (err) {
            assert.ok(err instanceof VppDecodeError, String(err));
          }
        },
      ),
    );
  });
});
