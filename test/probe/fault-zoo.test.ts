// The fault zoo (issue #14): each way a backend can misbehave gets the right code and a detail an
// operator can act on. Cases already covered elsewhere are not repeated here:
//   TLS wrong name, self-signed with and without insecure-skip-verify, handshake stall, hang-up
//     mid-handshake: test/probe/https.test.ts, test/probe/tcp.test.ts (ssl)
//   HTTP 5xx 503, a body over 64 KiB that never ends, black hole, malformed, closed early:
//     test/probe/http.test.ts; 1xx, 204 and chunked parsing byte by byte: http-response.test.ts
//   TCP refused: test/probe/tcp.test.ts; TCP black-holed (a namespace with a blackhole
//     neighbour): test/integration/netns-probes.test.ts
// The servers here speak raw bytes, so the wire is exactly what each case says.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { FakeClock } from '../../src/clock/index.js';
import { createProber } from '../../src/probe/index.js';
import {
  healthcheck,
  probeRequest,
  startHttpsServer,
  startTcpServer,
  okHandler,
  TestPki,
  type HealthCheckOverrides,
  type HttpTestServer,
} from '../helpers/index.js';

const probe = createProber();

/** The timeout cases below advance the clock by this check's 2 s timeout. */
function check(type: 'tcp' | 'http' | 'https', port: number, params: HealthCheckOverrides['params'] = {}) {
  return healthcheck({ type, port, timeoutMs: 2000, params });
}

/** A server that answers every request with exactly `response` (then closes unless told not to). */
async function rawHttp(response: string | Buffer, close = true) {
  return startTcpServer({
    onConnection: (socket) =>
      socket.once('data', () => (close ? socket.end(response) : socket.write(response))),
  });
}

const outcome = (r: { ok: boolean; layer: string; code: string; detail: string }) => [
  r.ok,
  r.layer,
  r.code,
  r.detail,
];

void describe('fault zoo: TLS', () => {
  let pki: TestPki;
  let expired: HttpTestServer;
  let verifying: ReturnType<typeof createProber>;

  before(async () => {
    pki = await TestPki.create();
    expired = await startHttpsServer(okHandler, await pki.issue(['backend.test', '127.0.0.1'], -1));
    verifying = createProber({ tlsCa: pki.caCert });
  });
  after(async () => {
    await expired.close();
    await pki.dispose();
  });

  void test('an expired certificate is L6RSP CERT_HAS_EXPIRED, and no request is sent', async () => {
    const n = expired.requests.count;
    const r = await verifying(probeRequest(check('https', expired.port, { serverName: 'backend.test' })));
    assert.deepEqual(outcome(r), [false, 'L6', 'L6RSP', 'tls CERT_HAS_EXPIRED']);
    assert.equal(expired.requests.count, n);
  });

  void test('an expired certificate with insecure-skip-verify is L7OK: the operator chose not to check', async () => {
    const r = await verifying(
      probeRequest(check('https', expired.port, { serverName: 'backend.test', insecureSkipVerify: true })),
    );
    assert.deepEqual(outcome(r), [true, 'L7', 'L7OK', 'status 200']);
  });

  void test('a reset (RST) mid-handshake is L6RSP ECONNRESET, for https and tcp with ssl', async (t) => {
    const resetting = await startTcpServer({
      onConnection: (socket) => socket.once('data', () => socket.resetAndDestroy()),
    });
    t.after(() => resetting.close());
    const https = await probe(probeRequest(check('https', resetting.port, { insecureSkipVerify: true })));
    assert.deepEqual(outcome(https), [false, 'L6', 'L6RSP', 'tls ECONNRESET']);
    const ssl = await probe(
      probeRequest(check('tcp', resetting.port, { ssl: true, insecureSkipVerify: true })),
    );
    assert.deepEqual(outcome(ssl), [false, 'L6', 'L6RSP', 'tls ECONNRESET']);
  });
});

void describe('fault zoo: HTTP', () => {
  const cases: [string, string, HealthCheckOverrides['params'], unknown[]][] = [
    [
      '1xx interim responses then 200 is L7OK on the final status',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      { responseRegexp: '^ok$' },
      [true, 'L7', 'L7OK', 'status 200'],
    ],
    [
      '1xx and nothing after it is L7RSP, not a pass on the interim status',
      'HTTP/1.1 100 Continue\r\n\r\n',
      {},
      [false, 'L7', 'L7RSP', 'response empty (connection closed before the status line)'],
    ],
    [
      '204 is L7OK in the default 200-399, also with a regexp matching the empty body',
      'HTTP/1.1 204 No Content\r\n\r\n',
      { responseRegexp: '^$' },
      [true, 'L7', 'L7OK', 'status 204'],
    ],
    [
      '3xx is L7OK in the default 200-399: redirects are not followed',
      'HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n',
      {},
      [true, 'L7', 'L7OK', 'status 302'],
    ],
    [
      '3xx outside an expected 200 is L7STS',
      'HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n',
      { responseCode: { min: 200, max: 200 } },
      [false, 'L7', 'L7STS', 'status 301 not in 200'],
    ],
    [
      '5xx is L7STS, judged on the status before any body',
      'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 7\r\n\r\nhealthy',
      { responseRegexp: 'healthy' },
      [false, 'L7', 'L7STS', 'status 500 not in 200-399'],
    ],
    [
      'a chunked body matching the regexp across a chunk boundary is L7OK',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nheal\r\n3\r\nthy\r\n0\r\n\r\n',
      { responseRegexp: '^healthy$' },
      [true, 'L7', 'L7OK', 'status 200'],
    ],
    [
      'a chunked body not matching the regexp is L7RSP naming the regexp',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nsick\r\n0\r\n\r\n',
      { responseRegexp: '^healthy$' },
      [false, 'L7', 'L7RSP', 'body does not match /^healthy$/'],
    ],
    [
      'a chunked body cut off mid-chunk is L7RSP truncated',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nheal',
      { responseRegexp: 'heal' },
      [false, 'L7', 'L7RSP', 'response truncated (connection closed inside the body)'],
    ],
  ];
  for (const [name, response, params, expected] of cases) {
    void test(name, async (t) => {
      const server = await rawHttp(response);
      t.after(() => server.close());
      assert.deepEqual(outcome(await probe(probeRequest(check('http', server.port, params)))), expected);
    });
  }

  void test('a body over 64 KiB with the match inside the first 64 KiB is decided there', async (t) => {
    // Content-Length promises 1 MiB; only 80 KiB come and the connection stays open.
    const body = `healthy${'x'.repeat(80 * 1024)}`;
    const server = await rawHttp(`HTTP/1.1 200 OK\r\nContent-Length: ${1024 * 1024}\r\n\r\n${body}`, false);
    t.after(() => server.close());
    const r = await probe(probeRequest(check('http', server.port, { responseRegexp: '^healthy' })));
    assert.deepEqual(outcome(r), [true, 'L7', 'L7OK', 'status 200']);
  });

  void test('a slowloris head (a header line at a time, never finished) is L7TOUT at the timeout', async (t) => {
    const clock = new FakeClock();
    const drip: net.Socket[] = [];
    const server = await startTcpServer({
      onConnection: (socket) =>
        socket.once('data', () => {
          socket.write('HTTP/1.1 200 OK\r\n');
          drip.push(socket);
        }),
    });
    t.after(() => server.close());
    const result = createProber({ clock })(probeRequest(check('http', server.port)));
    await server.firstBytes.next();
    // A header line every 500 ms of the probe's clock: never the blank line ending the head.
    for (let i = 0; i < 4; i++) {
      drip[0]?.write(`X-Drip-${i}: ${'a'.repeat(10)}\r\n`);
      await clock.advance(500);
    }
    assert.deepEqual(outcome(await result), [false, 'L7', 'L7TOUT', 'response timeout after 2000ms']);
    await server.allClosed();
  });
});

void describe('fault zoo: TCP', () => {
  void test('a reset as the connection is accepted: tcp passes or fails on the reset, http fails on it', async (t) => {
    // Whether the reset or the connect completion is seen first is up to the kernel and the
    // probe path (the JavaScript sockets see the reset, the native engine the connect), so a
    // tcp check may pass (the port did accept) or fail naming the reset; an http check, which
    // needs an answer, always fails naming it. Never a checker fault, never a timeout.
    const resetting = await startTcpServer({ onConnection: (socket) => socket.resetAndDestroy() });
    t.after(() => resetting.close());
    const tcp = outcome(await probe(probeRequest(check('tcp', resetting.port))));
    assert.ok(
      [
        [true, 'L4', 'L4OK', 'connected'],
        [false, 'L4', 'L4CON', 'connect ECONNRESET'],
      ].some((o) => JSON.stringify(o) === JSON.stringify(tcp)),
      JSON.stringify(tcp),
    );
    const http = await probe(probeRequest(check('http', resetting.port)));
    assert.equal(http.ok, false);
    assert.match(`${http.code} ${http.detail}`, /^(L4CON connect|L7RSP response) (ECONNRESET|EPIPE)$/);
  });

  void test('a reset after the request arrived is L7RSP response ECONNRESET', async (t) => {
    const resetting = await startTcpServer({
      onConnection: (socket) => socket.once('data', () => socket.resetAndDestroy()),
    });
    t.after(() => resetting.close());
    const r = await probe(probeRequest(check('http', resetting.port)));
    assert.deepEqual(outcome(r), [false, 'L7', 'L7RSP', 'response ECONNRESET']);
  });
});
