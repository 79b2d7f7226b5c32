// The lb call layer over a real socket, against vppsim's server with small inline handlers that
// answer the way each generation's VPP does
// (docs/vpp-lb.md §Release quirks, §Master specifics, §show lb vips verbose). The full lb model lives
// elsewhere; here only the decoding and the generation switch are under test.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  VppClient,
  VppUnsupportedError,
  cliInband,
  fromApiPrefixRaw,
  lbAddAs,
  lbAddVip,
  lbConf,
  lbConfGet,
  lbDelVip,
  lbSetAsWeight,
  lbState,
  lbVipDump,
  parseShowLbVipsVerbose,
  toApiAddress,
  type LbGeneration,
  type VppFields,
  type VppStruct,
} from '../../src/vpp/index.js';
import { VppSimServer } from '../../src/vppsim/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

const MASTER_VERBOSE = ` ip4-gre4 [1] 192.0.2.1/32
  new_size:1024
  protocol:6 port:80
  counters:
    packet from existing sessions: 5
    first session packet: 7
    untracked packet: 0
    no server configured: 1
  #as:3
    10.1.0.1 weight:100 buckets:776 flows:0 dpo:9 used
    10.1.0.2 weight:0 buckets:0 flows:0 dpo:10 used
    10.1.0.4 weight:10 buckets:0 flows:0 dpo:12  removed
 ip6-gre6 [2] 2001:db8::1/128 src_ip_sticky
  new_size:65536
  counters:
    packet from existing sessions: 0
    first session packet: 0
    untracked packet: 0
    no server configured: 0
  #as:1
    2001:db8:1::1 weight:100 buckets:65536 flows:3 dpo:13 used
`;

const RELEASE_VERBOSE = ` ip4-gre4 [1] 192.0.2.1/32
  new_size:1024
  protocol:6 port:80
  counters:
    packet from existing sessions: 0
    first session packet: 0
    untracked packet: 0
    no server configured: 0
  #as:1
    10.1.0.1 1024 buckets 0 flows dpo:9 used
 ip4-gre4 [2] 192.0.2.1/32 src_ip_sticky
  new_size:2048
  protocol:17 port:80
  counters:
    packet from existing sessions: 0
    first session packet: 0
    untracked packet: 0
    no server configured: 0
  #as:2
    10.1.0.1 1024 buckets 0 flows dpo:10 used
    10.1.0.2 1024 buckets 0 flows dpo:11 used
 ip4-gre4 [3] 198.51.100.9/32 removed
  new_size:1024
  protocol:6 port:443
  counters:
    packet from existing sessions: 0
    first session packet: 0
    untracked packet: 0
    no server configured: 0
  #as:0
`;

describe('show lb vips verbose', () => {
  test('master format (docs/vpp-lb.md §show lb vips verbose): index, flags, size, protocol/port, counters, AS lines', () => {
    const vips = parseShowLbVipsVerbose(MASTER_VERBOSE);
    assert.equal(vips.length, 2);
    assert.deepEqual(vips[0], {
      type: 'ip4-gre4',
      index: 1,
      prefix: '192.0.2.1/32',
      srcIpSticky: false,
      removed: false,
      newSize: 1024,
      protocol: 6,
      port: 80,
      counters: { existingSessions: 5, firstSessionPacket: 7, untrackedPacket: 0, noServerConfigured: 1 },
      asCount: 3,
      ases: [
        { address: '10.1.0.1', weight: 100, buckets: 776, flows: 0, dpo: 9, used: true },
        { address: '10.1.0.2', weight: 0, buckets: 0, flows: 0, dpo: 10, used: true },
        { address: '10.1.0.4', weight: 10, buckets: 0, flows: 0, dpo: 12, used: false },
      ],
    });
    assert.equal(vips[1]?.srcIpSticky, true);
    assert.equal(vips[1]?.protocol, undefined); // all-port: no protocol line
    assert.equal(vips[1]?.newSize, 65536);
  });

  test('release format: AS lines without weights', () => {
    const vips = parseShowLbVipsVerbose(RELEASE_VERBOSE);
    assert.deepEqual(
      vips.map((v) => [v.index, v.protocol, v.removed, v.ases.map((a) => `${a.address}:${a.buckets}`)]),
      [
        [1, 6, false, ['10.1.0.1:1024']],
        [2, 17, false, ['10.1.0.1:1024', '10.1.0.2:1024']],
        [3, 6, true, []],
      ],
    );
    assert.equal(vips[0]?.ases[0]?.weight, undefined);
  });
});

async function withClient(
  gen: LbGeneration,
  install: (sim: VppSimServer) => void,
  fn: (client: VppClient, sim: VppSimServer) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const sim = new VppSimServer({ socketPath: join(dir, 'api.sock'), lbGeneration: gen });
    install(sim);
    await sim.start();
    const client = await VppClient.connect({ socketPath: sim.socketPath, apiDir: null });
    try {
      await fn(client, sim);
    } finally {
      client.destroy();
      await sim.close();
    }
  });
}

/** A VIP as a dump reports it, with the prefix length as this generation encodes it. */
function vip(prefix: string, len: number, protocol: number, port: number): VppFields {
  const address = toApiAddress(prefix);
  return { pfx: { address, len }, protocol, port };
}

describe('lb calls on a master (1.2) VPP', () => {
  test('lbState: dumps joined with the CLI; AS lists filtered client-side', async () => {
    await withClient(
      '1.2',
      (sim) => {
        sim.registerHandler('lb_vip_dump', () => [
          { vip: vip('192.0.2.1', 32, 6, 80), encap: 0, flow_table_length: 1024 },
          { vip: vip('2001:db8::1', 128, 255, 0), encap: 1, flow_table_length: 0 },
        ]);
        sim.registerHandler('lb_as_v2_dump', (msg) => {
          // Never filtered by us: the request's prefix is all zeros.
          assert.equal(
            fromApiPrefixRaw(msg['pfx'] as VppStruct).address.bytes.every((b) => b === 0),
            true,
          );
          return [
            {
              vip: vip('192.0.2.1', 32, 6, 80),
              app_srv: toApiAddress('10.1.0.1'),
              flags: 1,
              weight: 100,
              num_buckets: 776,
            },
            {
              vip: vip('192.0.2.1', 32, 6, 80),
              app_srv: toApiAddress('10.1.0.2'),
              flags: 1,
              weight: 0,
              num_buckets: 0,
            },
            {
              vip: vip('192.0.2.1', 32, 6, 80),
              app_srv: toApiAddress('10.1.0.4'),
              flags: 0,
              weight: 10,
              in_use_since: 99,
            },
            {
              vip: vip('2001:db8::1', 128, 255, 0),
              app_srv: toApiAddress('2001:db8:1::1'),
              flags: 1,
              weight: 100,
              num_buckets: 0,
            },
            { vip: vip('192.0.2.99', 32, 6, 80), app_srv: toApiAddress('10.9.9.9'), flags: 1, weight: 1 },
          ];
        });
        sim.registerCli((cmd) => (cmd === 'show lb vips verbose' ? MASTER_VERBOSE : undefined));
      },
      async (client) => {
        const state = await lbState(client);
        assert.equal(state.generation, '1.2');
        assert.deepEqual(state.vips[0], {
          prefix: '192.0.2.1/32',
          protocol: 6,
          port: 80,
          encap: 'gre4',
          flowTableLength: 1024,
          srcIpSticky: false,
          index: 1,
          ases: [
            { address: '10.1.0.1', weight: 100, buckets: 776, inUse: true, flags: 1, inUseSince: 0 },
            { address: '10.1.0.2', weight: 0, buckets: 0, inUse: true, flags: 1, inUseSince: 0 },
            { address: '10.1.0.4', weight: 10, buckets: 0, inUse: false, flags: 0, inUseSince: 99 },
          ],
        });
        const v6 = state.vips[1];
        assert.equal(v6?.prefix, '2001:db8::1/128');
        assert.equal(v6?.protocol, 255);
        assert.equal(v6?.encap, 'gre6');
        assert.equal(v6?.srcIpSticky, true);
        assert.equal(v6?.flowTableLength, 65536); // the u16 dump says 0; the CLI knows
        assert.deepEqual(
          v6?.ases.map((a) => a.address),
          ['2001:db8:1::1'],
        );
        assert.equal(state.cli?.length, 2);
      },
    );
  });

  test('writes: lb_conf keeps what is not given; v2 messages with weights; lb_conf_get decoded', async () => {
    const seen: { name: string; msg: VppStruct }[] = [];
    await withClient(
      '1.2',
      (sim) => {
        for (const name of ['lb_conf', 'lb_add_del_vip_v2', 'lb_add_del_as_v2', 'lb_as_set_weight'])
          sim.registerHandler(name, (msg) => (seen.push({ name, msg }), {}));
        sim.registerHandler('lb_conf_get', () => ({
          ip4_src_address: Uint8Array.from([10, 0, 0, 1]),
          ip6_src_address: Uint8Array.from([0x20, 1, 0xd, 0xb8, ...new Array<number>(11).fill(0), 1]),
          sticky_buckets_per_core: 1024,
          flow_timeout: 40,
        }));
      },
      async (client) => {
        await lbConf(client, { ip4SrcAddress: '10.0.0.1', ip6SrcAddress: '2001:db8::1' });
        const key = { prefix: '192.0.2.1/32', protocol: 6, port: 80 };
        await lbAddVip(client, { ...key, encap: 'gre4', srcIpSticky: true, flowTableLength: 4096 });
        await lbAddAs(client, key, { address: '10.1.0.1', weight: 30 });
        await lbSetAsWeight(client, key, '10.1.0.1', 0, { flush: true });
        await lbDelVip(client, key);
        assert.deepEqual(await lbConfGet(client), {
          ip4SrcAddress: '10.0.0.1',
          ip6SrcAddress: '2001:db8::1',
          stickyBucketsPerCore: 1024,
          flowTimeout: 40,
        });
        const [conf, add, as, weight, del] = seen;
        assert.equal(conf?.msg['sticky_buckets_per_core'], 0xffffffff);
        assert.equal(conf?.msg['flow_timeout'], 0xffffffff);
        assert.equal(add?.msg['src_ip_sticky'], true);
        assert.equal(add?.msg['new_flows_table_length'], 4096);
        assert.equal((add?.msg['pfx'] as VppStruct)['len'], 32);
        assert.equal(as?.msg['weight'], 30);
        assert.equal(weight?.msg['is_flush'], true);
        assert.equal(del?.msg['is_del'], true);
        assert.equal(del?.msg['new_flows_table_length'], 1024); // never 0, even on delete
      },
    );
  });
});

describe('lb calls on a release (1.1) VPP', () => {
  test('lbState undoes the quirks: 96+len, vip type as encap, protocol from the CLI, removed VIPs hidden', async () => {
    await withClient(
      '1.1',
      (sim) => {
        // What the release handlers write: internal prefix length, (u8)htonl(protocol) = 0, the
        // internal vip type (IP4_GRE4 = 3) as encap, table length 0 — and removed VIPs too.
        sim.registerHandler('lb_vip_dump', () => [
          { vip: vip('192.0.2.1', 128, 0, 80), encap: 3, flow_table_length: 0 },
          { vip: vip('192.0.2.1', 128, 0, 80), encap: 3, flow_table_length: 0 },
          { vip: vip('198.51.100.9', 128, 0, 443), encap: 3, flow_table_length: 0 },
        ]);
        sim.registerHandler('lb_as_dump', () => [
          { vip: vip('192.0.2.1', 128, 0, 80), app_srv: toApiAddress('10.1.0.1'), flags: 1 },
          { vip: vip('192.0.2.1', 128, 0, 80), app_srv: toApiAddress('10.1.0.1'), flags: 1 },
          { vip: vip('192.0.2.1', 128, 0, 80), app_srv: toApiAddress('10.1.0.2'), flags: 1 },
        ]);
        sim.registerCli((cmd) => (cmd === 'show lb vips verbose' ? RELEASE_VERBOSE : undefined));
      },
      async (client) => {
        assert.equal(client.lbGeneration, '1.1');
        const raw = await lbVipDump(client);
        assert.deepEqual(
          raw.map((v) => [v.prefix, v.protocol, v.encap, v.flowTableLength]),
          [
            ['192.0.2.1/32', 0, 'gre4', undefined],
            ['192.0.2.1/32', 0, 'gre4', undefined],
            ['198.51.100.9/32', 0, 'gre4', undefined],
          ],
        );
        const state = await lbState(client);
        assert.deepEqual(
          state.vips.map((v) => [v.prefix, v.protocol, v.port, v.index, v.srcIpSticky, v.flowTableLength]),
          [
            ['192.0.2.1/32', 6, 80, 1, false, 1024],
            ['192.0.2.1/32', 17, 80, 2, true, 2048],
          ],
        );
        assert.deepEqual(
          state.vips.map((v) => v.ases.map((a) => [a.address, a.weight, a.buckets])),
          [
            [['10.1.0.1', undefined, 1024]],
            [
              ['10.1.0.1', undefined, 1024],
              ['10.1.0.2', undefined, 1024],
            ],
          ],
        );
      },
    );
  });

  test('no lb_conf_get, no weights, no lb_as_v2_dump; cli_inband text passes through', async () => {
    await withClient(
      '1.1',
      (sim) => {
        sim.registerHandler('lb_as_dump', () => []);
        sim.registerHandler('lb_vip_dump', () => []);
      },
      async (client) => {
        await assert.rejects(lbConfGet(client), VppUnsupportedError);
        await assert.rejects(
          lbSetAsWeight(client, { prefix: '192.0.2.1/32', protocol: 6, port: 80 }, '10.0.0.1', 5),
          VppUnsupportedError,
        );
        assert.match(await cliInband(client, 'show version'), /^vpp v26.*lb1\.1/);
        // Without a usable CLI answer lbState still returns what the dumps say.
        assert.deepEqual((await lbState(client)).vips, []);
      },
    );
  });
});
