import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  FRAME_HEADER_SIZE,
  FrameDecoder,
  FramedSocket,
  FramingError,
  connectUnix,
  encodeFrame,
} from '../../src/vpp/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

const payload = (n: number, seed = 1): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
};

describe('framing', () => {
  test('header: 8 ignored bytes, big-endian u32 length, 4 ignored bytes', () => {
    const frame = encodeFrame(Buffer.from([0, 24, 1, 2]));
    assert.equal(frame.length, FRAME_HEADER_SIZE + 4);
    assert.deepEqual(frame.subarray(0, 16), Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
  });

  test('a message split at every possible point is reassembled', () => {
    const p = payload(40);
    const frame = encodeFrame(p);
    for (let cut = 1; cut < frame.length; cut++) {
      const d = new FrameDecoder();
      assert.deepEqual(d.push(frame.subarray(0, cut)), []);
      assert.deepEqual(d.push(frame.subarray(cut)), [p]);
      assert.equal(d.buffered, 0);
    }
  });

  test('one byte at a time', () => {
    const p = payload(70);
    const d = new FrameDecoder();
    const out: Buffer[] = [];
    for (const byte of encodeFrame(p)) out.push(...d.push(Buffer.from([byte])));
    assert.deepEqual(out, [p]);
  });

  test('several messages coalesced in one chunk, with a partial one at the end', () => {
    const ps = [payload(10, 1), payload(0), payload(300, 2), payload(2, 3)];
    const all = Buffer.concat(ps.map(encodeFrame));
    const d = new FrameDecoder();
    assert.deepEqual(d.push(all.subarray(0, all.length - 1)), ps.slice(0, 3));
    assert.deepEqual(d.push(all.subarray(all.length - 1)), [ps[3]]);
  });

  test('property: any chunking of any message sequence gives back the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (msgs, sizes) => {
          const stream = Buffer.concat(msgs.map((m) => encodeFrame(m)));
          const d = new FrameDecoder();
          const out: Buffer[] = [];
          let off = 0;
          let i = 0;
          while (off < stream.length) {
            const n = sizes[i++ % sizes.length] ?? 1;
            out.push(...d.push(stream.subarray(off, off + n)));
            off += n;
          }
          assert.deepEqual(
            out.map((b) => [...b]),
            msgs.map((m) => [...m]),
          );
        },
      ),
    );
  });

  test('a large reply (8 MiB) in 64 KiB chunks', () => {
    const p = payload(8 * 1024 * 1024, 7);
    const frame = encodeFrame(p);
    const d = new FrameDecoder();
    const out: Buffer[] = [];
    for (let off = 0; off < frame.length; off += 65536) out.push(...d.push(frame.subarray(off, off + 65536)));
    assert.equal(out.length, 1);
    assert.ok(out[0]?.equals(p));
  });

  test('an impossible length is a framing error, not an allocation', () => {
    const d = new FrameDecoder(1024);
    const header = Buffer.alloc(16);
    header.writeUInt32BE(1025, 8);
    assert.throws(() => d.push(header), FramingError);
  });
});

describe('FramedSocket over a real unix socket', () => {
  test('messages both ways, split and coalesced by the kernel as it likes; close is reported', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'framed.sock');
      const after: (() => Promise<void>)[] = [];
      let accepted: (s: FramedSocket) => void = () => {};
      const serverSide = new Promise<FramedSocket>((resolve) => (accepted = resolve));
      const listener = createServer((s: Socket) => accepted(new FramedSocket(s)));
      await new Promise<void>((resolve) => listener.listen(path, resolve));
      after.push(() => new Promise((r) => listener.close(() => r())));
      try {
        const client = await connectUnix(path);
        const server = await serverSide;
        const received: Buffer[] = [];
        const all = new Promise<void>((resolve) =>
          server.onMessage.add((m) => {
            received.push(m);
            if (received.length === 3) resolve();
          }),
        );
        // A raw write that splits one message across two writes and packs two into one.
        const frames = Buffer.concat([
          encodeFrame(payload(5)),
          encodeFrame(payload(100_000, 3)),
          encodeFrame(payload(1)),
        ]);
        client.socket.write(frames.subarray(0, 10));
        client.socket.write(frames.subarray(10));
        await all;
        assert.deepEqual(received, [payload(5), payload(100_000, 3), payload(1)]);

        const echoed = client.onMessage.next();
        server.send(Buffer.from('pong'));
        assert.deepEqual(await echoed, Buffer.from('pong'));

        const closed = client.onClose.next();
        server.end();
        assert.deepEqual(await closed, {});
        assert.equal(client.isOpen, false);
        assert.equal(client.send(Buffer.from('late')), false);
      } finally {
        for (const f of after) await f();
      }
    });
  });

  test('connecting to a missing socket rejects with a clear error', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(connectUnix(join(dir, 'nope.sock')), /cannot connect to .*nope\.sock/);
    });
  });
});
