import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { FakeClock } from '../../src/clock/index.js';
import {
  bodyRegexp,
  createProber,
  DEFAULT_USER_AGENT,
  defaultSocketFactory,
  hostHeader,
  MAGLEVD_VERSION,
  SocketSetupError,
  type ProbeFn,
  type ProbeRequest,
  type SocketFactory,
  type TcpConnectOptions,
} from '../../src/probe/index.js';
import { healthcheck, probeRequest } from '../helpers/index.js';

/** A factory whose sockets never connect (nothing listens, nothing refuses), recording requests. */
class StuckSockets implements SocketFactory {
  readonly opened: { opts: TcpConnectOptions; socket: net.Socket }[] = [];
  connectTcp(opts: TcpConnectOptions): net.Socket {
    const socket = new net.Socket();
    this.opened.push({ opts, socket });
    return socket;
  }
}

function throwing(err: Error): SocketFactory {
  return {
    connectTcp() {
      throw err;
    },
  };
}

void describe('createProber with a fake SocketFactory', () => {
  void test('a socket that never connects is L4TOUT after timeoutMs, and is destroyed', async () => {
    const clock = new FakeClock();
    const sockets = new StuckSockets();
    const result = createProber({ sockets, clock })(probeRequest(healthcheck({ timeoutMs: 750 })));
    await clock.advance(749);
    assert.equal(clock.pendingTimers(), 1);
    await clock.advance(1);
    const r = await result;
    assert.deepEqual(
      [r.ok, r.layer, r.code, r.detail],
      [false, 'L4', 'L4TOUT', 'connect timeout after 750ms'],
    );
    assert.equal(sockets.opened[0]?.socket.destroyed, true);
  });

  void test('L4TOUT for tcp and https probes alike', async () => {
    for (const type of ['tcp', 'https'] as const) {
      const clock = new FakeClock();
      const result = createProber({ sockets: new StuckSockets(), clock })(
        probeRequest(healthcheck({ type, port: 443 })),
      );
      await clock.advance(2000);
      assert.equal((await result).code, 'L4TOUT', type);
    }
  });

  void test('the target, port, family and netns reach the factory', async () => {
    const clock = new FakeClock();
    const sockets = new StuckSockets();
    const probe = createProber({ sockets, clock });
    const hc = healthcheck({ port: 8080, probeIpv4Src: '192.0.2.10', probeIpv6Src: '2001:db8::10' });
    const v4 = probe(probeRequest(hc, '198.51.100.7', { netns: 'dataplane' }));
    const v6 = probe(probeRequest(hc, '2001:db8::7'));
    await clock.advance(2000);
    await Promise.all([v4, v6]);
    assert.deepEqual(
      sockets.opened.map((o) => o.opts),
      [
        { host: '198.51.100.7', port: 8080, family: 4, localAddress: '192.0.2.10', netns: 'dataplane' },
        { host: '2001:db8::7', port: 8080, family: 6, localAddress: '2001:db8::10', netns: undefined },
      ],
    );
  });

  void test('no probe source for the family means no localAddress', async () => {
    const clock = new FakeClock();
    const sockets = new StuckSockets();
    const result = createProber({ sockets, clock })(
      probeRequest(healthcheck({ probeIpv4Src: '192.0.2.10' }), '2001:db8::7'),
    );
    await clock.advance(2000);
    await result;
    assert.equal(sockets.opened[0]?.opts.localAddress, undefined);
  });

  void test('a SocketSetupError is a checker fault with its message, the reason from its call', async () => {
    const err = new SocketSetupError('enter netns "dataplane": operation not permitted', 'EPERM', 'setns');
    const r = await createProber({ sockets: throwing(err) })(probeRequest(healthcheck()));
    assert.deepEqual(r, {
      ok: false,
      layer: 'L4',
      code: 'checker-fault',
      reason: 'permission',
      detail: 'enter netns "dataplane": operation not permitted',
      durationMs: r.durationMs,
    });
  });

  void test('any other synchronous factory error is a checker fault with its message', async () => {
    const err = Object.assign(new TypeError('Invalid IP address: nope'), { code: 'ERR_INVALID_IP_ADDRESS' });
    const r = await createProber({ sockets: throwing(err) })(probeRequest(healthcheck()));
    assert.deepEqual(
      [r.code, 'reason' in r && r.reason, r.detail],
      ['checker-fault', 'socket-setup', 'Invalid IP address: nope'],
    );
  });

  void test('the default factory refuses a netns: a checker fault', async () => {
    const r = await createProber({ sockets: defaultSocketFactory })(
      probeRequest(healthcheck(), '127.0.0.1', { netns: 'dataplane' }),
    );
    assert.deepEqual(
      [r.code, 'reason' in r && r.reason, r.detail],
      ['checker-fault', 'socket-setup', 'netns "dataplane" needs the native socket addon'],
    );
  });

  void test('an already aborted signal is L4CON aborted without opening a socket', async () => {
    const sockets = new StuckSockets();
    const clock = new FakeClock();
    const signal = AbortSignal.abort();
    const r = await createProber({ sockets, clock })(probeRequest(healthcheck(), '127.0.0.1', { signal }));
    assert.deepEqual([r.ok, r.code, r.detail], [false, 'L4CON', 'aborted']);
    assert.equal(sockets.opened.length, 0);
    assert.equal(clock.pendingTimers(), 0);
  });

  void test('an abort while connecting is L4CON aborted; the socket, timer and listener are gone', async () => {
    const sockets = new StuckSockets();
    const clock = new FakeClock();
    const abort = new AbortController();
    const result = createProber({ sockets, clock })(
      probeRequest(healthcheck(), '127.0.0.1', { signal: abort.signal }),
    );
    assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
    abort.abort();
    const r = await result;
    assert.deepEqual([r.code, r.detail], ['L4CON', 'aborted']);
    assert.equal(sockets.opened[0]?.socket.destroyed, true);
    assert.equal(clock.pendingTimers(), 0);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
  });

  void test('a signal outliving many probes carries one listener, not one per probe', async () => {
    const clock = new FakeClock();
    const abort = new AbortController();
    const signal = abort.signal;
    const probe = createProber({ sockets: new StuckSockets(), clock });
    for (let i = 0; i < 20; i++) {
      const result = probe(probeRequest(healthcheck(), '127.0.0.1', { signal }));
      await clock.advance(2000);
      assert.equal((await result).code, 'L4TOUT');
    }
    assert.equal(getEventListeners(signal, 'abort').length, 1);
    // ...and that one listener still ends the probe in flight when the worker stops.
    const last = probe(probeRequest(healthcheck(), '127.0.0.1', { signal }));
    abort.abort();
    assert.deepEqual([(await last).code, (await last).detail], ['L4CON', 'aborted']);
  });

  void test('icmp goes to the icmp probe, not through the SocketFactory', async () => {
    const sockets = new StuckSockets();
    const seen: ProbeRequest[] = [];
    const icmp: ProbeFn = (req) => {
      seen.push(req);
      return Promise.resolve({ ok: true, layer: 'L4', code: 'L4OK', detail: 'echo reply', durationMs: 1 });
    };
    const req = probeRequest(healthcheck({ type: 'icmp', port: undefined }));
    const r = await createProber({ sockets, icmp })(req);
    assert.deepEqual([r.code, r.detail], ['L4OK', 'echo reply']);
    assert.deepEqual(seen, [req]);
    assert.equal(sockets.opened.length, 0);
  });

  void test('a tcp healthcheck without a port is L4CON', async () => {
    const r = await createProber({ sockets: new StuckSockets() })(
      probeRequest(healthcheck({ type: 'tcp', port: undefined })),
    );
    assert.deepEqual([r.code, r.detail], ['L4CON', 'healthcheck hc has no port']);
  });
});

void describe('probe building blocks', () => {
  void test('hostHeader brackets IPv6 and adds the port only when it is not the default', () => {
    assert.equal(hostHeader('192.0.2.1', 80, 80), '192.0.2.1');
    assert.equal(hostHeader('192.0.2.1', 8080, 80), '192.0.2.1:8080');
    assert.equal(hostHeader('2001:db8::1', 443, 443), '[2001:db8::1]');
    assert.equal(hostHeader('2001:db8::1', 8443, 443), '[2001:db8::1]:8443');
    assert.equal(hostHeader('www.example.com', 80, 80), 'www.example.com');
    assert.equal(hostHeader('www.example.com', 81, 80), 'www.example.com:81');
    assert.equal(hostHeader('www.example.com:9000', 81, 80), 'www.example.com:9000');
  });

  void test('bodyRegexp compiles each source once', () => {
    const a = bodyRegexp('^ok$');
    assert.equal(bodyRegexp('^ok$'), a);
    assert.notEqual(bodyRegexp('^OK$'), a);
    assert.equal(a.flags, '');
    assert.throws(() => bodyRegexp('('), SyntaxError);
  });

  void test('the User-Agent carries the package version and the project URL', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.equal(MAGLEVD_VERSION, pkg.version);
    assert.equal(DEFAULT_USER_AGENT, `vpp-maglev/${pkg.version} (+https://git.ipng.ch/ipng/vpp-maglev)`);
  });
});
