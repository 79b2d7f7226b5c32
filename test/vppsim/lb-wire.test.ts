// The lb handlers end to end through a real unix socket, driven by the vpp-wire client (src/vpp):
// retvals per message (docs/vpp-lb.md §Rules both generations share, §Error codes), as observed
// (docs/vpp-lb.md §Observed on a running VPP), dumps with their generation's quirks, bucket counts
// against src/maglev, the release's bugs reproduced (docs/vpp-lb.md §Release quirks) so the client's
// workarounds are exercised, the CLI through cli_inband, and a request that kills VPP.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src/clock/index.js';
import { bucketCounts, buildTable } from '../../src/maglev/index.js';
import {
  VppApiError,
  VppClient,
  fromApiAddress,
  fromApiPrefix,
  fromApiPrefixRaw,
  getNumber,
  getString,
  getStruct,
  toApiAddress,
  toApiPrefix,
  type LbGeneration,
  type VppFields,
  type VppStruct,
} from '../../src/vpp/index.js';
import { LbEncap, LbSrvType, VppSim, ip46FromText } from '../../src/vppsim/index.js';

let dir = '';
let counter = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vppsim-wire-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Rig {
  sim: VppSim;
  client: VppClient;
  [Symbol.asyncDispose](): Promise<void>;
}

async function rig(lbGeneration: LbGeneration, clock?: FakeClock): Promise<Rig> {
  const sim = await VppSim.start({
    socketPath: join(dir, `api-${++counter}.sock`),
    lbGeneration,
    ...(clock && { clock }),
  });
  const client = await VppClient.connect({ socketPath: sim.socketPath, apiDir: null });
  return {
    sim,
    client,
    async [Symbol.asyncDispose]() {
      client.destroy();
      await sim.close();
    },
  };
}

/** The reply's retval, whether the client resolved or rejected. */
async function rv(client: VppClient, name: string, fields: VppFields): Promise<number> {
  try {
    return getNumber(await client.request(name, fields), 'retval');
  } catch (err) {
    if (err instanceof VppApiError) return err.retval;
    throw err;
  }
}

async function cliText(client: VppClient, cmd: string): Promise<string> {
  return getString(await client.request('cli_inband', { cmd }), 'reply');
}

function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | ((x >>> 24) & 0xff)) >>> 0;
}

function swap16(x: number): number {
  return ((x & 0xff) << 8) | (x >>> 8);
}

/** The release workaround: an IPv4 prefix length goes out as 96 + len. */
function releasePrefix(text: string): VppFields {
  const p = toApiPrefix(text) as { address: VppFields; len: number };
  return text.includes(':') ? p : { address: p.address, len: p.len + 96 };
}

const VIP = '192.0.2.1/32';
const vipSel = (prefix = VIP, port = 80, protocol = 6): VppFields => ({
  pfx: toApiPrefix(prefix),
  protocol,
  port,
});
const vipAdd = (over: VppFields = {}): VppFields => ({
  ...vipSel(),
  encap: LbEncap.GRE4,
  new_flows_table_length: 1024,
  ...over,
});
const asSel = (address: string, prefix = VIP): VppFields => ({
  ...vipSel(prefix),
  as_address: toApiAddress(address),
});

describe('lb 1.2 (master): retvals as a running VPP gives them (docs/vpp-lb.md §Observed on a running VPP)', () => {
  const cases: { name: string; setup: [string, VppFields][]; call: [string, VppFields]; rv: number }[] = [
    {
      name: 'AS add to a VIP that does not exist',
      setup: [],
      call: ['lb_add_del_as', asSel('10.0.0.1')],
      rv: -6,
    },
    {
      name: 'set weight of an AS the VIP does not have',
      setup: [['lb_add_del_vip', vipAdd()]],
      call: ['lb_as_set_weight', { ...asSel('10.0.0.1'), weight: 50 }],
      rv: -6,
    },
    {
      name: 'delete of an AS the VIP does not have',
      setup: [['lb_add_del_vip', vipAdd()]],
      call: ['lb_add_del_as_v2', { ...asSel('10.0.0.1'), is_del: true }],
      rv: -6,
    },
    {
      name: 'deleting a VIP that does not exist',
      setup: [],
      call: ['lb_add_del_vip', vipAdd({ is_del: true })],
      rv: -6,
    },
    {
      name: 'a VIP that already exists',
      setup: [['lb_add_del_vip', vipAdd()]],
      call: ['lb_add_del_vip_v2', vipAdd({ src_ip_sticky: true })],
      rv: -81,
    },
    {
      name: 'an all-port VIP on a prefix with per-port VIPs',
      setup: [['lb_add_del_vip', vipAdd()]],
      call: ['lb_add_del_vip', vipAdd({ port: 0, protocol: 255 })],
      rv: -81,
    },
    {
      name: 'a per-port VIP on the same prefix with another encap',
      setup: [['lb_add_del_vip', vipAdd()]],
      call: ['lb_add_del_vip', vipAdd({ port: 443, encap: LbEncap.GRE6 })],
      rv: -73,
    },
    {
      name: 'a new_flows_table_length that is not a power of two',
      setup: [],
      call: ['lb_add_del_vip', vipAdd({ new_flows_table_length: 1000 })],
      rv: -70,
    },
    {
      name: 'an IPv6 AS on a GRE4 VIP',
      setup: [['lb_add_del_vip', vipAdd()]],
      call: ['lb_add_del_as_v2', { ...asSel('2001:db8::1'), weight: 100 }],
      rv: -97,
    },
    {
      name: 'the same AS twice',
      setup: [
        ['lb_add_del_vip', vipAdd()],
        ['lb_add_del_as', asSel('10.0.0.1')],
      ],
      call: ['lb_add_del_as_v2', { ...asSel('10.0.0.1'), weight: 100 }],
      rv: -81,
    },
    {
      name: 'lb_conf with sticky buckets not a power of two',
      setup: [],
      call: ['lb_conf', { sticky_buckets_per_core: 1000, flow_timeout: 40 }],
      rv: -70,
    },
    {
      name: 'lb_add_del_intf_nat4 on an interface that does not exist',
      setup: [],
      call: ['lb_add_del_intf_nat4', { is_add: true, sw_if_index: 5 }],
      rv: -2,
    },
    { name: 'lb_flush_vip of a VIP that does not exist', setup: [], call: ['lb_flush_vip', vipSel()], rv: 0 },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.rv}`, async () => {
      await using r = await rig('1.2');
      for (const [name, fields] of c.setup) assert.equal(await rv(r.client, name, fields), 0, name);
      assert.equal(await rv(r.client, ...c.call), c.rv);
    });
  }
});

describe('lb 1.2 (master): a VIP from creation to dumps with buckets', () => {
  test('lb_conf / lb_conf_get; VIP, ASes, weights, lazy removal; num_buckets = src/maglev', async () => {
    await using r = await rig('1.2');
    const { client } = r;
    assert.equal(client.lbGeneration, '1.2');

    const defaults = await client.request('lb_conf_get');
    assert.equal(defaults['sticky_buckets_per_core'], 1024);
    assert.equal(defaults['flow_timeout'], 40);
    await client.request('lb_conf', {
      ip4_src_address: Uint8Array.from([192, 0, 2, 254]),
      ip6_src_address: ip46FromText('2001:db8::fe'),
      sticky_buckets_per_core: 0xffffffff, // keep
      flow_timeout: 30,
    });
    const conf = await client.request('lb_conf_get');
    assert.deepEqual([...(conf['ip4_src_address'] as Uint8Array)], [192, 0, 2, 254]);
    assert.equal(conf['sticky_buckets_per_core'], 1024);
    assert.equal(conf['flow_timeout'], 30);

    await client.request('lb_add_del_vip_v2', vipAdd({ src_ip_sticky: true, new_flows_table_length: 4096 }));
    await client.request('lb_add_del_as', asSel('10.1.0.1')); // v1: weight 100
    await client.request('lb_add_del_as_v2', { ...asSel('10.1.0.2'), weight: 50 });
    await client.request('lb_add_del_as_v2', { ...asSel('10.1.0.3'), weight: 100 });
    await client.request('lb_add_del_as_v2', { ...asSel('10.1.0.4'), weight: 100 });
    await client.request('lb_as_set_weight', { ...asSel('10.1.0.3'), weight: 0, is_flush: true });
    await client.request('lb_add_del_as_v2', { ...asSel('10.1.0.4'), is_del: true, is_flush: true });

    const details = await client.dump('lb_as_v2_dump', {});
    const rows = details.map((d) => [
      fromApiAddress(getStruct(d, 'app_srv')),
      d['flags'],
      d['weight'],
      d['num_buckets'],
    ]);
    const expected = bucketCounts(
      buildTable(
        'master',
        [
          { address: '10.1.0.1', weight: 100 },
          { address: '10.1.0.2', weight: 50 },
        ],
        4096,
      ),
      2,
    );
    assert.deepEqual(rows, [
      ['10.1.0.1', 1, 100, expected[0]],
      ['10.1.0.2', 1, 50, expected[1]],
      ['10.1.0.3', 1, 0, 0],
      ['10.1.0.4', 0, 100, 0],
    ]);
    for (const d of details) {
      assert.equal(fromApiPrefix(getStruct(getStruct(d, 'vip'), 'pfx')), VIP);
      assert.equal(getStruct(d, 'vip')['protocol'], 6);
      assert.equal(getStruct(d, 'vip')['port'], 80);
    }
    // The v1 dump has the same ASes without weight and buckets.
    assert.deepEqual(
      (await client.dump('lb_as_dump', {})).map((d) => [fromApiAddress(getStruct(d, 'app_srv')), d['flags']]),
      rows.map((row) => [row[0], row[1]]),
    );

    const cli = await cliText(client, 'show lb vips verbose');
    assert.match(cli, /^ ip4-gre4 \[1\] 192\.0\.2\.1\/32 src_ip_sticky\n {2}new_size:4096\n/);
    assert.match(cli, /\n {4}10\.1\.0\.4 weight:100 buckets:0 flows:0 dpo:\d+ {2}removed\n/);
    assert.match(await cliText(client, 'show version'), /^vpp v\S+ built by/);
  });

  test('lb_vip_dump ignores its filter, hides deleted VIPs, reports the API encap; 65536 reads 0', async () => {
    await using r = await rig('1.2');
    const { client } = r;
    await client.request('lb_add_del_vip', vipAdd());
    await client.request('lb_add_del_vip', vipAdd({ port: 443, new_flows_table_length: 65536 }));
    await client.request('lb_add_del_vip', {
      ...vipSel('2001:db8::1/128', 0, 255),
      encap: LbEncap.GRE4,
      new_flows_table_length: 16,
    });
    await client.request('lb_add_del_vip', {
      ...vipSel('192.0.2.9/32', 30080),
      encap: LbEncap.NAT4,
      // The byte order VPP's handler needs (docs/vpp-lb.md §Rules both generations share).
      type: swap32(LbSrvType.NODEPORT),
      target_port: 8080,
      new_flows_table_length: 1024,
    });
    await client.request('lb_add_del_vip', vipAdd({ port: 443, is_del: true }));
    const vips = await client.dump('lb_vip_dump', {
      pfx: toApiPrefix('203.0.113.1/32'),
      protocol: 17,
      port: 9,
    });
    const rows = vips.map((d) => {
      const v = getStruct(d, 'vip');
      return [
        fromApiPrefix(getStruct(v, 'pfx')),
        v['protocol'],
        v['port'],
        d['encap'],
        d['srv_type'],
        d['target_port'],
        d['flow_table_length'],
      ];
    });
    assert.deepEqual(rows, [
      [VIP, 6, 80, LbEncap.GRE4, 0, 0, 1024],
      ['2001:db8::1/128', 255, 0, LbEncap.GRE4, 0, 0, 16],
      // srv_type comes out as v << 24 and target_port byte-swapped
      // (docs/vpp-lb.md §Rules both generations share).
      ['192.0.2.9/32', 6, 30080, LbEncap.NAT4, LbSrvType.NODEPORT << 24, swap16(8080), 1024],
    ]);
    // The deleted 443 VIP's pool index is not reused until GC, so a new VIP gets index 5.
    await client.request('lb_add_del_vip', vipAdd({ port: 8443, new_flows_table_length: 65536 }));
    const all = await client.dump('lb_vip_dump', {});
    assert.equal(all.at(-1)?.['flow_table_length'], 0);
    assert.match(
      await cliText(client, 'show lb vips'),
      /ip4-gre4 192\.0\.2\.1\/32 new_size:65536 #as:0 removed {2}protocol:6 port:443 \n/,
    );
  });

  test('lb_as_dump filters: IPv4 never matches, all-zero dumps all, IPv6 needs exact protocol and port', async () => {
    await using r = await rig('1.2');
    const { client } = r;
    const v6 = '2001:db8::1/128';
    await client.request('lb_add_del_vip', vipAdd());
    await client.request('lb_add_del_as', asSel('10.0.0.1'));
    await client.request('lb_add_del_vip', {
      ...vipSel(v6),
      encap: LbEncap.GRE6,
      new_flows_table_length: 1024,
    });
    await client.request('lb_add_del_as', asSel('2001:db8:1::1', v6));
    const count = async (fields: VppFields) => (await client.dump('lb_as_v2_dump', fields)).length;
    assert.equal(await count({}), 2);
    assert.equal(await count(vipSel()), 0);
    assert.equal(await count(vipSel(v6)), 1);
    assert.equal(await count(vipSel(v6, 81)), 0);
    assert.equal(await count(vipSel(v6, 80, 17)), 0);
    // A deleted VIP's ASes stay in AS dumps (flags 0) until GC, although the VIP dump hides it.
    await client.request('lb_add_del_vip', vipAdd({ is_del: true }));
    const after = await client.dump('lb_as_v2_dump', {});
    assert.deepEqual(
      after.map((d) => [fromApiAddress(getStruct(d, 'app_srv')), d['flags']]),
      [
        ['10.0.0.1', 0],
        ['2001:db8:1::1', 1],
      ],
    );
    assert.equal((await client.dump('lb_vip_dump', {})).length, 1);
  });

  test('lb_flush_vip evicts the VIP’s sticky flows', async () => {
    await using r = await rig('1.2');
    const { client, sim } = r;
    await client.request('lb_add_del_vip', vipAdd());
    await client.request('lb_add_del_as', asSel('10.0.0.1'));
    const flow = { src: '198.51.100.1', dst: '192.0.2.1', protocol: 6, srcPort: 1234, dstPort: 80 };
    const first = sim.lb.forwardFlow(1, flow);
    assert.equal(sim.lb.flows(first.asIndex), 1);
    await client.request('lb_flush_vip', vipSel());
    assert.equal(sim.lb.flows(first.asIndex), 0);
    assert.equal(sim.lb.forwardFlow(1, flow).counter, 'first session packet');
  });

  test('a zero new_flows_table_length kills the simulated VPP: no reply, socket gone', async () => {
    await using r = await rig('1.2');
    const crashed = r.sim.onCrash.next();
    const closed = r.client.onClose.next();
    const reply = r.client.request('lb_add_del_vip', vipAdd({ new_flows_table_length: 0 }));
    const outcome = await reply.then(
      () => 'replied',
      (err: unknown) => (err instanceof VppApiError ? 'api error' : 'failed'),
    );
    assert.equal(outcome, 'failed');
    assert.equal((await crashed).request, 'lb_add_del_vip');
    await closed;
    await assert.rejects(stat(r.sim.socketPath), { code: 'ENOENT' });
  });
});

describe('lb 1.1 (release): the handlers’ bugs, reproduced', () => {
  test('no 1.2 messages; IPv4 needs 96 + len, else the VIP is ::/32', async () => {
    await using r = await rig('1.1');
    const { client } = r;
    assert.equal(client.lbGeneration, '1.1');
    assert.equal(client.hasMessage('lb_conf_get'), false);
    assert.equal(client.hasMessage('lb_as_v2_dump'), false);
    assert.equal(client.hasMessage('lb_add_del_vip_v2'), true);

    // Without the workaround: accepted, but as an IPv6-looking ::/32 of type ip6-gre4.
    assert.equal(await rv(client, 'lb_add_del_vip', vipAdd()), 0);
    // With it: the VIP the client meant.
    assert.equal(
      await rv(client, 'lb_add_del_vip_v2', { ...vipAdd(), pfx: releasePrefix(VIP), src_ip_sticky: true }),
      0,
    );
    const cli = await cliText(client, 'show lb vips');
    assert.equal(
      cli,
      'ip6-gre4 ::/32 new_size:1024 #as:0  protocol:6 port:80 \n' +
        'ip4-gre4 192.0.2.1/32 new_size:1024 #as:0  protocol:6 port:80 \n',
    );
  });

  test('encap is read without ntohl: only byte-swapped values work', async () => {
    await using r = await rig('1.1');
    const { client } = r;
    const v4 = (encap: number, prefix: string) => ({ ...vipAdd(), pfx: releasePrefix(prefix), encap });
    // GRE6 as a normal big-endian 1 is misread as type 0 (IP6_GRE6): wrong family for an IPv4 VIP.
    assert.equal(await rv(client, 'lb_add_del_vip', v4(LbEncap.GRE6, '192.0.2.1/32')), -97);
    assert.equal(await rv(client, 'lb_add_del_vip', v4(swap32(LbEncap.GRE6), '192.0.2.1/32')), 0);
    // GRE4 is 0 either way.
    assert.equal(await rv(client, 'lb_add_del_vip', v4(LbEncap.GRE4, '192.0.2.2/32')), 0);
    // On IPv6 the misread is silent: NAT6 becomes IP6_GRE6.
    assert.equal(
      await rv(client, 'lb_add_del_vip', {
        ...vipAdd(),
        pfx: toApiPrefix('2001:db8::1/128'),
        encap: LbEncap.NAT6,
      }),
      0,
    );
    const cli = await cliText(client, 'show lb vips');
    assert.equal(
      cli,
      'ip4-gre6 192.0.2.1/32 new_size:1024 #as:0  protocol:6 port:80 \n' +
        'ip4-gre4 192.0.2.2/32 new_size:1024 #as:0  protocol:6 port:80 \n' +
        'ip6-gre6 2001:db8::1/128 new_size:1024 #as:0  protocol:6 port:80 \n',
    );
  });

  test('lb_vip_details: internal length, protocol 0, internal VIP type, (u16)htonl(length), deleted VIPs', async () => {
    await using r = await rig('1.1');
    const { client } = r;
    const sel = { ...vipAdd(), pfx: releasePrefix(VIP) };
    await client.request('lb_add_del_vip', sel);
    await client.request('lb_add_del_vip', { ...sel, port: 443, new_flows_table_length: 65536 });
    await client.request('lb_add_del_vip', { ...sel, port: 443, is_del: true });
    const vips = await client.dump('lb_vip_dump', {});
    const rows = vips.map((d) => {
      const v = getStruct(d, 'vip');
      const p = fromApiPrefixRaw(getStruct(v, 'pfx'));
      return [p.length, v['protocol'], v['port'], d['encap'], d['flow_table_length']];
    });
    assert.deepEqual(rows, [
      [128, 0, 80, 3, 0], // 3 = LB_VIP_TYPE_IP4_GRE4, not an lb_encap_type
      [128, 0, 443, 3, 1], // deleted, still listed; 65536 → (u16)htonl → 1
    ]);
  });

  test('lb_as_dump: internal length and protocol 0; the port filter wants the byte-swapped port', async () => {
    await using r = await rig('1.1');
    const { client } = r;
    const v6 = '2001:db8::1/128';
    await client.request('lb_add_del_vip', {
      ...vipSel(v6),
      encap: LbEncap.GRE6,
      new_flows_table_length: 1024,
    });
    await client.request('lb_add_del_as', asSel('2001:db8:1::1', v6));
    await client.request('lb_add_del_vip', { ...vipAdd(), pfx: releasePrefix(VIP) });
    await client.request('lb_add_del_as', { ...asSel('10.0.0.1'), pfx: releasePrefix(VIP) });
    const all = await client.dump('lb_as_dump', {});
    assert.deepEqual(
      all.map((d: VppStruct) => {
        const v = getStruct(d, 'vip');
        return [
          fromApiPrefixRaw(getStruct(v, 'pfx')).length,
          v['protocol'],
          fromApiAddress(getStruct(d, 'app_srv')),
        ];
      }),
      [
        [128, 0, '2001:db8:1::1'],
        [128, 0, '10.0.0.1'],
      ],
    );
    assert.equal((await client.dump('lb_as_dump', vipSel(v6))).length, 0);
    assert.equal((await client.dump('lb_as_dump', vipSel(v6, swap16(80)))).length, 1);
    const cli = await cliText(client, 'show lb vips verbose');
    assert.match(cli, /\n {4}2001:db8:1::1 1024 buckets {3}0 flows {2}dpo:\d+ used\n/);
  });

  test('lb_flush_vip copies the raw union: IPv4 VIPs are never flushed, IPv6 ones are', async () => {
    await using r = await rig('1.1');
    const { client, sim } = r;
    const v6 = '2001:db8::1/128';
    await client.request('lb_add_del_vip', { ...vipAdd(), pfx: releasePrefix(VIP) });
    await client.request('lb_add_del_as', { ...asSel('10.0.0.1'), pfx: releasePrefix(VIP) });
    await client.request('lb_add_del_vip', {
      ...vipSel(v6),
      encap: LbEncap.GRE6,
      new_flows_table_length: 1024,
    });
    await client.request('lb_add_del_as', asSel('2001:db8:1::1', v6));
    const a = sim.lb.forwardFlow(1, {
      src: '198.51.100.1',
      dst: '192.0.2.1',
      protocol: 6,
      srcPort: 1,
      dstPort: 80,
    });
    const b = sim.lb.forwardFlow(2, {
      src: '2001:db8:9::1',
      dst: '2001:db8::1',
      protocol: 6,
      srcPort: 1,
      dstPort: 80,
    });
    assert.equal(await rv(client, 'lb_flush_vip', { ...vipSel(), pfx: releasePrefix(VIP) }), 0);
    assert.equal(await rv(client, 'lb_flush_vip', vipSel(v6)), 0);
    assert.equal(sim.lb.flows(a.asIndex), 1);
    assert.equal(sim.lb.flows(b.asIndex), 0);
  });

  test('ASes have no weights: every AS in use shares the table equally', async () => {
    await using r = await rig('1.1');
    const { client } = r;
    await client.request('lb_add_del_vip', { ...vipAdd(), pfx: releasePrefix(VIP) });
    for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3'])
      await client.request('lb_add_del_as', { ...asSel(a), pfx: releasePrefix(VIP) });
    const cli = await cliText(client, 'show lb vips verbose');
    const buckets = [...cli.matchAll(/ (\d+) buckets /g)].map((m) => Number(m[1]));
    assert.deepEqual(
      buckets,
      bucketCounts(
        buildTable(
          'release',
          ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((address) => ({ address, weight: 1 })),
          1024,
        ),
        3,
      ),
    );
  });
});

describe('garbage collection process', () => {
  for (const [generation, collected] of [
    ['1.2', true],
    ['1.1', false],
  ] as const) {
    test(`lb ${generation}: removed ASes and deleted VIPs ${collected ? 'go within two 60 s runs' : 'stay (no GC process)'}`, async () => {
      const clock = new FakeClock();
      await using r = await rig(generation, clock);
      const { client } = r;
      const pfx = generation === '1.1' ? releasePrefix(VIP) : toApiPrefix(VIP);
      await client.request('lb_add_del_vip', { ...vipAdd(), pfx });
      await client.request('lb_add_del_as', { ...asSel('10.0.0.1'), pfx });
      await client.request('lb_add_del_as', { ...asSel('10.0.0.2'), pfx });
      await client.request('lb_add_del_as', { ...asSel('10.0.0.2'), pfx, is_del: true });
      await clock.advance(30_000);
      assert.equal((await client.dump('lb_as_dump', {})).length, 2, 'kept at least 10 s and until a GC run');
      await clock.advance(91_000);
      assert.equal((await client.dump('lb_as_dump', {})).length, collected ? 1 : 2);
      // Deleting the VIP removes its ASes after a run of the VIP's own GC, which frees 10.0.0.2 on
      // the release (master's process already has); 10.0.0.1 is removed just now.
      await client.request('lb_add_del_vip', { ...vipAdd(), pfx, is_del: true });
      assert.equal((await client.dump('lb_as_dump', {})).length, 1);
      await clock.advance(121_000);
      assert.equal((await client.dump('lb_as_dump', {})).length, collected ? 0 : 1);
      assert.equal(r.sim.lb.vips().length, collected ? 0 : 1);
    });
  }
});
