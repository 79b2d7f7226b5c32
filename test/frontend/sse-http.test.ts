// /view/api/events over real HTTP: headers (no buffering, no compression), the hello/replay/
// resync start, `: ping` every 15 s on the injected clock, and the stream ending on shutdown.

import assert from 'node:assert/strict';
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

  test('a closed browser connection unsubscribes', async () => {
    // Checked every few ms until the server has noticed the closed socket (no fixed sleep).
    const subscribers = async (n: number) => {
      const deadline = Date.now() + WAIT_MS;
      while (dash.fe.broker.subscriberCount() !== n && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(dash.fe.broker.subscriberCount(), n);
    };
    await subscribers(0); // the earlier tests' streams are closed too
    const r = await open();
    await r.find((b) => b.event === 'hello', 'hello');
    assert.equal(dash.fe.broker.subscriberCount(), 1);
    r.close();
    await subscribers(0);
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
