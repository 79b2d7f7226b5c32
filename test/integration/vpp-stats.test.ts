// Traffic through the data path shows in maglevd's metrics: vppsim with --forward and a stats
// socket, maglevd (the real Daemon) programming it and reading its stats segment, real TCP clients
// on loopback going through the VIP to AS servers. maglev_vip_packets_total (first, next) and the
// VIP route's maglev_vip_route_packets_total / _bytes_total must follow what was sent, for both lb
// API generations, and GetVPPLBCounters' view of the same poll carries rates.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FAST_CHECK, startDaemon, vppSection } from '../helpers/vppsim-daemon.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { closeAll, openVia, startAsServers, type VipClient } from '../helpers/vppsim-forward.js';
import { VppSim } from '../../src/vppsim/index.js';

const AS1 = '127.0.0.31';
const AS2 = '127.0.0.32';

/** One sample's value from the text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.indexOf('}');
    const got = line.slice(name.length + 1, close).split(',');
    if (want.every((w) => got.includes(w))) return Number(line.slice(close + 1).trim());
  }
  return undefined;
}

for (const generation of ['1.2', '1.1'] as const) {
  void describe(`lb ${generation}: forwarded traffic in maglevd's counters`, () => {
    void test('VIP packets and route packets/bytes follow the connections and their data', async () => {
      await withTempDir(async (dir) => {
        const vipHost = generation === '1.2' ? '127.0.0.131' : '127.0.0.132';
        const { port, servers } = await startAsServers([AS1, AS2], [vipHost]);
        const sim = await VppSim.start({
          socketPath: join(dir, 'api.sock'),
          statsSocketPath: join(dir, 'stats.sock'), // where startDaemon points --vpp-stats-addr
          lbGeneration: generation,
          forward: true,
          isLocalAddress: (a) => a.startsWith('127.'),
          gcIntervalMs: 0,
        });
        const rig = await startDaemon({
          dir,
          vppSocket: sim.socketPath,
          yaml: `maglev:
${vppSection()}${FAST_CHECK}  backends:
    a: { address: ${AS1}, healthcheck: tcp }
    b: { address: ${AS2}, healthcheck: tcp }
  frontends:
    web:
      address: ${vipHost}
      protocol: tcp
      port: ${port}
      pools:
        - name: only
          backends:
            a: {}
            b: {}
`,
        });
        const clients: VipClient[] = [];
        try {
          const vpp = rig.daemon.vpp;
          assert.ok(vpp);
          await rig.logs.waitFor('vpp-connect');
          for (const name of ['a', 'b'])
            await rig.logs.waitFor('backend-transition', (a) => a['backend'] === name && a['to'] === 'up');
          await rig.synced();
          await sim.forwarder?.settled();
          await vpp.poller.pollNow();
          const before = await vpp.backend.counters();
          assert.equal(before.source, 'stats-segment');

          // 6 connections (6 SYNs: first session packets), each sending 2 lines (2 packets each).
          const payload = 'x'.repeat(100);
          for (let i = 0; i < 6; i++) {
            const c = await openVia(vipHost, port);
            clients.push(c);
            const name = await c.line();
            assert.ok(name === AS1 || name === AS2, name);
            assert.equal(await c.ask(payload), `${name}:${payload}`);
            assert.equal(await c.ask(payload), `${name}:${payload}`);
          }
          await vpp.poller.pollNow();
          const text = await rig.daemon.metrics.registry.metrics();
          const labels = { frontend: 'web', vip: `${vipHost}/32 tcp:${port}` };
          assert.equal(sample(text, 'maglev_vip_packets_total', { ...labels, kind: 'first' }), 6);
          assert.equal(sample(text, 'maglev_vip_packets_total', { ...labels, kind: 'next' }), 12);
          assert.equal(sample(text, 'maglev_vip_packets_total', { ...labels, kind: 'no-server' }), 0);
          assert.equal(sample(text, 'maglev_vip_route_packets_total', labels), 18);
          // 6 SYNs of 20 + 40 header bytes; 12 chunks of 101 payload bytes + 20 + 32 header bytes.
          assert.equal(sample(text, 'maglev_vip_route_bytes_total', labels), 6 * 60 + 12 * (101 + 52));

          const after = await vpp.backend.counters();
          const web = after.vips.find((v) => v.frontend === 'web');
          assert.equal(after.source, 'stats-segment');
          assert.ok(after.rateIntervalSeconds !== undefined && after.rateIntervalSeconds > 0);
          assert.ok((web?.packetsPerSecond ?? 0) > 0, 'a packet rate');
          assert.ok((web?.routeBytesPerSecond ?? 0) > 0, 'a byte rate');
          assert.equal(web?.routePackets, 18n);
        } finally {
          for (const c of clients) c.destroy();
          await rig.stop();
          await sim.close();
          await closeAll(servers);
        }
      });
    });
  });
}
