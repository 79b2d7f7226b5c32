// The forwarder over the lb plugin model in-process, with real sockets on loopback: every
// connection lands on the AS src/maglev predicts for its 5-tuple, src_ip_sticky, counters per
// connection and per chunk, drain (weight 0 / delete without flush) versus flush (reset), sticky
// expiry on a FakeClock, VIPs coming and going, unforwardable VIPs, NAT target ports and a clean
// close. IPv6 needs an address VPP does not mistake for IPv4 (::1/128 is 0.0.0.1/32 to the lb
// plugin): test/integration/forward-netns.test.ts.

import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import type { LbGeneration } from '../../src/vpp/index.js';
import {
  Forwarder,
  LbPlugin,
  LbSimulatedCrash,
  LbVipType,
  ip46FromText,
  parseVipPrefix,
  type LbVipAddArgs,
  type LbVipCounter,
} from '../../src/vppsim/index.js';
import { RecordingLogger } from '../helpers/logger.js';
import {
  VipClient,
  asPredictor,
  closeAll,
  openVia,
  startAsServers,
  startNamedServer,
  type NamedServer,
} from '../helpers/vppsim-forward.js';

const AS1 = '127.0.0.21';
const AS2 = '127.0.0.22';
const AS3 = '127.0.0.23';

interface Rig {
  lb: LbPlugin;
  fwd: Forwarder;
  logger: RecordingLogger;
  clock: FakeClock | undefined;
  port: number;
  servers: Map<string, NamedServer>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(
  opts: { generation?: LbGeneration; clock?: FakeClock; ases?: string[]; vipHosts?: string[] } = {},
): Promise<Rig> {
  const lb = new LbPlugin({ generation: opts.generation ?? '1.2', ...(opts.clock && { clock: opts.clock }) });
  const logger = new RecordingLogger();
  const fwd = new Forwarder({ lb, logger });
  fwd.start();
  cleanups.push(() => fwd.close());
  const { port, servers } = await startAsServers(opts.ases ?? [AS1, AS2, AS3], opts.vipHosts ?? []);
  cleanups.push(() => closeAll(servers));
  return { lb, fwd, logger, clock: opts.clock, port, servers };
}

function addVip(lb: LbPlugin, prefix: string, port: number, over: Partial<LbVipAddArgs> = {}): number {
  const args: LbVipAddArgs = {
    ...parseVipPrefix(prefix),
    protocol: port === 0 ? 255 : 6,
    port,
    type: prefix.includes(':') ? LbVipType.IP6_GRE6 : LbVipType.IP4_GRE4,
    newFlowsTableLength: 1024,
    ...over,
  };
  const { rv, index } = lb.addVip(args);
  assert.equal(rv, 0, `add VIP ${prefix}`);
  return index;
}

function addAs(lb: LbPlugin, vip: number, address: string, weight = 100): void {
  assert.equal(lb.addAs(vip, ip46FromText(address), { weight }), 0, `add AS ${address}`);
}

function counters(lb: LbPlugin, vip: number): Record<LbVipCounter, number> {
  const v = lb.vip(vip);
  assert.ok(v, `VIP ${vip}`);
  return { ...v.counters };
}

function counterSum(c: Record<LbVipCounter, number>): number {
  return Object.values(c).reduce((a, b) => a + b, 0);
}

/** Opens a client, tracked for cleanup. */
async function client(host: string, port: number, localAddress?: string): Promise<VipClient> {
  const c = await openVia(host, port, localAddress);
  cleanups.push(() => c.destroy());
  return c;
}

async function refused(host: string, port: number): Promise<boolean> {
  const c = new VipClient(host, port);
  return c.connected.then(
    () => {
      c.destroy();
      return false;
    },
    (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
  );
}

describe('placement', () => {
  test('every connection lands on the AS the Maglev table predicts for its 5-tuple', async () => {
    const r = await rig({ vipHosts: ['127.0.0.101'] });
    const vip = addVip(r.lb, '127.0.0.101', r.port);
    const ases = [
      { address: AS1, weight: 100 },
      { address: AS2, weight: 100 },
      { address: AS3, weight: 50 },
    ];
    for (const as of ases) addAs(r.lb, vip, as.address, as.weight);
    await r.fwd.settled();
    assert.deepEqual(
      r.fwd.listeners().map((l) => [l.key, l.state]),
      [[`127.0.0.101:${r.port}`, 'listening']],
    );
    const predict = asPredictor({ ases, vip: '127.0.0.101', port: r.port });

    const landed = new Map<string, number>();
    const total = 120;
    for (let i = 0; i < total; i++) {
      const source = `127.0.0.${31 + (i % 12)}`;
      const c = await client('127.0.0.101', r.port, source);
      const name = await c.line();
      assert.equal(name, predict(c.local), `client ${source}:${c.local.port}`);
      // The AS sees the client's own address, as it would behind GRE.
      const server = r.servers.get(name);
      assert.ok(server);
      assert.equal(server.seen.all.at(-1)?.address, source);
      landed.set(name, (landed.get(name) ?? 0) + 1);
      assert.equal(await c.end(), 'closed');
    }
    assert.equal(landed.size, 3, `spread: ${JSON.stringify([...landed])}`);
    const c = counters(r.lb, vip);
    // One lb decision per connection; no data was sent, so nothing else was counted.
    assert.equal(counterSum(c), total);
    assert.equal(c['no server configured'], 0);
    // Distinct 5-tuples: only a 32-bit hash collision (p ≈ 2e-6 here) could hit an existing entry.
    assert.equal(c['first session packet'] + c['untracked packet'], total);
  });

  test('src_ip_sticky: one client address stays on one AS across source ports', async () => {
    const r = await rig({ vipHosts: ['127.0.0.102'] });
    const vip = addVip(r.lb, '127.0.0.102', r.port, { srcIpSticky: true });
    const ases = [AS1, AS2, AS3].map((address) => ({ address, weight: 100 }));
    for (const as of ases) addAs(r.lb, vip, as.address);
    await r.fwd.settled();
    const predict = asPredictor({ ases, vip: '127.0.0.102', port: r.port, srcIpSticky: true });

    const names = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const c = await client('127.0.0.102', r.port, '127.0.0.51');
      names.add(await c.line());
      await c.end();
    }
    assert.equal(names.size, 1);
    assert.equal([...names][0], predict({ address: '127.0.0.51', port: 1 }));
    const sources = Array.from({ length: 8 }, (_, i) => `127.0.0.${52 + i}`);
    for (const source of sources) {
      const c = await client('127.0.0.102', r.port, source);
      assert.equal(await c.line(), predict({ address: source, port: 0 }), source);
      await c.end();
    }
    // The hash covers addresses only: each address's first connection is a new flow, every later
    // one from that address finds its sticky entry.
    const c = counters(r.lb, vip);
    assert.equal(c['first session packet'], 1 + sources.length);
    assert.equal(c['packet from existing sessions'], 19);
  });

  test('NAT4: the AS is reached on the target port', async () => {
    const r = await rig({ ases: [AS1] });
    // The VIP's own port: any port free on its address.
    const probe = await startNamedServer('probe', '127.0.0.103', 0);
    const vipPort = probe.port;
    await probe.close();
    const vip = addVip(r.lb, '127.0.0.103', vipPort, { type: LbVipType.IP4_NAT4, targetPort: r.port });
    addAs(r.lb, vip, AS1);
    await r.fwd.settled();
    const c = await client('127.0.0.103', vipPort);
    assert.equal(await c.line(), AS1);
    assert.deepEqual(
      r.fwd.connections().map((x) => [x.as, x.asPort]),
      [[AS1, r.port]],
    );
  });
});

describe('counters and open connections', () => {
  test('each chunk of client data is one packet from an existing session', async () => {
    const r = await rig({ vipHosts: ['127.0.0.104'] });
    const vip = addVip(r.lb, '127.0.0.104', r.port);
    addAs(r.lb, vip, AS1);
    await r.fwd.settled();
    const c = await client('127.0.0.104', r.port, '127.0.0.61');
    assert.equal(await c.line(), AS1);
    assert.equal(await c.ask('one'), `${AS1}:one`);
    assert.equal(await c.ask('two'), `${AS1}:two`);
    assert.deepEqual(counters(r.lb, vip), {
      'packet from existing sessions': 2,
      'first session packet': 1,
      'untracked packet': 0,
      'no server configured': 0,
    });
    assert.equal(r.lb.ases(vip)[0]?.flows, 1);
  });

  test('weight 0 without flush drains: no new connections, the open one keeps working; flush resets it', async () => {
    const r = await rig({ vipHosts: ['127.0.0.105'] });
    const vip = addVip(r.lb, '127.0.0.105', r.port);
    for (const as of [AS1, AS2, AS3]) addAs(r.lb, vip, as);
    await r.fwd.settled();
    const c1 = await client('127.0.0.105', r.port, '127.0.0.62');
    const drained = await c1.line();

    assert.equal(r.lb.setAsWeight(vip, ip46FromText(drained), 0, false), 0);
    const rest = [AS1, AS2, AS3].map((address) => ({ address, weight: address === drained ? 0 : 100 }));
    const predict = asPredictor({ ases: rest, vip: '127.0.0.105', port: r.port });
    for (let i = 0; i < 30; i++) {
      const c = await client('127.0.0.105', r.port, `127.0.0.${70 + (i % 5)}`);
      const name = await c.line();
      assert.notEqual(name, drained);
      assert.equal(name, predict(c.local));
      await c.end();
    }
    assert.equal(await c1.ask('still here'), `${drained}:still here`);
    assert.ok((r.lb.ases(vip).find((a) => a.weight === 0)?.flows ?? 0) >= 1);

    const server = r.servers.get(drained);
    assert.ok(server);
    const serverSide = server.nextClose();
    assert.equal(r.lb.setAsWeight(vip, ip46FromText(drained), 0, true), 0);
    assert.equal(await c1.ended, 'reset');
    assert.deepEqual(await serverSide, { hadError: true });
    assert.equal(r.lb.ases(vip).find((a) => a.weight === 0)?.flows, 0);
    assert.ok(r.logger.named('vppsim-forward-reset').some((e) => e.attrs['reason'] === 'flush'));
  });

  test('lb 1.1: AS delete without flush drains, with flush resets', async () => {
    const r = await rig({ generation: '1.1', vipHosts: ['127.0.0.106'] });
    const vip = addVip(r.lb, '127.0.0.106', r.port);
    for (const as of [AS1, AS2]) addAs(r.lb, vip, as);
    await r.fwd.settled();
    const c1 = await client('127.0.0.106', r.port, '127.0.0.63');
    const first = await c1.line();
    const other = first === AS1 ? AS2 : AS1;
    assert.equal(r.lb.delAs(vip, ip46FromText(first), false), 0);
    for (let i = 0; i < 10; i++) {
      const c = await client('127.0.0.106', r.port);
      assert.equal(await c.line(), other);
      await c.end();
    }
    assert.equal(await c1.ask('x'), `${first}:x`);
    // Re-adding revives the removed AS; deleting it again with flush tears the flow down.
    addAs(r.lb, vip, first);
    assert.equal(r.lb.delAs(vip, ip46FromText(first), true), 0);
    assert.equal(await c1.ended, 'reset');
  });

  test('lb_flush_vip resets every connection of that VIP and no other', async () => {
    const r = await rig({ vipHosts: ['127.0.0.107', '127.0.0.108'] });
    const vipA = addVip(r.lb, '127.0.0.107', r.port);
    const vipB = addVip(r.lb, '127.0.0.108', r.port);
    for (const as of [AS1, AS2, AS3]) {
      addAs(r.lb, vipA, as);
      addAs(r.lb, vipB, as);
    }
    await r.fwd.settled();
    const onA = await Promise.all([81, 82, 83, 84].map((n) => client('127.0.0.107', r.port, `127.0.0.${n}`)));
    const onB = await client('127.0.0.108', r.port);
    for (const c of [...onA, onB]) await c.line();
    assert.equal(r.fwd.connections().length, 5);
    r.lb.flushVip(vipA);
    for (const c of onA) assert.equal(await c.ended, 'reset');
    const name = await onB.ask('b');
    assert.match(name, /^127\.0\.0\.2\d:b$/);
    assert.equal(r.fwd.connections().length, 1);
  });

  test('sticky entries expire with the flow timeout: a drained AS keeps its flow only while it is fresh', async () => {
    const clock = new FakeClock();
    const r = await rig({ clock, vipHosts: ['127.0.0.109'] });
    assert.equal(r.lb.setConf({ ...r.lb.config, flowTimeout: 40 }), 0);
    const vip = addVip(r.lb, '127.0.0.109', r.port);
    for (const as of [AS1, AS2, AS3]) addAs(r.lb, vip, as);
    await r.fwd.settled();
    const drained = await client('127.0.0.109', r.port, '127.0.0.64');
    const drainedAs = await drained.line();
    assert.equal(r.lb.setAsWeight(vip, ip46FromText(drainedAs), 0, false), 0);
    // A second connection whose bucket the drain did not move (Maglev moves a few others too).
    const after = asPredictor({
      ases: [AS1, AS2, AS3].map((address) => ({ address, weight: address === drainedAs ? 0 : 100 })),
      vip: '127.0.0.109',
      port: r.port,
    });
    let kept: { c: VipClient; as: string } | undefined;
    for (let n = 65; kept === undefined && n < 100; n++) {
      const c = await client('127.0.0.109', r.port, `127.0.0.${n}`);
      const as = await c.line();
      if (as !== drainedAs && after(c.local) === as) kept = { c, as };
    }
    assert.ok(kept);

    // Within the timeout each chunk refreshes the entry.
    await clock.advance(30_000);
    assert.equal(await drained.ask('a'), `${drainedAs}:a`);
    await clock.advance(30_000);
    assert.equal(await drained.ask('b'), `${drainedAs}:b`);
    assert.equal(await kept.c.ask('a'), `${kept.as}:a`);

    // Idle past the timeout, the next chunk is a new flow and goes where the table says now: the
    // same AS for the kept connection; another AS for the drained one, which has no such
    // connection and resets it.
    const before = counters(r.lb, vip)['first session packet'];
    await clock.advance(41_000);
    assert.equal(await kept.c.ask('c'), `${kept.as}:c`);
    assert.equal(counters(r.lb, vip)['first session packet'], before + 1);
    drained.socket.write('c\n');
    assert.equal(await drained.ended, 'reset');
    const reset = r.logger.named('vppsim-forward-reset').at(-1);
    assert.match(String(reset?.attrs['reason']), /^moved-to-127\.0\.0\.2\d$/);
  });
});

describe('refusals', () => {
  test('a VIP without ASes: no server configured, the client is reset', async () => {
    const r = await rig({ vipHosts: ['127.0.0.110'] });
    const vip = addVip(r.lb, '127.0.0.110', r.port);
    await r.fwd.settled();
    const c = new VipClient('127.0.0.110', r.port);
    cleanups.push(() => c.destroy());
    assert.equal(await c.ended, 'reset');
    assert.equal(counters(r.lb, vip)['no server configured'], 1);
  });

  test('an AS that does not listen resets the client', async () => {
    const r = await rig({ ases: [AS1], vipHosts: ['127.0.0.111'] });
    const vip = addVip(r.lb, '127.0.0.111', r.port);
    addAs(r.lb, vip, '127.0.0.29'); // nothing listens there
    await r.fwd.settled();
    const c = new VipClient('127.0.0.111', r.port);
    cleanups.push(() => c.destroy());
    assert.equal(await c.ended, 'reset');
    assert.equal(counters(r.lb, vip)['first session packet'], 1);
  });

  test('a packet that kills the simulated worker (sticky buckets 0) is reported as a crash', async () => {
    const lb = new LbPlugin({ generation: '1.2' });
    const crashes: LbSimulatedCrash[] = [];
    const fwd = new Forwarder({ lb, onCrash: (e) => crashes.push(e) });
    fwd.start();
    cleanups.push(() => fwd.close());
    const { port, servers } = await startAsServers([AS1], ['127.0.0.112']);
    cleanups.push(() => closeAll(servers));
    const vip = addVip(lb, '127.0.0.112', port);
    addAs(lb, vip, AS1);
    assert.equal(lb.setConf({ ...lb.config, stickyBucketsPerCore: 0 }), 0);
    await fwd.settled();
    const c = new VipClient('127.0.0.112', port);
    cleanups.push(() => c.destroy());
    assert.equal(await c.ended, 'reset');
    assert.equal(crashes.length, 1);
    assert.ok(crashes[0] instanceof LbSimulatedCrash);
  });
});

describe('VIPs coming and going', () => {
  test('delete closes the listener; add opens it again; open connections follow the lb node', async () => {
    const r = await rig({ vipHosts: ['127.0.0.113'] });
    const key = `127.0.0.113:${r.port}`;
    let vip = addVip(r.lb, '127.0.0.113', r.port);
    for (const as of [AS1, AS2]) addAs(r.lb, vip, as);
    await r.fwd.settled();
    assert.ok(r.logger.named('vppsim-forward-listen').some((e) => e.attrs['vip'] === key));
    const survivor = await client('127.0.0.113', r.port, '127.0.0.91');
    const survivorAs = await survivor.line();
    const orphan = await client('127.0.0.113', r.port, '127.0.0.92');
    const orphanAs = await orphan.line();

    assert.equal(r.lb.delVip(vip), 0);
    await r.fwd.settled();
    assert.deepEqual(r.fwd.listeners(), []);
    assert.ok(await refused('127.0.0.113', r.port));
    assert.ok(r.logger.named('vppsim-forward-close').some((e) => e.attrs['vip'] === key));
    // A packet for a VIP that is gone: VPP drops it; the proxy can only reset.
    orphan.socket.write('x\n');
    assert.equal(await orphan.ended, 'reset');
    assert.ok(r.logger.named('vppsim-forward-reset').some((e) => e.attrs['reason'] === 'vip-gone'));
    void orphanAs;

    // Back with the same ASes: the same table, so the surviving flow lands where it was.
    vip = addVip(r.lb, '127.0.0.113', r.port);
    for (const as of [AS1, AS2]) addAs(r.lb, vip, as);
    await r.fwd.settled();
    assert.equal(r.fwd.listeners()[0]?.state, 'listening');
    assert.equal(await survivor.ask('back'), `${survivorAs}:back`);
    const fresh = await client('127.0.0.113', r.port);
    assert.match(await fresh.line(), /^127\.0\.0\.2[12]$/);
  });

  test('delete and add in one go never races itself for the port', async () => {
    const r = await rig({ ases: [AS1], vipHosts: ['127.0.0.114'] });
    for (let i = 0; i < 5; i++) {
      const vip = addVip(r.lb, '127.0.0.114', r.port);
      addAs(r.lb, vip, AS1);
      assert.equal(r.lb.delVip(vip), 0);
    }
    const vip = addVip(r.lb, '127.0.0.114', r.port);
    addAs(r.lb, vip, AS1);
    await r.fwd.settled();
    assert.deepEqual(
      r.fwd.listeners().map((l) => l.state),
      ['listening'],
    );
    assert.equal(r.logger.named('vppsim-forward-unavailable').length, 0);
    const c = await client('127.0.0.114', r.port);
    assert.equal(await c.line(), AS1);
  });

  test('VIPs that cannot be forwarded are reported once each and never bound', async () => {
    const r = await rig({ ases: [AS1] });
    addVip(r.lb, '192.0.2.1', r.port); // TEST-NET-1: not an address of this host
    addVip(r.lb, '127.0.0.115', r.port, { protocol: 17 });
    addVip(r.lb, '127.0.0.116', 0);
    addVip(r.lb, '127.0.1.0/24', r.port);
    addVip(r.lb, '127.0.0.117', r.port); // forwardable, and another change for the others
    await r.fwd.settled();
    const reasons = r.logger
      .named('vppsim-forward-unavailable')
      .map((e) => [e.level, e.attrs['vip'], String(e.attrs['reason']).split(':')[0]]);
    assert.deepEqual(reasons, [
      ['warn', `192.0.2.1/32 6:${r.port}`, 'address not local to this host'],
      ['warn', `127.0.0.115/32 17:${r.port}`, 'not a TCP VIP'],
      ['warn', '127.0.0.116/32 255:0', 'all-port VIP (port 0)'],
      ['warn', `127.0.1.0/24 6:${r.port}`, 'a prefix, not one address'],
    ]);
    assert.deepEqual(
      r.fwd.listeners().map((l) => l.key),
      [`127.0.0.117:${r.port}`],
    );
  });

  test('a port already taken is reported, not fatal', async () => {
    const r = await rig({ ases: [AS1] });
    // The AS server itself holds AS1:port; a VIP on that address and port cannot be bound.
    addVip(r.lb, AS1, r.port);
    await r.fwd.settled();
    const failed = r.logger.named('vppsim-forward-unavailable');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.attrs['reason'], 'cannot listen: EADDRINUSE');
    assert.equal(r.fwd.listeners()[0]?.state, 'failed');
  });
});

describe('shutdown', () => {
  test('close() resets open connections and frees the VIP ports', async () => {
    const lb = new LbPlugin({ generation: '1.2' });
    const fwd = new Forwarder({ lb });
    fwd.start();
    const { port, servers } = await startAsServers([AS1], ['127.0.0.118']);
    cleanups.push(() => closeAll(servers));
    const vip = addVip(lb, '127.0.0.118', port);
    addAs(lb, vip, AS1);
    await fwd.settled();
    const c = await client('127.0.0.118', port);
    assert.equal(await c.line(), AS1);
    await fwd.close();
    assert.equal(await c.ended, 'reset');
    assert.ok(await refused('127.0.0.118', port));
    assert.equal(lb.onChange.size, 0);
    // Later changes are ignored.
    addVip(lb, '127.0.0.119', port);
    assert.deepEqual(fwd.listeners(), []);
  });
});
