// The probes against real loopback servers: HTTP, HTTPS (certificates made at test time), TCP.

import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../src/clock/index.js';
import { Prober, serverNameFor, type ProberSettings, type Target } from '../../src/tester/index.js';
import {
  TestPki,
  closedPort,
  startHttpServer,
  startHttpsServer,
  startTcpServer,
  type HttpTestServer,
} from '../helpers/index.js';
import { HEALTH_URI, target } from './fixtures.js';

const settings = (over: Partial<ProberSettings> = {}): ProberSettings => ({
  timeoutMs: 5_000,
  host: undefined,
  uri: HEALTH_URI,
  header: 'X-IPng-Frontend',
  insecure: false,
  keepalive: false,
  userAgent: 'maglevt/test',
  clock: systemClock,
  ...over,
});

const named =
  (name: string, status = 204) =>
  (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(status, { 'X-IPng-Frontend': name }).end();
  };

function at(server: { host: string; port: number }, kind: Target['kind']): Target {
  return { ...target('vip', kind, server.host, server.port), family: server.host.includes(':') ? 6 : 4 };
}

describe('HTTP probes', () => {
  const servers: HttpTestServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const serve = async (
    handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
    host = '127.0.0.1',
  ) => {
    const s = await startHttpServer(handler, { host });
    servers.push(s);
    return s;
  };

  test('a GET of the URI; the status and the tallied header come back', async () => {
    const s = await serve(named('nginx0-ams'));
    const prober = new Prober(settings());
    const o = await prober.probe(at(s, 'http'));
    assert.equal(o.ok, true);
    assert.equal(o.status, '204');
    assert.equal(o.httpStatus, 204);
    assert.equal(o.header, 'nginx0-ams');
    assert.equal(o.answered, true);
    assert.equal(o.failure, undefined);
    assert.ok(o.latencyMs > 0);
    const req = s.requests.all[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.url, HEALTH_URI);
    assert.equal(req.headers.host, `127.0.0.1:${s.port}`);
    assert.equal(req.headers['user-agent'], 'maglevt/test');
  });

  test('--host sets the Host header; the header name is matched in any case', async () => {
    const s = await serve(named('b1'));
    const o = await new Prober(settings({ host: 'www.example.net', header: 'x-ipng-FRONTEND' })).probe(
      at(s, 'http'),
    );
    assert.equal(o.header, 'b1');
    assert.equal(s.requests.all[0]!.headers.host, 'www.example.net');
  });

  test('IPv6 VIPs', async () => {
    const s = await serve(named('v6'), '::1');
    const o = await new Prober(settings()).probe(at(s, 'http'));
    assert.equal(o.header, 'v6');
    assert.equal(s.requests.all[0]!.headers.host, `[::1]:${s.port}`);
  });

  test('a 5xx (or 4xx) is an http-err; an answer without the header tallies as absent', async () => {
    const s = await serve((_req, res) => res.writeHead(503, 'Service Unavailable').end('down\n'));
    const o = await new Prober(settings()).probe(at(s, 'http'));
    assert.equal(o.ok, false);
    assert.equal(o.answered, true);
    assert.equal(o.status, '503');
    assert.equal(o.header, undefined);
    assert.deepEqual(o.failure, { kind: 'http-err', code: '503', detail: 'HTTP 503 Service Unavailable' });
    const redirect = await serve((_req, res) => res.writeHead(302, { location: '/' }).end());
    assert.equal((await new Prober(settings()).probe(at(redirect, 'http'))).ok, true);
  });

  test('a refused connection is a net-err', async () => {
    const port = await closedPort();
    const o = await new Prober(settings()).probe(at({ host: '127.0.0.1', port }, 'http'));
    assert.equal(o.ok, false);
    assert.equal(o.answered, false);
    assert.equal(o.status, 'refused');
    assert.equal(o.failure?.kind, 'net-err');
    assert.equal(o.failure?.code, 'ECONNREFUSED');
  });

  test('the timeout covers the whole request: a server that never answers is a timeout', async () => {
    const s = await serve(() => undefined);
    const o = await new Prober(settings({ timeoutMs: 150 })).probe(at(s, 'http'));
    assert.equal(o.ok, false);
    assert.equal(o.status, 'timeout');
    assert.deepEqual(o.failure, { kind: 'timeout', code: 'timeout', detail: 'no answer within 150ms' });
    assert.ok(o.latencyMs >= 145, String(o.latencyMs));
    // And a body that never ends is a timeout too.
    const slowBody = await serve((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const o2 = await new Prober(settings({ timeoutMs: 150 })).probe(at(slowBody, 'http'));
    assert.equal(o2.status, 'timeout');
  });

  test('a fresh connection per probe by default; one kept-alive connection with keepalive', async () => {
    const s = await serve(named('b1'));
    const fresh = new Prober(settings());
    for (let i = 0; i < 3; i++) assert.equal((await fresh.probe(at(s, 'http'))).ok, true);
    assert.equal(s.connections.count, 3);
    const kept = new Prober(settings({ keepalive: true }));
    for (let i = 0; i < 3; i++) assert.equal((await kept.probe(at(s, 'http'))).ok, true);
    assert.equal(s.connections.count, 4);
    kept.close();
    await s.allClosed();
  });
});

describe('HTTPS probes', () => {
  let pki: TestPki;
  let server: HttpTestServer;
  before(async () => {
    pki = await TestPki.create();
    const cert = await pki.selfSigned(['www.example.net', '127.0.0.1']);
    server = await startHttpsServer(named('tls-backend'), { key: cert.key, cert: cert.cert });
  });
  after(async () => {
    await server.close();
    await pki.dispose();
  });

  test('an unverifiable certificate is a net-err, unless --insecure', async () => {
    const strict = await new Prober(settings()).probe(at(server, 'https'));
    assert.equal(strict.ok, false);
    assert.equal(strict.status, 'tls');
    assert.equal(strict.failure?.kind, 'net-err');
    const lax = await new Prober(settings({ insecure: true })).probe(at(server, 'https'));
    assert.equal(lax.ok, true);
    assert.equal(lax.header, 'tls-backend');
  });

  test('SNI is the --host name, never an IP literal', async () => {
    const before = server.requests.count;
    await new Prober(settings({ insecure: true })).probe(at(server, 'https'));
    await new Prober(settings({ insecure: true, host: 'www.example.net:443' })).probe(at(server, 'https'));
    const [plain, named] = server.requests.all.slice(before);
    assert.equal(plain?.servername, false);
    assert.equal(named?.servername, 'www.example.net');
    assert.equal(named?.headers.host, 'www.example.net:443');
  });

  test('serverNameFor', () => {
    assert.equal(serverNameFor(undefined), '');
    assert.equal(serverNameFor('192.0.2.1'), '');
    assert.equal(serverNameFor('[2001:db8::1]:443'), '');
    assert.equal(serverNameFor('www.example.net:8443'), 'www.example.net');
  });
});

describe('TCP probes', () => {
  test('a connect is the whole probe: open, or refused', async () => {
    const s = await startTcpServer();
    try {
      const o = await new Prober(settings()).probe(at(s, 'tcp'));
      assert.deepEqual(
        { ok: o.ok, status: o.status, answered: o.answered, http: o.httpStatus, header: o.header },
        { ok: true, status: 'open', answered: true, http: undefined, header: undefined },
      );
      await s.connections.at(0);
      const port = await closedPort();
      const r = await new Prober(settings()).probe(at({ host: '127.0.0.1', port }, 'tcp'));
      assert.equal(r.status, 'refused');
      assert.equal(r.failure?.code, 'ECONNREFUSED');
    } finally {
      await s.close();
    }
  });
});
