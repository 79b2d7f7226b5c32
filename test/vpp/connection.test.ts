// The connection manager: real sockets to vppsim, the 10 s ping and 5 s reconnect driven by FakeClock.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FakeClock } from '../../src/clock/index.js';
import { VppClient, VppConnection, lbConf, type VppConnectionOptions } from '../../src/vpp/index.js';
import { VppSimServer } from '../../src/vppsim/index.js';
import { RecordingLogger } from '../helpers/logger.js';
import { withTempDir } from '../helpers/temp-dir.js';

interface Rig {
  readonly socketPath: string;
  readonly clock: FakeClock;
  readonly logger: RecordingLogger;
  readonly startSim: (pid: number, lbMsgIdBase?: number) => Promise<VppSimServer>;
  readonly connection: (opts?: Partial<VppConnectionOptions>) => VppConnection;
}

async function withRig(fn: (rig: Rig) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const socketPath = join(dir, 'api.sock');
    const clock = new FakeClock();
    const logger = new RecordingLogger();
    const sims: VppSimServer[] = [];
    const connections: VppConnection[] = [];
    try {
      await fn({
        socketPath,
        clock,
        logger,
        startSim: async (pid, lbMsgIdBase = 200) => {
          const sim = new VppSimServer({ socketPath, pid, lbMsgIdBase });
          await sim.start();
          sims.push(sim);
          return sim;
        },
        connection: (opts = {}) => {
          const c = new VppConnection({ socketPath, clock, logger, apiDir: null, ...opts });
          connections.push(c);
          return c;
        },
      });
    } finally {
      for (const c of connections) await c.stop();
      for (const s of sims) await s.close();
    }
  });
}

describe('VppConnection', () => {
  test('connects, reports version and pid, then pings every 10 s', async () => {
    await withRig(async ({ clock, logger, startSim, connection }) => {
      const sim = await startSim(4242);
      const conn = connection();
      const connected = conn.onConnect.next();
      conn.start();
      const info = await connected;
      assert.equal(info.pid, 4242);
      assert.equal(info.restarted, false);
      assert.equal(info.lbGeneration, '1.2');
      assert.match(info.version, /^26\.10/);
      assert.equal(info.clientIndex, 0x80000001);
      assert.equal(info.connectedAt, clock.now());
      assert.equal(conn.connected, true);
      const connectLog = logger.named('vpp-connect')[0];
      assert.equal(connectLog?.level, 'info');
      assert.equal(connectLog?.attrs['pid'], 4242);

      for (let i = 0; i < 3; i++) {
        const pinged = logger.next('vpp-api-recv', (a) => a['message'] === 'control_ping_reply');
        const before = sim.stats.messages;
        await clock.advance(10_000);
        await pinged;
        assert.equal(sim.stats.messages, before + 1);
      }
      // Nothing in between: 9.9 s later there has been no further ping.
      const before = sim.stats.messages;
      await clock.advance(9_900);
      assert.equal(sim.stats.messages, before);
    });
  });

  test('VPP dies → disconnect; a new attempt every 5 s, not sooner; back with a new pid → table rebuilt', async () => {
    await withRig(async ({ clock, logger, startSim, connection }) => {
      const first = await startSim(100, 300);
      // Each attempt, as the moment it starts: the real connect, seen from the seam it goes through.
      const attempts: number[] = [];
      const conn = connection({
        connectClient: (opts) => {
          attempts.push(clock.now());
          return VppClient.connect(opts);
        },
      });
      const up = conn.onConnect.next();
      conn.start();
      await up;
      assert.equal(conn.client?.messageTable.id('lb_conf_56cd3261'), 300);
      assert.equal(first.stats.connections, 1);

      const down = conn.onDisconnect.next();
      await first.close(); // VPP is gone: EOF on the socket
      assert.deepEqual(await down, { reason: 'socket-closed' });
      const lostAt = clock.now();
      assert.equal(conn.connected, false);
      assert.equal(logger.named('vpp-disconnect')[0]?.attrs['reason'], 'socket-closed');

      // Nothing listening: the retry at 5 s fails quietly (one warning, then debug), and none
      // is made before it.
      await clock.advance(4_999);
      assert.deepEqual(attempts.slice(1), []);
      const failed = logger.next('vpp-connect-failed');
      await clock.advance(1);
      assert.deepEqual(attempts.slice(1), [lostAt + 5_000]);
      assert.equal((await failed).level, 'warn');
      const failedAgain = logger.next('vpp-connect-failed');
      await clock.advance(5_000);
      assert.equal((await failedAgain).level, 'debug');
      assert.deepEqual(attempts.slice(1), [lostAt + 5_000, lostAt + 10_000]);

      const second = await startSim(200, 500); // restarted VPP: new pid, plugins loaded at another base
      const back = conn.onConnect.next();
      await clock.advance(4_999);
      assert.equal(attempts.length, 3);
      await clock.advance(1);
      const info = await back;
      assert.deepEqual(attempts.slice(1), [lostAt + 5_000, lostAt + 10_000, lostAt + 15_000]);
      assert.equal(second.stats.connections, 1);
      assert.equal(info.pid, 200);
      assert.equal(info.restarted, true);
      assert.equal(info.connectedAt, lostAt + 15_000);
      assert.equal(conn.client?.messageTable.id('lb_conf_56cd3261'), 500);
      // The lb call layer works through the new client with the new ids.
      const client = conn.client;
      assert.ok(client);
      await assert.rejects(lbConf(client, {}), /UNIMPLEMENTED/); // no lb model in this bare server
    });
  });

  test('a ping that goes unanswered is a disconnect; recovery when VPP answers again', async () => {
    await withRig(async ({ clock, startSim, connection }) => {
      const sim = await startSim(7);
      const conn = connection({ requestTimeoutMs: 3_000 });
      const up = conn.onConnect.next();
      conn.start();
      await up;
      sim.setPaused(true); // hung, socket still open
      const down = conn.onDisconnect.next();
      await clock.advance(10_000); // ping sent
      await clock.advance(3_000); // and timed out
      const lost = await down;
      assert.equal(lost.reason, 'ping-failed');
      assert.match(String(lost.error?.message), /control_ping: no reply from VPP within 3000 ms/);
      sim.setPaused(false);
      const back = conn.onConnect.next();
      await clock.advance(5_000);
      const info = await back;
      assert.equal(info.restarted, false); // same pid: same VPP
      assert.equal(info.clientIndex, 0x80000002); // a new registration
    });
  });

  test('a changed vpe_pid seen by the periodic ping forces an immediate reconnect', async () => {
    await withRig(async ({ clock, startSim, connection }) => {
      const sim = await startSim(11);
      const conn = connection();
      const up = conn.onConnect.next();
      conn.start();
      await up;
      // Pretend the process behind the socket changed (control_ping now reports another pid).
      sim.registerHandler('control_ping', (_m, { session }) => ({
        client_index: session.clientIndex,
        vpe_pid: 12,
      }));
      const down = conn.onDisconnect.next();
      const back = conn.onConnect.next();
      await clock.advance(10_000);
      assert.equal((await down).reason, 'vpp-restarted');
      await clock.advance(0);
      const info = await back;
      assert.equal(info.pid, 12);
      assert.equal(info.restarted, true);
    });
  });

  test('stop closes politely and keeps quiet afterwards', async () => {
    await withRig(async ({ clock, startSim, connection }) => {
      const sim = await startSim(5);
      const conn = connection();
      const up = conn.onConnect.next();
      conn.start();
      await up;
      const down = conn.onDisconnect.next();
      await conn.stop();
      assert.deepEqual(await down, { reason: 'stopped' });
      assert.equal(conn.client, undefined);
      const messages = sim.stats.messages;
      await clock.advance(60_000);
      assert.equal(sim.stats.messages, messages);
      assert.equal(clock.pendingTimers(), 0);
    });
  });
});
