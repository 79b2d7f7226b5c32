// /view/api/events over real HTTP: headers (no buffering, no compression), the hello/replay/
// resync start, `: ping` every 15 s on the injected clock, and the stream ending on shutdown.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PING_MS, RETRY_MS } from '../../src/frontend/index.js';
import {
  SseReader,
  startDashboard,
  WAIT_MS,
  startFakeMaglevd,
  type Dashboard,
  type FakeMaglevd,
} from './fixtures.js';

describe('SSE over HTTP', () => {
  let maglevd: FakeMaglevd;
  let dash: Dashboard;
  const readers: SseReader[] = [];
  const open = async (headers: Record<string, string> = {}, query = '') => {
    const r = await SseReader.open(`${dash.base}/view/api/events${query}`, headers);
    readers.push(r);
    return r;
  };

  before(async () => {
    maglevd = await startFakeMaglevd();
    dash = await startDashboard({ servers: [maglevd.target] });
  });
  after(async () => {
    for (const r of readers) r.close();
    await dash.close();
    await maglevd.close();
  });

  test('headers: event-stream, no caching, X-Accel-Buffering: no, never compressed', async () => {
    const r = await open({ 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(r.response.status, 200);
    assert.match(r.response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(r.response.headers.get('x-accel-buffering'), 'no');
    assert.match(r.response.headers.get('cache-control') ?? '', /no-cache/);
    assert.equal(r.response.headers.get('content-encoding'), null);
    const first = await r.find(() => true, 'first block');
    assert.equal(first.retry, String(RETRY_MS));
    r.close();
  });

  test('a fresh stream starts with hello carrying the current id, then live events', async () => {
    const r = await open();
    const hello = await r.find((b) => b.event === 'hello', 'hello');
    // The id of the newest event when the stream opened (the upstream may have published since).
    const [epoch, seq] = hello.id!.split('-');
    assert.equal(epoch, dash.fe.broker.epoch);
    assert.ok(Number(seq) >= 1 && Number(seq) <= Number(dash.fe.broker.lastId().split('-')[1]));
    assert.deepEqual(JSON.parse(hello.data!), { epoch: dash.fe.broker.epoch });
    const published = dash.fe.broker.publish('maglevd-status', {
      name: 'x',
      reachable: true,
      error: null,
      since: 1,
    });
    const live = await r.find((b) => b.id === published.id, 'the published event');
    assert.equal(live.event, 'maglevd-status');
    assert.deepEqual(JSON.parse(live.data!), { name: 'x', reachable: true, error: null, since: 1 });
    r.close();
  });

  test('Last-Event-ID replays exactly what was missed, header or query parameter', async () => {
    const seen = dash.fe.broker.lastId();
    const a = dash.fe.broker.publish('maglevd-status', { name: 'a', reachable: true, error: null, since: 1 });
    const b = dash.fe.broker.publish('maglevd-status', { name: 'b', reachable: false, error: 'x', since: 2 });
    for (const r of [
      await open({ 'Last-Event-ID': seen }),
      await open({}, `?lastEventId=${encodeURIComponent(seen)}`),
    ]) {
      await r.find((x) => x.id === b.id, 'replayed b');
      const events = r.blocks.filter((x) => x.event !== undefined);
      assert.deepEqual(
        events.map((x) => x.id),
        [a.id, b.id],
        'only the missed events, in order, and no hello',
      );
      r.close();
    }
  });

  test('an id from a previous run of the server gets resync', async () => {
    const r = await open({ 'Last-Event-ID': 'zzzz-12' });
    const resync = await r.find((b) => b.event === 'resync', 'resync');
    assert.deepEqual(JSON.parse(resync.data!), { reason: 'restarted' });
    assert.equal(resync.id, dash.fe.broker.lastId(), 'the marker moves the browser past the gap');
    r.close();
  });

  test('a gap older than the ring gets resync', async () => {
    const seen = dash.fe.broker.lastId();
    dash.fe.broker.publish('maglevd-status', { name: 'old', reachable: true, error: null, since: 1 });
    await dash.clock.advance(31_000);
    const r = await open({ 'Last-Event-ID': seen });
    const resync = await r.find((b) => b.event === 'resync', 'resync');
    assert.deepEqual(JSON.parse(resync.data!), { reason: 'gap' });
    r.close();
  });

  test('a `: ping` comment every 15 s on the clock, and nothing before', async () => {
    const r = await open();
    await r.find((b) => b.event === 'hello', 'hello');
    const pings = () => r.blocks.filter((b) => b.comment === 'ping').length;
    await dash.clock.advance(PING_MS - 1);
    // Flush: publish a marker and wait for it, so anything written before it has arrived.
    const m1 = dash.fe.broker.publish('maglevd-status', {
      name: 'm1',
      reachable: true,
      error: null,
      since: 1,
    });
    await r.find((b) => b.id === m1.id, 'marker 1');
    assert.equal(pings(), 0);
    await dash.clock.advance(1);
    await r.find((b) => b.comment === 'ping', 'first ping');
    await dash.clock.advance(PING_MS);
    await r.find((b) => b.comment === 'ping' && pings() >= 2, 'second ping');
    assert.equal(pings(), 2);
    r.close();
  });

  // Checked every few ms until the server has noticed the closed socket (no fixed sleep).
  const subscribers = async (n: number) => {
    const deadline = Date.now() + WAIT_MS;
    while (dash.fe.broker.subscriberCount() !== n && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(dash.fe.broker.subscriberCount(), n);
  };

  test('a closed browser connection unsubscribes', async () => {
    await subscribers(0); // the earlier tests' streams are closed too
    const r = await open();
    await r.find((b) => b.event === 'hello', 'hello');
    assert.equal(dash.fe.broker.subscriberCount(), 1);
    r.close();
    await subscribers(0);
  });

  test('a browser that stops reading is cut off: the backpressure reaches the stream through the socket', async () => {
    await subscribers(0);
    const { port } = new URL(dash.base);
    const socket = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const hello = new Promise<void>((resolve) => {
      const look = () => {
        if (!Buffer.concat(received).includes('event: hello')) return;
        socket.off('data', look);
        resolve();
      };
      socket.on('data', look);
    });
    socket.write(`GET /view/api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    await hello;
    socket.pause(); // the browser stops reading; the kernel's buffers fill, then the stream's queue
    const PADDING = 'x'.repeat(1_000);
    let published = 0;
    while (dash.fe.broker.subscriberCount() > 0) {
      assert.ok(published < 50_000, 'a browser that does not read must be cut off');
      for (let i = 0; i < 500; i++) {
        dash.fe.broker.publish('maglevd-status', {
          name: `stalled-${published++}`,
          reachable: false,
          error: PADDING, // 1 KB events: the socket's buffers fill after fewer of them
          since: 1,
        });
      }
      await new Promise((resolve) => setImmediate(resolve)); // let the server write what it can
    }
    // The response's last chunk, once the queued events have arrived.
    const ended = new Promise<void>((resolve) => {
      const look = () => {
        const tail = Buffer.concat(received.slice(-2));
        if (!tail.subarray(-5).equals(Buffer.from('0\r\n\r\n'))) return;
        socket.off('data', look);
        resolve();
      };
      socket.on('data', look);
    });
    socket.resume();
    await ended;
    socket.destroy();
    const text = Buffer.concat(received).toString('latin1');
    // Everything queued before the cut arrived, in order, none missing.
    const names = [...text.matchAll(/"name":"stalled-(\d+)"/g)].map((m) => Number(m[1]));
    assert.ok(names.length > 4_000 && names.length < published);
    assert.deepEqual(names.slice(0, 3), [0, 1, 2]);
    assert.equal(names.at(-1), names.length - 1, 'none missing in between');
  });
});

test('shutdown ends open SSE streams', async () => {
  const maglevd = await startFakeMaglevd();
  const dash = await startDashboard({ servers: [maglevd.target] });
  const r = await SseReader.open(`${dash.base}/view/api/events`);
  await r.find((b) => b.event === 'hello', 'hello');
  await dash.close();
  await r.closed();
  assert.equal(r.ended, true);
  await maglevd.close();
});
