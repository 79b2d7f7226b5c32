// The icmp probe's own rules, driven by a FakeClock where time matters: the timeout, aborts,
// and how ICMP errors read. Needs root for the namespace (CI runs as root).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import type { ProbeResult } from '../../src/health/types.js';
import { silentLogger } from '../../src/log/index.js';
import {
  createIcmpProbe,
  describeIcmpError,
  ensurePingGroupRange,
  PingSocketPool,
} from '../../src/probe/index.js';
import { healthcheck, probeRequest } from '../helpers/index.js';
import { ip, NetnsJanitor, sweepStaleNamespaces } from '../helpers/netns.js';
import { needsRoot } from '../helpers/requirements.js';

void describe('icmp probe', { skip: needsRoot('a network namespace') }, () => {
  const janitor = new NetnsJanitor();
  const pool = new PingSocketPool();
  let ns: string;
  // On-link, but its neighbour entry is a MAC nobody has: echoes vanish without an error.
  const silent = '10.255.100.2';

  before(() => {
    sweepStaleNamespaces();
    ns = janitor.add('icmp');
    ip('-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ip('-n', ns, 'addr', 'add', '10.255.100.1/24', 'dev', 'v0');
    ip('-n', ns, 'link', 'set', 'v0', 'up');
    ip('-n', ns, 'link', 'set', 'v1', 'up');
    ip('-n', ns, 'neigh', 'add', silent, 'lladdr', '02:00:00:00:00:02', 'dev', 'v0', 'nud', 'permanent');
    assert.equal(ensurePingGroupRange({ netns: ns, logger: silentLogger }).ok, true);
  });

  after(async () => {
    pool.close();
    await janitor.cleanup();
  });

  const hc = healthcheck({ type: 'icmp', port: undefined, timeoutMs: 1000 });

  void test('no reply: L4TOUT exactly when the timeout falls due on the clock', async () => {
    const clock = new FakeClock();
    const probe = createIcmpProbe({ clock, pool });
    const pending = probe(probeRequest(hc, silent, { netns: ns }));
    let settled = false;
    void pending.then(() => (settled = true));
    await clock.advance(999);
    assert.equal(settled, false);
    await clock.advance(1);
    const r = await pending;
    assert.deepEqual([r.ok, r.code, r.detail], [false, 'L4TOUT', 'no echo reply within 1000ms']);
  });

  void test('an abort ends the probe at once with L4CON "aborted"', async () => {
    const clock = new FakeClock();
    const probe = createIcmpProbe({ clock, pool });
    const ac = new AbortController();
    const pending = probe(probeRequest(hc, silent, { netns: ns, signal: ac.signal }));
    ac.abort();
    assert.deepEqual(await pending.then((r) => [r.code, r.detail]), ['L4CON', 'aborted']);
    assert.equal(clock.pendingTimers(), 0, 'the timeout timer is cancelled');
    const already = await probe(probeRequest(hc, silent, { netns: ns, signal: ac.signal }));
    assert.deepEqual([already.code, already.detail], ['L4CON', 'aborted']);
  });

  void test('a reply passes with L4OK and says who answered', async () => {
    const probe = createIcmpProbe({ pool });
    const r = await probe(probeRequest(hc, '10.255.100.1', { netns: ns }));
    assert.deepEqual([r.ok, r.layer, r.code, r.detail], [true, 'L4', 'L4OK', 'echo reply from 10.255.100.1']);
  });

  /** Blocks the event loop, as a long GC pause or a burst of work would. */
  const stall = (ms: number): void => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  };

  /**
   * Starts a probe from a setImmediate callback, so that after `stallMs` the loop's next phase
   * is the timers phase: the expired timeout runs before the socket is polled.
   */
  const probeThenStall = (stallMs: number, beforeSend: boolean) => {
    const probe = createIcmpProbe({ pool });
    const short = healthcheck({ type: 'icmp', port: undefined, timeoutMs: 200 });
    return new Promise<ProbeResult>((resolve) => {
      setImmediate(() => {
        void probe(probeRequest(short, '10.255.100.1', { netns: ns })).then(resolve);
        // dgram sends on the next tick: stall before it, or right after it (reply queued).
        if (beforeSend) stall(stallMs);
        else process.nextTick(() => process.nextTick(() => stall(stallMs)));
      });
    });
  };

  void test('a reply that came in time but was read after a stall still passes', async () => {
    const r = await probeThenStall(400, false);
    assert.deepEqual([r.code, r.detail], ['L4OK', 'echo reply from 10.255.100.1']);
    assert.ok(r.durationMs < 200, `duration from the kernel's arrival time, got ${r.durationMs}`);
  });

  void test('a reply that came after the timeout is L4TOUT, however it is read', async () => {
    const r = await probeThenStall(400, true);
    assert.equal(r.code, 'L4TOUT');
    assert.match(r.detail, /^no echo reply within 200ms \(reply after \d+ms\)$/);
  });
});

void describe('icmp errors', () => {
  void test('ICMP errors read as what happened and who said so', () => {
    const report = (origin: number, type: number, code: number, errno: string) => ({
      errno,
      origin,
      type,
      code,
      dest: '192.0.2.1',
      offender: '192.0.2.254',
      data: Buffer.alloc(16),
    });
    assert.equal(
      describeIcmpError(report(2, 3, 1, 'EHOSTUNREACH'), 4),
      'icmp host unreachable from 192.0.2.254 (EHOSTUNREACH)',
    );
    assert.equal(
      describeIcmpError(report(2, 3, 13, 'EHOSTUNREACH'), 4),
      'icmp communication administratively prohibited from 192.0.2.254 (EHOSTUNREACH)',
    );
    assert.equal(
      describeIcmpError(report(2, 11, 0, 'EHOSTUNREACH'), 4),
      'icmp time exceeded from 192.0.2.254 (EHOSTUNREACH)',
    );
    assert.equal(
      describeIcmpError(report(3, 1, 3, 'EHOSTUNREACH'), 6),
      'icmpv6 address unreachable from 192.0.2.254 (EHOSTUNREACH)',
    );
    assert.equal(
      describeIcmpError(report(3, 1, 0, 'ENETUNREACH'), 6),
      'icmpv6 no route to destination from 192.0.2.254 (ENETUNREACH)',
    );
    assert.equal(describeIcmpError(report(1, 0, 0, 'EMSGSIZE'), 4), 'local error EMSGSIZE from 192.0.2.254');
  });
});
