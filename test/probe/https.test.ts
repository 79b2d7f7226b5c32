import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { FakeClock } from '../../src/clock/index.js';
import { createProber } from '../../src/probe/index.js';
import {
  healthcheck,
  okHandler,
  probeRequest,
  startHttpServer,
  startHttpsServer,
  startTcpServer,
  TestPki,
  type HealthCheckOverrides,
  type HttpTestServer,
  type TestCert,
} from '../helpers/index.js';

/** The timeout cases below advance the clock by this check's 2 s timeout. */
function https(port: number, params: HealthCheckOverrides['params'] = {}) {
  return healthcheck({ type: 'https', port, timeoutMs: 2000, params });
}

void describe('https probe', () => {
  let pki: TestPki;
  let issued: TestCert;
  let selfSigned: TestCert;
  let good: HttpTestServer;
  let untrusted: HttpTestServer;
  let verifying: ReturnType<typeof createProber>;
  const insecure = createProber();

  before(async () => {
    pki = await TestPki.create();
    issued = await pki.issue(['backend.test', '127.0.0.1']);
    selfSigned = await pki.selfSigned(['backend.test', '127.0.0.1']);
    good = await startHttpsServer((req, res) => {
      if (req.url === '/down') res.writeHead(503).end('down');
      else okHandler(req, res);
    }, issued);
    untrusted = await startHttpsServer(okHandler, selfSigned);
    verifying = createProber({ tlsCa: pki.caCert });
  });
  after(async () => {
    await good.close();
    await untrusted.close();
    await pki.dispose();
  });

  void test('a valid chain is L7OK, with SNI = serverName', async () => {
    const n = good.requests.count;
    const r = await verifying(probeRequest(https(good.port, { serverName: 'backend.test' })));
    assert.deepEqual([r.ok, r.layer, r.code, r.detail], [true, 'L7', 'L7OK', 'status 200']);
    const seen = await good.requests.at(n);
    assert.equal(seen.servername, 'backend.test');
    assert.equal(seen.headers.host, `127.0.0.1:${good.port}`);
  });

  void test('a bad status over TLS is L7STS', async () => {
    const r = await verifying(probeRequest(https(good.port, { path: '/down', serverName: 'backend.test' })));
    assert.deepEqual([r.code, r.detail], ['L7STS', 'status 503 not in 200-399']);
  });

  void test('SNI is serverName even when the Host header differs', async () => {
    const n = good.requests.count;
    const params = { host: 'vip.example.test', serverName: 'backend.test' };
    assert.equal((await verifying(probeRequest(https(good.port, params)))).code, 'L7OK');
    const seen = await good.requests.at(n);
    assert.equal(seen.servername, 'backend.test');
    assert.equal(seen.headers.host, `vip.example.test:${good.port}`);
  });

  void test('SNI never follows the Host header: no serverName, no SNI', async () => {
    const n = good.requests.count;
    // The certificate is then checked against the backend address (its IP SAN).
    const r = await verifying(probeRequest(https(good.port, { host: 'vip.example.test' })));
    assert.equal(r.code, 'L7OK');
    const seen = await good.requests.at(n);
    assert.equal(seen.servername, false);
    assert.equal(seen.headers.host, `vip.example.test:${good.port}`);
  });

  void test('a serverName the certificate does not cover is L6RSP ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const n = good.requests.count;
    const r = await verifying(probeRequest(https(good.port, { serverName: 'other.test' })));
    assert.deepEqual(
      [r.ok, r.layer, r.code, r.detail],
      [false, 'L6', 'L6RSP', 'tls ERR_TLS_CERT_ALTNAME_INVALID'],
    );
    assert.equal(good.requests.count, n, 'no request after a failed handshake');
  });

  void test('a self-signed certificate without insecure-skip-verify is L6RSP', async () => {
    const r = await verifying(probeRequest(https(untrusted.port, { serverName: 'backend.test' })));
    assert.deepEqual([r.code, r.detail], ['L6RSP', 'tls DEPTH_ZERO_SELF_SIGNED_CERT']);
  });

  void test('a self-signed certificate with insecure-skip-verify is L7OK', async () => {
    const r = await insecure(probeRequest(https(untrusted.port, { insecureSkipVerify: true })));
    assert.deepEqual([r.code, r.detail], ['L7OK', 'status 200']);
  });

  void test('TLS is applied once: the wire carries a ClientHello, the HTTP server behind it answers', async (t) => {
    // A TCP relay in front of the HTTPS server sees the first bytes of the connection.
    const relay = await startTcpServer({
      onConnection: (client) => {
        const upstream = net.connect(good.port, '127.0.0.1');
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      },
    });
    t.after(() => relay.close());
    const n = good.requests.count;
    const r = await verifying(probeRequest(https(relay.port, { serverName: 'backend.test' })));
    assert.equal(r.code, 'L7OK');
    const first = await relay.firstBytes.at(0);
    assert.equal(first[0], 0x16, 'TLS handshake record');
    assert.equal(first[5], 0x01, 'ClientHello');
    const seen = await good.requests.at(n);
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, '/');
  });

  void test('https against a plain HTTP server is L6RSP', async (t) => {
    const plain = await startHttpServer();
    t.after(() => plain.close());
    const r = await verifying(probeRequest(https(plain.port)));
    assert.equal(r.layer, 'L6');
    assert.equal(r.code, 'L6RSP');
    assert.match(r.detail, /^tls /);
  });

  void test('a server that never answers the ClientHello is L6TOUT', async (t) => {
    const clock = new FakeClock();
    const silent = await startTcpServer();
    t.after(() => silent.close());
    const result = createProber({ clock })(probeRequest(https(silent.port)));
    await silent.firstBytes.next();
    await clock.advance(2000);
    const r = await result;
    assert.deepEqual([r.code, r.detail], ['L6TOUT', 'TLS handshake timeout after 2000ms']);
  });

  void test('an HTTPS server that never answers the request is L7TOUT', async (t) => {
    const clock = new FakeClock();
    const stuck = await startHttpsServer(() => {}, issued);
    t.after(() => stuck.close());
    const result = createProber({ clock, tlsCa: pki.caCert })(
      probeRequest(https(stuck.port, { serverName: 'backend.test' })),
    );
    await stuck.requests.next();
    await clock.advance(2000);
    const r = await result;
    assert.deepEqual([r.code, r.detail], ['L7TOUT', 'response timeout after 2000ms']);
  });
});
