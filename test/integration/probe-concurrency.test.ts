// Many probes in flight at once, as the checker runs them at scale: every result belongs to its
// own request, timeouts fire together without cross-talk, and nothing is left open afterwards.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type net from 'node:net';
import { FakeClock } from '../../src/clock/index.js';
import type { ProbeResult } from '../../src/health/types.js';
import { createProber, defaultSocketFactory, type SocketFactory } from '../../src/probe/index.js';
import {
  healthcheck,
  probeRequest,
  startHttpServer,
  startHttpsServer,
  startTcpServer,
  TestPki,
  type HttpTestServer,
  type RequestHandler,
} from '../helpers/index.js';

const N = 300;

/** The default factory, keeping every socket it hands out so a test can see them all close. */
function recordingSockets(): { factory: SocketFactory; opened: net.Socket[] } {
  const opened: net.Socket[] = [];
  const factory: SocketFactory = {
    connectTcp(opts) {
      const socket = defaultSocketFactory.connectTcp(opts);
      opened.push(socket);
      return socket;
    },
  };
  return { factory, opened };
}

async function allClosed(sockets: readonly net.Socket[]): Promise<void> {
  for (const socket of sockets) if (!socket.closed) await once(socket, 'close');
}

function tally(results: readonly ProbeResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.code] = (counts[r.code] ?? 0) + 1;
  return counts;
}

void describe('probes at concurrency', () => {
  let pki: TestPki;
  let server: HttpTestServer;
  let secure: HttpTestServer;

  before(async () => {
    pki = await TestPki.create();
    const handler: RequestHandler = (req, res) => {
      // /<n>: even n answer 200 with the number, odd n answer 503.
      const n = Number((req.url ?? '/0').slice(1));
      res.writeHead(n % 2 === 0 ? 200 : 503).end(`backend ${n}`);
    };
    server = await startHttpServer(handler);
    secure = await startHttpsServer(handler, await pki.issue(['backend.test']));
  });
  after(async () => {
    await server.close();
    await secure.close();
    await pki.dispose();
  });

  void test(`${N} concurrent http probes each get their own answer, and close their sockets`, async () => {
    const { factory, opened } = recordingSockets();
    const probe = createProber({ sockets: factory });
    const results = await Promise.all(
      Array.from({ length: N }, (_, n) =>
        probe(
          probeRequest(
            // Client and server share one busy process here: the timeout is not what is under test.
            healthcheck({
              port: server.port,
              timeoutMs: 60_000,
              params: { path: `/${n}`, responseRegexp: `^backend ${n}$` },
            }),
          ),
        ),
      ),
    );
    results.forEach((r, n) =>
      assert.equal(r.code, n % 2 === 0 ? 'L7OK' : 'L7STS', `probe ${n}: ${r.detail}`),
    );
    assert.equal(opened.length, N);
    await allClosed(opened);
    await server.allClosed();
  });

  void test(`${N} concurrent https probes over verified TLS, every TCP socket closed after`, async () => {
    const { factory, opened } = recordingSockets();
    const probe = createProber({ sockets: factory, tlsCa: pki.caCert });
    const results = await Promise.all(
      Array.from({ length: N }, (_, n) =>
        probe(
          probeRequest(
            healthcheck({
              type: 'https',
              port: secure.port,
              // TLS handshakes cost CPU on both ends of this one process: the timeout is not the point.
              timeoutMs: 60_000,
              params: { path: `/${n}`, serverName: 'backend.test' },
            }),
          ),
        ),
      ),
    );
    assert.deepEqual(tally(results), { L7OK: N / 2, L7STS: N / 2 });
    await allClosed(opened);
    await secure.allClosed();
  });

  void test(`${N} probes into a black hole all time out together and release everything`, async (t) => {
    const hole = await startTcpServer();
    t.after(() => hole.close());
    const clock = new FakeClock();
    const probe = createProber({ clock });
    const pending = Array.from({ length: N }, () => probe(probeRequest(healthcheck({ port: hole.port }))));
    for (let i = 0; i < N; i++) await hole.firstBytes.at(i);
    assert.equal(clock.pendingTimers(), N);
    await clock.advance(2000);
    const results = await Promise.all(pending);
    assert.deepEqual(tally(results), { L7TOUT: N });
    assert.equal(clock.pendingTimers(), 0);
    await hole.allClosed();
  });
});
