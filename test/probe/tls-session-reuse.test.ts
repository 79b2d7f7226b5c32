// TLS session reuse (params.tls-session-reuse, src/probe/tls-sessions.ts) against real TLS
// servers on loopback with test-made certificates: the server itself says whether each
// handshake resumed, and every verdict is the one a full handshake gives.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { FakeClock } from '../../src/clock/index.js';
import type { ProbeResult } from '../../src/health/types.js';
import { createProber, TLS_SESSION_MAX_AGE_MS, TlsSessions } from '../../src/probe/index.js';
import {
  healthcheck,
  okHandler,
  probeRequest,
  startHttpsServer,
  startTlsServer,
  TestPki,
  type HealthCheckOverrides,
  type HttpsTestServer,
  type TestCert,
} from '../helpers/index.js';

function https(port: number, params: HealthCheckOverrides['params'] = {}) {
  return healthcheck({
    type: 'https',
    port,
    params: { serverName: 'backend.test', tlsSessionReuse: true, ...params },
  });
}

const verdict = (r: ProbeResult): [boolean, string, string] => [r.ok, r.code, r.detail];

void describe('TLS session reuse', () => {
  let pki: TestPki;
  let issued: TestCert;
  let reissued: TestCert;
  let selfSigned: TestCert;
  const servers: HttpsTestServer[] = [];

  before(async () => {
    pki = await TestPki.create();
    issued = await pki.issue(['backend.test']);
    reissued = await pki.issue(['backend.test']);
    selfSigned = await pki.selfSigned(['backend.test']);
  });
  after(async () => {
    for (const s of servers) await s.close();
    await pki.dispose();
  });

  /** A fresh https server (TLS 1.3 unless asked), so each test counts its own handshakes. */
  async function server(cert: TestCert = issued, maxVersion?: 'TLSv1.2'): Promise<HttpsTestServer> {
    const s = await startHttpsServer(
      (req, res) => {
        if (req.url === '/down') res.writeHead(503).end('down');
        else okHandler(req, res);
      },
      { ...cert, maxVersion },
    );
    servers.push(s);
    return s;
  }

  /** Runs probes one after another through one worker (one signal); the server's reuse flags. */
  async function probeSeries(
    prober: ReturnType<typeof createProber>,
    s: HttpsTestServer,
    params: HealthCheckOverrides['params'] = {},
    count = 3,
    worker = new AbortController().signal,
  ): Promise<{ results: ProbeResult[]; reused: (boolean | undefined)[] }> {
    const results: ProbeResult[] = [];
    const first = s.requests.count;
    for (let i = 0; i < count; i++)
      results.push(await prober(probeRequest(https(s.port, params), '127.0.0.1', { signal: worker })));
    const seen = await Promise.all(results.map((_, i) => s.requests.at(first + i)));
    return { results, reused: seen.map((r) => r.sessionReused) };
  }

  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    void test(`${version}: the second probe resumes the first one's session, verified, same verdict`, async () => {
      const s = await server(issued, version === 'TLSv1.2' ? 'TLSv1.2' : undefined);
      const prober = createProber({ tlsCa: pki.caCert });
      const { results, reused } = await probeSeries(prober, s);
      assert.deepEqual(results.map(verdict), Array(3).fill([true, 'L7OK', 'status 200']));
      assert.deepEqual(reused, [false, true, true]);
    });
  }

  void test('tls-session-reuse: false makes a full handshake on every probe', async () => {
    const s = await server();
    const prober = createProber({ tlsCa: pki.caCert });
    const { results, reused } = await probeSeries(prober, s, { tlsSessionReuse: false });
    assert.deepEqual(results.map(verdict), Array(3).fill([true, 'L7OK', 'status 200']));
    assert.deepEqual(reused, [false, false, false]);
  });

  void test('sessions are per worker: a new worker (changed settings, new backend) starts afresh', async () => {
    const s = await server();
    const prober = createProber({ tlsCa: pki.caCert });
    const a = await probeSeries(prober, s, {}, 2);
    const b = await probeSeries(prober, s, {}, 2);
    assert.deepEqual(
      [a.reused, b.reused],
      [
        [false, true],
        [false, true],
      ],
    );
    // A probe without a worker's signal (a one-off) neither offers nor keeps a session.
    const first = s.requests.count;
    for (let i = 0; i < 2; i++) await prober(probeRequest(https(s.port), '127.0.0.1'));
    assert.deepEqual(
      [(await s.requests.at(first)).sessionReused, (await s.requests.at(first + 1)).sessionReused],
      [false, false],
    );
  });

  void test('any failed probe drops the session: the next one makes a full handshake', async () => {
    const s = await server();
    const prober = createProber({ tlsCa: pki.caCert });
    const worker = new AbortController().signal;
    const ok = await probeSeries(prober, s, {}, 2, worker);
    const down = await probeSeries(prober, s, { path: '/down' }, 1, worker);
    const again = await probeSeries(prober, s, {}, 2, worker);
    assert.deepEqual(verdict(down.results[0] as ProbeResult), [false, 'L7STS', 'status 503 not in 200-399']);
    assert.deepEqual([ok.reused, down.reused, again.reused], [[false, true], [true], [false, true]]);
  });

  void test('a probe that fails before TLS (refused) drops the session too', async () => {
    const s = await server();
    const prober = createProber({ tlsCa: pki.caCert });
    const worker = new AbortController().signal;
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const ok = await probeSeries(prober, s, {}, 2, worker);
    const refused = await prober(probeRequest(https(closedPort), '127.0.0.1', { signal: worker }));
    const again = await probeSeries(prober, s, {}, 2, worker);
    assert.deepEqual(verdict(refused), [false, 'L4CON', 'connect ECONNREFUSED']);
    assert.deepEqual(
      [ok.reused, again.reused],
      [
        [false, true],
        [false, true],
      ],
    );
  });

  void test('a server that changes its certificate and ticket keys gets a full handshake, and is judged on it', async () => {
    const s = await server();
    const prober = createProber({ tlsCa: pki.caCert });
    const worker = new AbortController().signal;
    const before = await probeSeries(prober, s, {}, 2, worker);
    assert.deepEqual(before.reused, [false, true]);

    // A new certificate from the same CA: the old session is declined, the new chain verified.
    s.replaceCertificate(reissued);
    const renewed = await probeSeries(prober, s, {}, 2, worker);
    assert.deepEqual(renewed.results.map(verdict), Array(2).fill([true, 'L7OK', 'status 200']));
    assert.deepEqual(renewed.reused, [false, true]);

    // An untrusted certificate: the old session is declined and the full handshake fails.
    s.replaceCertificate(selfSigned);
    const n = s.requests.count;
    const bad = await prober(probeRequest(https(s.port), '127.0.0.1', { signal: worker }));
    assert.deepEqual(verdict(bad), [false, 'L6RSP', 'tls DEPTH_ZERO_SELF_SIGNED_CERT']);
    assert.equal(s.requests.count, n, 'no request after the failed handshake');
    // ...and it keeps failing: nothing was kept from the failure.
    const still = await prober(probeRequest(https(s.port), '127.0.0.1', { signal: worker }));
    assert.deepEqual(verdict(still), [false, 'L6RSP', 'tls DEPTH_ZERO_SELF_SIGNED_CERT']);
  });

  void test('a session is offered for at most TLS_SESSION_MAX_AGE_MS after its full handshake', async () => {
    const s = await server();
    const clock = new FakeClock();
    const prober = createProber({ tlsCa: pki.caCert, clock });
    const worker = new AbortController().signal;
    const early = await probeSeries(prober, s, {}, 2, worker);
    await clock.advance(TLS_SESSION_MAX_AGE_MS - 1);
    // Resumed sessions (and the renewed tickets they bring) do not make the session younger.
    const late = await probeSeries(prober, s, {}, 1, worker);
    await clock.advance(1);
    const expired = await probeSeries(prober, s, {}, 2, worker);
    assert.deepEqual([early.reused, late.reused, expired.reused], [[false, true], [true], [false, true]]);
  });

  void test('the certificate is still verified on the full handshake: an untrusted one fails every time', async () => {
    const s = await server(selfSigned);
    const prober = createProber({ tlsCa: pki.caCert });
    const worker = new AbortController().signal;
    for (let i = 0; i < 2; i++) {
      const r = await prober(probeRequest(https(s.port), '127.0.0.1', { signal: worker }));
      assert.deepEqual(verdict(r), [false, 'L6RSP', 'tls DEPTH_ZERO_SELF_SIGNED_CERT']);
    }
    // With insecure-skip-verify the same server passes, and resumes.
    const insecure = await probeSeries(prober, s, { insecureSkipVerify: true }, 2);
    assert.deepEqual(insecure.results.map(verdict), Array(2).fill([true, 'L7OK', 'status 200']));
    assert.deepEqual(insecure.reused, [false, true]);
  });

  void test('tcp with ssl resumes against a TLS 1.2 server, with the same L6OK verdict', async (t) => {
    const s = await startTlsServer({ ...issued, maxVersion: 'TLSv1.2' });
    t.after(() => s.close());
    const prober = createProber({ tlsCa: pki.caCert });
    const worker = new AbortController().signal;
    const hc = healthcheck({
      type: 'tcp',
      port: s.port,
      params: { ssl: true, serverName: 'backend.test', tlsSessionReuse: true },
    });
    const results: ProbeResult[] = [];
    for (let i = 0; i < 3; i++) results.push(await prober(probeRequest(hc, '127.0.0.1', { signal: worker })));
    assert.deepEqual(results.map(verdict), Array(3).fill([true, 'L6OK', 'TLS handshake ok (TLSv1.2)']));
    assert.deepEqual(await Promise.all([0, 1, 2].map((i) => s.resumed.at(i))), [false, true, true]);
  });
});

void describe('TlsSessions', () => {
  const a = Buffer.from('a');
  const b = Buffer.from('b');

  void test('a renewed session from a resumption keeps the age of the full handshake it descends from', async () => {
    const clock = new FakeClock();
    const sessions = new TlsSessions(clock);
    const worker = new AbortController().signal;
    sessions.keep(worker, a, clock.monotonic());
    await clock.advance(TLS_SESSION_MAX_AGE_MS - 1);
    sessions.keep(worker, b, undefined);
    assert.equal(sessions.offer(worker), b);
    await clock.advance(1);
    assert.equal(sessions.offer(worker), undefined);
    // Forgotten once expired: a later resumption has no age to inherit and keeps nothing.
    sessions.keep(worker, a, undefined);
    assert.equal(sessions.offer(worker), undefined);
  });

  void test('a full handshake restarts the age; forget() drops the session; workers are apart', async () => {
    const clock = new FakeClock();
    const sessions = new TlsSessions(clock);
    const worker = new AbortController().signal;
    const other = new AbortController().signal;
    sessions.keep(worker, a, clock.monotonic());
    await clock.advance(TLS_SESSION_MAX_AGE_MS - 1);
    sessions.keep(worker, b, clock.monotonic());
    await clock.advance(TLS_SESSION_MAX_AGE_MS - 1);
    assert.deepEqual([sessions.offer(worker), sessions.offer(other)], [b, undefined]);
    sessions.forget(worker);
    assert.equal(sessions.offer(worker), undefined);
  });
});
