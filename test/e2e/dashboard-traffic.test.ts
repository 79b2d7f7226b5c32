// Traffic on the dashboard, end to end in a real browser (Debian chromium, playwright-core): the
// demo (`npm start`: vppsim forwarding and counting in its stats segment, maglevd reading it, the
// dashboard) with its page built from source, and curl-like requests through the demo's VIP while
// the page is open. The web-v4 card must show packets/s and bytes/s with a sparkline that grows,
// the VPP panel the totals from the stats segment, and maglevc the same rates. Screenshots go to
// test-artifacts/.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chromium, type Browser, type ConsoleMessage } from 'playwright-core';
import { build } from 'vite';
import { repoRoot } from '../helpers/daemon-process.js';
import { startDemo } from '../helpers/demo-process.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'dashboard');
const VIP = 'http://127.0.0.100:18081/';
/** Generous: maglevd and the dashboard each poll every 5 s, on a loaded 2-core machine. */
const WAIT_MS = 90_000;

/** One request on a connection of its own (as curl makes them); resolves with the status. */
function curl(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** Retries while the VIP is not forwarded yet (the warmup holds VPP for its first seconds). */
async function firstThroughVip(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await curl(url)) === 200) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A request every `paceMs` (a steady trickle, like curl in a loop) until stopped. */
function keepCurling(url: string, paceMs: number): { stop(): Promise<{ ok: number; failed: number }> } {
  let running = true;
  const tally = { ok: 0, failed: 0 };
  const loop = (async () => {
    while (running) {
      try {
        if ((await curl(url)) === 200) tally.ok++;
      } catch {
        tally.failed++;
      }
      await new Promise((resolve) => setTimeout(resolve, paceMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return tally;
    },
  };
}

describe('traffic on the dashboard (the demo, in chromium)', () => {
  test('requests through the VIP show as rates with a sparkline on the card, and as VPP totals', async () => {
    assert.ok(existsSync(CHROMIUM), 'Debian chromium is installed (scripts/ensure-debian-packages.sh)');
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-traffic-'));
    const webRoot = join(dir, 'web');
    await build({
      configFile: join(repoRoot, 'src/web/vite.config.ts'),
      logLevel: 'error',
      build: { outDir: webRoot, emptyOutDir: true },
    });
    const demo = startDemo({ MAGLEV_DEMO_WEB_ROOT: webRoot });
    let browser: Browser | undefined;
    let traffic: ReturnType<typeof keepCurling> | undefined;
    const problems: string[] = [];
    try {
      await demo.waitLine(/demo {5}ready/);
      const view = (await demo.waitLine(/dashboard \(read-only\)\s+(\S+)/))[1]!;
      const grpc = (await demo.waitLine(/maglevc.js --server (\S+) show frontends/))[1]!;
      for (const b of ['nginx0-ams', 'nginx0-fra', 'nginx0-zrh'])
        await demo.waitLine(new RegExp(`backend {2}${b} +unknown → up`), WAIT_MS);
      await firstThroughVip(VIP, WAIT_MS);
      traffic = keepCurling(VIP, 20);

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      });
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      ctx.setDefaultTimeout(WAIT_MS);
      const page = await ctx.newPage();
      page.on('console', (m: ConsoleMessage) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(view);
      await page.locator('[data-connection="live"]').waitFor();

      const card = page.locator('[data-frontend="web-v4"] [data-testid="fe-traffic"]');
      // A rate that is not zero and not unknown: "12 pkt/s", "1.5k pkt/s"...
      await card.locator('[data-testid="pps"]', { hasText: /^(?!0 )\d[\d.]*[kMG]? pkt\/s$/ }).waitFor();
      await card.locator('[data-testid="bps"]', { hasText: /^(?!0 )\d[\d.]* [kMG]?B\/s$/ }).waitFor();
      // The sparkline has points from successive polls (the first has no rate yet), and a line
      // through them.
      await card
        .locator('svg.sparkline:not([data-points="0"]):not([data-points="1"]):not([data-points="2"])')
        .waitFor();
      assert.match((await card.locator('svg.sparkline path').getAttribute('d')) ?? '', /^M[\d. ]+L/);
      // The other cards know their VIPs carry nothing.
      await page
        .locator('[data-frontend="web-v4-sticky"] [data-testid="pps"]', { hasText: /^0 pkt\/s$/ })
        .waitFor();

      const vpp = page.locator('[data-testid="vpp-traffic"]');
      await vpp.waitFor();
      await vpp.locator('dd', { hasText: 'stats segment' }).waitFor();
      await vpp.locator('[data-testid="pps"]', { hasText: /^(?!0 )\d[\d.]*[kMG]? pkt\/s$/ }).waitFor();
      assert.doesNotMatch(await vpp.locator('[data-testid="routed"]').innerText(), /—/);
      await page.screenshot({ path: join(ARTIFACTS, 'traffic.png'), fullPage: true });

      // maglevc shows the same traffic.
      const out = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/bin/maglevc.ts',
          '--server',
          grpc,
          '--color=false',
          'show',
          'vpp',
          'lb',
          'counters',
        ],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      assert.equal(out.status, 0, out.stderr);
      const row = out.stdout.split('\n').find((l) => l.startsWith('web-v4 '));
      assert.ok(row, out.stdout);
      assert.match(row, /\s(?!0\s)\d[\d.]*[kMG]?\s+\d[\d.]* [kMG]?B\/s$/, row);
      assert.match(out.stdout, /from the stats segment, rates over/);

      const tally = await traffic.stop();
      traffic = undefined;
      assert.ok(tally.ok > 0, `requests answered through the VIP: ${JSON.stringify(tally)}`);
      assert.deepEqual(problems, []);
      assert.equal(await demo.stop(), 0, demo.stderr());
    } finally {
      await traffic?.stop();
      await browser?.close();
      if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
