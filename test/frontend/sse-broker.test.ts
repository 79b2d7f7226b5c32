// The SSE broker alone: ids, the replay ring (bounded by age and by count), and when a
// reconnecting browser must resync instead.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import { SseBroker, type SseEvent } from '../../src/frontend/index.js';

const status = (n: number) => ({ name: `m${n}`, reachable: true, error: null, since: n });

describe('SseBroker', () => {
  test('ids are <epoch>-<seq>, increasing from 1; the epoch is the start time', () => {
    const clock = new FakeClock(Date.UTC(2026, 3, 15));
    const broker = new SseBroker({ clock });
    assert.equal(broker.epoch, Date.UTC(2026, 3, 15).toString(36));
    assert.equal(broker.lastId(), `${broker.epoch}-0`);
    const a = broker.publish('maglevd-status', status(1));
    const b = broker.publish('maglevd-status', status(2));
    assert.equal(a.id, `${broker.epoch}-1`);
    assert.equal(b.id, `${broker.epoch}-2`);
    assert.equal(broker.lastId(), b.id);
    assert.deepEqual(JSON.parse(b.data), status(2));
    // A server started later has another epoch, so ids never repeat across restarts.
    assert.notEqual(
      new SseBroker({ clock: new FakeClock(Date.UTC(2026, 3, 15) + 1000) }).epoch,
      broker.epoch,
    );
  });

  test('live events reach subscribers; unsubscribe stops them', () => {
    const broker = new SseBroker({ clock: new FakeClock() });
    const got: SseEvent[] = [];
    const { start, unsubscribe } = broker.subscribe((e) => got.push(e), undefined);
    assert.deepEqual(start, { kind: 'fresh' });
    broker.publish('maglevd-status', status(1));
    unsubscribe();
    broker.publish('maglevd-status', status(2));
    assert.deepEqual(
      got.map((e) => e.seq),
      [1],
    );
    assert.equal(broker.subscriberCount(), 0);
  });

  test('Last-Event-ID inside the ring: exactly the missed events are replayed', () => {
    const broker = new SseBroker({ clock: new FakeClock() });
    for (let i = 1; i <= 5; i++) broker.publish('maglevd-status', status(i));
    const { start } = broker.subscribe(() => {}, `${broker.epoch}-2`);
    assert.equal(start.kind, 'replay');
    assert.deepEqual(start.kind === 'replay' ? start.events.map((e) => e.seq) : [], [3, 4, 5]);
    const upToDate = broker.subscribe(() => {}, broker.lastId()).start;
    assert.deepEqual(upToDate, { kind: 'replay', events: [] });
  });

  test('a gap older than 30 s is not replayed: resync', async () => {
    const clock = new FakeClock();
    const broker = new SseBroker({ clock });
    broker.publish('maglevd-status', status(1));
    broker.publish('maglevd-status', status(2));
    await clock.advance(20_000);
    broker.publish('maglevd-status', status(3));
    // Event 2 is 20 s old: still replayable.
    assert.equal(broker.subscribe(() => {}, `${broker.epoch}-1`).start.kind, 'replay');
    await clock.advance(10_001);
    // Event 2 is now older than 30 s; a browser that last saw 1 would miss it.
    assert.deepEqual(broker.subscribe(() => {}, `${broker.epoch}-1`).start, {
      kind: 'resync',
      reason: 'gap',
    });
    // One that saw 2 misses only 3 (10 s old): replayed.
    const s = broker.subscribe(() => {}, `${broker.epoch}-2`).start;
    assert.deepEqual(s.kind === 'replay' ? s.events.map((e) => e.seq) : s, [3]);
  });

  test('the ring keeps at most 2000 events', () => {
    const broker = new SseBroker({ clock: new FakeClock() });
    for (let i = 1; i <= 2500; i++) broker.publish('maglevd-status', status(i));
    assert.equal(broker.replayable().length, 2000);
    assert.equal(broker.replayable()[0]!.seq, 501);
    assert.deepEqual(broker.subscribe(() => {}, `${broker.epoch}-499`).start, {
      kind: 'resync',
      reason: 'gap',
    });
    const s = broker.subscribe(() => {}, `${broker.epoch}-500`).start;
    assert.equal(s.kind === 'replay' ? s.events.length : -1, 2000);
  });

  test('an id from another epoch (server restarted) or a malformed/future id: resync', () => {
    const broker = new SseBroker({ clock: new FakeClock() });
    broker.publish('maglevd-status', status(1));
    assert.deepEqual(broker.subscribe(() => {}, 'abc-1').start, { kind: 'resync', reason: 'restarted' });
    assert.deepEqual(broker.subscribe(() => {}, 'garbage').start, { kind: 'resync', reason: 'unknown-id' });
    assert.deepEqual(broker.subscribe(() => {}, `${broker.epoch}-99`).start, {
      kind: 'resync',
      reason: 'unknown-id',
    });
  });
});
