// The client against vppsim's API server over a real unix socket in a temp dir.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FakeClock } from '../../src/clock/index.js';
import {
  ApiDefinitions,
  VppApiError,
  VppClient,
  VppConnectionError,
  VppCrcMismatchError,
  LOGGED_DETAILS,
  VppTimeoutError,
  VppUnsupportedError,
  builtinSourcedFiles,
  connectUnix,
  getString,
  lbApi120,
  toApiPrefix,
  vnetErrorCode,
  type ApiJsonFile,
  type ApiMessage,
  type VppApiCallEvent,
  type VppClientOptions,
} from '../../src/vpp/index.js';
import { VppSimServer, type SimSession, type VppSimServerOptions } from '../../src/vppsim/index.js';
import { RecordingLogger } from '../helpers/logger.js';
import { withTempDir } from '../helpers/temp-dir.js';

interface Rig {
  readonly sim: VppSimServer;
  readonly socketPath: string;
  readonly connect: (opts?: Partial<VppClientOptions>) => Promise<VppClient>;
}

/** A started simulator in a temp dir; everything is closed afterwards. */
async function withSim(
  simOpts: Partial<VppSimServerOptions>,
  fn: (rig: Rig) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const socketPath = join(dir, 'api.sock');
    const sim = new VppSimServer({ socketPath, ...simOpts });
    await sim.start();
    const clients: VppClient[] = [];
    try {
      await fn({
        sim,
        socketPath,
        connect: async (opts = {}) => {
          const c = await VppClient.connect({ socketPath, apiDir: null, ...opts });
          clients.push(c);
          return c;
        },
      });
    } finally {
      for (const c of clients) c.destroy();
      await sim.close();
    }
  });
}

describe('VppClient against vppsim', () => {
  test('handshake: registers as vpp-maglev, learns the table, loads VPP’s own definitions', async () => {
    await withSim({ lbGeneration: '1.2', lbMsgIdBase: 400 }, async ({ sim, connect }) => {
      const client = await connect();
      assert.equal(client.clientIndex, 0x80000001);
      assert.equal(sim.clients[0]?.clientName, 'vpp-maglev');
      assert.equal(client.messageTable.size, sim.table.size);
      assert.equal(client.messageTable.id('sockclnt_create_455fb9c4'), 15);
      assert.equal(client.messageTable.id('control_ping_51077d14'), 23);
      assert.equal(client.messageTable.id('lb_conf_56cd3261'), 400);
      assert.equal(client.lbGeneration, '1.2');
      assert.ok(client.definitions.sources[0]?.startsWith('vpp:get_api_json'));
      assert.ok(client.hasMessage('lb_as_set_weight'));
    });
  });

  test('lb 1.1 is detected from the table; 1.2-only messages are unsupported, clearly', async () => {
    await withSim({ lbGeneration: '1.1' }, async ({ connect }) => {
      const client = await connect();
      assert.equal(client.lbGeneration, '1.1');
      assert.equal(client.hasMessage('lb_as_set_weight'), false);
      await assert.rejects(client.request('lb_as_set_weight'), (err: unknown) => {
        assert.ok(err instanceof VppUnsupportedError);
        assert.match(err.message, /^lb_as_set_weight: not in VPP’s message table/);
        return true;
      });
    });
  });

  test('request/reply with decoded fields; negative retval → VppApiError with the VNET name', async () => {
    await withSim({}, async ({ sim, connect }) => {
      sim.registerHandler('lb_add_del_as_v2', () => ({ retval: vnetErrorCode('NO_SUCH_ENTRY') }));
      const client = await connect();
      const version = await client.request('show_version');
      assert.equal(version['program'], 'vpe');
      const ping = await client.request('control_ping');
      assert.equal(ping['vpe_pid'], sim.pid);
      assert.equal(ping['client_index'], client.clientIndex);
      await assert.rejects(client.request('lb_add_del_as_v2', { weight: 1 }), (err: unknown) => {
        assert.ok(err instanceof VppApiError);
        assert.equal(err.msg, 'lb_add_del_as_v2');
        assert.equal(err.retval, -6);
        assert.equal(err.name, 'VNET_API_ERROR_NO_SUCH_ENTRY');
        return true;
      });
    });
  });

  test('dump + control_ping with the same context collects every detail', async () => {
    await withSim({}, async ({ sim, connect }) => {
      const vips = Array.from({ length: 50 }, (_, i) => ({
        vip: { pfx: toApiPrefix(`192.0.2.${i}/32`), protocol: 6, port: 80 + i },
        flow_table_length: 1024,
      }));
      let seenContext = -1;
      sim.registerHandler('lb_vip_dump', (_msg, ctx) => {
        seenContext = ctx.context;
        return vips;
      });
      const client = await connect();
      const details = await client.dump('lb_vip_dump');
      assert.equal(details.length, 50);
      assert.equal(details[49]?.['context'], seenContext);
      assert.deepEqual(await client.dump('lb_as_v2_dump'), []); // no handler: an empty stream
    });
  });

  test("a long dump's debug record counts every detail but carries the first LOGGED_DETAILS", async () => {
    await withSim({}, async ({ sim, connect }) => {
      const total = LOGGED_DETAILS + 36;
      sim.registerHandler('lb_vip_dump', () =>
        Array.from({ length: total }, (_, i) => ({
          vip: { pfx: toApiPrefix(`192.0.2.${i}/32`), protocol: 6, port: 1000 + i },
          flow_table_length: 1024,
        })),
      );
      const logger = new RecordingLogger();
      const client = await connect({ logger });
      assert.equal((await client.dump('lb_vip_dump')).length, total);
      const record = logger.named('vpp-api-recv-multi').at(-1);
      assert.equal(record?.attrs['count'], total);
      assert.equal((record?.attrs['details'] as unknown[]).length, LOGGED_DETAILS);
      assert.equal(record?.attrs['detailsOmitted'], 36);
      // The ones it carries are the first, decoded as before.
      const ports = (record?.attrs['details'] as Record<string, Record<string, unknown>>[]).map(
        (d) => d['vip']?.['port'],
      );
      assert.deepEqual(
        ports,
        Array.from({ length: LOGGED_DETAILS }, (_, i) => 1000 + i),
      );
    });
  });

  test('every call passes the wrapper: debug logs with decoded fields and a metrics event per message', async () => {
    await withSim({}, async ({ sim, connect }) => {
      sim.registerHandler('lb_conf', () => ({ retval: -70 }));
      const logger = new RecordingLogger();
      const metrics: VppApiCallEvent[] = [];
      const client = await connect({ logger, metrics: (e) => metrics.push(e) });
      metrics.length = 0;
      await client.request('control_ping');
      await client.dump('lb_vip_dump');
      await assert.rejects(client.request('lb_conf', { ip4_src_address: Uint8Array.from([10, 0, 0, 1]) }));
      assert.deepEqual(metrics, [
        { msg: 'control_ping', direction: 'send', result: 'success' },
        { msg: 'control_ping_reply', direction: 'recv', result: 'success' },
        { msg: 'lb_vip_dump', direction: 'send', result: 'success' },
        { msg: 'control_ping', direction: 'send', result: 'success' },
        { msg: 'lb_vip_details', direction: 'recv', result: 'success' },
        { msg: 'lb_conf', direction: 'send', result: 'success' },
        { msg: 'lb_conf_reply', direction: 'recv', result: 'failure' },
      ]);
      const sent = logger.named('vpp-api-send').at(-1);
      assert.equal(sent?.level, 'debug');
      assert.equal(sent?.attrs['message'], 'lb_conf');
      assert.deepEqual((sent?.attrs['fields'] as Record<string, unknown>)['ip4_src_address'], '0a000001');
      const recv = logger.named('vpp-api-recv').at(-1);
      assert.equal(recv?.attrs['message'], 'lb_conf_reply');
      assert.equal(recv?.attrs['retval'], -70);
      assert.equal(logger.named('vpp-api-send-multi').at(-1)?.attrs['message'], 'lb_vip_dump');
      assert.equal(logger.named('vpp-api-recv-multi').at(-1)?.attrs['count'], 0);
    });
  });

  test('a call without a reply times out on the injected clock', async () => {
    await withSim({}, async ({ sim, connect }) => {
      const clock = new FakeClock();
      const received = new Promise<void>((resolve) =>
        sim.registerHandler('lb_conf', () => {
          resolve();
          return undefined; // never answer
        }),
      );
      const metrics: VppApiCallEvent[] = [];
      const client = await connect({ clock, requestTimeoutMs: 2000, metrics: (e) => metrics.push(e) });
      const call = client.request('lb_conf');
      const rejected = assert.rejects(
        call,
        (err: unknown) => err instanceof VppTimeoutError && err.timeoutMs === 2000,
      );
      await received;
      await clock.advance(1999);
      await clock.advance(1);
      await rejected;
      assert.deepEqual(metrics.at(-1), { msg: 'lb_conf_reply', direction: 'recv', result: 'failure' });
      // The connection is still good, and a per-call timeout overrides the default.
      assert.equal((await client.request('control_ping', {}, { timeoutMs: 10 }))['retval'], 0);
    });
  });

  test('a dump times out after the timeout without a message, however long it keeps sending', async () => {
    await withSim({}, async ({ sim, connect }) => {
      const clock = new FakeClock();
      // The dump's details are sent by hand, and its closing control_ping is held back.
      let dump: { context: number; session: SimSession } | undefined;
      const started = new Promise<void>((resolve) =>
        sim.registerHandler('lb_vip_dump', (_msg, { context, session }) => {
          dump = { context, session };
          resolve();
          return undefined;
        }),
      );
      sim.registerHandler('control_ping', (_msg, { context }) =>
        context === dump?.context ? undefined : {},
      );
      const client = await connect({ clock, requestTimeoutMs: 2000 });
      const details = client.dump('lb_vip_dump');
      await started;
      const held = dump;
      assert.ok(held);
      for (let i = 0; i < 3; i++) {
        await clock.advance(1500);
        held.session.send('lb_vip_details', {
          context: held.context,
          vip: { pfx: toApiPrefix(`192.0.2.${i}/32`), protocol: 6, port: 80 },
        });
        // A ping of its own, answered after the detail on the same socket: the detail is in.
        await client.request('control_ping');
      }
      // 4.5 s since the request, never 2 s without a message: still alive.
      held.session.send('control_ping_reply', { context: held.context, retval: 0 });
      assert.equal((await details).length, 3);

      // A dump that goes quiet times out 2 s after its last message.
      const quiet = client.dump('lb_vip_dump');
      const rejected = assert.rejects(quiet, (err: unknown) => err instanceof VppTimeoutError);
      await clock.advance(1999);
      await clock.advance(1);
      await rejected;
    });
  });

  test('a reply already in the socket wins over a timeout that fell due while the process was busy', async () => {
    await withSim({}, async ({ sim, connect }) => {
      // Resolved once the reply has been written (the write happens before immediates run).
      const answered = new Promise<void>((resolve) =>
        sim.registerHandler('lb_conf', () => {
          setImmediate(resolve);
          return {};
        }),
      );
      const client = await connect();
      const call = client.request('lb_conf', {}, { timeoutMs: 20 });
      await answered;
      // The process is starved past the timeout with the reply unread: on the next turn of the
      // event loop the timer runs before the socket is read.
      const until = performance.now() + 60;
      while (performance.now() < until);
      assert.equal((await call)['retval'], 0);
    });
  });

  test('unknown ids and truncated messages are dropped and counted, both ways', async () => {
    await withSim({}, async ({ sim, socketPath, connect }) => {
      const client = await connect();
      // Toward vppsim: a raw connection sending garbage, then a real request still works.
      const raw = await connectUnix(socketPath);
      raw.send(Buffer.from([0xff, 0xfe, 0, 0])); // no such id
      raw.send(Buffer.from([0x00])); // shorter than an id
      const ping = Buffer.alloc(10);
      ping.writeUInt16BE(23, 0);
      raw.send(ping.subarray(0, 6)); // truncated control_ping
      raw.send(ping); // a whole one, but unregistered: no reply (bad client_index)
      const create = Buffer.alloc(70);
      create.writeUInt16BE(15, 0);
      const replied = raw.onMessage.next();
      raw.send(create);
      await replied; // messages are handled in order: the drops above have happened
      assert.equal(sim.stats.droppedUnknownId, 1);
      assert.equal(sim.stats.droppedTruncated, 2);
      assert.equal(sim.stats.droppedBadClientIndex, 1);
      raw.destroy();

      // Toward the client: vppsim sends an unknown id and a truncated reply, then a good one.
      const session = sim.clients.find((s) => s.clientName === 'vpp-maglev');
      assert.ok(session);
      session.framed.send(Buffer.from([0xfe, 0xed, 1, 2, 3]));
      const truncated = sim.encode('control_ping_reply', { context: 12345 }).subarray(0, 8);
      session.framed.send(truncated);
      const event = client.onUnsolicited.next();
      session.send('control_ping_reply', { context: 0, vpe_pid: 1 });
      assert.equal((await event).name, 'control_ping_reply');
      assert.equal(client.stats.droppedUnknownId, 1);
      assert.equal(client.stats.droppedUndecodable, 1);
      assert.equal((await client.request('control_ping'))['retval'], 0);
    });
  });

  test('our definitions disagreeing with VPP’s table is a CRC mismatch naming the message', async () => {
    await withSim({}, async ({ connect }) => {
      const altered: ApiJsonFile = {
        ...lbApi120,
        messages: (lbApi120.messages ?? []).map((m) =>
          m[0] === 'lb_add_del_vip_v2'
            ? ([...m.slice(0, -1), { crc: '0xdeadbeef' }] as unknown as ApiMessage)
            : m,
        ),
      };
      const definitions = new ApiDefinitions([
        { source: 'test:altered-lb', file: altered },
        ...builtinSourcedFiles().filter((f) => !f.source.includes('lb.api.json')),
      ]);
      const client = await connect({ definitions, useVppApiJson: false });
      await assert.rejects(client.request('lb_add_del_vip_v2'), (err: unknown) => {
        assert.ok(err instanceof VppCrcMismatchError);
        assert.equal(err.message, 'lb_add_del_vip_v2: CRC 0x7c520e0f in VPP, 0xdeadbeef in our definitions');
        return true;
      });
      // With VPP's own definitions loaded the same client set-up works.
      const good = await connect({ definitions });
      assert.equal(good.definitions.message('lb_add_del_vip_v2')?.crc, '7c520e0f');
    });
  });

  test('a large reply (1 MiB of CLI text) and an answered keepalive', async () => {
    await withSim({}, async ({ sim, connect }) => {
      const big = 'x'.repeat(1024 * 1024 - 1) + '\n';
      sim.registerCli((cmd) => (cmd === 'show big' ? big : undefined));
      const keepaliveReply = new Promise<number>((resolve) =>
        sim.registerHandler('memclnt_keepalive_reply', (msg) => {
          resolve(msg['context'] as number);
          return undefined;
        }),
      );
      const client = await connect();
      assert.equal((await client.request('cli_inband', { cmd: 'show big' }))['reply'], big);
      assert.match(
        getString(await client.request('cli_inband', { cmd: 'show version' }), 'reply'),
        /^vpp v26/,
      );
      assert.match(
        getString(await client.request('cli_inband', { cmd: 'frobnicate' }), 'reply'),
        /unknown input/,
      );
      sim.clients[0]?.send('memclnt_keepalive', { client_index: client.clientIndex, context: 77 });
      assert.equal(await keepaliveReply, 77);
    });
  });

  test('close says sockclnt_delete, VPP hangs up; later calls fail with a connection error', async () => {
    await withSim({}, async ({ sim, connect }) => {
      const deleted = new Promise<void>((resolve) => {
        const off = sim.registerHandler('sockclnt_delete', (msg, { session }) => {
          off();
          resolve();
          setImmediate(() => session.end());
          return { response: msg['index'] === session.clientIndex ? 1 : -1 };
        });
      });
      const client = await connect();
      const closed = client.onClose.next();
      await client.close();
      await deleted;
      await closed;
      assert.equal(client.isOpen, false);
      await assert.rejects(client.request('control_ping'), VppConnectionError);
    });
  });

  test('many requests in flight: replies out of order still reach their own call, errors included', async () => {
    await withSim({}, async ({ sim, connect }) => {
      // Hold the replies until all eight requests are in, then answer them last to first; the
      // odd ones are refused.
      const held: { context: number; session: SimSession }[] = [];
      const all = new Promise<void>((resolve) =>
        sim.registerHandler('lb_conf', (_msg, { context, session }) => {
          held.push({ context, session });
          if (held.length === 8) resolve();
          return undefined;
        }),
      );
      const client = await connect();
      const calls = Array.from({ length: 8 }, () => client.request('lb_conf'));
      const contexts = await all.then(() => held.map((h) => h.context));
      for (const h of [...held].reverse()) {
        const refused = contexts.indexOf(h.context) % 2 === 1;
        h.session.send('lb_conf_reply', { context: h.context, retval: refused ? -73 : 0 });
      }
      const outcomes = await Promise.allSettled(calls);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected'],
      );
      for (const o of outcomes)
        if (o.status === 'rejected') assert.equal((o.reason as VppApiError).retval, -73);
    });
  });

  test('pending calls fail at once when VPP goes away', async () => {
    await withSim({}, async ({ sim, connect }) => {
      const received = new Promise<void>((resolve) =>
        sim.registerHandler('lb_conf', () => (resolve(), undefined)),
      );
      const client = await connect();
      const call = client.request('lb_conf');
      await received;
      sim.dropClients();
      await assert.rejects(call, /connection to VPP closed/);
    });
  });
});
