import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, type Clock } from '../../src/clock/index.js';
import { createProber, DEFAULT_USER_AGENT } from '../../src/probe/index.js';
import {
  closedPort,
  healthcheck,
  probeRequest,
  startHttpServer,
  startTcpServer,
  type HealthCheckOverrides,
  type HttpTestServer,
  type RequestHandler,
} from '../helpers/index.js';

const probe = createProber();

/** Keeps the event loop busy (a stalled maglevd), not a wait for anything. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** The timeout cases below advance the clock by this check's 2 s timeout. */
function http(port: number, overrides: HealthCheckOverrides = {}) {
  return healthcheck({ type: 'http', port, timeoutMs: 2000, ...overrides });
}

/** Answers with the status and body named in the query: /?status=503&body=down */
const scripted: RequestHandler = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  res.writeHead(Number(url.searchParams.get('status') ?? 200), { 'Content-Type': 'text/plain' });
  res.end(url.searchParams.get('body') ?? 'ok');
};

void describe('http probe against a loopback server', () => {
  let server: HttpTestServer;
  before(async () => {
    server = await startHttpServer(scripted);
  });
  after(() => server.close());

  const at = (path: string, overrides: HealthCheckOverrides = {}) =>
    probe(probeRequest(http(server.port, { ...overrides, params: { path, ...overrides.params } })));

  void test('200 is L7OK', async () => {
    const r = await at('/');
    assert.equal(r.ok, true);
    assert.equal(r.layer, 'L7');
    assert.equal(r.code, 'L7OK');
    assert.equal(r.detail, 'status 200');
    assert.ok(r.durationMs >= 0);
  });

  void test('503 is L7STS with the status and the accepted range', async () => {
    const r = await at('/?status=503');
    assert.deepEqual([r.ok, r.layer, r.code, r.detail], [false, 'L7', 'L7STS', 'status 503 not in 200-399']);
  });

  void test('a single accepted code', async () => {
    const exact = { params: { responseCode: { min: 200, max: 200 } } };
    assert.equal((await at('/?status=200', exact)).code, 'L7OK');
    const r = await at('/?status=204', exact);
    assert.deepEqual([r.code, r.detail], ['L7STS', 'status 204 not in 200']);
  });

  void test('a range of 500-599 makes a 503 pass and a 200 fail', async () => {
    const errors = { params: { responseCode: { min: 500, max: 599 } } };
    assert.equal((await at('/?status=503', errors)).code, 'L7OK');
    const r = await at('/?status=200', errors);
    assert.deepEqual([r.code, r.detail], ['L7STS', 'status 200 not in 500-599']);
  });

  void test('a body matching response-regexp is L7OK', async () => {
    const r = await at('/?body=all+systems+healthy', { params: { responseRegexp: 'healthy$' } });
    assert.deepEqual([r.ok, r.code, r.detail], [true, 'L7OK', 'status 200']);
  });

  void test('a body not matching response-regexp is L7RSP', async () => {
    const r = await at('/?body=degraded', { params: { responseRegexp: 'healthy' } });
    assert.deepEqual(
      [r.ok, r.layer, r.code, r.detail],
      [false, 'L7', 'L7RSP', 'body does not match /healthy/'],
    );
  });

  void test('the status is checked before the body', async () => {
    const r = await at('/?status=500&body=healthy', { params: { responseRegexp: 'healthy' } });
    assert.equal(r.code, 'L7STS');
  });

  void test('an invalid response-regexp fails without opening a connection', async () => {
    const before = server.connections.count;
    const r = await at('/', { params: { responseRegexp: '(' } });
    assert.equal(r.code, 'L7RSP');
    assert.match(r.detail, /^bad response-regexp: /);
    assert.equal(server.connections.count, before);
  });

  void test('path, Host, User-Agent, Accept and Connection are what the server sees', async () => {
    const n = server.requests.count;
    await at('/healthz?deep=1');
    const seen = await server.requests.at(n);
    assert.ok(seen);
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, '/healthz?deep=1');
    assert.equal(seen.headers.host, `127.0.0.1:${server.port}`);
    assert.equal(seen.headers['user-agent'], DEFAULT_USER_AGENT);
    assert.equal(seen.headers.accept, '*/*');
    assert.equal(seen.headers.connection, 'close');
  });

  void test('params.host replaces the address in the Host header', async () => {
    const n = server.requests.count;
    await at('/', { params: { host: 'vip.example.test' } });
    assert.equal((await server.requests.at(n)).headers.host, `vip.example.test:${server.port}`);
  });

  void test('a custom User-Agent', async () => {
    const custom = createProber({ userAgent: 'probe-test/1' });
    const n = server.requests.count;
    await custom(probeRequest(http(server.port)));
    assert.equal((await server.requests.at(n)).headers['user-agent'], 'probe-test/1');
  });

  void test('probe-ipv4-src is the source address the server sees', async () => {
    const n = server.requests.count;
    const r = await probe(probeRequest(http(server.port, { probeIpv4Src: '127.0.0.2' })));
    assert.equal(r.code, 'L7OK');
    assert.equal((await server.requests.at(n)).remoteAddress, '127.0.0.2');
  });

  void test('every probe opens a fresh connection and closes it', async () => {
    const n = server.connections.count;
    await at('/');
    await at('/');
    assert.equal(server.connections.count, n + 2);
    await server.allClosed();
  });
});

void describe('http probe over IPv6', () => {
  let server: HttpTestServer;
  before(async () => {
    server = await startHttpServer(undefined, { host: '::1' });
  });
  after(() => server.close());

  void test('::1 with probe-ipv6-src ::1 is L7OK, Host in brackets', async () => {
    const r = await probe(
      probeRequest(http(server.port, { probeIpv6Src: '::1', probeIpv4Src: '127.0.0.2' }), '::1'),
    );
    assert.equal(r.code, 'L7OK');
    const seen = await server.requests.next();
    assert.equal(seen.headers.host, `[::1]:${server.port}`);
    assert.equal(seen.remoteAddress, '::1');
  });
});

void describe('http probe failures', () => {
  void test('a closed port is L4CON connect ECONNREFUSED', async () => {
    const r = await probe(probeRequest(http(await closedPort())));
    assert.deepEqual([r.ok, r.layer, r.code, r.detail], [false, 'L4', 'L4CON', 'connect ECONNREFUSED']);
  });

  void test('a server answering after the timeout is L7TOUT', async (t) => {
    const clock = new FakeClock();
    const release: (() => void)[] = [];
    const server = await startHttpServer((_req, res) => release.push(() => res.end('late')));
    t.after(() => server.close());
    const result = createProber({ clock })(probeRequest(http(server.port, { timeoutMs: 3000 })));
    await server.requests.next();
    await clock.advance(3000);
    const r = await result;
    assert.deepEqual(
      [r.ok, r.layer, r.code, r.detail],
      [false, 'L7', 'L7TOUT', 'response timeout after 3000ms'],
    );
    for (const answer of release) answer();
    await server.allClosed();
  });

  void test('an answer already in the socket when a stalled loop fires the timeout still counts', async (t) => {
    // The stall: the server answers, then the loop is kept busy past the timer's due time, so
    // the next loop turn runs the expired timer before it polls the probe's socket.
    let fireTimeout: (() => void) | undefined;
    const clock: Clock = {
      now: () => 0,
      monotonic: () => 0,
      setTimeout: (fn) => {
        fireTimeout = fn;
        return { cancel: () => undefined };
      },
    };
    const server = await startTcpServer({
      onConnection: (socket) =>
        socket.once('data', () => {
          socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
          setTimeout(() => fireTimeout?.(), 0);
          busyFor(5);
        }),
    });
    t.after(() => server.close());
    const r = await createProber({ clock })(probeRequest(http(server.port)));
    assert.deepEqual([r.ok, r.code], [true, 'L7OK']);
  });

  void test('a black hole (accepts, reads, never answers) is L7TOUT', async (t) => {
    const clock = new FakeClock();
    const hole = await startTcpServer();
    t.after(() => hole.close());
    const result = createProber({ clock })(probeRequest(http(hole.port)));
    const request = await hole.firstBytes.next();
    assert.match(request.toString('latin1'), /^GET \/ HTTP\/1\.1\r\n/);
    await clock.advance(1999);
    assert.equal(clock.pendingTimers(), 1, 'no result before the timeout');
    await clock.advance(1);
    assert.equal((await result).code, 'L7TOUT');
    assert.equal(clock.pendingTimers(), 0);
    await hole.allClosed();
  });

  void test('the timeout runs on real time by default', async (t) => {
    const hole = await startTcpServer();
    t.after(() => hole.close());
    const r = await probe(probeRequest(http(hole.port, { timeoutMs: 1500 })));
    assert.deepEqual([r.code, r.detail], ['L7TOUT', 'response timeout after 1500ms']);
    assert.ok(r.durationMs >= 1400, `durationMs ${r.durationMs}`);
  });

  void test('a malformed response is L7RSP saying what was wrong', async (t) => {
    const garbage = await startTcpServer({
      onConnection: (socket) => socket.once('data', () => socket.end('this is not http\r\n\r\n')),
    });
    t.after(() => garbage.close());
    const r = await probe(probeRequest(http(garbage.port)));
    assert.equal(r.code, 'L7RSP');
    assert.equal(r.detail, 'response status line "this is not http" is not HTTP/1.x');
  });

  void test('a connection closed before any response is L7RSP', async (t) => {
    const rude = await startTcpServer({ onConnection: (socket) => socket.once('data', () => socket.end()) });
    t.after(() => rude.close());
    const r = await probe(probeRequest(http(rude.port)));
    assert.deepEqual(
      [r.layer, r.code, r.detail],
      ['L7', 'L7RSP', 'response empty (connection closed before the status line)'],
    );
  });

  void test('response-regexp sees only the first 64 KiB of the body', async (t) => {
    const filler = 'x'.repeat(64 * 1024);
    const server = await startHttpServer((req, res) => {
      res.writeHead(200);
      // Past the limit the body never ends: the probe must decide without waiting for it.
      if (req.url === '/late') res.write(`${filler}healthy`);
      else res.write(`healthy${filler}`);
    });
    t.after(() => server.close());
    const at = (path: string) =>
      probe(probeRequest(http(server.port, { params: { path, responseRegexp: 'healthy' } })));
    assert.equal((await at('/early')).code, 'L7OK');
    assert.equal((await at('/late')).code, 'L7RSP');
  });

  void test('an abort while waiting for the response is L4CON aborted and closes the connection', async (t) => {
    const hole = await startTcpServer();
    t.after(() => hole.close());
    const abort = new AbortController();
    const result = probe(probeRequest(http(hole.port), '127.0.0.1', { signal: abort.signal }));
    await hole.firstBytes.next();
    abort.abort();
    const r = await result;
    assert.deepEqual([r.ok, r.code, r.detail], [false, 'L4CON', 'aborted']);
    await hole.allClosed();
  });
});
