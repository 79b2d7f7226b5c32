// The checker-fault classifier (src/probe/checker-fault.ts) as one table, the stall rule, and the
// stall seen end to end through real probes: a timeout that runs far too late is ours.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import type { CheckerFaultReason, ProbeResult } from '../../src/health/index.js';
import {
  checkerFaultReason,
  createProber,
  stalledPastTimeout,
  STALL_MIN_MS,
  type LocalError,
} from '../../src/probe/index.js';
import { healthcheck, probeRequest, startTcpServer, type TcpTestServer } from '../helpers/index.js';

const reasonOf = (r: ProbeResult): string => ('reason' in r ? r.reason : '');

void describe('checkerFaultReason', () => {
  const cases: [LocalError, CheckerFaultReason | undefined][] = [
    // Making the socket: always ours, the call says which part.
    [{ site: 'setup', syscall: 'open', code: 'ENOENT' }, 'netns'],
    [{ site: 'setup', syscall: 'open', code: 'EINVAL' }, 'netns'],
    [{ site: 'setup', syscall: 'setns', code: 'EINVAL' }, 'netns'],
    [{ site: 'setup', syscall: 'setns', code: 'EPERM' }, 'permission'],
    [{ site: 'setup', syscall: 'open', code: 'EACCES' }, 'permission'],
    [{ site: 'setup', syscall: 'socket', code: 'EACCES' }, 'permission'],
    [{ site: 'setup', syscall: 'socket', code: 'EPERM' }, 'permission'],
    [{ site: 'setup', syscall: 'socket', code: 'EMFILE' }, 'resources'],
    [{ site: 'setup', syscall: 'socket', code: 'ENFILE' }, 'resources'],
    [{ site: 'setup', syscall: 'bind', code: 'EADDRNOTAVAIL' }, 'source-address'],
    [{ site: 'setup', syscall: 'bind', code: 'EINVAL' }, 'source-address'],
    [{ site: 'setup', syscall: undefined, code: 'ENOADDON' }, 'socket-setup'],
    [{ site: 'setup', syscall: 'socket', code: 'EAFNOSUPPORT' }, 'socket-setup'],
    // A connect() that failed in the system call itself.
    [{ site: 'connect', syscall: 'connect', code: 'ENETUNREACH' }, 'no-route'],
    [{ site: 'connect', syscall: 'bind', code: 'EADDRNOTAVAIL' }, 'source-address'],
    [{ site: 'connect', syscall: 'connect', code: 'EADDRNOTAVAIL' }, 'resources'],
    [{ site: 'connect', syscall: 'connect', code: 'EMFILE' }, 'resources'],
    [{ site: 'connect', syscall: 'connect', code: 'ENOBUFS' }, 'resources'],
    // Routes that exist and refuse are the operator's word about the destination.
    [{ site: 'connect', syscall: 'connect', code: 'EHOSTUNREACH' }, undefined],
    [{ site: 'connect', syscall: 'connect', code: 'EINVAL' }, undefined],
    [{ site: 'connect', syscall: 'connect', code: 'EACCES' }, undefined],
    [{ site: 'connect', syscall: 'connect', code: 'ECONNREFUSED' }, undefined],
    // An ICMP echo whose sendmsg failed on our side.
    [{ site: 'send', syscall: 'sendmsg', code: 'ENETUNREACH' }, 'no-route'],
    [{ site: 'send', syscall: 'sendmsg', code: 'EADDRNOTAVAIL' }, 'source-address'],
    [{ site: 'send', syscall: 'sendmsg', code: 'ENOBUFS' }, 'resources'],
    [{ site: 'send', syscall: 'sendmsg', code: 'EAGAIN' }, 'resources'],
    [{ site: 'send', syscall: 'sendmsg', code: 'EBUSY' }, 'resources'],
    [{ site: 'send', syscall: 'sendmsg', code: 'EHOSTUNREACH' }, undefined],
    [{ site: 'send', syscall: 'sendmsg', code: 'EINVAL' }, undefined],
    [{ site: 'send', syscall: 'sendmsg', code: 'EACCES' }, undefined],
    [{ site: 'send', syscall: 'sendmsg', code: 'ECANCELED' }, undefined],
  ];
  for (const [error, want] of cases) {
    void test(`${error.site} ${error.syscall ?? '-'} ${error.code} → ${want ?? 'a backend verdict'}`, () => {
      assert.equal(checkerFaultReason(error), want);
    });
  }
});

void describe('stalledPastTimeout', () => {
  void test('late by half the timeout, and at least STALL_MIN_MS, is a stall', () => {
    assert.equal(stalledPastTimeout(499, 1000), false);
    assert.equal(stalledPastTimeout(500, 1000), true);
    assert.equal(stalledPastTimeout(STALL_MIN_MS - 1, 50), false, 'short timeouts: scheduling noise');
    assert.equal(stalledPastTimeout(STALL_MIN_MS, 50), true);
    assert.equal(stalledPastTimeout(0, 0), false);
  });
});

// The JavaScript probes' own timers (engine: false): the probe engine keeps its deadlines on its
// own thread, where a stalled event loop cannot make them late (probe-paths.test.ts).
void describe('a stalled event loop is the checker fault event-loop-stall, not a timeout', () => {
  let silent: TcpTestServer;
  before(async () => {
    // Accepts and never answers: an http probe waits for its timeout.
    silent = await startTcpServer();
  });
  after(() => silent.close());

  const http = (timeoutMs: number) => healthcheck({ type: 'http', port: silent.port, timeoutMs });

  void test('on time: L7TOUT; fired after a stall: a checker fault (FakeClock)', async () => {
    const clock = new FakeClock();
    const probe = createProber({ clock, engine: false });
    const n = silent.connections.count;
    const onTime = probe(probeRequest(http(1000)));
    await silent.connections.at(n);
    await clock.advance(1000);
    const a = await onTime;
    assert.deepEqual([a.code, a.detail], ['L7TOUT', 'response timeout after 1000ms']);

    const stalled = probe(probeRequest(http(1000)));
    await silent.connections.at(n + 1);
    await clock.advance(999);
    clock.stall(1500);
    // The timeout was due 1 ms into the stall: it fires 1499 ms late.
    await clock.advance(0);
    const b = await stalled;
    assert.deepEqual([b.code, reasonOf(b), b.layer], ['checker-fault', 'event-loop-stall', 'L7']);
    assert.equal(b.detail, 'event loop stalled: the 1000ms timeout ran 1499ms late');

    // Late, but by less than half the timeout: still the backend's timeout.
    const slightly = probe(probeRequest(http(1000)));
    await silent.connections.at(n + 2);
    await clock.advance(999);
    clock.stall(400);
    await clock.advance(0);
    assert.equal((await slightly).code, 'L7TOUT');
  });

  void test('a real stall: the loop blocked past the timeout', async () => {
    const n = silent.connections.count;
    // A timeout long enough that a loaded machine still accepts the connection well within it.
    const result = createProber({ engine: false })(probeRequest(http(500)));
    await silent.connections.at(n);
    // The fault injected: this process's event loop does nothing else for 1200 ms.
    const until = performance.now() + 1200;
    while (performance.now() < until);
    const r = await result;
    assert.deepEqual([r.code, reasonOf(r)], ['checker-fault', 'event-loop-stall']);
  });
});
