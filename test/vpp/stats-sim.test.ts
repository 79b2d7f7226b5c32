// vppsim's side of the stats segment: the image it lays out (read back by the same reader that
// reads VPP's), its write protocol, the stats socket handing out the memfd over SOCK_SEQPACKET +
// SCM_RIGHTS (the addon, both directions), counters following the lb model, and ip_route_lookup
// finding a VIP route's stats index.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../src/clock/index.js';
import {
  BufferSegmentBytes,
  LB_VIP_COUNTER_NAMES,
  ROUTE_TO,
  SYS_BOOTTIME,
  StatsSegment,
  VppApiError,
  VppClient,
  ipRouteStatsIndex,
  lbAddAs,
  lbAddVip,
  readHeader,
} from '../../src/vpp/index.js';
import {
  LbPlugin,
  LbVipType,
  SimStatsSegment,
  StatsImage,
  VppSim,
  ip46FromText,
} from '../../src/vppsim/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

/** A sink that keeps the bytes and the order of the writes. */
class RecordingSink {
  readonly buf = Buffer.alloc(1 << 20);
  readonly writes: { offset: number; length: number; inProgress?: bigint; epoch?: bigint }[] = [];

  write(offset: number, bytes: Buffer): void {
    bytes.copy(this.buf, offset);
    this.writes.push({
      offset,
      length: bytes.length,
      ...(offset <= 24 && offset + bytes.length >= 32 && { inProgress: this.buf.readBigUInt64LE(24) }),
      ...(offset === 0 && { epoch: this.buf.readBigUInt64LE(16) }),
    });
  }
}

describe('vppsim stats image', () => {
  test('what it lays out reads back through the segment reader, summed over threads', () => {
    const image = new StatsImage({ size: 1 << 20, threads: 3 });
    const sink = new RecordingSink();
    image.setScalar(SYS_BOOTTIME, 1234n);
    image.setSimple('first session packet', 1, 2, 5n);
    image.setSimple('first session packet', 2, 2, 6n);
    image.setCombined(ROUTE_TO, 0, 9, 3n, 300n);
    image.setCombined(ROUTE_TO, 2, 9, 4n, 400n);
    image.commit(sink);
    const segment = new StatsSegment(new BufferSegmentBytes(sink.buf));
    const r = segment.read({
      simple: new Map([['first session packet', [0, 1, 2]]]),
      combined: new Map([[ROUTE_TO, [9]]]),
      scalars: [SYS_BOOTTIME],
    });
    assert.deepEqual(
      r.simple.get('first session packet'),
      new Map([
        [0, 0n],
        [1, 0n],
        [2, 11n],
      ]),
    );
    assert.deepEqual(r.combined.get(ROUTE_TO)?.get(9), { packets: 7n, bytes: 700n });
    assert.equal(r.scalars.get(SYS_BOOTTIME), 1234n);
  });

  test('a value change is written in place; a structural change goes through the lock', () => {
    const image = new StatsImage({ size: 1 << 20, threads: 2 });
    const sink = new RecordingSink();
    image.setSimple('first session packet', 1, 1, 1n);
    image.commit(sink);
    const epoch = readHeader(new BufferSegmentBytes(sink.buf)).epoch;
    sink.writes.length = 0;

    image.setSimple('first session packet', 1, 1, 2n);
    image.commit(sink);
    assert.deepEqual(
      sink.writes.map((w) => w.length),
      [8],
      'one u64, nothing else',
    );
    assert.equal(readHeader(new BufferSegmentBytes(sink.buf)).epoch, epoch, 'no epoch change');
    sink.writes.length = 0;

    // Index 50 is beyond the vector: it grows (and moves), under the lock.
    image.setSimple('first session packet', 1, 50, 9n);
    image.commit(sink);
    assert.equal(sink.writes[0]?.offset, 24, 'in_progress = 1 first');
    assert.equal(sink.buf.readBigUInt64LE(24), 0n);
    const last = sink.writes.at(-1);
    assert.equal(last?.offset, 0, 'the header last');
    assert.equal(last?.inProgress, 0n);
    assert.equal(last?.epoch, epoch + 1n);
    const r = new StatsSegment(new BufferSegmentBytes(sink.buf)).read({
      simple: new Map([['first session packet', [1, 50]]]),
    });
    assert.deepEqual(
      r.simple.get('first session packet'),
      new Map([
        [1, 2n],
        [50, 9n],
      ]),
    );
  });

  test('a heap that does not fit the segment is refused', () => {
    const image = new StatsImage({ size: 8192, threads: 1 });
    image.setSimple('first session packet', 0, 10_000, 1n);
    assert.throws(() => image.commit(new RecordingSink()), /too small/);
  });
});

describe('stats socket (SOCK_SEQPACKET + SCM_RIGHTS)', () => {
  test('every client receives the same live segment; counters follow the lb model', async () => {
    await withTempDir(async (dir) => {
      const clock = new FakeClock(Date.UTC(2026, 0, 1));
      const lb = new LbPlugin({ generation: '1.2', clock });
      const socketPath = join(dir, 'stats.sock');
      const sim = await SimStatsSegment.start({ socketPath, lb, clock });
      const a = await StatsSegment.connect(socketPath);
      const b = await StatsSegment.connect(socketPath);
      try {
        assert.equal(sim.served(), 2);
        assert.equal(
          a.read({ scalars: [SYS_BOOTTIME] }).scalars.get(SYS_BOOTTIME),
          BigInt(Date.UTC(2026, 0, 1) / 1000),
        );
        const { index } = lb.addVip({
          prefix: ip46FromText('192.0.2.1'),
          plen: 128,
          protocol: 6,
          port: 80,
          type: LbVipType.IP4_GRE4,
          newFlowsTableLength: 64,
        });
        assert.equal(lb.addAs(index, ip46FromText('10.0.0.1')), 0);
        const flow = {
          src: { bytes: ip46FromText('198.51.100.7'), family: 4 as const },
          dst: { bytes: ip46FromText('192.0.2.1'), family: 4 as const },
          protocol: 6,
          srcPort: 40000,
          dstPort: 80,
        };
        lb.countRoute(index, 60);
        lb.forwardFlow(index, flow);
        lb.countRoute(index, 1500);
        lb.forwardFlow(index, flow);
        const route = lb.lookupRoute(ip46FromText('192.0.2.1'), 128, true);
        assert.ok(route);
        const query = {
          simple: new Map(LB_VIP_COUNTER_NAMES.map((n) => [n, [index]])),
          combined: new Map([[ROUTE_TO, [route.statsIndex]]]),
        };
        for (const segment of [a, b]) {
          const r = segment.read(query);
          assert.equal(r.simple.get('first session packet')?.get(index), 1n);
          assert.equal(r.simple.get('packet from existing sessions')?.get(index), 1n);
          assert.equal(r.simple.get('no server configured')?.get(index), 0n);
          assert.deepEqual(r.combined.get(ROUTE_TO)?.get(route.statsIndex), { packets: 2n, bytes: 1560n });
        }
      } finally {
        a.close();
        b.close();
        await sim.close();
      }
      assert.equal(existsSync(socketPath), false, 'the socket file is removed');
      await assert.rejects(StatsSegment.connect(socketPath), { code: 'ENOENT', syscall: 'connect' });
    });
  });

  test('a socket that is not a stats socket is an error with a cause', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'stream.sock');
      const server = createServer((s) => s.destroy());
      await new Promise<void>((resolve) => server.listen(path, resolve));
      try {
        // A SOCK_STREAM listener refuses a SOCK_SEQPACKET connect.
        await assert.rejects(StatsSegment.connect(path), (err: NodeJS.ErrnoException) => {
          assert.equal(err.syscall, 'connect');
          assert.ok(err.code === 'ECONNREFUSED' || err.code === 'EPROTOTYPE', err.code);
          return true;
        });
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await assert.rejects(StatsSegment.connect(join(dir, 'x'.repeat(200))), { code: 'ENAMETOOLONG' });
    });
  });
});

describe('ip_route_lookup against vppsim', () => {
  for (const generation of ['1.1', '1.2'] as const) {
    test(`lb ${generation}: a VIP route's stats index is its load balance (the CLI's dpo numbering)`, async () => {
      await withTempDir(async (dir) => {
        const sim = await VppSim.start({ socketPath: join(dir, 'api.sock'), lbGeneration: generation });
        const client = await VppClient.connect({ socketPath: sim.socketPath });
        try {
          await lbAddVip(client, { prefix: '192.0.2.1/32', protocol: 6, port: 80, encap: 'gre4' });
          await lbAddVip(client, { prefix: '192.0.2.1/32', protocol: 6, port: 443, encap: 'gre4' });
          await lbAddVip(client, { prefix: '2001:db8::1/128', protocol: 6, port: 80, encap: 'gre6' });
          await lbAddAs(client, { prefix: '192.0.2.1/32', protocol: 6, port: 80 }, { address: '10.0.0.1' });
          const v4 = await ipRouteStatsIndex(client, '192.0.2.1/32');
          const v6 = await ipRouteStatsIndex(client, '2001:db8::1/128');
          // VPP's own load balances come first (8 in a fresh VPP): the first VIP route is the 9th.
          assert.equal(v4, 8);
          assert.equal(v6, 9);
          assert.equal(await ipRouteStatsIndex(client, '10.0.0.1/32'), 10, 'the AS host route');
          assert.equal(await ipRouteStatsIndex(client, '192.0.2.2/32'), undefined);
          await assert.rejects(
            client.request('ip_route_lookup', {
              table_id: 7,
              exact: 1,
              prefix: { address: { af: 0, un: { ip4: new Uint8Array([192, 0, 2, 1]) } }, len: 32 },
            }),
            (err: unknown) => err instanceof VppApiError && err.retval === -3,
          );
        } finally {
          await client.close();
          await sim.close();
        }
      });
    });
  }
});
