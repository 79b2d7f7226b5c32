// The parts of one upstream on their own, each with a FakeClock and calls the test answers by
// hand: the reachability probe's pace and its "back" signal, the refresh loop's period and how
// requests fold, the watch stream's reconnect backoff, and the lb-state part's reading of VPP.
// The whole upstream against a real gRPC server is upstream.test.ts.

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import {
  BackendInfo,
  type Event,
  type FrontendInfo,
  type HealthCheckInfo,
  type VPPInfo,
  type VPPLBState,
} from '../../src/api/index.js';
import { RpcError } from '../../src/errors.js';
import { FakeClock, settle } from '../../src/clock/index.js';
import {
  InFlight,
  LbStateLoop,
  Reachability,
  REFRESH_MAX_MS,
  RefreshLoop,
  refreshPeriodMs,
  TRANSITIONS_KEPT,
  UpstreamView,
  WatchLoop,
  type WatchStream,
  type SsePayloads,
  type SseEventType,
  type UpstreamContext,
} from '../../src/frontend/index.js';
import type { LogRecord } from '../../src/log/index.js';
import { broadcastOnlyLoggerKeepingLogs } from '../helpers/logger.js';

interface Published {
  type: SseEventType;
  payload: unknown;
}

interface Parts {
  ctx: UpstreamContext;
  clock: FakeClock;
  published: Published[];
  logs: LogRecord[];
  inFlight: InFlight;
}

function parts(): Parts {
  const clock = new FakeClock(Date.UTC(2026, 3, 15, 12, 0, 0));
  const published: Published[] = [];
  const { logger, logs } = broadcastOnlyLoggerKeepingLogs();
  const inFlight = new InFlight();
  const ctx: UpstreamContext = {
    name: 'maglevd-test:9090',
    clock,
    logger,
    view: new UpstreamView(),
    publish: <T extends SseEventType>(type: T, payload: SsePayloads[T]) =>
      void published.push({ type, payload }),
    track: inFlight.track,
  };
  return { ctx, clock, published, logs, inFlight };
}

/** A call the test answers when it wants to; calls still open are answered oldest first. */
class Pending<T> {
  private readonly open: { resolve: (v: T) => void; reject: (e: unknown) => void }[] = [];
  calls = 0;

  readonly call = (): Promise<T> => {
    this.calls++;
    return new Promise<T>((resolve, reject) => this.open.push({ resolve, reject }));
  };

  resolve(v: T): void {
    this.open.shift()?.resolve(v);
  }

  reject(e: unknown): void {
    this.open.shift()?.reject(e);
  }
}

/** What the typed client rejects a call with: an RpcError carrying the gRPC status. */
function grpcError(code: status, details: string): RpcError {
  const stable =
    code === status.UNAVAILABLE ? 'unavailable' : code === status.DEADLINE_EXCEEDED ? 'deadline' : 'unknown';
  return new RpcError(stable, details, code, status[code]);
}

const ofType = (p: Parts, type: SseEventType) => p.published.filter((e) => e.type === type);

describe('Reachability', () => {
  function probe(p: Parts) {
    const ping = new Pending<void>();
    const deadlines: number[] = [];
    let back = 0;
    const r = new Reachability(p.ctx, {
      intervalMs: 5000,
      deadlineMs: 4000,
      ping: (deadlineMs) => {
        deadlines.push(deadlineMs);
        return ping.call();
      },
      onBack: () => back++,
    });
    return { r, ping, deadlines, back: () => back };
  }

  test('probes every interval, never two at once; a failure turns it red with the reason', async () => {
    const p = parts();
    const { r, ping, deadlines, back } = probe(p);
    assert.deepEqual(r.status(), {
      name: 'maglevd-test:9090',
      reachable: false,
      error: 'not contacted yet',
      since: p.clock.now(),
    });
    r.start();
    await p.clock.advance(4999);
    assert.equal(ping.calls, 0);
    await p.clock.advance(1);
    assert.equal(ping.calls, 1);
    // The first probe hangs: the next tick does not start a second one.
    await p.clock.advance(5000);
    assert.equal(ping.calls, 1);
    ping.reject(grpcError(status.UNAVAILABLE, 'connect ECONNREFUSED 127.0.0.1:9090'));
    await p.inFlight.idle();
    assert.equal(r.status().error, 'connect ECONNREFUSED 127.0.0.1:9090');
    assert.equal(r.status().since, Date.UTC(2026, 3, 15, 12, 0, 0), 'still red: since does not move');
    assert.equal(ofType(p, 'maglevd-status').length, 1, 'a new reason is published');
    assert.equal(back(), 0);
    await p.clock.advance(5000);
    assert.equal(ping.calls, 2);
    assert.deepEqual(deadlines, [4000, 4000]);
    r.stop();
    assert.equal(p.clock.pendingTimers(), 0);
  });

  test('onBack fires when the probe finds maglevd answering again, not when another part did', async () => {
    const p = parts();
    const { r, ping, back } = probe(p);
    r.start();
    await p.clock.advance(5000);
    ping.resolve();
    await p.inFlight.idle();
    assert.equal(back(), 1);
    assert.equal(r.status().reachable, true);
    assert.equal(r.status().since, p.clock.now());
    assert.deepEqual(
      p.logs.map((l) => l.event),
      ['maglevd-reachable'],
    );
    // Green already (say the stream came up): the probe answering changes nothing.
    await p.clock.advance(5000);
    ping.resolve();
    await p.inFlight.idle();
    assert.equal(back(), 1);
    assert.equal(ofType(p, 'maglevd-status').length, 1);
    // Red by another part's report, then green by the probe: back again.
    r.report(false);
    assert.equal(r.status().error, 'unreachable');
    await p.clock.advance(5000);
    ping.resolve();
    await p.inFlight.idle();
    assert.equal(back(), 2);
    assert.deepEqual(
      p.logs.map((l) => l.event),
      ['maglevd-reachable', 'maglevd-unreachable', 'maglevd-reachable'],
    );
    r.stop();
  });

  test('a probe that answers after stop() changes nothing', async () => {
    const p = parts();
    const { r, ping, back } = probe(p);
    r.start();
    await p.clock.advance(5000);
    r.stop();
    ping.resolve();
    await p.inFlight.idle();
    assert.equal(back(), 0);
    assert.equal(r.status().reachable, false);
    assert.equal(p.published.length, 0);
  });
});

describe('RefreshLoop', () => {
  function loop(p: Parts) {
    const calls = {
      listFrontends: new Pending<FrontendInfo[]>(),
      listBackends: new Pending<BackendInfo[]>(),
      listHealthChecks: new Pending<HealthCheckInfo[]>(),
    };
    const reports: [boolean, string | undefined][] = [];
    let vppReads = 0;
    const refresh = new RefreshLoop(p.ctx, {
      periodMs: 30_000,
      calls: {
        listFrontends: calls.listFrontends.call,
        listBackends: calls.listBackends.call,
        listHealthChecks: calls.listHealthChecks.call,
      },
      readVpp: () => {
        vppReads++;
        return Promise.resolve();
      },
      reachable: (ok, err) => reports.push([ok, err?.statusName]),
      snapshot: () => p.ctx.view.snapshot({ name: p.ctx.name, reachable: true, error: null, since: 0 }),
    });
    const answer = async (): Promise<void> => {
      await settle();
      calls.listFrontends.resolve([]);
      calls.listBackends.resolve([]);
      calls.listHealthChecks.resolve([]);
      await settle();
    };
    return { refresh, calls, reports, answer, vppReads: () => vppReads };
  }

  test('a full refresh every period, published as a snapshot stamped with the clock', async () => {
    const p = parts();
    const { refresh, calls, reports, answer, vppReads } = loop(p);
    refresh.start();
    await p.clock.advance(29_999);
    assert.equal(calls.listFrontends.calls, 0);
    await p.clock.advance(1);
    assert.equal(calls.listFrontends.calls, 1);
    await answer();
    await p.inFlight.idle();
    assert.equal(vppReads(), 1);
    assert.deepEqual(reports, [[true, undefined]]);
    const snapshots = ofType(p, 'snapshot');
    assert.equal(snapshots.length, 1);
    assert.equal(p.ctx.view.refreshedAt, p.clock.now());
    await p.clock.advance(30_000);
    assert.equal(calls.listFrontends.calls, 2);
    await answer();
    refresh.stop();
    assert.equal(p.clock.pendingTimers(), 0);
  });

  test('a larger maglevd is refreshed less often (the period per started thousand backends, at most 5 min), a period after the last refresh', async () => {
    assert.equal(refreshPeriodMs(30_000, 0), 30_000);
    assert.equal(refreshPeriodMs(30_000, 1000), 30_000);
    assert.equal(refreshPeriodMs(30_000, 1001), 60_000);
    assert.equal(refreshPeriodMs(30_000, 10_000), REFRESH_MAX_MS);
    assert.equal(refreshPeriodMs(30_000, 50_000), REFRESH_MAX_MS);
    assert.equal(refreshPeriodMs(600_000, 10_000), 600_000, 'never shorter than asked');

    const p = parts();
    const { refresh, calls, answer } = loop(p);
    const answerWith = async (backends: number): Promise<void> => {
      await settle();
      calls.listFrontends.resolve([]);
      calls.listBackends.resolve(
        Array.from({ length: backends }, (_, i) => BackendInfo.fromPartial({ name: `b${i}`, state: 'up' })),
      );
      calls.listHealthChecks.resolve([]);
      await settle();
      await p.inFlight.idle();
    };
    refresh.start();
    await p.clock.advance(30_000);
    assert.equal(calls.listBackends.calls, 1);
    // The next one comes a period after this one, at the size it found: 2 500 backends, 90 s.
    await answerWith(2500);
    await p.clock.advance(89_999);
    assert.equal(calls.listBackends.calls, 1);
    await p.clock.advance(1);
    assert.equal(calls.listBackends.calls, 2);
    await answer();
    await p.inFlight.idle();
    // A requested refresh (a reconnect, a reload) puts the next periodic one a period after it.
    await p.clock.advance(20_000);
    const requested = refresh.request();
    await answer();
    await requested;
    await p.clock.advance(29_999);
    assert.equal(calls.listBackends.calls, 3);
    await p.clock.advance(1);
    assert.equal(calls.listBackends.calls, 4);
    await answer();
    refresh.stop();
  });

  test('requests during a refresh fold into one more run; after stop() a request does nothing', async () => {
    const p = parts();
    const { refresh, calls, answer } = loop(p);
    const first = refresh.request();
    assert.equal(calls.listFrontends.calls, 1);
    const second = refresh.request();
    const third = refresh.request();
    assert.equal(second, first);
    assert.equal(third, first);
    await answer();
    assert.equal(calls.listFrontends.calls, 2, 'one more run for both requests');
    await answer();
    await first;
    assert.equal(ofType(p, 'snapshot').length, 2);
    refresh.stop();
    await refresh.request();
    assert.equal(calls.listFrontends.calls, 2);
  });

  test('a failed call is logged and reported unreachable; nothing is published', async () => {
    const p = parts();
    const { refresh, calls, reports } = loop(p);
    const done = refresh.request();
    calls.listBackends.reject(grpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    await done;
    assert.deepEqual(reports, [[false, 'DEADLINE_EXCEEDED']]);
    assert.equal(p.published.length, 0);
    assert.equal(p.ctx.view.refreshedAt, null);
    const failed = p.logs.find((l) => l.event === 'maglevd-refresh-failed');
    assert.deepEqual(failed?.attrs, {
      maglevd: 'maglevd-test:9090',
      code: 'deadline',
      error: 'Deadline exceeded',
    });
  });
});

/** A server stream the test drives: response headers, events, an error or the end. */
class FakeStream extends EventEmitter implements WatchStream {
  cancelled = false;
  cancel(): void {
    this.cancelled = true;
  }
}

describe('WatchLoop', () => {
  function loop(p: Parts) {
    const streams: FakeStream[] = [];
    const reports: [boolean, string | undefined][] = [];
    const events: Event[] = [];
    let live = 0;
    const watch = new WatchLoop(p.ctx, {
      // 0.5 puts the ±20 % jitter at 0: the delays are the bare doubling.
      random: () => 0.5,
      backoffInitialMs: 500,
      backoffMaxMs: 4000,
      open: () => {
        const s = new FakeStream();
        streams.push(s);
        return s;
      },
      reachable: (ok, err) => reports.push([ok, err?.statusName]),
      onLive: () => live++,
      onEvent: (e) => events.push(e),
    });
    return { watch, streams, reports, events, live: () => live };
  }

  test('an ended stream is reopened after a doubling backoff, reset once a stream is live', async () => {
    const p = parts();
    const { watch, streams, reports, live } = loop(p);
    watch.start();
    assert.equal(streams.length, 1);
    assert.equal(watch.watching(), false, 'not live before the response headers');
    streams[0]!.emit('metadata');
    assert.equal(watch.watching(), true);
    assert.equal(live(), 1);
    assert.deepEqual(reports, [[true, undefined]]);

    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = p.clock.monotonic();
      streams.at(-1)!.emit('error', grpcError(status.UNAVAILABLE, 'Connection dropped'));
      assert.equal(watch.watching(), false);
      const opened: number = streams.length;
      while (streams.length === opened) assert.ok(await p.clock.tick());
      delays.push(p.clock.monotonic() - before);
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 4000]);
    assert.deepEqual(
      p.logs.filter((l) => l.event === 'maglevd-watch-ended').map((l) => l.attrs.retryMs),
      [500, 1000, 2000, 4000, 4000],
    );
    assert.equal(reports.filter(([ok]) => !ok).length, 5, 'UNAVAILABLE reports maglevd unreachable');

    // Live again: the next end waits the initial delay.
    streams.at(-1)!.emit('metadata');
    const before = p.clock.monotonic();
    streams.at(-1)!.emit('end');
    await p.clock.tick();
    assert.equal(p.clock.monotonic() - before, 500);
    // A clean end is no sign that maglevd is gone.
    assert.equal(reports.filter(([ok]) => !ok).length, 5);
    watch.stop();
  });

  test('events are handed on; an end after error, or of a replaced stream, does not reconnect twice', async () => {
    const p = parts();
    const { watch, streams, events } = loop(p);
    watch.start();
    const event: Event = { event: undefined };
    streams[0]!.emit('data', event);
    assert.deepEqual(events, [event]);
    streams[0]!.emit('error', grpcError(status.CANCELLED, 'Cancelled'));
    streams[0]!.emit('end');
    assert.equal(p.clock.pendingTimers(), 1, 'one reconnect timer');
    await p.clock.tick();
    assert.equal(streams.length, 2);
    // The first stream's late events change nothing.
    streams[0]!.emit('end');
    assert.equal(p.clock.pendingTimers(), 0);
    watch.stop();
  });

  test('reconnectIfDown opens at once instead of waiting out the backoff, and only without a stream', async () => {
    const p = parts();
    const { watch, streams } = loop(p);
    watch.start();
    watch.reconnectIfDown();
    assert.equal(streams.length, 1, 'a stream is open: nothing to do');
    streams[0]!.emit('error', grpcError(status.UNAVAILABLE, 'gone'));
    assert.equal(p.clock.pendingTimers(), 1);
    watch.reconnectIfDown();
    assert.equal(streams.length, 2);
    assert.equal(p.clock.pendingTimers(), 0, 'the backoff timer is cancelled');
    await p.clock.advance(60_000);
    assert.equal(streams.length, 2);
    watch.stop();
  });

  test('stop() cancels the stream and no end reconnects it', async () => {
    const p = parts();
    const { watch, streams } = loop(p);
    watch.start();
    streams[0]!.emit('metadata');
    watch.stop();
    assert.equal(streams[0]!.cancelled, true);
    assert.equal(watch.watching(), false);
    streams[0]!.emit('error', grpcError(status.CANCELLED, 'Cancelled on client'));
    assert.equal(p.clock.pendingTimers(), 0);
    await p.clock.advance(60_000);
    assert.equal(streams.length, 1);
  });
});

describe('LbStateLoop', () => {
  const info: VPPInfo = {
    version: '25.02',
    buildDate: '',
    buildDirectory: '',
    pid: 1,
    bootTime: undefined,
    connectTime: undefined,
    lbApiVersion: '1.2.0',
    apiSocket: '/run/vpp/api.sock',
    statsSocket: '/run/vpp/stats.sock',
  };
  const lb: VPPLBState = { conf: undefined, vips: [], readAt: new Date(Date.UTC(2026, 3, 15, 12)) };

  function loop(p: Parts) {
    const calls = {
      listFrontends: new Pending<FrontendInfo[]>(),
      vppInfo: new Pending<VPPInfo>(),
      vppLbState: new Pending<VPPLBState>(),
    };
    const lbState = new LbStateLoop(p.ctx, {
      debounceMs: 1000,
      calls: {
        listFrontends: calls.listFrontends.call,
        vppInfo: calls.vppInfo.call,
        vppLbState: calls.vppLbState.call,
      },
    });
    return { lbState, calls };
  }

  test('a wake fetches at once and once more at the end of the window; the fetch reads VPP info first when it was away', async () => {
    const p = parts();
    const { lbState, calls } = loop(p);
    lbState.wake();
    lbState.wake();
    assert.equal(calls.vppLbState.calls, 1);
    calls.listFrontends.resolve([]);
    calls.vppLbState.resolve(lb);
    await settle();
    // The view said VPP was not connected: its info is read before the lb state is kept.
    assert.equal(calls.vppInfo.calls, 1);
    calls.vppInfo.resolve(info);
    await settle();
    calls.vppLbState.resolve(lb);
    await p.inFlight.idle();
    assert.equal(p.ctx.view.vpp.connected, true);
    assert.equal(p.ctx.view.vpp.info?.version, '25.02');
    assert.equal(p.ctx.view.vpp.lbState?.readAt, Date.UTC(2026, 3, 15, 12));
    assert.deepEqual(
      p.published.map((e) => e.type),
      ['frontends', 'vpp'],
    );
    await p.clock.advance(1000);
    assert.equal(calls.vppLbState.calls, 3, 'the trailing fetch');
    calls.listFrontends.resolve([]);
    calls.vppLbState.resolve(lb);
    await p.inFlight.idle();
    assert.equal(calls.vppInfo.calls, 1, 'connected now: no second info read');
    lbState.stop();
    assert.equal(p.clock.pendingTimers(), 0);
  });

  test('UNAVAILABLE means VPP is gone; any other error keeps what is known and says why', async () => {
    const p = parts();
    const { lbState, calls } = loop(p);
    p.ctx.view.vpp = { connected: true, info: null, error: null, lbState: { readAt: 1, vips: [] } };
    lbState.wake();
    calls.listFrontends.resolve([]);
    calls.vppLbState.reject(grpcError(status.FAILED_PRECONDITION, 'lb plugin not loaded'));
    await p.inFlight.idle();
    assert.deepEqual(p.ctx.view.vpp, {
      connected: true,
      info: null,
      error: 'lb plugin not loaded',
      lbState: { readAt: 1, vips: [] },
    });
    await p.clock.advance(1000);
    lbState.wake();
    calls.listFrontends.resolve([]);
    calls.vppLbState.reject(grpcError(status.UNAVAILABLE, 'VPP integration is disabled'));
    await p.inFlight.idle();
    assert.deepEqual(p.ctx.view.vpp, {
      connected: false,
      info: null,
      error: 'VPP integration is disabled',
      lbState: null,
    });
    lbState.stop();
  });

  test('vpp-connect reads and publishes VPP; vpp-disconnect forgets it; after stop() nothing is published', async () => {
    const p = parts();
    const { lbState, calls } = loop(p);
    lbState.vppConnected();
    calls.vppInfo.resolve(info);
    await settle();
    // The woken fetch asked for the lb state first, then readVpp did.
    calls.listFrontends.resolve([]);
    calls.vppLbState.resolve(lb);
    await settle();
    calls.vppLbState.resolve(lb);
    await p.inFlight.idle();
    assert.equal(ofType(p, 'vpp').length, 2);
    assert.equal(p.ctx.view.vpp.connected, true);
    lbState.vppDisconnected();
    assert.deepEqual(p.ctx.view.vpp, {
      connected: false,
      info: null,
      error: 'VPP disconnected',
      lbState: null,
    });
    assert.equal(ofType(p, 'vpp').length, 3);
    lbState.stop();
    lbState.vppDisconnected();
    lbState.wake();
    assert.equal(ofType(p, 'vpp').length, 3);
  });
});

describe('UpstreamView', () => {
  test('one transition sent once per frontend is recorded once, and kept to the last few', () => {
    const view = new UpstreamView();
    view.backends.set('a', {
      name: 'a',
      address: '192.0.2.10',
      family: 4,
      state: 'up',
      enabled: true,
      healthcheck: 'http',
      counter: 3,
      rise: 2,
      fall: 2,
      frontends: ['web', 'api'],
      transitions: [],
      checkerFault: null,
    });
    const t = (at: number, to: string) => ({ from: '', to, at, code: 'L7STS', detail: '' });
    view.applyTransition('web', 'a', t(1, 'down'));
    view.applyTransition('api', 'a', t(1, 'down'));
    assert.equal(view.backends.get('a')!.transitions.length, 1);
    for (let at = 2; at < 20; at++) view.applyTransition('web', 'a', t(at, at % 2 ? 'down' : 'up'));
    const kept = view.backends.get('a')!.transitions;
    assert.equal(kept.length, TRANSITIONS_KEPT);
    assert.equal(kept[0]!.at, 19, 'newest first');
    assert.equal(view.backends.get('a')!.state, 'down');
  });
});
