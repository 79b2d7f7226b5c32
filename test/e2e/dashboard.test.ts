// The dashboard end to end in a real browser (Debian chromium driven by playwright-core):
// vppsim, maglevd programming it, real HTTP backends on loopback, the dashboard server with the
// page built from source, and /view/ and /admin/ pages. The page must show every frontend and
// backend with VPP data and each frontend's BGP badge (maglevd announces through a stand-in
// BIRD), follow a pause made in /admin/ (also seen by maglevc), and turn a backend whose server
// was killed down without a reload. Screenshots go to test-artifacts/.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { build } from 'vite';
import { startFrontend, type RunningFrontend } from '../../src/frontend/index.js';
import { silentLogger } from '../../src/log/index.js';
import { repoRoot, runProgram, type RunningProgram } from '../helpers/daemon-process.js';
import { FakeBird } from '../helpers/fake-bird.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'dashboard');
const USER = 'ops';
const PASSWORD = 's3cret-e2e';
/** Generous: a loaded 2-core machine. A failure guard only. */
const WAIT_MS = 30_000;
const BACKENDS: [string, string][] = [
  ['web-a', '127.0.0.21'],
  ['web-b', '127.0.0.22'],
  ['web-c', '127.0.0.23'],
];

function configYaml(port: number, bird: { socket: string; includeFile: string }): string {
  return `maglev:
  announce:
    bird: { socket: ${bird.socket}, include-file: ${bird.includeFile} }
  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
      ipv6-src-address: 2001:db8::fe
      sync-interval: 1h
      startup-min-delay: 0s
      startup-max-delay: 0s
  healthchecks:
    web:
      type: http
      port: ${port}
      interval: 300ms
      # Generous: a loaded CI machine must not make a healthy backend flap. A killed one refuses
      # connections at once, so it is still down within two probes.
      timeout: 3s
      rise: 1
      fall: 2
      params:
        path: /healthz
  backends:
${BACKENDS.map(([name, address]) => `    ${name}: { address: ${address}, healthcheck: web }`).join('\n')}
  frontends:
    site:
      description: the e2e website
      address: 192.0.2.1
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends:
            web-a: {}
            web-b: { weight: 50 }
        - name: fallback
          backends:
            web-c: {}
    site-v6:
      address: 2001:db8::1
      protocol: tcp
      port: 443
      panic-threshold: 60%
      announce: false
      pools:
        - name: only
          backends:
            web-a: {}
            web-c: {}
`;
}

/** HTTP backends on several loopback addresses sharing one port (as in production). */
async function startBackends(): Promise<{ port: number; servers: Map<string, http.Server> }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const servers = new Map<string, http.Server>();
    let port = 0;
    try {
      for (const [name, address] of BACKENDS) {
        const server = http.createServer((req, res) =>
          res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok'),
        );
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, address, () => resolve());
        });
        port = (server.address() as AddressInfo).port;
        servers.set(name, server);
      }
      return { port, servers };
    } catch {
      for (const s of servers.values()) s.close();
    }
  }
  throw new Error('no common free port on the backend addresses');
}

function closeServer(s: http.Server): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => resolve());
    s.closeAllConnections();
  });
}

describe('dashboard in a browser', () => {
  let dir: string;
  let webRoot: string;
  let backends: Map<string, http.Server>;
  let vppsim: RunningProgram;
  let bird: FakeBird;
  let maglevd: RunningProgram;
  let grpcTarget: string;
  let frontend: RunningFrontend;
  let base: string;
  let browser: Browser;
  let viewCtx: BrowserContext;
  let adminCtx: BrowserContext;
  let view: Page;
  const problems: string[] = [];

  const watchConsole = (page: Page, name: string) => {
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error' || m.type() === 'warning')
        problems.push(`${name} console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${name} page error: ${e.message}`));
  };
  const shot = async (page: Page, file: string) => {
    await page.screenshot({ path: join(ARTIFACTS, file), fullPage: true });
  };
  const row = (page: Page, frontendName: string, pool: string, backend: string) =>
    page.locator(
      `[data-frontend="${frontendName}"] table[data-pool="${pool}"] tr[data-backend="${backend}"]`,
    );

  /** The BUCKETS column of a pool row (what VPP reports). */
  const buckets = async (page: Page, fe: string, pool: string, backend: string) =>
    Number(await row(page, fe, pool, backend).locator('[data-col="buckets"]').innerText());

  before(async () => {
    assert.ok(existsSync(CHROMIUM), 'Debian chromium is installed (scripts/ensure-debian-packages.sh)');
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'dashboard-e2e-'));
    webRoot = join(dir, 'web');
    // The page as the source says now, not whatever dist/web holds.
    await build({
      configFile: join(repoRoot, 'src/web/vite.config.ts'),
      logLevel: 'error',
      build: { outDir: webRoot, emptyOutDir: true },
    });

    const b = await startBackends();
    backends = b.servers;
    const socket = join(dir, 'vpp-api.sock');
    vppsim = runProgram('src/bin/vppsim.ts', ['--api-socket', socket]);
    await vppsim.waitFor((l) => l.msg === 'vppsim-ready', WAIT_MS, 'vppsim-ready');
    const birdFiles = { socket: join(dir, 'bird.ctl'), includeFile: join(dir, 'maglev-vips.conf') };
    bird = await FakeBird.start(birdFiles.socket, birdFiles.includeFile);
    const config = join(dir, 'maglev.yaml');
    writeFileSync(config, configYaml(b.port, birdFiles));
    maglevd = runProgram('src/bin/maglevd.ts', [
      '--config',
      config,
      '--grpc-addr',
      '127.0.0.1:0',
      '--metrics-addr',
      '',
      '--vpp-api-addr',
      socket,
      '--vpp-stats-addr',
      '',
      '--log-level',
      'debug',
    ]);
    const grpc = await maglevd.waitFor((l) => l.msg === 'grpc-listening', WAIT_MS, 'grpc-listening');
    grpcTarget = `127.0.0.1:${String(grpc.port)}`;
    for (const [name] of BACKENDS) {
      await maglevd.waitFor(
        (l) => l.msg === 'backend-transition' && l.backend === name && l.to === 'up',
        WAIT_MS,
        `${name} up`,
      );
    }
    await maglevd.waitFor((l) => l.msg === 'vpp-connect', WAIT_MS, 'vpp-connect');

    frontend = await startFrontend({
      servers: [grpcTarget],
      listen: '127.0.0.1:0',
      user: USER,
      password: PASSWORD,
      logger: silentLogger,
      webRoot,
    });
    base = `http://127.0.0.1:${frontend.port}`;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      // No --user-data-dir: playwright refuses it for launch() and gives every launch a fresh
      // temporary profile of its own, removed on close.
    });
    viewCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    adminCtx = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      httpCredentials: { username: USER, password: PASSWORD },
    });
    viewCtx.setDefaultTimeout(WAIT_MS);
    adminCtx.setDefaultTimeout(WAIT_MS);
    view = await viewCtx.newPage();
    watchConsole(view, 'view');
  });

  after(async () => {
    await browser?.close();
    await frontend?.close();
    maglevd?.kill('SIGTERM');
    if (maglevd) await maglevd.exited;
    vppsim?.kill('SIGTERM');
    if (vppsim) await vppsim.exited;
    await bird?.close();
    for (const s of backends?.values() ?? []) await closeServer(s);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('/view/ shows every frontend and backend from the live maglevd, with VPP data', async () => {
    await view.goto(`${base}/view/`);
    await view.locator('[data-connection="live"]').waitFor();
    await view.locator(`[role="tab"][data-maglevd="${grpcTarget}"][data-reachable="true"]`).waitFor();
    // Cards start closed; open them all.
    await view.getByRole('button', { name: 'Expand all' }).click();
    for (const name of ['site', 'site-v6']) {
      const header = view.locator(`[data-frontend="${name}"] .card-header`);
      assert.equal(await header.getAttribute('aria-expanded'), 'true');
    }
    await view.locator('[data-frontend="site"][data-state="up"]').waitFor();
    const expected: [string, string, string, string][] = [
      ['site', 'primary', 'web-a', '100'],
      ['site', 'primary', 'web-b', '50'],
      ['site', 'fallback', 'web-c', '0'],
      ['site-v6', 'only', 'web-a', '100'],
      ['site-v6', 'only', 'web-c', '100'],
    ];
    for (const [fe, pool, backend, effective] of expected) {
      const r = row(view, fe, pool, backend);
      await r.and(view.locator('[data-state="up"]')).waitFor();
      await r.locator('[data-col="effective"]', { hasText: new RegExp(`^${effective}$`) }).waitFor();
    }
    // VPP: connected, and the bucket counts come from vppsim's Maglev table.
    await view.locator('[data-vpp="connected"]').waitFor();
    await view.locator('.vpp', { hasText: 'lb API' }).waitFor();
    await row(view, 'site', 'primary', 'web-a')
      .locator('[data-col="buckets"]', { hasText: /^\d+$/ })
      .waitFor();
    // The new-flow table shared by the two up backends: weights 100/50 in 1024 buckets are
    // 674/350 (docs/vpp-lb.md §Properties).
    assert.deepEqual(
      [await buckets(view, 'site', 'primary', 'web-a'), await buckets(view, 'site', 'primary', 'web-b')],
      [674, 350],
    );
    assert.equal(await buckets(view, 'site', 'fallback', 'web-c'), 0);
    // Every probe beats a heart at some point.
    await view.locator('[data-backend="web-a"] [data-probing="true"]').first().waitFor();
    // The health icon says all is well once VPP has been read.
    await view.locator('[data-frontend="site"] [data-health="ok"]').waitFor();
    // BGP: site is announced (up and held by VPP); site-v6 says announce: false.
    const badge = (fe: string) => view.locator(`[data-frontend="${fe}"] [data-testid="bgp-badge"]`);
    await badge('site').and(view.locator('[data-announced="true"]')).waitFor();
    assert.equal(await badge('site').innerText(), 'BGP');
    assert.equal(await badge('site-v6').innerText(), 'BGP off');
    assert.equal(
      await badge('site-v6').getAttribute('title'),
      'Not announced: announce: false in the configuration',
    );
    await shot(view, 'view.png');
    await view.setViewportSize({ width: 390, height: 844 });
    await shot(view, 'view-narrow.png');
    await view.setViewportSize({ width: 1280, height: 900 });
    // Set in the page; still there at the end only if the page was never reloaded.
    await view.evaluate("window.marker = 'no reload'");
  });

  test('/admin/ pauses a backend from its menu (keyboard only): the page and maglevc agree', async () => {
    const admin = await adminCtx.newPage();
    watchConsole(admin, 'admin');
    await admin.goto(`${base}/admin/`);
    await admin.locator('[data-connection="live"]').waitFor();
    await admin.locator('[data-frontend="site"] .card-header').waitFor();
    // Keyboard: focus the card header, open it, then the backend's menu, then "Pause".
    const header = admin.locator('[data-frontend="site"] .card-header');
    if ((await header.getAttribute('aria-expanded')) !== 'true') {
      await header.focus();
      await admin.keyboard.press('Enter');
    }
    const menuButton = admin.getByTestId('menu-site-primary-web-a');
    await menuButton.focus();
    await admin.keyboard.press('ArrowDown');
    const pause = admin.locator('[role="menu"] [data-action="pause"]');
    await pause.waitFor();
    await admin.locator('[role="menu"] [data-action="pause"]:focus').waitFor(); // the first item has focus
    await admin.keyboard.press('Enter');

    await row(admin, 'site', 'primary', 'web-a').and(admin.locator('[data-state="paused"]')).waitFor();
    await row(admin, 'site', 'primary', 'web-a')
      .locator('[data-col="effective"]', { hasText: /^0$/ })
      .waitFor();
    await admin
      .locator('.log-entry[data-msg="backend-transition"]', { hasText: 'web-a up → paused' })
      .first()
      .waitFor();
    // The read-only page follows too, live.
    await row(view, 'site', 'primary', 'web-a').and(view.locator('[data-state="paused"]')).waitFor();
    // The frontend still carries traffic (web-b) but is degraded.
    await view.locator('[data-frontend="site"] [data-health="degraded"]').waitFor();

    // maglevc sees the same state.
    const maglevc = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/bin/maglevc.ts',
        '--server',
        grpcTarget,
        '--color=false',
        'show',
        'backend',
        'web-a',
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    assert.equal(maglevc.status, 0, maglevc.stderr);
    assert.match(maglevc.stdout, /paused/);
    await shot(admin, 'admin-paused.png');

    // Resume through the menu with the mouse this time.
    await menuButton.click();
    await admin.locator('[role="menu"] [data-action="resume"]').click();
    await row(admin, 'site', 'primary', 'web-a').and(admin.locator('[data-state="up"]')).waitFor();
    await admin.close();
  });

  test('/admin/ sets a weight in the dialog; the event log can be paused', async () => {
    const admin = await adminCtx.newPage();
    watchConsole(admin, 'admin');
    await admin.goto(`${base}/admin/`);
    await admin.locator('[data-connection="live"]').waitFor();
    const header = admin.locator('[data-frontend="site"] .card-header');
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await admin.getByTestId('menu-site-primary-web-b').click();
    await admin.locator('[role="menu"] [data-action="weight"]').click();
    const dialog = admin.getByRole('dialog', { name: 'Set weight' });
    await dialog.waitFor();
    const input = dialog.getByLabel('Weight (0–100)');
    // Opened at the current weight: maglevd's preview says nothing would move.
    const preview = dialog.getByTestId('weight-preview');
    await preview.locator('[data-testid="preview-moved"][data-moved="0"]').waitFor();
    await input.fill('20');
    await dialog.getByLabel('Flush existing flows to this backend').check();
    // Before Apply: the buckets that would move, per backend before → after, and the operation.
    const moved = preview.locator('[data-testid="preview-moved"]:not([data-moved="0"])');
    await moved.waitFor();
    assert.equal(await moved.getAttribute('data-length'), '1024');
    await preview
      .getByTestId('preview-ops')
      .filter({ hasText: /as-weight \S+ tcp\/80 127\.0\.0\.22 weight 20 flush/ })
      .waitFor();
    const webB = preview.locator('tr[data-backend="web-b"]');
    await webB.filter({ hasText: /50 → 20/ }).waitFor();
    const bucketsBefore = await buckets(admin, 'site', 'primary', 'web-b');
    const bucketsAfter = Number(await webB.getAttribute('data-buckets-after'));
    assert.match(await webB.innerText(), new RegExp(`${bucketsBefore} → ${bucketsAfter}`));
    assert.ok(
      bucketsAfter < bucketsBefore,
      `weight 20 takes fewer buckets (${bucketsAfter} < ${bucketsBefore})`,
    );
    // Nothing happened yet.
    await row(admin, 'site', 'primary', 'web-b')
      .locator('[data-col="weight"]', { hasText: /^50$/ })
      .waitFor();
    await shot(admin, 'admin-weight-dialog.png');
    await dialog.getByRole('button', { name: 'Set weight' }).click();
    // The outcome is announced (the toast goes away after a few seconds: look for it first).
    await admin.locator('.toast', { hasText: 'weight site/primary/web-b = 20 (flush): done' }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await row(admin, 'site', 'primary', 'web-b')
      .locator('[data-col="weight"]', { hasText: /^20$/ })
      .waitFor();
    await row(view, 'site', 'primary', 'web-b').locator('[data-col="weight"]', { hasText: /^20$/ }).waitFor();
    // VPP (vppsim's own table) now holds what the preview said it would.
    await row(view, 'site', 'primary', 'web-b')
      .locator('[data-col="buckets"]', { hasText: new RegExp(`^${bucketsAfter}$`) })
      .waitFor();

    // Sync VPP for the whole maglevd: nothing to do, and the summary says so.
    await admin.getByRole('button', { name: 'Sync VPP' }).click();
    await admin.locator('.toast', { hasText: /sync VPP: 0 VIPs added, 0 removed, 0 ASes added/ }).waitFor();

    // Pause the log: the list stops moving, new entries are held back and counted, and they are
    // shown on resume. With every record shown, the log fills up to its 500 entries first: the
    // case where each new entry pushes an old one out. Probes come as one summary a second, so
    // the VPP API records of repeated syncs fill it.
    await admin.getByLabel('probes').check();
    await admin.getByLabel('VPP API').check();
    const count = admin.locator('.event-log .log-count');
    for (let i = 0; i < 200 && !/^500 shown/.test(await count.innerText()); i++) {
      await admin.getByRole('button', { name: 'Sync VPP' }).click();
      await admin.waitForTimeout(100);
    }
    await count.filter({ hasText: /^500 shown$/ }).waitFor();
    await admin.getByTestId('log-pause').click();
    await admin.locator('.event-log[data-paused="true"]').waitFor();
    const frozen = await admin.locator('.log-entry').allInnerTexts();
    assert.equal(frozen.length, 500);
    await count.filter({ hasText: /^500 shown · ([5-9]|\d{2,}) new while paused$/ }).waitFor();
    assert.deepEqual(await admin.locator('.log-entry').allInnerTexts(), frozen, 'nothing moves while paused');
    const held = Number(/· (\d+) new while paused$/.exec(await count.innerText())?.[1]);
    await admin.getByTestId('log-pause').click();
    await admin.locator('.event-log[data-paused="false"]').waitFor();
    await count.filter({ hasText: /^500 shown$/ }).waitFor();
    const resumed = await admin.locator('.log-entry').allInnerTexts();
    // Every held entry is now shown after the last one seen while paused (more may have come).
    const lastSeen = resumed.indexOf(frozen.at(-1) ?? '');
    assert.ok(lastSeen >= 0 && resumed.length - 1 - lastSeen >= held, `${held} held, ${lastSeen} of 500`);
    // With probes ticked, the probes come as coalesced probe-summary lines.
    await admin.locator('.log-entry[data-msg="probe-summary"]').first().waitFor();
    await shot(admin, 'admin.png');
    await admin.close();
  });

  test('a backend whose server dies turns down on the page without a reload', async () => {
    await closeServer(backends.get('web-b')!);
    backends.delete('web-b');
    await row(view, 'site', 'primary', 'web-b').and(view.locator('[data-state="down"]')).waitFor();
    await row(view, 'site', 'primary', 'web-b')
      .locator('[data-col="effective"]', { hasText: /^0$/ })
      .waitFor();
    // web-a alone carries the VIP once VPP has been read again.
    await row(view, 'site', 'primary', 'web-b').locator('[data-col="buckets"]', { hasText: /^0$/ }).waitFor();
    await row(view, 'site', 'primary', 'web-a')
      .locator('[data-col="buckets"]', { hasText: /^1024$/ })
      .waitFor();
    assert.equal(await view.evaluate('window.marker'), 'no reload');
    await shot(view, 'view-backend-down.png');
  });

  test('a frontend below its panic threshold shows a PANIC badge and serves on every backend', async () => {
    await closeServer(backends.get('web-c')!);
    backends.delete('web-c');
    // site-v6 (panic-threshold 60%): web-a up, web-c down is 50 %, so both keep serving.
    await row(view, 'site-v6', 'only', 'web-c').and(view.locator('[data-state="down"]')).waitFor();
    await view.locator('[data-frontend="site-v6"] .panic-badge[data-panic="only"]').waitFor();
    await row(view, 'site-v6', 'only', 'web-c')
      .locator('[data-col="effective"]', { hasText: /^100$/ })
      .waitFor();
    // site has no threshold: its fallback web-c simply stays at 0.
    assert.equal(await view.locator('[data-frontend="site"] .panic-badge').count(), 0);
    await shot(view, 'view-panic.png');
  });

  test('after a sleep the page reopens its stream where it left off (clock watchdog)', async () => {
    const page = await viewCtx.newPage();
    watchConsole(page, 'watchdog');
    await page.clock.install();
    await page.goto(`${base}/view/`);
    await page.locator('[data-connection="live"]').waitFor();
    await page.locator('[data-frontend="site"]').waitFor();
    const resumed = page.waitForRequest((req) => /\/view\/api\/events\?lastEventId=/.test(req.url()));
    // 20 s pass at once, as when a laptop wakes: the 1 s ticker sees the gap.
    await page.clock.fastForward(20_000);
    const req = await resumed;
    const id = new URL(req.url()).searchParams.get('lastEventId') ?? '';
    assert.match(id, new RegExp(`^${frontend.broker.epoch}-\\d+$`));
    await page.locator('[data-connection="live"]').waitFor();
    await page.close();
  });

  test('the page had no console errors', () => {
    assert.deepEqual(problems, []);
  });
});
