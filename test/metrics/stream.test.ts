// The scrape is streamed (src/metrics/collected.ts): pieces go out as they are made, the
// families pause between backends while the reader is behind, and they share one view of the
// checker for the whole scrape. What arrives must still be exactly prom-client's text.

import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import type { ScrapeRegistry } from '../../src/metrics/collected.js';
import { startMetricsServer, type MetricsSource } from '../../src/metrics/index.js';
import { backend, config, frontend, healthcheck } from '../helpers/config.js';
import { RecordingLogger } from '../helpers/logger.js';
import { harness } from './fixtures.js';

/** What prom-client's own Registry.metrics() writes for the same registry. */
const promClientText = (registry: Registry): Promise<string> => Registry.prototype.metrics.call(registry);

/**
 * n backends, 100 per frontend, each probed a few times: a scrape of many 64 K pieces (about
 * 1.5 KB per backend, so 5 000 are more than loopback's socket buffers hold).
 */
async function probedHarness(n: number) {
  const backends = Array.from({ length: n }, (_, i) =>
    backend(`b${i}`, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`),
  );
  const frontends = Array.from({ length: Math.ceil(n / 100) }, (_, f) =>
    frontend(`fe${f}`, {
      pools: [Object.fromEntries(backends.slice(f * 100, (f + 1) * 100).map((b) => [b.name, 100]))],
    }),
  );
  const h = harness(config({ healthchecks: [healthcheck({ type: 'tcp' })], backends, frontends }));
  h.checker.start();
  await h.clock.advance(10_000);
  return h;
}

/** Counts the checker's backends() calls: one per scrape means one view per scrape. */
function countingViews(source: MetricsSource): { source: MetricsSource; views: () => number } {
  let views = 0;
  return {
    source: {
      backends: () => {
        views++;
        return source.backends();
      },
      config: () => source.config(),
      stateOf: (name) => source.stateOf(name),
      frontendState: (name) => source.frontendState(name),
      frontendPanic: (name) => source.frontendPanic(name),
      droppedSubscribers: () => source.droppedSubscribers(),
    },
    views: () => views,
  };
}

/** GET /metrics; `onResponse` sees the response before its body is read. */
function get(port: number, onResponse: (res: IncomingMessage) => void): void {
  request({ host: '127.0.0.1', port, path: '/metrics', agent: false }, onResponse).end();
}

/** The body, read slowly: the reader pauses after every piece and resumes a turn later. */
function slowRead(port: number): Promise<{ body: string; chunked: boolean }> {
  return new Promise((resolve, reject) => {
    get(port, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (piece: string) => {
        body += piece;
        res.pause();
        setImmediate(() => res.resume());
      });
      res.on('end', () => resolve({ body, chunked: res.headers['transfer-encoding'] === 'chunked' }));
      res.on('error', reject);
    });
  });
}

void describe('streamed scrape', () => {
  void test('waits for the reader between pieces, and writes nothing more until it has caught up', async () => {
    const h = await probedHarness(300);
    const registry = h.metrics.registry as ScrapeRegistry;
    const pieces: string[] = [];
    const waits: (() => void)[] = [];
    let finished = false;
    const scrape = registry
      .writeMetrics((piece) => {
        pieces.push(piece);
        return new Promise<void>((resolve) => waits.push(resolve));
      })
      .then(() => {
        finished = true;
      });
    // Each piece is followed by a wait; the next comes only once that wait is over.
    for (let i = 1; !finished; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (finished) break;
      assert.equal(pieces.length, i, 'one piece per turn of the reader');
      assert.equal(waits.length, i);
      waits[i - 1]?.();
    }
    await scrape;
    assert.ok(pieces.length > 3, `a scrape of 300 backends is several pieces (got ${pieces.length})`);
    assert.equal(pieces.join(''), await promClientText(registry));
    await h.finish();
  });

  void test("over HTTP to a slow reader: chunked, one view of the checker, exactly prom-client's text", async () => {
    const h = await probedHarness(5000);
    const counted = countingViews(h.checker);
    h.metrics.setChecker(counted.source);
    const server = await startMetricsServer({
      addr: '127.0.0.1:0',
      registry: h.metrics.registry,
      logger: new RecordingLogger(),
    });
    try {
      const { body, chunked } = await slowRead(server.port);
      assert.equal(counted.views(), 1, 'the families share one view for the whole scrape');
      assert.ok(chunked, 'streamed in chunked encoding');
      assert.ok(body.length > 5_000_000, `${body.length} bytes`);
      assert.equal(body, await promClientText(h.metrics.registry));
    } finally {
      await server.close();
      await h.finish();
    }
  });

  void test('a reader that goes away mid-scrape ends it: nothing logged, the view released', async () => {
    const h = await probedHarness(5000);
    const registry = h.metrics.registry as ScrapeRegistry;
    const logger = new RecordingLogger();
    const server = await startMetricsServer({ addr: '127.0.0.1:0', registry, logger });
    try {
      await new Promise<void>((resolve) => {
        get(server.port, (res) => {
          res.once('data', () => {
            // The scrape is under way: this runs only once it is over, however it ends.
            registry.afterScrape(resolve);
            res.destroy();
          });
          res.on('error', () => {});
        });
      });
      assert.deepEqual(
        logger.records.map((r) => r.event),
        ['metrics-listen'],
      );
      const again = await slowRead(server.port);
      assert.equal(again.body, await registry.metrics());
    } finally {
      await server.close();
      await h.finish();
    }
  });

  void test('a collector that throws after the first piece went out cuts the response short, and is logged', async () => {
    const h = await probedHarness(3000); // maglev_backend_state alone is more than one piece
    const counted = countingViews(h.checker);
    h.metrics.setChecker({
      ...counted.source,
      droppedSubscribers: () => {
        throw new Error('late failure');
      },
    });
    const logger = new RecordingLogger();
    const server = await startMetricsServer({ addr: '127.0.0.1:0', registry: h.metrics.registry, logger });
    try {
      const logged = logger.next('metrics-scrape-error');
      const outcome = await new Promise<{ status: number | undefined; ended: boolean }>((resolve) => {
        get(server.port, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode, ended: true }));
          res.on('error', () => resolve({ status: res.statusCode, ended: false }));
          res.on('aborted', () => resolve({ status: res.statusCode, ended: false }));
        });
      });
      assert.deepEqual(outcome, { status: 200, ended: false });
      assert.match(String((await logged).attrs.error), /late failure/);
    } finally {
      await server.close();
      await h.finish();
    }
  });
});
