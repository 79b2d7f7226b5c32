// "Expand all" over long pools in a real browser (Debian chromium driven by playwright-core): a
// maglevd without VPP whose twenty frontends have 120 backends each (no health check: they pass
// without traffic), the dashboard server, and /view/ with the page built from source. A long pool
// draws only the rows on screen: fewer rows than backends are in the DOM, those drawn are the
// pool's in order, and scrolling anywhere shows exactly the backends that belong there. Scrolled
// to the middle of the page, with spacers above and below, the page comes to rest: its tables
// once measured the row height each their own way and set it in turn, each new height moving
// every spacer and setting them measuring again, more often every frame, until the page drew no
// frame at all (bench/README.md, dashboard).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { build } from 'vite';
import { startFrontend, type RunningFrontend } from '../../src/frontend/index.js';
import { silentLogger } from '../../src/log/index.js';
import { repoRoot, runProgram, type RunningProgram } from '../helpers/daemon-process.js';

const CHROMIUM = '/usr/bin/chromium';
/** Generous: a loaded 2-core machine. A failure guard only. */
const WAIT_MS = 30_000;
const FRONTENDS = 20;
const PER_POOL = 120;
const TOTAL = FRONTENDS * PER_POOL;

const name = (f: number, i: number) => `b${f}-${String(i).padStart(3, '0')}`;

function configYaml(): string {
  const lines = ['maglev:', '  backends:'];
  for (let f = 0; f < FRONTENDS; f++)
    for (let i = 0; i < PER_POOL; i++) lines.push(`    ${name(f, i)}: { address: 198.18.${f}.${i + 1} }`);
  lines.push('  frontends:');
  for (let f = 0; f < FRONTENDS; f++) {
    lines.push(
      `    fe${f}:`,
      `      address: 192.0.2.${f + 1}`,
      '      protocol: tcp',
      '      port: 80',
      '      pools:',
      '        - name: p',
      '          backends:',
    );
    for (let i = 0; i < PER_POOL; i++) lines.push(`            ${name(f, i)}: {}`);
  }
  return lines.join('\n') + '\n';
}

// Run in the page (text: this project's TypeScript has no DOM types outside src/web).

/** Every table's drawn rows, by frontend. */
const DRAWN = `Object.fromEntries([...document.querySelectorAll('[data-frontend]')].map((card) => [
  card.dataset.frontend,
  [...card.querySelectorAll('tr[data-backend]')].map((tr) => tr.dataset.backend),
]))`;

/** Scrolls so row I of FE's pool sits in the middle of the screen; the row found there once drawn. */
const ROW_AT_MIDDLE = (fe: string, i: number) => `(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const body = document.querySelector('[data-frontend="${fe}"] tbody');
  let hit = null;
  // Until the page has drawn the rows there and nothing moves any more.
  for (let attempt = 0; attempt < 20; attempt++) {
    // The row pitch: first to last drawn row of a table, over the rows between (a row's own box
    // can differ from it by a shared border).
    const tbody = [...document.querySelectorAll('tbody')].find((b) => b.querySelectorAll('tr[data-backend]').length > 1);
    const drawn = tbody.querySelectorAll('tr[data-backend]');
    const top = (k) => drawn[k].getBoundingClientRect().top;
    const rowPx = (top(drawn.length - 1) - top(0)) / (drawn.length - 1);
    const y = Math.round(body.getBoundingClientRect().top + window.scrollY + (${i} + 0.5) * rowPx - window.innerHeight / 2);
    const settled = Math.abs(window.scrollY - y) <= 1;
    window.scrollTo(0, y);
    await frame();
    await frame();
    const box = body.getBoundingClientRect();
    const now = document.elementFromPoint(box.left + box.width / 2, window.innerHeight / 2)?.closest('tr')?.dataset.backend ?? null;
    if (settled && now === hit) break;
    hit = now;
  }
  return hit;
})()`;

/**
 * Scrolls to the middle of the page and counts the page's own requests for a frame, frame by
 * frame, until ten frames in a row had none (it is at rest) or it is plainly not coming to rest
 * (200 frames, or 1 000 requests in one frame: they doubled every frame).
 */
const REST_AFTER_SCROLL = `(async () => {
  const raw = window.requestAnimationFrame.bind(window);
  let asked = 0;
  window.requestAnimationFrame = (cb) => {
    asked++;
    return raw(cb);
  };
  const frame = () => new Promise((r) => raw(() => r()));
  let quiet = 0, frames = 0, most = 0;
  try {
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    while (quiet < 10 && frames < 200 && most < 1000) {
      asked = 0;
      await frame();
      frames++;
      most = Math.max(most, asked);
      quiet = asked === 0 ? quiet + 1 : 0;
    }
  } finally {
    window.requestAnimationFrame = raw;
  }
  return { atRest: quiet >= 10, frames, most };
})()`;

describe('dashboard: Expand all over long pools', () => {
  let dir: string;
  let maglevd: RunningProgram;
  let frontend: RunningFrontend;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), 'Debian chromium is installed (scripts/ensure-debian-packages.sh)');
    dir = mkdtempSync(join(tmpdir(), 'dashboard-long-e2e-'));
    const webRoot = join(dir, 'web');
    await build({
      configFile: join(repoRoot, 'src/web/vite.config.ts'),
      logLevel: 'error',
      build: { outDir: webRoot, emptyOutDir: true },
    });
    const config = join(dir, 'maglev.yaml');
    writeFileSync(config, configYaml());
    maglevd = runProgram('src/bin/maglevd.ts', [
      ...['--config', config, '--grpc-addr', '127.0.0.1:0', '--metrics-addr', ''],
      ...['--vpp-api-addr', '', '--vpp-stats-addr', ''],
    ]);
    const grpc = await maglevd.waitFor((l) => l.msg === 'grpc-listening', WAIT_MS, 'grpc-listening');
    frontend = await startFrontend({
      servers: [`127.0.0.1:${String(grpc.port)}`],
      listen: '127.0.0.1:0',
      user: 'ops',
      password: 'long-pools',
      logger: silentLogger,
      webRoot,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    ctx.setDefaultTimeout(WAIT_MS);
    page = await ctx.newPage();
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await frontend?.close();
    maglevd?.kill('SIGTERM');
    if (maglevd) await maglevd.exited;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Expand all draws the rows on screen, in order, and scrolling shows the right ones', async () => {
    await page.goto(`http://127.0.0.1:${frontend.port}/view/`);
    await page.locator(`[data-frontend="fe${FRONTENDS - 1}"]`).waitFor();
    await page.getByRole('button', { name: 'Expand all' }).click();
    await page.locator(`tr[data-backend="${name(0, 0)}"]`).waitFor();

    const drawn = await page.evaluate<Record<string, string[]>>(DRAWN);
    const rows = Object.values(drawn).flat();
    assert.ok(rows.length > 0 && rows.length < TOTAL / 2, `${rows.length} of ${TOTAL} rows drawn`);
    for (const [fe, names] of Object.entries(drawn)) {
      const f = Number(fe.slice(2));
      const first = names.length > 0 ? Number(names[0]!.split('-')[1]) : 0;
      assert.deepEqual(
        names,
        names.map((_, k) => name(f, first + k)),
        `${fe} draws a run of its own backends, in order`,
      );
    }

    for (const [f, i] of [
      [0, 119],
      [1, 60],
      [2, 7],
      [1, 0],
    ] as const) {
      assert.equal(await page.evaluate<string | null>(ROW_AT_MIDDLE(`fe${f}`, i)), name(f, i));
    }

    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    const last = page.locator(`tr[data-backend="${name(FRONTENDS - 1, PER_POOL - 1)}"]`);
    await last.waitFor();
    assert.ok(await last.isVisible());
    assert.ok(
      (await page.evaluate<number>("document.querySelectorAll('tr[data-backend]').length")) < TOTAL / 2,
    );

    await page.getByRole('button', { name: 'Collapse all' }).click();
    await page.locator('tr[data-backend]').first().waitFor({ state: 'detached' });
  });

  test('scrolled among the long pools, the page comes to rest', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByRole('button', { name: 'Expand all' }).click();
    await page.locator(`tr[data-backend="${name(0, 0)}"]`).waitFor();
    const rest = await page.evaluate<{ atRest: boolean; frames: number; most: number }>(REST_AFTER_SCROLL);
    assert.ok(
      rest.atRest,
      `still asking for frames after ${rest.frames} frames (at most ${rest.most} requests in one)`,
    );
    const drawn = await page.evaluate<Record<string, string[]>>(DRAWN);
    const rows = Object.values(drawn).flat();
    assert.ok(rows.length > 0 && rows.length < TOTAL / 10, `${rows.length} of ${TOTAL} rows drawn`);
  });

  test('the page had no console errors', () => {
    assert.deepEqual(problems, []);
  });
});
