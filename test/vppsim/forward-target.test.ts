// Which VIPs the forwarder serves (pure: the plan from the model's VIP list), where their ASes are
// reached, which addresses count as local, and the --forward flag.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LbPlugin,
  LbVipType,
  forwardPlan,
  isLocalAddress,
  parseVipPrefix,
  parseVppsimArgs,
  targetKey,
  upstreamPort,
  vipAddress,
  type LbVipAddArgs,
} from '../../src/vppsim/index.js';

function lbWith(vips: (Omit<Partial<LbVipAddArgs>, 'prefix'> & { prefix: string })[]): LbPlugin {
  const lb = new LbPlugin({ generation: '1.2' });
  for (const { prefix, ...over } of vips) {
    const port = over.port ?? 80;
    const { rv } = lb.addVip({
      ...parseVipPrefix(prefix),
      protocol: port === 0 ? 255 : 6,
      port,
      type: prefix.includes(':') ? LbVipType.IP6_GRE6 : LbVipType.IP4_GRE4,
      newFlowsTableLength: 1024,
      ...over,
    });
    assert.equal(rv, 0, prefix);
  }
  return lb;
}

const everyAddressLocal = (): boolean => true;

describe('forwardPlan', () => {
  test('one listener per in-use TCP host VIP, keyed address:port', () => {
    const lb = lbWith([
      { prefix: '127.0.0.100', port: 80 },
      { prefix: '127.0.0.100', port: 443 },
      { prefix: '2001:db8::1', port: 80 },
    ]);
    const plan = forwardPlan(lb.vips(), everyAddressLocal);
    assert.deepEqual(
      [...plan.targets.values()],
      [
        { key: '127.0.0.100:80', address: '127.0.0.100', port: 80 },
        { key: '127.0.0.100:443', address: '127.0.0.100', port: 443 },
        { key: '[2001:db8::1]:80', address: '2001:db8::1', port: 80 },
      ],
    );
    assert.deepEqual(plan.skipped, []);
  });

  test('deleted VIPs are not served', () => {
    const lb = lbWith([{ prefix: '127.0.0.100' }]);
    assert.equal(lb.delVip(1), 0);
    assert.equal(forwardPlan(lb.vips(), everyAddressLocal).targets.size, 0);
  });

  test('all-port, UDP, prefix and non-local VIPs are skipped with a reason', () => {
    const lb = lbWith([
      { prefix: '127.0.0.101', port: 0 },
      { prefix: '127.0.0.102', protocol: 17 },
      { prefix: '10.0.0.0/8' },
      { prefix: '192.0.2.1' },
    ]);
    const plan = forwardPlan(lb.vips(), (a) => a.startsWith('127.') || a === '10.0.0.0');
    assert.equal(plan.targets.size, 0);
    assert.deepEqual(
      plan.skipped.map((s) => [s.vipIndex, s.vip, s.reason]),
      [
        [1, '127.0.0.101/32 255:0', 'all-port VIP (port 0): no single port to listen on'],
        [2, '127.0.0.102/32 17:80', 'not a TCP VIP: only TCP is forwarded'],
        [3, '10.0.0.0/8 6:80', 'a prefix, not one address: nothing to listen on'],
        [4, '192.0.2.1/32 6:80', 'address not local to this host: never bound'],
      ],
    );
  });

  test('::1/128 is 0.0.0.1/32 to the lb plugin (ip46 form), so it is never an IPv6 listener', () => {
    const lb = lbWith([{ prefix: '::1', type: LbVipType.IP4_GRE4 }]);
    const [vip] = lb.vips();
    assert.ok(vip);
    assert.equal(vipAddress(vip), '0.0.0.1');
    assert.deepEqual(
      forwardPlan(lb.vips(), isLocalAddress).skipped.map((s) => s.vip),
      ['0.0.0.1/32 6:80'],
    );
  });
});

describe('upstreamPort', () => {
  test('GRE keeps the VIP port; NAT uses the target port (when set)', () => {
    const lb = lbWith([
      { prefix: '127.0.0.100', port: 80 },
      { prefix: '127.0.0.101', port: 80, type: LbVipType.IP4_NAT4, targetPort: 8080 },
      { prefix: '127.0.0.102', port: 80, type: LbVipType.IP4_NAT4 },
    ]);
    assert.deepEqual(
      lb.vips().map((v) => upstreamPort(v)),
      [80, 8080, 80],
    );
  });
});

describe('addresses', () => {
  test('loopback and interface addresses are local; documentation addresses are not', () => {
    assert.equal(isLocalAddress('127.0.0.1'), true);
    assert.equal(isLocalAddress('127.1.2.3'), true);
    assert.equal(isLocalAddress('::1'), true);
    assert.equal(isLocalAddress('192.0.2.1'), false);
    assert.equal(isLocalAddress('2001:db8::1'), false);
  });

  test('keys put IPv6 addresses in brackets', () => {
    assert.equal(targetKey('127.0.0.1', 80), '127.0.0.1:80');
    assert.equal(targetKey('2001:db8::1', 443), '[2001:db8::1]:443');
  });
});

describe('--forward', () => {
  test('off unless given', () => {
    const plain = parseVppsimArgs(['--api-socket', '/tmp/a.sock']);
    assert.equal(plain.kind, 'run');
    assert.equal(plain.kind === 'run' && plain.options.forward, undefined);
    const on = parseVppsimArgs(['--api-socket', '/tmp/a.sock', '--forward']);
    assert.equal(on.kind === 'run' && on.options.forward, true);
    assert.deepEqual(parseVppsimArgs(['--api-socket', '/tmp/a.sock', '--forward=yes']).kind, 'usage-error');
    const help = parseVppsimArgs(['--help']);
    assert.match(help.kind === 'help' ? help.text : '', /--forward/);
  });
});
