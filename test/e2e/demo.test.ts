// `npm start` end to end: the demo starts vppsim, maglevd, the dashboard and its backends; its
// URLs answer, traffic to a VIP reaches a backend through vppsim, a backend made to fail is
// seen going down, and Ctrl-C stops everything cleanly.

import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, test } from 'node:test';
import { startDemo } from '../helpers/demo-process.js';

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

/** Retries while the VIP is not forwarded yet (warmup holds VPP for its first seconds). */
async function getThroughVip(url: string, deadlineMs: number): Promise<http.IncomingHttpHeaders> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return (await get(url)).headers;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('the demo (npm start)', () => {
  test('starts the whole stack, answers on its URLs, follows a failure, stops on SIGINT', async () => {
    const demo = startDemo();
    const { child } = demo;
    const waitLine = (re: RegExp, ms?: number) => demo.waitLine(re, ms);
    try {
      await waitLine(/demo {5}ready/);
      const view = (await waitLine(/dashboard \(read-only\)\s+(\S+)/))[1]!;
      const metrics = (await waitLine(/metrics\s+(http\S+)/))[1]!;
      const fail = (await waitLine(/make a backend fail\s+curl -X POST (\S+)/))[1]!;

      const page = await get(view);
      assert.equal(page.status, 200);
      assert.match(page.body, /<html/i);
      const admin = await get(view.replace('/view/', '/admin/'));
      assert.equal(admin.status, 401, 'admin needs the printed credentials');
      const scrape = await get(metrics);
      assert.equal(scrape.status, 200);
      assert.match(scrape.body, /maglev_backend_state\{backend="nginx0-ams"\}/);

      // Traffic through the VIP reaches a demo backend, which names itself.
      const headers = await getThroughVip('http://127.0.0.100:18081/', 60_000);
      assert.match(String(headers['x-ipng-frontend']), /^nginx\d-[a-z]+$/);

      // A backend made to fail is seen going down.
      await waitLine(/backend {2}nginx0-ams +unknown → up/);
      const res = await new Promise<number>((resolve, reject) =>
        http
          .request(fail, { method: 'POST', agent: false }, (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          })
          .on('error', reject)
          .end(),
      );
      assert.equal(res, 200);
      await waitLine(/backend {2}nginx0-ams +up → down +\[L7STS\]/);

      assert.equal(await demo.stop(), 0, demo.stderr());
      // Nothing is left listening: the VIP and the backends are gone.
      await assert.rejects(
        new Promise<void>((resolve, reject) => {
          const s = net.connect(18081, '127.0.0.11', () => (s.destroy(), resolve()));
          s.on('error', reject);
        }),
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
