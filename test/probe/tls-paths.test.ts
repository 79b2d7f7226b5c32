// One table of https and tcp+ssl scenarios, each run through both ways a probe can go: the probe
// engine (native/probe_engine.c with node's OpenSSL) and the JavaScript probes on Node's TLS
// (engine: false). Both must give exactly the expected code and detail, so an operator reads the
// same words whichever ran the probe. Certificates are made at test time (helpers/pki.ts).

import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { createProber, type ProbeFn } from '../../src/probe/index.js';
import {
  Arrivals,
  closedPort,
  healthcheck,
  probeRequest,
  startTcpServer,
  startTlsServer,
  TestPki,
  type HealthCheckOverrides,
  type TestCert,
} from '../helpers/index.js';

interface Listening {
  port: number;
  close(): Promise<void>;
}

/** Listens on port 0 of host; close() ends every connection still open. */
async function listen(server: net.Server, host: string): Promise<Listening> {
  const open = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    s.on('error', () => {});
    open.add(s);
    s.once('close', () => open.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

type Serve = (host: string) => Promise<Listening>;

/** An https server answering every request with `status` (after `delayMs`). */
const httpsServer =
  (cert: () => TestCert, status = 200, delayMs = 0, opts: https.ServerOptions = {}): Serve =>
  (host) => {
    const server = https.createServer({ ...cert(), ...opts }, (_req, res) => {
      setTimeout(() => res.writeHead(status).end('x'), delayMs);
    });
    server.on('tlsClientError', () => {});
    return listen(server, host);
  };

/** A TLS server that does something once the handshake is done. */
const tlsServer =
  (cert: () => TestCert, then: (s: tls.TLSSocket) => void, opts: tls.TlsOptions = {}): Serve =>
  (host) => {
    const server = tls.createServer({ ...cert(), ...opts }, then);
    server.on('tlsClientError', () => {});
    return listen(server, host);
  };

/** A raw TCP server that does `onHello` with the client's first bytes (the ClientHello). */
const rawServer =
  (onHello: (s: net.Socket) => void): Serve =>
  (host) => {
    const server = net.createServer((s) => s.once('data', () => onHello(s)));
    return listen(server, host);
  };

interface Scenario {
  name: string;
  /** undefined: nobody listens (refused). */
  serve: Serve | undefined;
  hc: HealthCheckOverrides;
  host?: string;
  /** Trust the test CA (default) or only Node's roots. */
  untrusted?: boolean;
  expect: [code: string, detail: string];
}

const httpsCheck = (params: HealthCheckOverrides['params'] = {}): HealthCheckOverrides => ({
  type: 'https',
  timeoutMs: 800,
  params: { serverName: 'backend.test', ...params },
});
const tcpSsl = (params: HealthCheckOverrides['params'] = {}): HealthCheckOverrides => ({
  type: 'tcp',
  timeoutMs: 800,
  params: { ssl: true, serverName: 'backend.test', ...params },
});

void describe('https and tcp+ssl scenarios, engine and JavaScript alike', () => {
  let pki: TestPki;
  const certs: Record<'good' | 'ip' | 'ip6' | 'self' | 'expired' | 'other', TestCert> = {} as never;
  before(async () => {
    pki = await TestPki.create();
    certs.good = await pki.issue(['backend.test']);
    certs.ip = await pki.issue(['127.0.0.1']);
    certs.ip6 = await pki.issue(['::1', 'backend.test']);
    certs.self = await pki.selfSigned(['backend.test']);
    certs.expired = await pki.issue(['backend.test'], -1);
    certs.other = await pki.issue(['other.test', '*.wild.test', 'b*.partial.test']);
  });
  after(async () => {
    await pki.dispose();
  });
  const cert = (name: keyof typeof certs) => () => certs[name];
  const silentAfterHandshake = (s: tls.TLSSocket): void => void s;

  const scenarios: Scenario[] = [
    { name: 'https 200', serve: httpsServer(cert('good')), hc: httpsCheck(), expect: ['L7OK', 'status 200'] },
    {
      name: 'https 503 is outside 200-399',
      serve: httpsServer(cert('good'), 503),
      hc: httpsCheck(),
      expect: ['L7STS', 'status 503 not in 200-399'],
    },
    {
      name: 'a slow response',
      serve: httpsServer(cert('good'), 204, 150),
      hc: httpsCheck(),
      expect: ['L7OK', 'status 204'],
    },
    {
      name: 'a response later than the deadline',
      serve: httpsServer(cert('good'), 200, 2000),
      hc: httpsCheck(),
      expect: ['L7TOUT', 'response timeout after 800ms'],
    },
    {
      name: 'TLS 1.2',
      serve: httpsServer(cert('good'), 200, 0, { maxVersion: 'TLSv1.2' }),
      hc: httpsCheck(),
      expect: ['L7OK', 'status 200'],
    },
    {
      name: 'self-signed',
      serve: httpsServer(cert('self')),
      hc: httpsCheck(),
      expect: ['L6RSP', 'tls DEPTH_ZERO_SELF_SIGNED_CERT'],
    },
    {
      name: 'self-signed with insecure-skip-verify',
      serve: httpsServer(cert('self')),
      hc: httpsCheck({ insecureSkipVerify: true }),
      expect: ['L7OK', 'status 200'],
    },
    {
      name: 'a CA only the test trusts, checked against the system roots',
      serve: httpsServer(cert('good')),
      hc: httpsCheck(),
      untrusted: true,
      expect: ['L6RSP', 'tls UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    },
    {
      name: 'expired',
      serve: httpsServer(cert('expired')),
      hc: httpsCheck(),
      expect: ['L6RSP', 'tls CERT_HAS_EXPIRED'],
    },
    {
      name: 'expired and another name: the chain is judged first',
      serve: httpsServer(cert('expired')),
      hc: httpsCheck({ serverName: 'other.test' }),
      expect: ['L6RSP', 'tls CERT_HAS_EXPIRED'],
    },
    {
      name: 'a name the certificate does not cover',
      serve: httpsServer(cert('good')),
      hc: httpsCheck({ serverName: 'other.test' }),
      expect: ['L6RSP', 'tls ERR_TLS_CERT_ALTNAME_INVALID'],
    },
    {
      name: 'a wildcard covers one label',
      serve: httpsServer(cert('other')),
      hc: httpsCheck({ serverName: 'backend.wild.test' }),
      expect: ['L7OK', 'status 200'],
    },
    {
      name: 'a wildcard covers no more than one label',
      serve: httpsServer(cert('other')),
      hc: httpsCheck({ serverName: 'a.backend.wild.test' }),
      expect: ['L6RSP', 'tls ERR_TLS_CERT_ALTNAME_INVALID'],
    },
    {
      name: 'a partial wildcard (Node accepts one)',
      serve: httpsServer(cert('other')),
      hc: httpsCheck({ serverName: 'backend.partial.test' }),
      expect: ['L7OK', 'status 200'],
    },
    {
      name: 'an IP target without serverName is checked against its IP SAN',
      serve: httpsServer(cert('ip')),
      hc: httpsCheck({ serverName: undefined }),
      expect: ['L7OK', 'status 200'],
    },
    {
      name: 'an IP target whose certificate names no IP',
      serve: httpsServer(cert('good')),
      hc: httpsCheck({ serverName: undefined }),
      expect: ['L6RSP', 'tls ERR_TLS_CERT_ALTNAME_INVALID'],
    },
    {
      name: 'IPv6',
      serve: httpsServer(cert('ip6')),
      host: '::1',
      hc: httpsCheck({ serverName: undefined }),
      expect: ['L7OK', 'status 200'],
    },
    { name: 'refused', serve: undefined, hc: httpsCheck(), expect: ['L4CON', 'connect ECONNREFUSED'] },
    {
      name: 'a listener that never answers the ClientHello',
      serve: (host) => startTcpServer({ host }),
      hc: httpsCheck(),
      expect: ['L6TOUT', 'TLS handshake timeout after 800ms'],
    },
    {
      name: 'reset mid-handshake',
      serve: rawServer((s) => s.resetAndDestroy()),
      hc: httpsCheck(),
      expect: ['L6RSP', 'tls ECONNRESET'],
    },
    {
      name: 'closed mid-handshake',
      serve: rawServer((s) => s.end()),
      hc: httpsCheck(),
      expect: ['L6RSP', 'tls ECONNRESET'],
    },
    {
      name: "no cipher in common: the server's alert in the handshake",
      serve: httpsServer(cert('good'), 200, 0, { maxVersion: 'TLSv1.2', ciphers: 'CAMELLIA128-SHA' }),
      hc: httpsCheck(),
      expect: ['L6RSP', 'tls ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'],
    },
    {
      name: 'plain http where TLS was expected',
      serve: rawServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')),
      hc: httpsCheck(),
      expect: ['L6RSP', 'tls ERR_SSL_WRONG_VERSION_NUMBER'],
    },
    {
      name: 'a server that closes after the handshake',
      serve: tlsServer(cert('good'), (s) => s.end()),
      hc: httpsCheck(),
      expect: ['L7RSP', 'response empty (connection closed before the status line)'],
    },
    {
      name: 'a server that wants a client certificate (an alert after the handshake)',
      serve: httpsServer(cert('good'), 200, 0, { requestCert: true, rejectUnauthorized: true }),
      hc: httpsCheck(),
      expect: ['L7RSP', 'response ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'],
    },
    {
      name: 'tcp+ssl',
      serve: tlsServer(cert('good'), silentAfterHandshake),
      hc: tcpSsl(),
      expect: ['L6OK', 'TLS handshake ok (TLSv1.3)'],
    },
    {
      name: 'tcp+ssl over TLS 1.2',
      serve: tlsServer(cert('good'), silentAfterHandshake, { maxVersion: 'TLSv1.2' }),
      hc: tcpSsl(),
      expect: ['L6OK', 'TLS handshake ok (TLSv1.2)'],
    },
    {
      name: 'tcp+ssl, a name the certificate does not cover',
      serve: tlsServer(cert('good'), silentAfterHandshake),
      hc: tcpSsl({ serverName: 'other.test' }),
      expect: ['L6RSP', 'tls ERR_TLS_CERT_ALTNAME_INVALID'],
    },
  ];

  for (const s of scenarios) {
    void test(s.name, async () => {
      const host = s.host ?? '127.0.0.1';
      const server = s.serve === undefined ? undefined : await s.serve(host);
      try {
        const port = server?.port ?? (await closedPort(host));
        const ca = s.untrusted === true ? undefined : pki.caCert;
        const paths: [string, ProbeFn][] = [
          ['engine', createProber({ tlsCa: ca })],
          ['javascript', createProber({ tlsCa: ca, engine: false })],
        ];
        const hc = healthcheck({ ...s.hc, port, params: { ...s.hc.params } });
        for (const [name, probe] of paths) {
          const r = await probe(probeRequest(hc, host));
          assert.deepEqual([r.code, r.detail], s.expect, `${name} path`);
          assert.equal(r.ok, s.expect[0].endsWith('OK'), `${name} path: ok`);
          assert.equal(r.layer, s.expect[0].slice(0, 2), `${name} path: layer`);
        }
      } finally {
        await server?.close();
      }
    });
  }

  void test('SNI is the serverName, and none for an IP target without one', async (t) => {
    const server = await startTlsServer(certs.ip);
    t.after(() => server.close());
    for (const [name, probe] of [
      ['engine', createProber({ tlsCa: pki.caCert })],
      ['javascript', createProber({ tlsCa: pki.caCert, engine: false })],
    ] as const) {
      const n = server.handshakes.count;
      const ip = await probe(
        probeRequest(healthcheck({ ...tcpSsl({ serverName: undefined }), port: server.port })),
      );
      assert.equal(ip.code, 'L6OK', name);
      assert.equal(await server.handshakes.at(n), false, `${name}: no SNI`);
      await probe(probeRequest(healthcheck({ ...tcpSsl({ insecureSkipVerify: true }), port: server.port })));
      assert.equal(await server.handshakes.at(n + 1), 'backend.test', `${name}: SNI`);
    }
  });

  void test('the source address is bound', async (t) => {
    const sources = new Arrivals<string | undefined>();
    const server = await tlsServer(cert('good'), (s) => sources.push(s.remoteAddress))('127.0.0.1');
    t.after(() => server.close());
    const hc = healthcheck({ ...tcpSsl(), port: server.port, probeIpv4Src: '127.0.0.2' });
    for (const [name, probe] of [
      ['engine', createProber({ tlsCa: pki.caCert })],
      ['javascript', createProber({ tlsCa: pki.caCert, engine: false })],
    ] as const) {
      assert.equal((await probe(probeRequest(hc))).code, 'L6OK', name);
      assert.equal(await sources.next(), '127.0.0.2', name);
    }
  });
});
