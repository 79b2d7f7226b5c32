// Byte-for-byte checks against docs/vpp-lb.md: the worked examples (docs/vpp-lb.md §Worked examples),
// every lb message's size, field offsets and CRC (docs/vpp-lb.md §Messages and their layout), and the
// release quirks (docs/vpp-lb.md §Release quirks) as lb.ts puts them on the wire.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  builtinDefinitions,
  compileMessage,
  encodeFrame,
  lbAddAs,
  lbAddVip,
  lbApi110,
  lbApi120,
  lbDelAs,
  lbSetAsWeight,
  toApiAddress,
  toApiPrefix,
  type LbApi,
  type LbGeneration,
  type VppFields,
  type VppStruct,
} from '../../src/vpp/index.js';
import { hex } from './fixtures.js';

const defs = builtinDefinitions();
const codec = (name: string) => {
  const def = defs.message(name);
  assert.ok(def, `definition of ${name}`);
  return compileMessage(def, defs);
};

/** An LbApi that records what lb.ts asks for, so the test can encode it with chosen header values. */
class RecordingApi implements LbApi {
  readonly calls: { name: string; fields: VppFields }[] = [];
  constructor(
    readonly lbGeneration: LbGeneration,
    private readonly names: ReadonlySet<string>,
  ) {}
  static for(gen: LbGeneration): RecordingApi {
    const file = gen === '1.2' ? lbApi120 : lbApi110;
    return new RecordingApi(gen, new Set((file.messages ?? []).map((m) => m[0])));
  }
  hasMessage(name: string): boolean {
    return this.names.has(name);
  }
  request(name: string, fields: VppFields = {}): Promise<VppStruct> {
    this.calls.push({ name, fields });
    return Promise.resolve({ retval: 0 });
  }
  dump(): Promise<VppStruct[]> {
    return Promise.resolve([]);
  }
  /**
   * The last call encoded with msg id 0x1234, client 0x80000001, context 7 (as in
   * docs/vpp-lb.md §Worked examples).
   */
  lastBytes(): { name: string; bytes: Buffer } {
    const call = this.calls.at(-1);
    assert.ok(call);
    const bytes = codec(call.name).encode({
      ...call.fields,
      _vl_msg_id: 0x1234,
      client_index: 0x80000001,
      context: 7,
    });
    return { name: call.name, bytes };
  }
}

describe('worked examples', () => {
  test('sockclnt_create frame for name "lbctl", context 1', () => {
    const payload = codec('sockclnt_create').encode({ _vl_msg_id: 15, context: 1, name: 'lbctl' });
    assert.equal(payload.length, 70);
    const frame = encodeFrame(payload);
    assert.deepEqual(frame.subarray(0, 16), hex('00 00 00 00 00 00 00 00 | 00 00 00 46 | 00 00 00 00'));
    assert.deepEqual(frame.subarray(16, 28), hex('00 0f 00 00 00 01 6c 62 63 74 6c 00'));
    assert.ok(frame.subarray(28).every((b) => b === 0));
  });

  const vip192 = hex(
    '12 34 | 80 00 00 01 | 00 00 00 07 | 00 c0 00 02 0a 00 00 00 00 00 00 00 00 00 00 00 00 | 20 | 06 | 00 50 | ' +
      '00 00 00 00 | 00 | 00 00 00 00 | 00 00 | 00 00 | 00 00 04 00 | 00',
  );

  test('lb_add_del_vip for 192.0.2.10/32 TCP:80 GRE4, table 1024 (codec)', () => {
    const bytes = codec('lb_add_del_vip').encode({
      _vl_msg_id: 0x1234,
      client_index: 0x80000001,
      context: 7,
      pfx: toApiPrefix('192.0.2.10/32'),
      protocol: 6,
      port: 80,
      encap: 'LB_API_ENCAP_TYPE_GRE4',
      new_flows_table_length: 1024,
      is_del: false,
    });
    assert.equal(bytes.length, 49);
    assert.deepEqual(bytes, vip192);
  });

  test('the same lb_add_del_vip through lb.ts on a master (1.2) VPP without v2: the same bytes', async () => {
    const api = new RecordingApi('1.2', new Set(['lb_add_del_vip']));
    await lbAddVip(api, {
      prefix: '192.0.2.10/32',
      protocol: 6,
      port: 80,
      encap: 'gre4',
      flowTableLength: 1024,
    });
    const { name, bytes } = api.lastBytes();
    assert.equal(name, 'lb_add_del_vip');
    assert.deepEqual(bytes, vip192);
  });
});

// Offsets from docs/vpp-lb.md §Messages and their layout (they include the 2-byte msg id).
const u8 = (v: number) => Buffer.from([v]);
const u16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
};
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const pfx4 = Buffer.concat([hex('00 c6 33 64 07'), Buffer.alloc(12), u8(32)]); // 198.51.100.7/32
const addr6 = Buffer.concat([hex('01 20 01 0d b8'), Buffer.alloc(11), hex('05')]); // 2001:db8::5
const PFX = toApiPrefix('198.51.100.7/32');
const AS6 = toApiAddress('2001:db8::5');

interface MessageSpec {
  readonly name: string;
  readonly crc: string;
  readonly size: number;
  readonly fields: VppFields;
  /** offset → expected bytes there */
  readonly at: readonly (readonly [number, Buffer])[];
  readonly only12?: boolean;
}

const REQ = { client_index: 0x80000001, context: 0x0a0b0c0d };
const REQ_AT: readonly (readonly [number, Buffer])[] = [
  [0, u16(0x1234)],
  [2, u32(0x80000001)],
  [6, u32(0x0a0b0c0d)],
];
const REPLY = { context: 0x0a0b0c0d, retval: -6 };
const REPLY_AT: readonly (readonly [number, Buffer])[] = [
  [0, u16(0x1234)],
  [2, u32(0x0a0b0c0d)],
  [6, u32(-6)],
];
const autoreply = (name: string, only12 = false): MessageSpec => ({
  name: `${name}_reply`,
  crc: 'e8d4e804',
  size: 10,
  fields: REPLY,
  at: REPLY_AT,
  only12,
});
const VIP_FIELDS = {
  pfx: PFX,
  protocol: 17,
  port: 0x1f90,
  encap: 1,
  dscp: 46,
  type: 1,
  target_port: 0x0102,
  node_port: 0x0304,
  new_flows_table_length: 0x10000,
};
const VIP_AT: readonly (readonly [number, Buffer])[] = [
  [10, pfx4],
  [28, u8(17)],
  [29, u16(0x1f90)],
  [31, u32(1)],
  [35, u8(46)],
  [36, u32(1)],
  [40, u16(0x0102)],
  [42, u16(0x0304)],
  [44, u32(0x10000)],
];
const SEL = { pfx: PFX, protocol: 6, port: 443 };
const SEL_AT: readonly (readonly [number, Buffer])[] = [
  [10, pfx4],
  [28, u8(6)],
  [29, u16(443)],
];
const VIP21 = { pfx: PFX, protocol: 6, port: 443 };
const VIP21_AT: readonly (readonly [number, Buffer])[] = [
  [6, pfx4],
  [24, u8(6)],
  [25, u16(443)],
];

const LB_MESSAGES: readonly MessageSpec[] = [
  {
    name: 'lb_conf',
    crc: '56cd3261',
    size: 38,
    fields: {
      ...REQ,
      ip4_src_address: hex('0a000001'),
      ip6_src_address: addr6.subarray(1),
      sticky_buckets_per_core: 2048,
      flow_timeout: 40,
    },
    at: [...REQ_AT, [10, hex('0a000001')], [14, addr6.subarray(1)], [30, u32(2048)], [34, u32(40)]],
  },
  autoreply('lb_conf'),
  { name: 'lb_conf_get', crc: '51077d14', size: 10, fields: REQ, at: REQ_AT, only12: true },
  {
    name: 'lb_conf_get_reply',
    crc: '923427ac',
    size: 38,
    fields: { ...REPLY, ip4_src_address: hex('0a000001'), sticky_buckets_per_core: 1024, flow_timeout: 40 },
    at: [...REPLY_AT, [10, hex('0a000001')], [30, u32(1024)], [34, u32(40)]],
    only12: true,
  },
  {
    name: 'lb_add_del_vip',
    crc: '6fa569c7',
    size: 49,
    fields: { ...REQ, ...VIP_FIELDS, is_del: true },
    at: [...REQ_AT, ...VIP_AT, [48, u8(1)]],
  },
  autoreply('lb_add_del_vip'),
  {
    name: 'lb_add_del_vip_v2',
    crc: '7c520e0f',
    size: 50,
    fields: { ...REQ, ...VIP_FIELDS, src_ip_sticky: true, is_del: false },
    at: [...REQ_AT, ...VIP_AT, [48, u8(1)], [49, u8(0)]],
  },
  autoreply('lb_add_del_vip_v2'),
  {
    name: 'lb_add_del_as',
    crc: '35d72500',
    size: 50,
    fields: { ...REQ, ...SEL, as_address: AS6, is_del: true, is_flush: true },
    at: [...REQ_AT, ...SEL_AT, [31, addr6], [48, u8(1)], [49, u8(1)]],
  },
  autoreply('lb_add_del_as'),
  {
    name: 'lb_add_del_as_v2',
    crc: '2f1d3b0e',
    size: 51,
    fields: { ...REQ, ...SEL, as_address: AS6, weight: 77, is_del: false, is_flush: true },
    at: [...REQ_AT, ...SEL_AT, [31, addr6], [48, u8(77)], [49, u8(0)], [50, u8(1)]],
    only12: true,
  },
  autoreply('lb_add_del_as_v2', true),
  {
    name: 'lb_as_set_weight',
    crc: '2d89bdbd',
    size: 50,
    fields: { ...REQ, ...SEL, as_address: AS6, weight: 5, is_flush: true },
    at: [...REQ_AT, ...SEL_AT, [31, addr6], [48, u8(5)], [49, u8(1)]],
    only12: true,
  },
  autoreply('lb_as_set_weight', true),
  { name: 'lb_flush_vip', crc: '1063f819', size: 31, fields: { ...REQ, ...SEL }, at: [...REQ_AT, ...SEL_AT] },
  autoreply('lb_flush_vip'),
  {
    name: 'lb_vip_dump',
    crc: '56110cb7',
    size: 33,
    fields: { ...REQ, pfx: PFX, pfx_matcher: { le: 1, ge: 2 }, protocol: 255, port: 80 },
    at: [...REQ_AT, [10, pfx4], [28, hex('01 02')], [30, u8(255)], [31, u16(80)]],
  },
  {
    name: 'lb_vip_details',
    crc: '1329ec9b',
    size: 40,
    fields: {
      context: 0x0a0b0c0d,
      vip: VIP21,
      encap: 1,
      dscp: 8,
      srv_type: 1,
      target_port: 8080,
      flow_table_length: 1024,
    },
    at: [
      [2, u32(0x0a0b0c0d)],
      ...VIP21_AT,
      [27, u32(1)],
      [31, u8(8)],
      [32, u32(1)],
      [36, u16(8080)],
      [38, u16(1024)],
    ],
  },
  { name: 'lb_as_dump', crc: '1063f819', size: 31, fields: { ...REQ, ...SEL }, at: [...REQ_AT, ...SEL_AT] },
  {
    name: 'lb_as_details',
    crc: '8d24c29e',
    size: 49,
    fields: { context: 0x0a0b0c0d, vip: VIP21, app_srv: AS6, flags: 1, in_use_since: 12345 },
    at: [[2, u32(0x0a0b0c0d)], ...VIP21_AT, [27, addr6], [44, u8(1)], [45, u32(12345)]],
  },
  {
    name: 'lb_as_v2_dump',
    crc: '1063f819',
    size: 31,
    fields: { ...REQ, ...SEL },
    at: [...REQ_AT, ...SEL_AT],
    only12: true,
  },
  {
    name: 'lb_as_v2_details',
    crc: '90064aae',
    size: 54,
    fields: {
      context: 0x0a0b0c0d,
      vip: VIP21,
      app_srv: AS6,
      flags: 1,
      in_use_since: 9,
      weight: 100,
      num_buckets: 776,
    },
    at: [
      [2, u32(0x0a0b0c0d)],
      ...VIP21_AT,
      [27, addr6],
      [44, u8(1)],
      [45, u32(9)],
      [49, u8(100)],
      [50, u32(776)],
    ],
    only12: true,
  },
  {
    name: 'lb_add_del_intf_nat4',
    crc: '47d6e753',
    size: 15,
    fields: { ...REQ, is_add: true, sw_if_index: 3 },
    at: [...REQ_AT, [10, u8(1)], [11, u32(3)]],
  },
  autoreply('lb_add_del_intf_nat4'),
  {
    name: 'lb_add_del_intf_nat6',
    crc: '47d6e753',
    size: 15,
    fields: { ...REQ, is_add: false, sw_if_index: 4 },
    at: [...REQ_AT, [10, u8(0)], [11, u32(4)]],
  },
  autoreply('lb_add_del_intf_nat6'),
];

describe('every lb message — size, field offsets, CRC', () => {
  for (const spec of LB_MESSAGES) {
    test(spec.name, () => {
      const c = codec(spec.name);
      assert.equal(c.crc, spec.crc);
      const bytes = c.encode({ ...spec.fields, _vl_msg_id: 0x1234 });
      assert.equal(bytes.length, spec.size);
      for (const [offset, want] of spec.at)
        assert.deepEqual(bytes.subarray(offset, offset + want.length), want, `${spec.name} @${offset}`);
      assert.deepEqual(c.encode(c.decode(bytes)), bytes);
    });
  }

  test('1.2.0 has all 26 messages; 1.1.0 the same minus the 1.2.0 additions, with identical CRCs', () => {
    const names = (f: typeof lbApi120) => new Map((f.messages ?? []).map((m) => [m[0], m.at(-1)]));
    const m12 = names(lbApi120);
    const m11 = names(lbApi110);
    assert.equal(m12.size, 26);
    assert.equal(lbApi120.vl_api_version, '0xac602d7b');
    assert.equal(lbApi110.vl_api_version, '0x49e3c1c1');
    for (const spec of LB_MESSAGES) {
      assert.ok(m12.has(spec.name), spec.name);
      assert.equal(m11.has(spec.name), !spec.only12, spec.name);
      if (m11.has(spec.name)) assert.deepEqual(m11.get(spec.name), m12.get(spec.name));
    }
    assert.equal(m11.size, 26 - LB_MESSAGES.filter((s) => s.only12).length);
  });
});

describe('release (1.1) quirks as lb.ts sends them', () => {
  test('IPv4 VIP prefix length goes out as 96 + len; encap byte-swapped', async () => {
    const api = RecordingApi.for('1.1');
    await lbAddVip(api, {
      prefix: '192.0.2.10/32',
      protocol: 6,
      port: 80,
      encap: 'gre6',
      flowTableLength: 1024,
    });
    const { name, bytes } = api.lastBytes();
    assert.equal(name, 'lb_add_del_vip_v2');
    assert.equal(bytes[27], 128); // pfx.len
    assert.deepEqual(bytes.subarray(31, 35), hex('01 00 00 00')); // GRE6, as the release handler reads it
    assert.deepEqual(bytes.subarray(44, 48), u32(1024));
  });

  test('the same VIP on 1.2: real length, big-endian encap', async () => {
    const api = RecordingApi.for('1.2');
    await lbAddVip(api, { prefix: '192.0.2.10/32', protocol: 6, port: 80, encap: 'gre6', srcIpSticky: true });
    const { bytes } = api.lastBytes();
    assert.equal(bytes[27], 32);
    assert.deepEqual(bytes.subarray(31, 35), u32(1));
    assert.deepEqual(bytes.subarray(44, 48), u32(1024)); // default table length, never 0
    assert.equal(bytes[48], 1); // src_ip_sticky
  });

  test('IPv6 VIPs are unchanged on 1.1', async () => {
    const api = RecordingApi.for('1.1');
    await lbAddVip(api, { prefix: '2001:db8::1/128', protocol: 17, port: 53, encap: 'gre6' });
    assert.equal(api.lastBytes().bytes[27], 128);
  });

  test('AS add on 1.1 uses lb_add_del_as with 96 + len; on 1.2 lb_add_del_as_v2 with weight', async () => {
    const old = RecordingApi.for('1.1');
    await lbAddAs(
      old,
      { prefix: '192.0.2.10/32', protocol: 6, port: 80 },
      { address: '10.0.0.1', weight: 50 },
    );
    let { name, bytes } = old.lastBytes();
    assert.equal(name, 'lb_add_del_as');
    assert.equal(bytes[27], 128);
    assert.deepEqual(bytes.subarray(31, 48), Buffer.concat([hex('00 0a000001'), Buffer.alloc(12)]));
    const cur = RecordingApi.for('1.2');
    await lbAddAs(
      cur,
      { prefix: '192.0.2.10/32', protocol: 6, port: 80 },
      { address: '10.0.0.1', weight: 50, flush: true },
    );
    ({ name, bytes } = cur.lastBytes());
    assert.equal(name, 'lb_add_del_as_v2');
    assert.equal(bytes[27], 32);
    assert.deepEqual(bytes.subarray(48, 51), hex('32 00 01'));
  });

  test('all-port VIPs always carry protocol 255', async () => {
    const api = RecordingApi.for('1.2');
    await lbDelAs(api, { prefix: '192.0.2.10/32', protocol: 6, port: 0 }, '10.0.0.1', { flush: true });
    const { bytes } = api.lastBytes();
    assert.equal(bytes[28], 255);
    assert.deepEqual(bytes.subarray(48, 51), hex('00 01 01')); // weight 0, is_del, is_flush
  });

  test('weights and table lengths are validated before anything is sent', async () => {
    const api = RecordingApi.for('1.2');
    const vip = { prefix: '192.0.2.10/32', protocol: 6, port: 80 };
    await assert.rejects(lbAddVip(api, { ...vip, encap: 'gre4', flowTableLength: 0 }), /power of two/);
    await assert.rejects(lbAddVip(api, { ...vip, encap: 'gre4', flowTableLength: 1000 }), /power of two/);
    await assert.rejects(lbSetAsWeight(api, vip, '10.0.0.1', 101), /0\.\.100/);
    await assert.rejects(lbSetAsWeight(RecordingApi.for('1.1'), vip, '10.0.0.1', 5), /no AS weights/);
    await assert.rejects(
      lbAddAs(RecordingApi.for('1.1'), vip, { address: '10.0.0.1', weight: 0 }),
      /weight 0/,
    );
    assert.equal(api.calls.length, 0);
  });
});
