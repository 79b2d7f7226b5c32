import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import {
  createMetrics,
  ListenAddressError,
  parseListenAddress,
  startMetricsServer,
} from '../../src/metrics/index.js';
import { parseExposition } from './fixtures.js';
import { RecordingLogger } from '../helpers/logger.js';

void describe('parseListenAddress', () => {
  void test('Go-style host:port spellings', () => {
    assert.deepEqual(parseListenAddress(':9091'), { host: undefined, port: 9091 });
    assert.deepEqual(parseListenAddress('127.0.0.1:9091'), { host: '127.0.0.1', port: 9091 });
    assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
    assert.deepEqual(parseListenAddress('[::1]:9091'), { host: '::1', port: 9091 });
    assert.deepEqual(parseListenAddress('[::]:65535'), { host: '::', port: 65535 });
  });

  void test('bad addresses are refused with the reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['9091', /host:port/],
      ['127.0.0.1', /host:port/],
      ['127.0.0.1:', /port must be/],
      [':65536', /port must be/],
      [':http', /port must be/],
      ['::1:9091', /brackets/],
      ['[::1:9091', /unterminated/],
      ['[]:9091', /unterminated/],
      ['a b:1', /bad host/],
    ];
    for (const [addr, why] of cases) {
      assert.throws(
        () => parseListenAddress(addr),
        (err: unknown) =>
          err instanceof ListenAddressError && why.test(err.message) && err.message.includes(addr),
        addr,
      );
    }
  });
});

interface Reply {
  status: number;
  type: string | undefined;
  body: string;
}

/** One request over node's own HTTP client, on a fresh connection. */
function get(host: string, port: number, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

void describe('metrics HTTP server', () => {
  for (const [host, addr] of [
    ['127.0.0.1', '127.0.0.1:0'],
    ['::1', '[::1]:0'],
  ] as const) {
    void test(`serves /metrics, an index and 404s on ${addr}`, async () => {
      const metrics = createMetrics({
        processMetrics: false,
        build: { version: '1.2.3', commit: 'deadbeef' },
      });
      const logger = new RecordingLogger();
      const server = await startMetricsServer({ addr, registry: metrics.registry, logger });
      try {
        assert.ok(server.port > 0);
        const m = await get(host, server.port, '/metrics');
        assert.equal(m.status, 200);
        assert.equal(m.type, 'text/plain; version=0.0.4; charset=utf-8');
        const build = parseExposition(m.body).find((s) => s.name === 'maglev_build_info');
        assert.deepEqual(build?.labels, { version: '1.2.3', commit: 'deadbeef' });

        const q = await get(host, server.port, '/metrics?name[]=x');
        assert.equal(q.status, 200);

        const index = await get(host, server.port, '/');
        assert.equal(index.status, 200);
        assert.match(index.type ?? '', /^text\/html/);
        assert.match(index.body, /href="\/metrics"/);

        const missing = await get(host, server.port, '/metricsx');
        assert.equal(missing.status, 404);

        const head = await get(host, server.port, '/metrics', 'HEAD');
        assert.equal(head.status, 200);
        assert.equal(head.body, '');

        const post = await get(host, server.port, '/metrics', 'POST');
        assert.equal(post.status, 405);

        assert.equal(logger.attrsOf('metrics-listen')[0]?.port, server.port);
      } finally {
        await server.close();
      }
    });
  }

  void test('close() does not wait for idle keep-alive connections', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const server = await startMetricsServer({
      addr: '127.0.0.1:0',
      registry: metrics.registry,
      logger: new RecordingLogger(),
    });
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`); // undici keeps the socket alive
    assert.equal(res.status, 200);
    await res.text();
    await server.close();
    await assert.rejects(get('127.0.0.1', server.port, '/metrics'), /ECONNREFUSED/);
  });

  void test('a port in use is a rejected start, not a crash', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const logger = new RecordingLogger();
    const first = await startMetricsServer({ addr: '127.0.0.1:0', registry: metrics.registry, logger });
    try {
      await assert.rejects(
        startMetricsServer({ addr: `127.0.0.1:${first.port}`, registry: metrics.registry, logger }),
        /EADDRINUSE/,
      );
    } finally {
      await first.close();
    }
  });

  void test('a scrape handed to the socket in full runs afterScrape; the index, HEAD and a 404 do not', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let calls = 0;
    const server = await startMetricsServer({
      addr: '127.0.0.1:0',
      registry: metrics.registry,
      logger: new RecordingLogger(),
      afterScrape: () => calls++,
    });
    try {
      // The server's 'finish' comes before the client reads the end of the response.
      assert.equal((await get('127.0.0.1', server.port, '/metrics')).status, 200);
      assert.equal(calls, 1);
      assert.equal((await get('127.0.0.1', server.port, '/')).status, 200);
      assert.equal((await get('127.0.0.1', server.port, '/metrics', 'HEAD')).status, 200);
      assert.equal((await get('127.0.0.1', server.port, '/metricsx')).status, 404);
      assert.equal((await get('127.0.0.1', server.port, '/metrics')).status, 200);
      assert.equal(calls, 2);
    } finally {
      await server.close();
    }
  });

  void test('a scrape that throws answers 500 and is logged', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.setChecker({
      backends: () => {
        throw new Error('checker exploded');
      },
      config: () => {
        throw new Error('checker exploded');
      },
      stateOf: () => undefined,
      frontendState: () => undefined,
      frontendPanic: () => undefined,
      droppedSubscribers: () => 0,
    });
    const logger = new RecordingLogger();
    const server = await startMetricsServer({ addr: '127.0.0.1:0', registry: metrics.registry, logger });
    try {
      const r = await get('127.0.0.1', server.port, '/metrics');
      assert.equal(r.status, 500);
      assert.match(String(logger.attrsOf('metrics-scrape-error')[0]?.error), /checker exploded/);
    } finally {
      await server.close();
    }
  });
});
