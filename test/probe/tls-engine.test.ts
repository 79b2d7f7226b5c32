// TLS session reuse on the probe engine (native/probe_engine.c), whose repeating runs keep each
// target's SSL_SESSION themselves, by the rules of src/probe/tls-sessions.ts: kept only from a
// probe that passed, forgotten on any failure, offered for at most the max age after the full
// handshake it descends from (renewed tickets inherit that age), never offered with
// tls-session-reuse off. The servers say whether each handshake resumed. Also: runs stopped or an
// engine closed mid-handshake, and with a session kept (AddressSanitizer checks for leaks).

import assert from 'node:assert/strict';
import { createServer as createHttpsServer } from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import type { ProbeResult } from '../../src/health/types.js';
import { EngineProbes, ProbeEngine, type ProbeLoop } from '../../src/probe/index.js';
import { RequestHeadCache } from '../../src/probe/http-request.js';
import {
  Arrivals,
  healthcheck,
  okHandler,
  probeRequest,
  startHttpsServer,
  startTcpServer,
  startTlsServer,
  TestPki,
  type HealthCheckOverrides,
  type HttpsTestServer,
  type TestCert,
} from '../helpers/index.js';

const https = (port: number, params: HealthCheckOverrides['params'] = {}) =>
  healthcheck({
    type: 'https',
    port,
    params: { serverName: 'backend.test', tlsSessionReuse: true, ...params },
  });

void describe('TLS on the probe engine: session reuse', () => {
  let pki: TestPki;
  let issued: TestCert;
  const engine = new ProbeEngine({ batchMs: 1 });
  const servers: { close(): Promise<void> }[] = [];

  before(async () => {
    pki = await TestPki.create();
    issued = await pki.issue(['backend.test']);
  });
  after(async () => {
    engine.close();
    for (const s of servers) await s.close();
    await pki.dispose();
  });

  const probes = (on: ProbeEngine = engine) => new EngineProbes(on, new RequestHeadCache('test'), pki.caCert);

  /** An https server; `status(n)` answers the n-th request (from 0). */
  async function server(status: (n: number) => number = () => 200, maxVersion?: 'TLSv1.2') {
    let n = 0;
    const s = await startHttpsServer(
      (req, res) => {
        const code = status(n++);
        if (code === 200) okHandler(req, res);
        else res.writeHead(code).end();
      },
      { ...issued, maxVersion },
    );
    servers.push(s);
    return s;
  }

  /** `count` probes of one repeating run, `delayMs` apart; their results, and the server's reuse flags. */
  async function series(
    s: HttpsTestServer,
    count: number,
    params: HealthCheckOverrides['params'] = {},
    delayMs = 0,
    on?: ProbeEngine,
  ): Promise<{ results: ProbeResult[]; reused: (boolean | undefined)[] }> {
    const results = new Arrivals<ProbeResult>();
    const first = s.requests.count;
    let seen = 0;
    const loop = probes(on).repeat(probeRequest(https(s.port, params)), 0, {
      onProbeResult: (r) => {
        results.push(r);
        return ++seen < count ? delayMs : undefined;
      },
    });
    assert.ok(loop, 'the engine takes https');
    const got: ProbeResult[] = [];
    for (let i = 0; i < count; i++) got.push(await results.at(i));
    const requests = await Promise.all(got.map((_, i) => s.requests.at(first + i)));
    return { results: got, reused: requests.map((r) => r.sessionReused) };
  }

  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    void test(`${version}: each probe after the first resumes, with the same verdict`, async () => {
      const s = await server(undefined, version === 'TLSv1.2' ? 'TLSv1.2' : undefined);
      const { results, reused } = await series(s, 3);
      assert.deepEqual(
        results.map((r) => [r.ok, r.code, r.detail]),
        Array(3).fill([true, 'L7OK', 'status 200']),
      );
      assert.deepEqual(reused, [false, true, true]);
    });
  }

  void test('tls-session-reuse: false makes a full handshake every time', async () => {
    const s = await server();
    assert.deepEqual((await series(s, 3, { tlsSessionReuse: false })).reused, [false, false, false]);
  });

  void test('a failed probe (a status outside the range) drops the session', async () => {
    const s = await server((n) => (n === 2 ? 503 : 200));
    const { results, reused } = await series(s, 5);
    assert.deepEqual(
      results.map((r) => r.code),
      ['L7OK', 'L7OK', 'L7STS', 'L7OK', 'L7OK'],
    );
    assert.deepEqual(reused, [false, true, true, false, true]);
  });

  void test('a probe that fails before TLS (refused) drops the session too', async () => {
    // One https server that stops listening for the third probe and listens again on its port.
    let n = 0;
    const reused: boolean[] = [];
    const open = new Set<net.Socket>();
    const server = createHttpsServer(issued, (req, res) => {
      reused.push((req.socket as tls.TLSSocket).isSessionReused());
      res.writeHead(200).end();
    });
    server.on('connection', (c: net.Socket) => {
      open.add(c);
      c.once('close', () => open.delete(c));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const stop = () =>
      new Promise<void>((resolve) => {
        for (const c of open) c.destroy();
        server.close(() => resolve());
      });
    const results = new Arrivals<ProbeResult>();
    const loop = probes().repeat(probeRequest(https(port)), 0, {
      onProbeResult: (r) => {
        results.push(r);
        // 300 ms apart: time to stop listening before the third probe, and to listen again.
        return ++n < 5 ? 300 : undefined;
      },
    }) as ProbeLoop;
    try {
      assert.equal((await results.at(0)).code, 'L7OK');
      assert.equal((await results.at(1)).code, 'L7OK');
      // Not listening from here until the refusal has been seen (the engine is held at it).
      await stop();
      const refused = await results.at(2);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      assert.deepEqual([refused.code, refused.detail], ['L4CON', 'connect ECONNREFUSED']);
      assert.equal((await results.at(3)).code, 'L7OK');
      assert.equal((await results.at(4)).code, 'L7OK');
      assert.deepEqual(reused, [false, true, false, true]);
    } finally {
      loop.stop();
      await stop();
    }
  });

  void test('a session is offered for at most the max age after its full handshake, renewed tickets included', async () => {
    const maxAgeMs = 300;
    const aged = new ProbeEngine({ batchMs: 1, sessionMaxAgeMs: maxAgeMs });
    try {
      const s = await server();
      const started = performance.now();
      const { reused } = await series(s, 8, {}, 100, aged);
      const elapsed = performance.now() - started;
      assert.deepEqual(reused.slice(0, 2), [false, true]);
      // Probes 100 ms apart for 700 ms and more: the resumptions' renewed tickets must not keep
      // the session young, so a full handshake comes back within every 300 ms and a probe.
      const full = reused.filter((r) => r === false).length;
      assert.ok(
        full >= 2,
        `full handshakes ${full} in ${reused.length} probes over ${elapsed.toFixed(0)} ms`,
      );
      assert.ok(
        full <= Math.ceil(elapsed / maxAgeMs) + 1,
        `full handshakes ${full} over ${elapsed.toFixed(0)} ms`,
      );
    } finally {
      aged.close();
    }
  });

  void test('tcp with ssl resumes against a TLS 1.2 server', async (t) => {
    const s = await startTlsServer({ ...issued, maxVersion: 'TLSv1.2' });
    t.after(() => s.close());
    const hc = healthcheck({
      type: 'tcp',
      port: s.port,
      params: { ssl: true, serverName: 'backend.test', tlsSessionReuse: true },
    });
    const results = new Arrivals<ProbeResult>();
    let seen = 0;
    probes().repeat(probeRequest(hc), 0, {
      onProbeResult: (r) => {
        results.push(r);
        return ++seen < 3 ? 0 : undefined;
      },
    });
    for (let i = 0; i < 3; i++) assert.equal((await results.at(i)).detail, 'TLS handshake ok (TLSv1.2)');
    assert.deepEqual(await Promise.all([0, 1, 2].map((i) => s.resumed.at(i))), [false, true, true]);
  });

  void test('a run stopped mid-handshake closes its connection and reports nothing', async (t) => {
    const hole = await startTcpServer();
    t.after(() => hole.close());
    let reported = 0;
    const loop = probes().repeat(probeRequest(https(hole.port)), 0, {
      onProbeResult: () => {
        reported++;
        return 0;
      },
    }) as ProbeLoop;
    await hole.connections.at(0);
    // The ClientHello has arrived: the engine is in the handshake.
    await hole.firstBytes.at(0);
    loop.stop();
    await hole.allClosed();
    assert.equal(reported, 0);
  });

  void test('an engine closed with sessions kept and handshakes in flight frees them', async (t) => {
    const own = new ProbeEngine({ batchMs: 1 });
    const s = await server();
    await series(s, 2, {}, 0, own);
    const hole = await startTcpServer();
    t.after(() => hole.close());
    const results = new Arrivals<ProbeResult>();
    probes(own).repeat(probeRequest(https(s.port)), 0, {
      onProbeResult: (r) => {
        results.push(r);
        return 0;
      },
    });
    probes(own).repeat(probeRequest(https(hole.port)), 0, { onProbeResult: () => 0 });
    await results.at(0);
    await hole.firstBytes.at(0);
    own.close();
    await hole.allClosed();
  });
});
