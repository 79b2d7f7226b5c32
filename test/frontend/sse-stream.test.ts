// One browser's SSE stream on its own: a browser that stops reading is cut off once 4 000 chunks
// wait for it, not before, and its queued events still reach it before the stream ends.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import { SseBroker, openSseStream } from '../../src/frontend/index.js';

const status = (n: number) => ({ name: `m${n}`, reachable: true, error: null, since: n });

describe('SSE stream', () => {
  test('a browser that stops reading is cut off at 4 000 queued chunks; what was queued still arrives', async () => {
    const clock = new FakeClock();
    const broker = new SseBroker({ clock });
    let closes = 0;
    const stream = openSseStream({ broker, clock, lastEventId: undefined, onClose: () => closes++ });
    assert.equal(broker.subscriberCount(), 1);
    // Nobody reads. Queued so far: the retry hint and hello; 3 998 events fill the queue to 4 000.
    for (let n = 1; n <= 3_998; n++) broker.publish('maglevd-status', status(n));
    assert.deepEqual([closes, broker.subscriberCount()], [0, 1]);
    const lastQueued = broker.lastId();
    // The next chunk finds the queue full: the browser is dropped instead of buffered without bound.
    broker.publish('maglevd-status', status(3_999));
    assert.deepEqual([closes, broker.subscriberCount()], [1, 0]);
    // Nothing more is queued for it (not even its ping), and the stream ends after what was.
    await clock.advance(60_000);
    assert.equal(clock.pendingTimers(), 0);
    const text = await stream.response.text();
    const ids = [...text.matchAll(/^id: (.*)$/gm)].map((m) => m[1]);
    assert.equal(ids.length, 3_999); // hello and 3 998 events
    assert.equal(ids.at(-1), lastQueued);
    assert.ok(text.startsWith('retry: 2000\n\n'));
    assert.ok(!text.includes(': ping'));
    stream.close();
    assert.equal(closes, 1);
  });

  test('a browser that reads is never cut off', async () => {
    const clock = new FakeClock();
    const broker = new SseBroker({ clock });
    let closes = 0;
    const stream = openSseStream({ broker, clock, lastEventId: undefined, onClose: () => closes++ });
    const reader = stream.response.body!.getReader();
    let chunks = 0;
    for (let n = 1; n <= 10_000; n++) {
      broker.publish('maglevd-status', status(n));
      // Read everything queued so far.
      while (chunks < n + 2) {
        const { done } = await reader.read();
        assert.equal(done, false);
        chunks++;
      }
    }
    assert.deepEqual([closes, broker.subscriberCount()], [0, 1]);
    stream.close();
    assert.equal((await reader.read()).done, true);
    assert.equal(closes, 1);
  });
});
