// `show lb vips verbose` and friends, character for character: the sample of
// docs/vpp-lb.md §show lb vips verbose (observed on a running VPP) must come out verbatim, and the release's
// AS-line format, the short form, `show lb` and VPP's word abbreviations behave as VPP's CLI does.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import {
  LbPlugin,
  LbSrvType,
  LbVipType,
  ip46FromText,
  parseVipPrefix,
  runLbCli,
  showLb,
  showLbVips,
  type LbVipAddArgs,
} from '../../src/vppsim/index.js';
import type { LbGeneration } from '../../src/vpp/index.js';

function vip(prefix: string, over: Partial<LbVipAddArgs> = {}): LbVipAddArgs {
  return {
    ...parseVipPrefix(prefix),
    protocol: 6,
    port: 80,
    type: prefix.includes(':') ? LbVipType.IP6_GRE6 : LbVipType.IP4_GRE4,
    newFlowsTableLength: 1024,
    ...over,
  };
}

/**
 * The state behind the sample of docs/vpp-lb.md §show lb vips verbose (weights of .3/.5 chosen to give .1
 * its 776).
 */
function sampleState(generation: LbGeneration): LbPlugin {
  const lb = new LbPlugin({ generation, clock: new FakeClock() });
  const { index } = lb.addVip(vip('192.0.2.1/32'));
  const add = (a: string, weight: number) => assert.equal(lb.addAs(index, ip46FromText(a), { weight }), 0);
  add('10.1.0.1', 100);
  add('10.1.0.2', 0);
  add('10.1.0.3', 10);
  add('10.1.0.4', 10);
  add('10.1.0.5', 21);
  assert.equal(lb.delAs(index, ip46FromText('10.1.0.4'), false), 0);
  return lb;
}

describe('show lb vips verbose', () => {
  test('master: the sample of docs/vpp-lb.md §show lb vips verbose, verbatim', () => {
    const sample = [
      ' ip4-gre4 [1] 192.0.2.1/32',
      '  new_size:1024',
      '  protocol:6 port:80',
      '  counters:',
      '    packet from existing sessions: 0',
      '    first session packet: 0',
      '    untracked packet: 0',
      '    no server configured: 0',
      '  #as:5',
      '    10.1.0.1 weight:100 buckets:776 flows:0 dpo:9 used',
      '    10.1.0.2 weight:0 buckets:0 flows:0 dpo:10 used',
      '    10.1.0.3 weight:10 buckets:80 flows:0 dpo:11 used',
      '    10.1.0.4 weight:10 buckets:0 flows:0 dpo:12  removed',
      '    10.1.0.5 weight:21 buckets:168 flows:0 dpo:13 used',
    ];
    // VPP prints each block with "%U\n": the block's own last newline plus an empty line.
    assert.equal(runLbCli(sampleState('1.2'), 'show lb vips verbose'), sample.join('\n') + '\n\n');
  });

  test('release: `<addr> <n> buckets   <n> flows  dpo:<n> used|removed`, no weights', () => {
    const out = runLbCli(sampleState('1.1'), 'show lb vips verbose') ?? '';
    const asLines = out.split('\n').filter((l) => l.startsWith('    10.'));
    assert.deepEqual(asLines, [
      '    10.1.0.1 256 buckets   0 flows  dpo:9 used',
      '    10.1.0.2 256 buckets   0 flows  dpo:10 used',
      '    10.1.0.3 256 buckets   0 flows  dpo:11 used',
      '    10.1.0.4 0 buckets   0 flows  dpo:12  removed',
      '    10.1.0.5 256 buckets   0 flows  dpo:13 used',
    ]);
  });

  test('counters, src_ip_sticky, all-port VIPs, removed VIPs, IPv6, several blocks in pool order', () => {
    const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
    const a = lb.addVip(vip('192.0.2.1/32', { srcIpSticky: true })).index;
    const b = lb.addVip(vip('2001:db8::/64', { port: 0, protocol: 255, newFlowsTableLength: 16 })).index;
    lb.addAs(b, ip46FromText('2001:db8:1::1'));
    lb.countPacket(a, 'untracked packet', 3);
    lb.countPacket(a, 'no server configured', 12);
    const c = lb.addVip(vip('192.0.2.2/32')).index;
    lb.delVip(c);
    assert.equal(
      showLbVips(lb, true),
      [
        ' ip4-gre4 [1] 192.0.2.1/32 src_ip_sticky',
        '  new_size:1024',
        '  protocol:6 port:80',
        '  counters:',
        '    packet from existing sessions: 0',
        '    first session packet: 0',
        '    untracked packet: 3',
        '    no server configured: 12',
        '  #as:0',
        '',
        ' ip6-gre6 [2] 2001:db8::/64',
        '  new_size:16',
        '  counters:',
        '    packet from existing sessions: 0',
        '    first session packet: 0',
        '    untracked packet: 0',
        '    no server configured: 0',
        '  #as:1',
        '    2001:db8:1::1 weight:100 buckets:16 flows:0 dpo:10 used',
        '',
        ' ip4-gre4 [3] 192.0.2.2/32 removed',
        '  new_size:1024',
        '  protocol:6 port:80',
        '  counters:',
        '    packet from existing sessions: 0',
        '    first session packet: 0',
        '    untracked packet: 0',
        '    no server configured: 0',
        '  #as:0',
        '',
        '',
      ].join('\n'),
    );
  });

  test('L3DSR prints dscp; NAT prints VPP’s run-on line with the byte-swapped port', () => {
    const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
    lb.addVip(vip('192.0.2.1/32', { type: LbVipType.IP4_L3DSR, dscp: 10 }));
    lb.addVip(
      vip('192.0.2.2/32', {
        type: LbVipType.IP4_NAT4,
        srvType: LbSrvType.CLUSTERIP,
        port: 80,
        targetPort: 8080,
      }),
    );
    const lines = showLbVips(lb, true).split('\n');
    assert.ok(lines.includes(' ip4-l3dsr [1] 192.0.2.1/32'));
    assert.ok(lines.includes('  dscp:10'));
    assert.ok(lines.includes('  type:clusterip port:20480 target_port:8080  counters:'));
  });
});

describe('show lb vips (short)', () => {
  test('one line per VIP, format_lb_vip', () => {
    const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
    const a = lb.addVip(vip('192.0.2.1/32', { port: 0, protocol: 255 })).index;
    lb.addAs(a, ip46FromText('10.0.0.1'));
    lb.addAs(a, ip46FromText('10.0.0.2'));
    lb.addVip(vip('192.0.2.2/32'));
    assert.equal(
      runLbCli(lb, 'sh lb vi'),
      'ip4-gre4 192.0.2.1/32 new_size:1024 #as:2\n' +
        'ip4-gre4 192.0.2.2/32 new_size:1024 #as:0  protocol:6 port:80 \n',
    );
  });
});

describe('show lb', () => {
  test('format_lb_main, with the worker sticky table once a packet made it', () => {
    const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
    assert.equal(
      showLb(lb),
      'lb_main ip4-src-address: 255.255.255.255 \n' +
        ' ip6-src-address: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff \n' +
        ' #vips: 1\n' +
        ' #ass: 0\n',
    );
    const v = lb.addVip(vip('192.0.2.1/32')).index;
    lb.addAs(v, ip46FromText('10.0.0.1'));
    lb.forwardHash(v, 99);
    assert.equal(
      runLbCli(lb, 'show lb'),
      'lb_main ip4-src-address: 255.255.255.255 \n' +
        ' ip6-src-address: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff \n' +
        ' #vips: 2\n' +
        ' #ass: 1\n' +
        'core 0\n' +
        '  timeout: 40s\n' +
        '  usage: 1 / 1027\n',
    );
  });
});

describe('command matching', () => {
  const lb = new LbPlugin({ generation: '1.2', clock: new FakeClock() });
  for (const cmd of [
    'show lb vips verbose',
    'sh lb vips verbose',
    'sho  lb v verbose',
    '  show lb vip verbose ',
  ]) {
    test(`"${cmd}" is verbose`, () => assert.equal(runLbCli(lb, cmd), showLbVips(lb, true)));
  }
  for (const cmd of ['show lb vips', 'show lb vips verb', 'show lb vips bogus']) {
    test(`"${cmd}" is the short form`, () => assert.equal(runLbCli(lb, cmd), showLbVips(lb, false)));
  }
  for (const cmd of ['s lb vips', 'show l vips', 'show lb x', 'show version', 'lb vip 1.2.3.4/32', '']) {
    test(`"${cmd}" is not an lb show command`, () => assert.equal(runLbCli(lb, cmd), undefined));
  }
});
