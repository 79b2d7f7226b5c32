// vppsim with --forward, driven the way maglevd drives VPP: lb messages over the real API socket
// with the src/vpp client. Real TCP clients connect to the VIP on loopback and land on AS servers
// that answer with their own name; `show lb vips verbose` (cli_inband) reports what they did.
// Covers both lb API generations: weights and lb_as_set_weight drain/flush on 1.2, AS delete with
// and without flush on 1.1, VIP delete closing the listener, and stopping the simulator.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  VppClient,
  cliInband,
  lbAddAs,
  lbAddVip,
  lbDelAs,
  lbDelVip,
  lbSetAsWeight,
  parseShowLbVipsVerbose,
  type CliLbVip,
  type LbGeneration,
  type LbVipKey,
} from '../../src/vpp/index.js';
import { VppSim } from '../../src/vppsim/index.js';
import { RecordingLogger } from '../helpers/logger.js';
import {
  VipClient,
  asPredictor,
  closeAll,
  openVia,
  startAsServers,
  type NamedServer,
} from '../helpers/vppsim-forward.js';

const AS1 = '127.0.0.24';
const AS2 = '127.0.0.25';
const AS3 = '127.0.0.26';

let dir = '';
let counter = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vppsim-forward-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Rig {
  sim: VppSim;
  client: VppClient;
  logger: RecordingLogger;
  port: number;
  servers: Map<string, NamedServer>;
  vip: LbVipKey;
  vipHost: string;
  /** The forwarder has caught up with the last API change. */
  settled(): Promise<void>;
  show(): Promise<CliLbVip>;
}

async function rig(lbGeneration: LbGeneration, vipHost: string): Promise<Rig> {
  const logger = new RecordingLogger();
  const { port, servers } = await startAsServers([AS1, AS2, AS3], [vipHost]);
  cleanups.push(() => closeAll(servers));
  const sim = await VppSim.start({
    socketPath: join(dir, `api-${++counter}.sock`),
    lbGeneration,
    logger,
    forward: true,
    gcIntervalMs: 0,
  });
  cleanups.push(() => sim.close());
  const client = await VppClient.connect({ socketPath: sim.socketPath, apiDir: null });
  cleanups.push(() => client.destroy());
  const vip: LbVipKey = { prefix: `${vipHost}/32`, protocol: 6, port };
  const forwarder = sim.forwarder;
  assert.ok(forwarder);
  return {
    sim,
    client,
    logger,
    port,
    servers,
    vip,
    vipHost,
    settled: () => forwarder.settled(),
    show: async () => {
      const vips = parseShowLbVipsVerbose(await cliInband(client, 'show lb vips verbose'));
      const found = vips.find((v) => v.prefix === vip.prefix && v.port === port && !v.removed);
      assert.ok(found, `VIP ${vip.prefix} in show lb vips verbose`);
      return found;
    },
  };
}

async function connect(r: Rig, source?: string): Promise<VipClient> {
  const c = await openVia(r.vipHost, r.port, source);
  cleanups.push(() => c.destroy());
  return c;
}

describe('lb 1.2 over the API socket', () => {
  test('placement by weight, counters in show lb vips verbose, drain with weight 0, flush resets', async () => {
    const r = await rig('1.2', '127.0.0.121');
    await lbAddVip(r.client, { ...r.vip, encap: 'gre4' });
    const weights = new Map([
      [AS1, 100],
      [AS2, 60],
      [AS3, 30],
    ]);
    for (const [address, weight] of weights) await lbAddAs(r.client, r.vip, { address, weight });
    await r.settled();
    assert.ok(r.logger.named('vppsim-forward-listen').some((e) => e.attrs['port'] === r.port));

    const ases = [...weights].map(([address, weight]) => ({ address, weight }));
    const predict = asPredictor({ ases, vip: r.vipHost, port: r.port });
    const total = 90;
    for (let i = 0; i < total; i++) {
      const c = await connect(r, `127.0.0.${131 + (i % 9)}`);
      assert.equal(await c.line(), predict(c.local));
      await c.end();
    }
    // One connection kept open, with two chunks of data.
    const open = await connect(r, '127.0.0.140');
    const drained = await open.line();
    assert.equal(await open.ask('1'), `${drained}:1`);
    assert.equal(await open.ask('2'), `${drained}:2`);

    let shown = await r.show();
    assert.ok(shown.counters);
    assert.equal(
      shown.counters.firstSessionPacket + shown.counters.untrackedPacket + shown.counters.existingSessions,
      total + 1 + 2,
    );
    assert.equal(shown.counters.noServerConfigured, 0);
    assert.ok(shown.counters.existingSessions >= 2);

    // Drain: weight 0 without flush. New connections avoid the AS; the open one keeps working.
    await lbSetAsWeight(r.client, r.vip, drained, 0);
    const rest = ases.map((a) => ({ ...a, weight: a.address === drained ? 0 : a.weight }));
    const predictRest = asPredictor({ ases: rest, vip: r.vipHost, port: r.port });
    for (let i = 0; i < 20; i++) {
      const c = await connect(r, `127.0.0.${131 + (i % 9)}`);
      const name = await c.line();
      assert.notEqual(name, drained);
      assert.equal(name, predictRest(c.local));
      await c.end();
    }
    assert.equal(await open.ask('3'), `${drained}:3`);
    shown = await r.show();
    const drainedLine = shown.ases.find((a) => a.address === drained);
    assert.equal(drainedLine?.buckets, 0);
    assert.ok((drainedLine?.flows ?? 0) >= 1);

    // Flush: the open connection is torn down, on both sides.
    await lbSetAsWeight(r.client, r.vip, drained, 0, { flush: true });
    assert.equal(await open.ended, 'reset');
    shown = await r.show();
    assert.equal(shown.ases.find((a) => a.address === drained)?.flows, 0);
  });

  test('AS delete with flush resets; VIP delete closes the listener', async () => {
    const r = await rig('1.2', '127.0.0.122');
    await lbAddVip(r.client, { ...r.vip, encap: 'gre4' });
    await lbAddAs(r.client, r.vip, { address: AS1 });
    await r.settled();
    const c = await connect(r);
    assert.equal(await c.line(), AS1);
    await lbDelAs(r.client, r.vip, AS1, { flush: true });
    assert.equal(await c.ended, 'reset');

    // No AS left: the bucket is empty, the client is reset and counted.
    const refusedByLb = new VipClient(r.vipHost, r.port);
    cleanups.push(() => refusedByLb.destroy());
    assert.equal(await refusedByLb.ended, 'reset');
    assert.equal((await r.show()).counters?.noServerConfigured, 1);

    await lbDelVip(r.client, r.vip);
    await r.settled();
    assert.deepEqual(r.sim.forwarder?.listeners(), []);
    const refused = new VipClient(r.vipHost, r.port);
    cleanups.push(() => refused.destroy());
    await assert.rejects(refused.connected, { code: 'ECONNREFUSED' });
  });
});

describe('lb 1.1 over the API socket', () => {
  test('AS delete without flush drains (open connection finishes), with flush resets', async () => {
    const r = await rig('1.1', '127.0.0.123');
    await lbAddVip(r.client, { ...r.vip, encap: 'gre4' });
    for (const address of [AS1, AS2]) await lbAddAs(r.client, r.vip, { address });
    await r.settled();
    const open = await connect(r, '127.0.0.141');
    const first = await open.line();
    const other = first === AS1 ? AS2 : AS1;

    await lbDelAs(r.client, r.vip, first);
    for (let i = 0; i < 10; i++) {
      const c = await connect(r);
      assert.equal(await c.line(), other);
      await c.end();
    }
    assert.equal(await open.ask('x'), `${first}:x`);
    // The open connection ends on its own, gracefully.
    assert.equal(await open.end(), 'closed');

    const second = await connect(r);
    assert.equal(await second.line(), other);
    await lbDelAs(r.client, r.vip, other, { flush: true });
    assert.equal(await second.ended, 'reset');
  });
});

describe('stopping', () => {
  test('closing the simulator resets proxied connections and closes the listeners', async () => {
    const r = await rig('1.2', '127.0.0.124');
    await lbAddVip(r.client, { ...r.vip, encap: 'gre4' });
    await lbAddAs(r.client, r.vip, { address: AS2 });
    await r.settled();
    const c = await connect(r);
    assert.equal(await c.line(), AS2);
    await r.sim.close();
    assert.equal(await c.ended, 'reset');
    const after = new VipClient(r.vipHost, r.port);
    cleanups.push(() => after.destroy());
    await assert.rejects(after.connected, { code: 'ECONNREFUSED' });
  });
});
