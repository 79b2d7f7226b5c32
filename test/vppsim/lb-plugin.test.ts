// The lb plugin model on its own: VPP's VIP/AS rules and retvals, lazy removal and garbage
// collection on a FakeClock, pool-index reuse, the Maglev table bit for bit against src/maglev and
// the test vectors of docs/vpp-lb.md §Test vectors, §Observed on a running VPP, flush, flows and counters.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import { bucketCounts, buildTable, flowHash } from '../../src/maglev/index.js';
import { vnetErrorCode, type LbGeneration } from '../../src/vpp/index.js';
import {
  LbPlugin,
  LbRetval,
  LbSimulatedCrash,
  LbSrvType,
  LbVipType,
  formatIp46,
  ip46FromText,
  parseVipPrefix,
  type LbVipAddArgs,
  type LbVipKey,
} from '../../src/vppsim/index.js';

const GENERATIONS: readonly LbGeneration[] = ['1.1', '1.2'];

function vipKey(prefix: string, protocol = 6, port = 80): LbVipKey {
  return { ...parseVipPrefix(prefix), protocol: port === 0 ? 255 : protocol, port };
}

function vipArgs(prefix: string, over: Partial<LbVipAddArgs> = {}): LbVipAddArgs {
  const key = vipKey(prefix, over.protocol ?? 6, over.port ?? 80);
  const v4 = !prefix.includes(':');
  return {
    ...key,
    type: v4 ? LbVipType.IP4_GRE4 : LbVipType.IP6_GRE6,
    newFlowsTableLength: 1024,
    ...over,
    ...(over.port === 0 && { protocol: 255 }),
  };
}

function addVip(lb: LbPlugin, prefix: string, over: Partial<LbVipAddArgs> = {}): number {
  const { rv, index } = lb.addVip(vipArgs(prefix, over));
  assert.equal(rv, 0, `add VIP ${prefix}`);
  return index;
}

function addAs(lb: LbPlugin, vip: number, address: string, weight = 100): void {
  assert.equal(lb.addAs(vip, ip46FromText(address), { weight }), 0, `add AS ${address}`);
}

/** The VIP's table as one letter per bucket, naming ASes by the given address → letter map. */
function tableLetters(lb: LbPlugin, vip: number, letters: Record<string, string>): string {
  const byIndex = new Map(lb.ases(vip).map((a) => [a.index, letters[formatIp46(a.address)] ?? '?']));
  return Array.from(lb.newFlowTable(vip), (i) => (i === 0 ? '-' : (byIndex.get(i) ?? '?'))).join('');
}

describe('retval constants', () => {
  test('match src/vnet/error.h', () => {
    for (const [name, code] of Object.entries(LbRetval)) {
      if (name === 'OK') continue;
      assert.equal(code, vnetErrorCode(name), name);
    }
  });
});

for (const generation of GENERATIONS) {
  describe(`VIP rules (lb ${generation})`, () => {
    const cases: {
      name: string;
      existing: [string, Partial<LbVipAddArgs>][];
      add: [string, Partial<LbVipAddArgs>];
      rv: number;
    }[] = [
      { name: 'a fresh per-port VIP', existing: [], add: ['192.0.2.1/32', {}], rv: 0 },
      { name: 'an all-port VIP', existing: [], add: ['192.0.2.1/32', { port: 0 }], rv: 0 },
      {
        name: 'the same VIP again',
        existing: [['192.0.2.1/32', {}]],
        add: ['192.0.2.1/32', {}],
        rv: LbRetval.VALUE_EXIST,
      },
      {
        name: 'the same VIP with host bits set (normalised)',
        existing: [['192.0.2.0/24', {}]],
        add: ['192.0.2.77/24', {}],
        rv: LbRetval.VALUE_EXIST,
      },
      {
        name: 'another port on the same prefix',
        existing: [['192.0.2.1/32', {}]],
        add: ['192.0.2.1/32', { port: 443 }],
        rv: 0,
      },
      {
        name: 'UDP on the same port',
        existing: [['192.0.2.1/32', {}]],
        add: ['192.0.2.1/32', { protocol: 17 }],
        rv: 0,
      },
      {
        name: 'a per-port VIP next to an all-port VIP',
        existing: [['192.0.2.1/32', { port: 0 }]],
        add: ['192.0.2.1/32', {}],
        rv: LbRetval.VALUE_EXIST,
      },
      {
        name: 'an all-port VIP next to a per-port VIP',
        existing: [['192.0.2.1/32', {}]],
        add: ['192.0.2.1/32', { port: 0 }],
        rv: LbRetval.VALUE_EXIST,
      },
      {
        name: 'a per-port VIP with another encap on the prefix',
        existing: [['192.0.2.1/32', {}]],
        add: ['192.0.2.1/32', { port: 443, type: LbVipType.IP4_GRE6 }],
        rv: LbRetval.INVALID_ARGUMENT,
      },
      {
        name: 'another encap on a different prefix length',
        existing: [['192.0.2.1/32', {}]],
        add: ['192.0.2.0/24', { port: 443, type: LbVipType.IP4_GRE6 }],
        rv: 0,
      },
      {
        name: 'a table length that is not a power of two',
        existing: [],
        add: ['192.0.2.1/32', { newFlowsTableLength: 1000 }],
        rv: LbRetval.INVALID_MEMORY_SIZE,
      },
      {
        name: 'an IPv4 prefix with an IPv6 VIP type',
        existing: [],
        add: ['192.0.2.1/32', { type: LbVipType.IP6_GRE6 }],
        rv: LbRetval.INVALID_ADDRESS_FAMILY,
      },
      {
        name: 'an IPv6 prefix with an IPv4 VIP type',
        existing: [],
        add: ['2001:db8::1/128', { type: LbVipType.IP4_GRE4 }],
        rv: LbRetval.INVALID_ADDRESS_FAMILY,
      },
      {
        name: 'L3DSR with dscp 64 (VPP says VALUE_EXIST)',
        existing: [],
        add: ['192.0.2.1/32', { type: LbVipType.IP4_L3DSR, dscp: 64 }],
        rv: LbRetval.VALUE_EXIST,
      },
      {
        name: 'the VALUE_EXIST check comes before the table-length check',
        existing: [['192.0.2.1/32', {}]],
        add: ['192.0.2.1/32', { newFlowsTableLength: 1000 }],
        rv: LbRetval.VALUE_EXIST,
      },
    ];
    for (const c of cases) {
      test(`${c.name} → ${c.rv}`, () => {
        const lb = new LbPlugin({ generation, clock: new FakeClock() });
        for (const [prefix, over] of c.existing) addVip(lb, prefix, over);
        assert.equal(lb.addVip(vipArgs(...c.add)).rv, c.rv);
      });
    }

    test('VIP indexes start at 1 and freed indexes are reused last-freed first', () => {
      const clock = new FakeClock();
      const lb = new LbPlugin({ generation, clock });
      const a = addVip(lb, '192.0.2.1/32');
      const b = addVip(lb, '192.0.2.2/32');
      const c = addVip(lb, '192.0.2.3/32');
      assert.deepEqual([a, b, c], [1, 2, 3]);
      assert.equal(lb.delVip(a), 0);
      assert.equal(lb.delVip(c), 0);
      // Deleted VIPs keep their index until GC frees them (no ASes → at the next run).
      assert.equal(addVip(lb, '192.0.2.4/32'), 4);
      lb.garbageCollect();
      assert.deepEqual(
        lb.vips().map((v) => v.index),
        [2, 4],
      );
      assert.equal(addVip(lb, '192.0.2.5/32'), 3);
      assert.equal(addVip(lb, '192.0.2.6/32'), 1);
    });

    test('counters are zeroed when an index is reused', () => {
      const lb = new LbPlugin({ generation, clock: new FakeClock() });
      const vip = addVip(lb, '192.0.2.1/32');
      lb.countPacket(vip, 'first session packet', 5);
      assert.equal(lb.vip(vip)?.counters['first session packet'], 5);
      lb.delVip(vip);
      lb.garbageCollect();
      assert.equal(addVip(lb, '192.0.2.9/32'), vip);
      assert.equal(lb.vip(vip)?.counters['first session packet'], 0);
    });

    test('find/delete: only VIPs in use, exact identity; deleting VIP 0 is INVALID_VALUE', () => {
      const lb = new LbPlugin({ generation, clock: new FakeClock() });
      const vip = addVip(lb, '192.0.2.1/32');
      assert.deepEqual(lb.findVip(vipKey('192.0.2.1/32')), { rv: 0, index: vip });
      assert.equal(lb.findVip(vipKey('192.0.2.1/32', 17)).rv, LbRetval.NO_SUCH_ENTRY);
      assert.equal(lb.findVip(vipKey('192.0.2.1/32', 6, 81)).rv, LbRetval.NO_SUCH_ENTRY);
      assert.equal(lb.findVip(vipKey('192.0.2.1/31')).rv, LbRetval.NO_SUCH_ENTRY);
      assert.equal(lb.delVip(vip), 0);
      assert.equal(lb.findVip(vipKey('192.0.2.1/32')).rv, LbRetval.NO_SUCH_ENTRY);
      assert.equal(lb.delVip(0), LbRetval.INVALID_VALUE);
      assert.equal(lb.delVip(99), LbRetval.NO_SUCH_ENTRY);
      // The same VIP can be created again at once, under a new index.
      assert.notEqual(addVip(lb, '192.0.2.1/32'), vip);
    });

    test('all-port VIPs store protocol 255', () => {
      const lb = new LbPlugin({ generation, clock: new FakeClock() });
      const vip = addVip(lb, '192.0.2.1/32', { port: 0 });
      assert.equal(lb.vip(vip)?.protocol, 255);
      assert.equal(lb.vip(vip)?.port, 0);
    });

    test('NodePort clash: VALUE_EXIST after the VIP was created, and the port is never released', () => {
      const lb = new LbPlugin({ generation, clock: new FakeClock() });
      const nat = { type: LbVipType.IP4_NAT4, srvType: LbSrvType.NODEPORT, targetPort: 8080, port: 30080 };
      const first = addVip(lb, '192.0.2.1/32', nat);
      const second = lb.addVip(vipArgs('192.0.2.2/32', nat));
      assert.equal(second.rv, LbRetval.VALUE_EXIST);
      assert.equal(lb.vip(second.index)?.used, true);
      lb.delVip(first);
      assert.equal(lb.addVip(vipArgs('192.0.2.3/32', nat)).rv, LbRetval.VALUE_EXIST);
    });

    test('a zero-length table would kill VPP: the model throws LbSimulatedCrash', () => {
      const lb = new LbPlugin({ generation, clock: new FakeClock() });
      assert.throws(() => lb.addVip(vipArgs('192.0.2.1/32', { newFlowsTableLength: 0 })), LbSimulatedCrash);
      assert.equal(lb.vips().length, 0);
    });

    test('lb_conf: sticky buckets must pass is_pow2 (0 does); addresses always replaced', () => {
      const lb = new LbPlugin({ generation, clock: new FakeClock() });
      assert.equal(lb.config.stickyBucketsPerCore, 1024);
      assert.equal(lb.config.flowTimeout, 40);
      assert.deepEqual([...lb.config.ip4SrcAddress], [255, 255, 255, 255]);
      const conf = {
        ip4SrcAddress: Uint8Array.from([10, 0, 0, 1]),
        ip6SrcAddress: ip46FromText('2001:db8::1'),
        stickyBucketsPerCore: 1000,
        flowTimeout: 30,
      };
      assert.equal(lb.setConf(conf), LbRetval.INVALID_MEMORY_SIZE);
      assert.equal(lb.config.flowTimeout, 40);
      assert.equal(lb.setConf({ ...conf, stickyBucketsPerCore: 0 }), 0);
      assert.equal(lb.setConf({ ...conf, stickyBucketsPerCore: 4096 }), 0);
      assert.equal(lb.config.stickyBucketsPerCore, 4096);
      assert.equal(lb.config.flowTimeout, 30);
      assert.deepEqual([...lb.config.ip4SrcAddress], [10, 0, 0, 1]);
    });
  });

  describe(`AS rules (lb ${generation})`, () => {
    test('retvals: missing VIP, duplicate, wrong family, missing AS', () => {
      const lb = new LbPlugin({ generation, clock: new FakeClock() });
      const gre4 = addVip(lb, '192.0.2.1/32');
      const gre6 = addVip(lb, '2001:db8::1/128');
      const v6gre4 = addVip(lb, '2001:db8::2/128', { type: LbVipType.IP6_GRE4 });
      assert.equal(lb.addAs(42, ip46FromText('10.0.0.1')), LbRetval.NO_SUCH_ENTRY);
      assert.equal(lb.addAs(gre4, ip46FromText('10.0.0.1')), 0);
      assert.equal(lb.addAs(gre4, ip46FromText('10.0.0.1')), LbRetval.VALUE_EXIST);
      assert.equal(lb.addAs(gre4, ip46FromText('2001:db8::10')), LbRetval.INVALID_ADDRESS_FAMILY);
      assert.equal(lb.addAs(gre6, ip46FromText('10.0.0.1')), LbRetval.INVALID_ADDRESS_FAMILY);
      assert.equal(lb.addAs(gre6, ip46FromText('2001:db8::10')), 0);
      // The encap decides the AS family, not the VIP: an IPv6 VIP with GRE4 takes IPv4 ASes.
      assert.equal(lb.addAs(v6gre4, ip46FromText('10.0.0.1')), 0);
      assert.equal(lb.delAs(gre4, ip46FromText('10.0.0.2'), false), LbRetval.NO_SUCH_ENTRY);
      assert.equal(lb.delAs(42, ip46FromText('10.0.0.1'), false), LbRetval.NO_SUCH_ENTRY);
      assert.equal(lb.setAsWeight(gre4, ip46FromText('10.0.0.2'), 50, false), LbRetval.NO_SUCH_ENTRY);
    });

    test('lazy removal: flags 0 until GC, revived in place by a re-add, then freed after 10 s idle', async () => {
      const clock = new FakeClock();
      const lb = new LbPlugin({ generation, clock });
      const vip = addVip(lb, '192.0.2.1/32');
      for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) addAs(lb, vip, a);
      const asIndex = lb.ases(vip)[1]?.index;
      await clock.advance(5_000);
      assert.equal(lb.delAs(vip, ip46FromText('10.0.0.2'), false), 0);
      let two = lb.ases(vip)[1];
      assert.equal(two?.used, false);
      assert.equal(two?.flags, 0);
      assert.equal(two?.lastUsed, 5);
      assert.equal(two?.buckets, 0);
      // Deleting it again is fine (it is still on the VIP) and re-stamps it.
      await clock.advance(1_000);
      assert.equal(lb.delAs(vip, ip46FromText('10.0.0.2'), false), 0);
      assert.equal(lb.ases(vip)[1]?.lastUsed, 6);
      // set_weight needs it in use.
      assert.equal(lb.setAsWeight(vip, ip46FromText('10.0.0.2'), 10, false), LbRetval.NO_SUCH_ENTRY);
      // Re-adding revives the same entry (same AS index, same slot).
      assert.equal(lb.addAs(vip, ip46FromText('10.0.0.2')), 0);
      two = lb.ases(vip)[1];
      assert.equal(two?.index, asIndex);
      assert.equal(two?.used, true);
      // Removed again; GC frees it only once the VIP's 60 s GC period and the AS's 10 s are over.
      assert.equal(lb.delAs(vip, ip46FromText('10.0.0.2'), false), 0);
      lb.garbageCollect();
      assert.equal(lb.ases(vip).length, 3);
      await clock.advance(55_000); // uptime 61 s, removed 55 s ago
      lb.garbageCollect();
      assert.deepEqual(
        lb.ases(vip).map((a) => formatIp46(a.address)),
        ['10.0.0.1', '10.0.0.3'],
      );
      // Its pool index is the next one handed out, and the new AS lands in the freed VIP slot.
      addAs(lb, vip, '10.0.0.9');
      assert.deepEqual(
        lb.ases(vip).map((a) => [formatIp46(a.address), a.index]),
        [
          ['10.0.0.1', 1],
          ['10.0.0.9', asIndex],
          ['10.0.0.3', 3],
        ],
      );
    });

    test('GC also runs on AS add/delete, at most every 60 s per VIP', async () => {
      const clock = new FakeClock();
      const lb = new LbPlugin({ generation, clock });
      const vip = addVip(lb, '192.0.2.1/32');
      addAs(lb, vip, '10.0.0.1');
      addAs(lb, vip, '10.0.0.2');
      lb.delAs(vip, ip46FromText('10.0.0.1'), false);
      await clock.advance(61_000);
      // The add runs the VIP's GC after adding: 10.0.0.3 takes a new slot, then 10.0.0.1 goes.
      addAs(lb, vip, '10.0.0.3');
      assert.deepEqual(
        lb.ases(vip).map((a) => formatIp46(a.address)),
        ['10.0.0.2', '10.0.0.3'],
      );
      lb.delAs(vip, ip46FromText('10.0.0.2'), false);
      await clock.advance(30_000);
      addAs(lb, vip, '10.0.0.4'); // only 30 s since the last run: nothing freed
      assert.equal(lb.ases(vip).length, 3);
    });

    test('deleting a VIP removes its ASes lazily; GC frees the ASes, then the VIP', async () => {
      const clock = new FakeClock();
      const lb = new LbPlugin({ generation, clock });
      const vip = addVip(lb, '192.0.2.1/32');
      addAs(lb, vip, '10.0.0.1');
      addAs(lb, vip, '10.0.0.2');
      await clock.advance(1_000);
      assert.equal(lb.delVip(vip), 0);
      const view = lb.vip(vip);
      assert.equal(view?.used, false);
      assert.deepEqual(
        lb.ases(vip).map((a) => [a.flags, a.lastUsed]),
        [
          [0, 1],
          [0, 1],
        ],
      );
      assert.deepEqual([...new Set(lb.newFlowTable(vip))], [0]);
      lb.garbageCollect();
      assert.equal(lb.vips().length, 1);
      await clock.advance(60_000);
      lb.garbageCollect();
      assert.equal(lb.vips().length, 0);
      assert.equal(lb.asCount, 0);
    });

    test('a VIP without ASes in use drops everything (all buckets 0)', () => {
      const lb = new LbPlugin({ generation, clock: new FakeClock() });
      const vip = addVip(lb, '192.0.2.1/32', { newFlowsTableLength: 64 });
      assert.deepEqual([...new Set(lb.newFlowTable(vip))], [0]);
      assert.equal(lb.forwardHash(vip, 12345).counter, 'no server configured');
    });
  });

  describe(`Maglev table (lb ${generation})`, () => {
    test('bucket counts equal src/maglev for random AS sets, with removed ASes on the VIP', () => {
      const gen = generation === '1.2' ? 'master' : 'release';
      let seed = 7;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      for (let round = 0; round < 20; round++) {
        const lb = new LbPlugin({ generation, clock: new FakeClock() });
        const length = 2 ** (4 + Math.floor(random() * 9)); // 16 .. 4096
        const v6 = random() < 0.3;
        const vip = addVip(lb, v6 ? '2001:db8::1/128' : '192.0.2.1/32', {
          newFlowsTableLength: length,
          type: v6 ? LbVipType.IP6_GRE6 : LbVipType.IP4_GRE4,
        });
        const n = 1 + Math.floor(random() * 12);
        const expected: { address: string; weight: number }[] = [];
        for (let i = 0; i < n; i++) {
          const address = v6 ? `2001:db8::${(i * 37 + 5).toString(16)}` : `10.${i}.${(i * 7) % 256}.${i + 1}`;
          const weight = Math.floor(random() * 101);
          addAs(lb, vip, address, weight);
          if (random() < 0.2) lb.delAs(vip, ip46FromText(address), false);
          else expected.push({ address, weight: gen === 'release' ? 1 : weight });
        }
        const predicted = bucketCounts(buildTable(gen, expected, length), expected.length);
        const got = new Map(lb.ases(vip).map((a) => [formatIp46(a.address), a]));
        expected.forEach((e, i) => assert.equal(got.get(e.address)?.buckets, predicted[i], `${e.address}`));
        for (const a of got.values()) if (!a.used) assert.equal(a.buckets, 0);
        const total = lb.ases(vip).reduce((s, a) => s + a.buckets, 0);
        assert.equal(total, predicted.some((c) => c > 0) ? length : 0);
      }
    });

    test('insertion order does not matter', () => {
      const tables = [
        ['10.0.0.3', '10.0.0.1', '10.0.0.2'],
        ['10.0.0.2', '10.0.0.3', '10.0.0.1'],
      ].map((order) => {
        const lb = new LbPlugin({ generation, clock: new FakeClock() });
        const vip = addVip(lb, '192.0.2.1/32', { newFlowsTableLength: 16 });
        for (const a of order) addAs(lb, vip, a);
        return tableLetters(lb, vip, { '10.0.0.1': 'A', '10.0.0.2': 'B', '10.0.0.3': 'C' });
      });
      assert.equal(tables[0], tables[1]);
    });
  });
}

describe('Maglev table test vectors (docs/vpp-lb.md §Test vectors, §Observed on a running VPP)', () => {
  const ABC = { '10.0.0.1': 'A', '10.0.0.2': 'B', '10.0.0.3': 'C' };

  test('release, A/B/C, M=16: BAAAACAACCBCCBBB', () => {
    const lb = new LbPlugin({ generation: '1.1', clock: new FakeClock() });
    const vip = addVip(lb, '192.0.2.1/32', { newFlowsTableLength: 16 });
    for (const a of Object.keys(ABC)) addAs(lb, vip, a);
    assert.equal(tableLetters(lb, vip, ABC), 'BAAAACAACCBCCBBB');
  });

  test('master, A/B/C at weight 100, M=16: BAAAABBBBCCCAACC; all weights 1 equals the release', () => {
    const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
    const vip = addVip(lb, '192.0.2.1/32', { newFlowsTableLength: 16 });
    for (const a of Object.keys(ABC)) addAs(lb, vip, a);
    assert.equal(tableLetters(lb, vip, ABC), 'BAAAABBBBCCCAACC');
    for (const a of Object.keys(ABC)) lb.setAsWeight(vip, ip46FromText(a), 1, false);
    assert.equal(tableLetters(lb, vip, ABC), 'BAAAACAACCBCCBBB');
  });

  test('master, A weight 2, B weight 1, M=16: BAAAAAAAAAABBABB', () => {
    const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
    const vip = addVip(lb, '192.0.2.1/32', { newFlowsTableLength: 16 });
    addAs(lb, vip, '10.0.0.1', 2);
    addAs(lb, vip, '10.0.0.2', 1);
    assert.equal(tableLetters(lb, vip, ABC), 'BAAAAAAAAAABBABB');
  });

  test('release, X=2001:db8::1, Y=2001:db8::2, M=8: XYXXYXYY', () => {
    const lb = new LbPlugin({ generation: '1.1', clock: new FakeClock() });
    const vip = addVip(lb, '2001:db8::100/128', { newFlowsTableLength: 8 });
    addAs(lb, vip, '2001:db8::2');
    addAs(lb, vip, '2001:db8::1');
    assert.equal(tableLetters(lb, vip, { '2001:db8::1': 'X', '2001:db8::2': 'Y' }), 'XYXXYXYY');
  });

  test('master, 20 ASes at weight 100 in 64 buckets: the first four by address get 4, the rest 3', () => {
    const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
    const vip = addVip(lb, '192.0.2.1/32', { newFlowsTableLength: 64 });
    for (let i = 20; i >= 1; i--) addAs(lb, vip, `10.1.0.${i}`);
    const byAddress = lb
      .ases(vip)
      .sort((a, b) => (a.address[15] ?? 0) - (b.address[15] ?? 0))
      .map((a) => a.buckets);
    assert.deepEqual(byAddress, [4, 4, 4, 4, ...new Array<number>(16).fill(3)]);
  });

  test('master weights 100/50/10 in 1024 buckets: 627/327/70; weight 0 = no buckets but in use', () => {
    const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
    const vip = addVip(lb, '192.0.2.1/32');
    addAs(lb, vip, '10.0.0.1', 100);
    addAs(lb, vip, '10.0.0.2', 50);
    addAs(lb, vip, '10.0.0.3', 10);
    addAs(lb, vip, '10.0.0.4', 0);
    assert.deepEqual(
      lb.ases(vip).map((a) => [a.buckets, a.flags, a.weight]),
      [
        [627, 1, 100],
        [327, 1, 50],
        [70, 1, 10],
        [0, 1, 0],
      ],
    );
  });

  test('the release ignores weights', () => {
    const lb = new LbPlugin({ generation: '1.1', clock: new FakeClock() });
    const vip = addVip(lb, '192.0.2.1/32');
    addAs(lb, vip, '10.0.0.1', 100);
    addAs(lb, vip, '10.0.0.2', 0);
    addAs(lb, vip, '10.0.0.3', 10);
    assert.deepEqual(
      lb.ases(vip).map((a) => a.buckets),
      [342, 341, 341],
    );
  });
});

describe('data path hooks, flows and flush', () => {
  function setup(generation: LbGeneration = '1.2') {
    const clock = new FakeClock();
    const lb = new LbPlugin({ generation, clock });
    const vip = addVip(lb, '192.0.2.1/32');
    addAs(lb, vip, '10.0.0.1');
    addAs(lb, vip, '10.0.0.2');
    return { clock, lb, vip };
  }
  const flow = (srcPort: number) => ({
    src: '198.51.100.7',
    dst: '192.0.2.1',
    protocol: 6,
    srcPort,
    dstPort: 80,
  });

  test('first packet, then existing session; the chosen AS follows the table', () => {
    const { lb, vip } = setup();
    const first = lb.forwardFlow(vip, flow(40000));
    assert.equal(first.counter, 'first session packet');
    const hash = flowHash(flow(40000));
    assert.equal(first.asIndex, lb.newFlowTable(vip)[hash & 1023]);
    const again = lb.forwardFlow(vip, flow(40000));
    assert.equal(again.counter, 'packet from existing sessions');
    assert.equal(again.asIndex, first.asIndex);
    assert.deepEqual(lb.vip(vip)?.counters, {
      'packet from existing sessions': 1,
      'first session packet': 1,
      'untracked packet': 0,
      'no server configured': 0,
    });
    const flows = lb.ases(vip).map((a) => a.flows);
    assert.equal(
      flows.reduce((s, f) => s + f, 0),
      1,
    );
  });

  test('removal without flush keeps the flow on its AS; with flush it moves', () => {
    const { lb, vip } = setup();
    const first = lb.forwardFlow(vip, flow(40001));
    const address = first.address;
    assert.ok(address);
    lb.delAs(vip, address, false);
    assert.equal(lb.forwardFlow(vip, flow(40001)).asIndex, first.asIndex);
    assert.equal(lb.addAs(vip, address), 0);
    lb.delAs(vip, address, true);
    const moved = lb.forwardFlow(vip, flow(40001));
    assert.notEqual(moved.asIndex, first.asIndex);
    assert.equal(moved.counter, 'first session packet');
  });

  test('an AS with flows is not garbage collected', async () => {
    const { clock, lb, vip } = setup();
    const first = lb.forwardFlow(vip, flow(40002));
    assert.ok(first.address);
    lb.delAs(vip, first.address, false);
    await clock.advance(120_000);
    lb.garbageCollect();
    assert.equal(lb.ases(vip).length, 2);
    lb.flushVip(vip);
    assert.equal(lb.flows(first.asIndex), 0);
    await clock.advance(61_000);
    lb.garbageCollect();
    assert.equal(lb.ases(vip).length, 1);
  });

  test('set_weight with flush (master) evicts the AS flows; weight 0 without flush drains', () => {
    const { lb, vip } = setup();
    const first = lb.forwardFlow(vip, flow(40003));
    assert.ok(first.address);
    assert.equal(lb.setAsWeight(vip, first.address, 0, false), 0);
    assert.equal(lb.forwardFlow(vip, flow(40003)).asIndex, first.asIndex);
    assert.equal(lb.setAsWeight(vip, first.address, 0, true), 0);
    assert.notEqual(lb.forwardFlow(vip, flow(40003)).asIndex, first.asIndex);
  });

  test('lookupVip: longest prefix, then all-port or the exact port', () => {
    const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
    const wide = addVip(lb, '192.0.2.0/24', { port: 0 });
    const web = addVip(lb, '192.0.2.1/32', { port: 80 });
    const dst = ip46FromText('192.0.2.1');
    assert.equal(lb.lookupVip(dst, 6, 80), web);
    assert.equal(lb.lookupVip(dst, 6, 443), undefined);
    assert.equal(lb.lookupVip(ip46FromText('192.0.2.2'), 17, 53), wide);
    assert.equal(lb.lookupVip(ip46FromText('198.51.100.1'), 6, 80), undefined);
  });

  test('sticky buckets 0 is accepted by lb_conf but kills the worker on the next packet', () => {
    const { lb, vip } = setup();
    lb.setConf({ ...lb.config, stickyBucketsPerCore: 0 });
    assert.throws(() => lb.forwardHash(vip, 1), LbSimulatedCrash);
  });
});
