import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import { createProber } from '../../src/probe/index.js';
import {
  Arrivals,
  closedPort,
  healthcheck,
  probeRequest,
  startTcpServer,
  startTlsServer,
  TestPki,
  type HealthCheckOverrides,
  type TcpTestServer,
  type TestCert,
  type TlsTestServer,
} from '../helpers/index.js';

/** The timeout cases below advance the clock by this check's 2 s timeout. */
function tcp(port: number, overrides: HealthCheckOverrides = {}) {
  return healthcheck({ type: 'tcp', port, timeoutMs: 2000, ...overrides });
}

function tcpSsl(port: number, params: HealthCheckOverrides['params'] = {}) {
  return tcp(port, { params: { ssl: true, ...params } });
}

void describe('tcp probe', () => {
  const probe = createProber();
  let server: TcpTestServer;
  before(async () => {
    server = await startTcpServer();
  });
  after(() => server.close());

  void test('an open port is L4OK connected', async () => {
    const r = await probe(probeRequest(tcp(server.port)));
    assert.deepEqual([r.ok, r.layer, r.code, r.detail], [true, 'L4', 'L4OK', 'connected']);
  });

  void test('the connection is closed right after connecting, with nothing sent', async () => {
    const n = server.connections.count;
    await probe(probeRequest(tcp(server.port)));
    // The probe may be over before the server has even accepted the connection.
    const accepted = await server.connections.at(n);
    await server.allClosed();
    assert.equal(server.connections.count, n + 1);
    assert.equal(accepted.bytesRead, 0);
    assert.equal(server.firstBytes.count, 0);
  });

  void test('probe-ipv4-src is the source address', async (t) => {
    const sources = new Arrivals<string | undefined>();
    const seen = await startTcpServer({ onConnection: (socket) => sources.push(socket.remoteAddress) });
    t.after(() => seen.close());
    await probe(probeRequest(tcp(seen.port, { probeIpv4Src: '127.0.0.3' })));
    assert.equal(await sources.next(), '127.0.0.3');
  });

  void test('a closed port is L4CON connect ECONNREFUSED', async () => {
    const r = await probe(probeRequest(tcp(await closedPort())));
    assert.deepEqual([r.ok, r.layer, r.code, r.detail], [false, 'L4', 'L4CON', 'connect ECONNREFUSED']);
  });

  void test("a source address that is not local is a checker fault, not the backend's", async () => {
    const r = await probe(probeRequest(tcp(server.port, { probeIpv4Src: '192.0.2.1' })));
    assert.deepEqual(
      [r.code, 'reason' in r && r.reason, r.detail],
      [
        'checker-fault',
        'source-address',
        "source address 192.0.2.1 is not configured in maglevd's own namespace (bind EADDRNOTAVAIL)",
      ],
    );
  });
});

void describe('tcp probe with ssl', () => {
  let pki: TestPki;
  let issued: TestCert;
  let selfSigned: TestCert;
  let good: TlsTestServer;
  let untrusted: TlsTestServer;
  let verifying: ReturnType<typeof createProber>;
  const insecure = createProber();

  before(async () => {
    pki = await TestPki.create();
    issued = await pki.issue(['backend.test', '127.0.0.1', '::1']);
    selfSigned = await pki.selfSigned(['backend.test', '127.0.0.1']);
    good = await startTlsServer(issued);
    untrusted = await startTlsServer(selfSigned);
    verifying = createProber({ tlsCa: pki.caCert });
  });
  after(async () => {
    await good.close();
    await untrusted.close();
    await pki.dispose();
  });

  void test('a valid chain is L6OK with the protocol, SNI = serverName', async () => {
    const n = good.handshakes.count;
    const r = await verifying(probeRequest(tcpSsl(good.port, { serverName: 'backend.test' })));
    assert.deepEqual([r.ok, r.layer, r.code, r.detail], [true, 'L6', 'L6OK', 'TLS handshake ok (TLSv1.3)']);
    assert.equal(await good.handshakes.at(n), 'backend.test');
  });

  void test('without serverName an IP target sends no SNI and is checked against its IP SAN', async () => {
    const n = good.handshakes.count;
    const r = await verifying(probeRequest(tcpSsl(good.port)));
    assert.equal(r.code, 'L6OK');
    assert.equal(await good.handshakes.at(n), false);
  });

  void test('the system CAs do not trust the test CA: L6RSP', async () => {
    const r = await createProber()(probeRequest(tcpSsl(good.port, { serverName: 'backend.test' })));
    assert.deepEqual([r.ok, r.layer, r.code], [false, 'L6', 'L6RSP']);
    assert.equal(r.detail, 'tls UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  void test('a serverName the certificate does not cover is L6RSP ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const r = await verifying(probeRequest(tcpSsl(good.port, { serverName: 'other.test' })));
    assert.deepEqual([r.code, r.detail], ['L6RSP', 'tls ERR_TLS_CERT_ALTNAME_INVALID']);
  });

  void test('a self-signed certificate without insecure-skip-verify is L6RSP', async () => {
    const r = await verifying(probeRequest(tcpSsl(untrusted.port, { serverName: 'backend.test' })));
    assert.deepEqual([r.ok, r.code, r.detail], [false, 'L6RSP', 'tls DEPTH_ZERO_SELF_SIGNED_CERT']);
  });

  void test('a self-signed certificate with insecure-skip-verify is L6OK', async () => {
    const params = { serverName: 'whatever.test', insecureSkipVerify: true };
    const r = await insecure(probeRequest(tcpSsl(untrusted.port, params)));
    assert.equal(r.code, 'L6OK');
  });

  void test('TLS against a server that never answers the ClientHello is L6TOUT', async (t) => {
    const clock = new FakeClock();
    const silent = await startTcpServer();
    t.after(() => silent.close());
    const result = createProber({ clock })(probeRequest(tcpSsl(silent.port, { insecureSkipVerify: true })));
    const hello = await silent.firstBytes.next();
    assert.equal(hello[0], 0x16, 'a TLS handshake record');
    await clock.advance(2000);
    const r = await result;
    assert.deepEqual(
      [r.ok, r.layer, r.code, r.detail],
      [false, 'L6', 'L6TOUT', 'TLS handshake timeout after 2000ms'],
    );
    await silent.allClosed();
  });

  void test('a server that hangs up during the handshake is L6RSP', async (t) => {
    const rude = await startTcpServer({ onConnection: (socket) => socket.once('data', () => socket.end()) });
    t.after(() => rude.close());
    const r = await insecure(probeRequest(tcpSsl(rude.port, { insecureSkipVerify: true })));
    assert.deepEqual([r.layer, r.code, r.detail], ['L6', 'L6RSP', 'tls ECONNRESET']);
  });

  void test('IPv6 with a valid chain', async (t) => {
    const v6 = await startTlsServer({ ...issued, host: '::1' });
    t.after(() => v6.close());
    const r = await verifying(probeRequest(tcpSsl(v6.port), '::1'));
    assert.equal(r.code, 'L6OK');
  });
});
