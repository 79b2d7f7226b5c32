// WatchEvents on a real port: filters, per-subscriber log level, frontend replay, a stalled
// subscriber cut off with RESOURCE_EXHAUSTED while another keeps receiving, and shutdown.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import type { Event, WatchRequest } from '../../src/api/index.js';
import { FakeClock } from '../../src/clock/index.js';
import type { ProbeResult } from '../../src/health/types.js';
import { T0 } from '../helpers/fake-backend.js';
import { StreamReader, startFixture, type Fixture } from '../helpers/api-server.js';

const none: WatchRequest = {
  log: false,
  logLevel: '',
  backend: false,
  frontend: false,
  backendNames: [],
  frontendNames: [],
  probeSummaryMs: 0,
  announcement: false,
};

function kind(e: Event): string {
  const ev = e.event;
  switch (ev?.$case) {
    case 'log':
      return `log ${ev.value.level} ${ev.value.msg}`;
    case 'backend':
      return `backend ${ev.value.frontend}/${ev.value.backend} ${ev.value.transition?.from}->${ev.value.transition?.to}`;
    case 'frontend':
      return `frontend ${ev.value.frontend} ${ev.value.from}->${ev.value.to}`;
    case 'probes':
      return `probes ${ev.value.probes.map((p) => `${p.backend}x${p.count} ${p.code}`).join(', ')}`;
    default:
      return 'empty';
  }
}

void describe('WatchEvents', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture({ watchQueueLimit: 20 });
  });
  afterEach(async () => {
    await fx.close();
  });

  function watch(req: Partial<WatchRequest>, client = fx.client) {
    return StreamReader.started(client.watchEvents({ ...none, ...req }));
  }

  void test('replays every frontend state (from == to) on subscribe, then follows changes', async () => {
    const r = await watch({ frontend: true });
    const replay = await r.next(2);
    assert.deepEqual(replay.map(kind), ['frontend web-v4 up->up', 'frontend web-v6 unknown->unknown']);
    const first = replay[0]?.event;
    assert.equal(
      first?.$case === 'frontend' && first.value.time?.getTime(),
      T0,
      'replay carries state_since',
    );
    fx.fake.emit({ type: 'frontend-state', frontend: 'web-v6', from: 'unknown', to: 'down', at: T0 + 1 });
    fx.fake.emit({
      type: 'backend-transition',
      frontend: 'web-v6',
      backend: 'nginx6',
      address: '2001:db8::10',
      transition: { from: 'unknown', to: 'down', at: T0 + 1, code: 'L4TOUT', detail: 'timeout' },
    });
    fx.fake.logger.error('vpp-disconnect');
    fx.fake.emit({ type: 'frontend-state', frontend: 'web-v4', from: 'up', to: 'down', at: T0 + 2 });
    const all = await r.next(4);
    assert.deepEqual(all.slice(2).map(kind), ['frontend web-v6 unknown->down', 'frontend web-v4 up->down']);
    r.stream.cancel();
  });

  void test('backend filter, with backend and frontend name filters', async () => {
    const all = await watch({ backend: true });
    const onlyFra = await watch({ backend: true, backendNames: ['nginx0-fra'] });
    const onlyV6 = await watch({ backend: true, frontendNames: ['web-v6'] });
    fx.fake.disableBackend('nginx0-fra');
    fx.fake.disableBackend('nginx6');
    fx.fake.emit({ type: 'frontend-state', frontend: 'web-v6', from: 'unknown', to: 'down', at: T0 });
    const a = await all.next(2);
    assert.deepEqual(a.map(kind), [
      'backend web-v4/nginx0-fra down->disabled',
      'backend web-v6/nginx6 unknown->disabled',
    ]);
    const b = await onlyFra.next(1);
    assert.deepEqual(b.map(kind), ['backend web-v4/nginx0-fra down->disabled']);
    const c = await onlyV6.next(1);
    assert.deepEqual(c.map(kind), ['backend web-v6/nginx6 unknown->disabled']);
    const ev = a[0]?.event;
    assert.ok(ev?.$case === 'backend');
    assert.equal(ev.value.address, '192.0.2.11');
    assert.equal(ev.value.transition?.code, 'disabled');
    // One more event everyone sees proves nothing else was queued for the filtered streams.
    await fx.fake.enableBackend('nginx6');
    await all.next(3);
    assert.deepEqual((await onlyV6.next(2)).map(kind).slice(1), ['backend web-v6/nginx6 disabled->unknown']);
    assert.equal(onlyFra.items.length, 1);
    for (const r of [all, onlyFra, onlyV6]) r.stream.cancel();
  });

  void test('each subscriber gets logs at its own level, independent of the daemon level', async () => {
    const debug = await watch({ log: true, logLevel: 'debug' });
    const warn = await watch({ log: true, logLevel: 'WARN' });
    const defaultLevel = await watch({ log: true });
    // The daemon logs at error; subscribers still see lower levels they asked for.
    assert.equal(fx.fake.logger.enabled('debug'), true);
    fx.fake.logger.debug('probe-start', {
      backend: 'nginx0-ams',
      n: 1n,
      when: new Date(T0),
      err: new Error('x'),
    });
    fx.fake.logger.info('lb-sync', { vip: '198.51.100.1/32', kinds: ['as_added'], nested: { a: 1 } });
    fx.fake.logger.warn('vpp-lb-stats-error', { error: 'boom' });
    assert.deepEqual((await debug.next(3)).map(kind), [
      'log debug probe-start',
      'log info lb-sync',
      'log warn vpp-lb-stats-error',
    ]);
    assert.deepEqual((await warn.next(1)).map(kind), ['log warn vpp-lb-stats-error']);
    assert.deepEqual((await defaultLevel.next(2)).map(kind), [
      'log info lb-sync',
      'log warn vpp-lb-stats-error',
    ]);
    const probe = debug.items[0]?.event;
    assert.ok(probe?.$case === 'log');
    assert.deepEqual(probe.value.attrs, {
      backend: 'nginx0-ams',
      n: '1',
      when: new Date(T0).toISOString(),
      err: 'x',
    });
    const sync = debug.items[1]?.event;
    assert.ok(sync?.$case === 'log');
    assert.deepEqual(sync.value.attrs, { vip: '198.51.100.1/32', kinds: ['as_added'], nested: { a: 1 } });
    assert.equal(warn.items.length, 1);
    for (const r of [debug, warn, defaultLevel]) r.stream.cancel();
  });

  void test('an empty request means everything (logs at info)', async () => {
    const r = await watch({});
    await r.next(2); // the frontend replay
    fx.fake.logger.debug('probe-start');
    fx.fake.logger.info('lb-sync');
    fx.fake.disableBackend('nginx6');
    assert.deepEqual((await r.next(4)).slice(2).map(kind), [
      'log info lb-sync',
      'backend web-v6/nginx6 unknown->disabled',
    ]);
    r.stream.cancel();
  });

  void test('an unknown log level is INVALID_ARGUMENT', async () => {
    const stream = fx.client.watchEvents({ ...none, log: true, logLevel: 'verbose' });
    const r = new StreamReader(stream);
    const err = await r.status();
    assert.equal(err.code, status.INVALID_ARGUMENT);
    assert.match(err.details, /verbose/);
  });

  void test('a cancelled subscriber is unsubscribed', async () => {
    const r = await watch({ backend: true, log: true });
    assert.equal(fx.fake.listenerCount(), 1);
    assert.equal(fx.server.stats().watchers, 1);
    const gone = new Promise<void>((resolve) => {
      const check = () => (fx.server.stats().watchers === 0 ? resolve() : setImmediate(check));
      check();
    });
    r.stream.cancel();
    await gone;
    assert.equal(fx.fake.listenerCount(), 0);
    assert.equal(fx.fake.logs.minRank(), Number.POSITIVE_INFINITY);
  });

  void test('a stalled subscriber gets RESOURCE_EXHAUSTED; another keeps receiving', async () => {
    const stalledClient = fx.newClient();
    const stalled = await watch({ log: true, logLevel: 'debug' }, stalledClient);
    stalled.stream.pause();
    const live = await watch({ log: true, logLevel: 'debug' });

    // Publish until the server cuts the stalled subscriber off. Each record is ~4 KiB, so the
    // stalled stream's HTTP/2 window (64 KiB) and grpc-js buffers fill within a few dozen;
    // yielding to the event loop between records lets the live client read as it goes.
    const pad = 'x'.repeat(4096);
    let sent = 0;
    while (fx.server.stats().watchOverflows === 0) {
      assert.ok(sent < 5000, 'the stalled subscriber was never cut off');
      fx.fake.logger.debug('filler', { i: sent++, pad });
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The live subscriber got every record, including those after the cut-off.
    for (let i = 0; i < 10; i++) fx.fake.logger.debug('filler', { i: sent++, pad });
    const got = await live.next(sent);
    assert.deepEqual(
      got.map((e) => (e.event?.$case === 'log' ? (e.event.value.attrs?.['i'] as unknown) : -1)),
      Array.from({ length: sent }, (_, i) => i),
    );
    assert.equal(fx.server.stats().watchers, 1, 'only the live subscriber remains');
    assert.deepEqual(
      fx.serverLogs.filter((r) => r.event === 'watch-overflow').map((r) => [r.level, r.attrs['limit']]),
      [['warn', 20]],
    );

    // When the stalled client reads again it gets what was already buffered, then the reason.
    stalled.stream.resume();
    const err = await stalled.status();
    assert.equal(err.code, status.RESOURCE_EXHAUSTED);
    assert.match(err.details, /too slow/);
    assert.ok(stalled.items.length < sent, 'the stalled subscriber lost events, not maglevd');
    live.stream.cancel();
  });

  void test('shutdown ends event streams with UNAVAILABLE and completes', async () => {
    const r = await watch({ backend: true });
    await fx.server.shutdown(2000);
    const err = await r.status();
    assert.equal(err.code, status.UNAVAILABLE);
    assert.match(err.details, /shutting down/);
  });
});

void describe('WatchEvents with probe summaries', () => {
  let fx: Fixture;
  let clock: FakeClock;
  const pass: ProbeResult = { ok: true, layer: 'L7', code: 'L7OK', detail: 'status 200', durationMs: 1 };
  const fail: ProbeResult = { ok: false, layer: 'L4', code: 'L4TOUT', detail: 'timeout', durationMs: 1 };
  beforeEach(async () => {
    clock = new FakeClock(T0);
    fx = await startFixture({ clock });
  });
  afterEach(async () => {
    await fx.close();
  });

  function watch(req: Partial<WatchRequest>) {
    return StreamReader.started(fx.client.watchEvents({ ...none, ...req }));
  }

  void test('probes in a window arrive as one batch; probe log records are not sent', async () => {
    const r = await watch({
      log: true,
      logLevel: 'debug',
      backend: true,
      frontend: true,
      probeSummaryMs: 1000,
    });
    await r.next(2); // the frontend replay
    for (const result of [pass, pass, fail]) {
      fx.fake.logger.debug('probe-start', { backend: 'nginx0-ams' });
      fx.fake.probes.publish('nginx0-ams', result);
      fx.fake.logger.debug('probe-done', { backend: 'nginx0-ams' });
    }
    fx.fake.probes.publish('nginx6', pass);
    // Something that is never held back arrives first: the probes are waiting for their window.
    fx.fake.logger.info('lb-sync');
    assert.deepEqual((await r.next(3)).slice(2).map(kind), ['log info lb-sync']);
    await clock.advance(1000);
    const [batch] = (await r.next(4)).slice(3);
    assert.deepEqual(
      [batch].map((e) => e && kind(e)),
      ['probes nginx0-amsx3 L4TOUT, nginx6x1 L7OK'],
    );
    const ev = batch?.event;
    assert.ok(ev?.$case === 'probes');
    assert.deepEqual(ev.value.probes[0], {
      backend: 'nginx0-ams',
      count: 3,
      ok: false,
      code: 'L4TOUT',
      detail: 'timeout',
      time: new Date(T0),
    });
    fx.fake.logger.info('lb-sync');
    assert.deepEqual((await r.next(5)).slice(4).map(kind), ['log info lb-sync'], 'and no probe records');
    r.stream.cancel();
  });

  void test('a transition is delivered at once, after the probes that came before it', async () => {
    const r = await watch({ backend: true, probeSummaryMs: 60_000 });
    const plain = await watch({ backend: true, log: true, logLevel: 'debug' });
    fx.fake.probes.publish('nginx0-fra', fail);
    fx.fake.logger.debug('probe-done', { backend: 'nginx0-fra' });
    fx.fake.probes.publish('nginx6', pass);
    fx.fake.disableBackend('nginx0-fra');
    // No clock advance: the pending batch is flushed ahead of the transition, in order.
    assert.deepEqual((await r.next(2)).map(kind), [
      'probes nginx0-frax1 L4TOUT, nginx6x1 L7OK',
      'backend web-v4/nginx0-fra down->disabled',
    ]);
    await clock.advance(60_000);
    await fx.fake.enableBackend('nginx0-fra');
    assert.deepEqual((await r.next(3)).slice(2).map(kind), ['backend web-v4/nginx0-fra disabled->unknown']);
    // A subscriber that did not ask gets the probe records as they were, and no summaries.
    assert.deepEqual((await plain.next(3)).map(kind), [
      'log debug probe-done',
      'backend web-v4/nginx0-fra down->disabled',
      'backend web-v4/nginx0-fra disabled->unknown',
    ]);
    for (const s of [r, plain]) s.stream.cancel();
  });

  void test('backend_names limits the summaries; without backend events there are none', async () => {
    const one = await watch({ backend: true, backendNames: ['nginx6'], probeSummaryMs: 100 });
    const logsOnly = await watch({ log: true, probeSummaryMs: 100 });
    fx.fake.probes.publish('nginx0-ams', pass);
    fx.fake.probes.publish('nginx6', fail);
    await clock.advance(100);
    assert.deepEqual((await one.next(1)).map(kind), ['probes nginx6x1 L4TOUT']);
    fx.fake.logger.info('lb-sync');
    assert.deepEqual((await logsOnly.next(1)).map(kind), ['log info lb-sync']);
    assert.equal(fx.fake.probes.listenerCount(), 1, 'only the backend subscriber listens to probes');
    one.stream.cancel();
    logsOnly.stream.cancel();
    await one.status().catch(() => undefined);
  });
});
