// bench/dashboard: what a dashboard costs at scale. N backends (default 10 000) behind the C HTTP
// target, probed every 5 s by maglevd (100 backends per frontend), programming vppsim; then
// maglevd-frontend watching it and Debian's chromium showing /view/. Prints:
//   - maglevd's CPU (% of one core) without a dashboard, with the dashboard server watching, with
//     the page open too, and without again after the dashboard stops (the two "without" windows
//     bracket the others, so drift on a shared machine shows);
//   - the page's first render, "Expand all" (click to the next painted frame), the rows in the
//     DOM, and scrolling to the last backend (that its row is there and on screen);
//   - live updates with every card open: frames the page drew per second and its longest gap
//     between frames;
//   - RSS (and peak RSS) of maglevd, the dashboard server and vppsim, and the dashboard server's CPU.
// Everything runs in a private network namespace (the script re-runs itself under `unshare -n`),
// maglevd pinned to CPU 0 and the targets to CPU 1, as the side-by-side harness does.
//
//   npm run build && node --import tsx bench/dashboard.ts [--backends 10000] [--window 20]
//       [--dist dist]     (root; --dist runs another build, e.g. a copy of main's dist/)
//       [--profile DIR]   (.cpuprofile files of maglevd and the dashboard server into DIR, and
//                          each measuring window's bounds on the profiles' clock, for slicing)

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { MaglevApiClient } from '../src/api/index.js';
import { processCpuSeconds } from './code.js';
import { benchTool, targetAddress } from './native/tools.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '10000' },
    window: { type: 'string', default: '20' },
    dist: { type: 'string', default: 'dist' },
    port: { type: 'string', default: '18090' },
    profile: { type: 'string' },
  },
});

const N = Number(values.backends);
const WINDOW_S = Number(values.window);
const DIST = resolve(values.dist);
const PORT = Number(values.port);
const GRPC = '127.0.0.1:19390';
const WEB = '127.0.0.1:18088';
const CHROMIUM = '/usr/bin/chromium';
const PER_FRONTEND = 100;
const FRONTENDS = Math.ceil(N / PER_FRONTEND);

if (process.env.MAGLEV_BENCH_NETNS !== '1') {
  // Re-run inside a fresh network namespace: the 10 000 target addresses and every port stay ours.
  const r = spawnSync('unshare', ['-n', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, MAGLEV_BENCH_NETNS: '1' },
  });
  process.exit(r.status ?? 1);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const work = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
const children: { child: ChildProcess; out: string[]; log: string }[] = [];

function start(cmd: string, args: string[], opts: { cpu?: number; env?: NodeJS.ProcessEnv; log: string }) {
  const argv = opts.cpu === undefined ? [cmd, ...args] : ['-c', String(opts.cpu), cmd, ...args];
  const child = spawn(opts.cpu === undefined ? argv[0]! : 'taskset', opts.cpu === undefined ? args : argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  const out: string[] = [];
  const keep = (line: string) => {
    out.push(line);
    if (out.length > 200) out.shift();
  };
  createInterface({ input: child.stdout }).on('line', keep);
  createInterface({ input: child.stderr }).on('line', keep);
  children.push({ child, out, log: opts.log });
  return { child, out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  // A loaded machine can keep a clean shutdown waiting: the figures are taken, end it.
  const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(kill);
}

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** CLOCK_MONOTONIC in µs: the clock V8 stamps its .cpuprofile samples with. */
const monotonicMicros = (): bigint => process.hrtime.bigint() / 1000n;

/** node's flags that profile a child into --profile DIR as NAME.cpuprofile. */
const profileArgs = (name: string): string[] =>
  values.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values.profile)}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];

function cpuSeconds(pid: number): number {
  const c = processCpuSeconds(pid);
  return c.user + c.system;
}

/** Percent of one core each of `pids` used over `seconds` of wall time from now. */
async function cpuOver(seconds: number, ...pids: number[]): Promise<number[]> {
  const c0 = pids.map(cpuSeconds);
  const t0 = performance.now();
  const from = monotonicMicros();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  if (values.profile) console.log(`    (profile window: ${from}–${monotonicMicros()} µs)`);
  return pids.map((pid, i) => ((cpuSeconds(pid) - c0[i]!) / elapsed) * 100);
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve()
      .then(check)
      .catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

function configYaml(): string {
  const lines = [
    'maglev:',
    '  vpp:',
    '    lb: { ipv4-src-address: 192.0.2.254, ipv6-src-address: "2001:db8::fe", startup-min-delay: 0s, startup-max-delay: 1s }',
    '  healthchecks:',
    `    h: { type: http, port: ${PORT}, interval: 5s, timeout: 1s, params: { path: /healthz } }`,
    '  backends:',
  ];
  for (let i = 0; i < N; i++) lines.push(`    b${i}: { address: ${targetAddress(i)}, healthcheck: h }`);
  lines.push('  frontends:');
  for (let f = 0; f < FRONTENDS; f++) {
    lines.push(
      `    fe${f}:`,
      `      address: 192.0.${2 + Math.floor(f / 250)}.${(f % 250) + 1}`,
      '      protocol: tcp',
      '      port: 80',
      '      flow-table-length: 16384',
      '      pools:',
      '        - name: p',
      '          backends:',
    );
    for (let i = f * PER_FRONTEND; i < Math.min(N, (f + 1) * PER_FRONTEND); i++)
      lines.push(`            b${i}: {}`);
  }
  return lines.join('\n') + '\n';
}

// What runs in the page is text: this project's TypeScript has no DOM types outside src/web.

/** In the page: click "Expand all" and time it to the next painted frame. */
const EXPAND_ALL = `(async () => {
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Expand all');
  if (!button) throw new Error('no Expand all button');
  const t0 = performance.now();
  button.click();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
})()`;

/** In the page: scroll to the bottom, time until NAME's row is drawn, and say if it is on screen. */
const SCROLL_TO_LAST = (name: string) => `(async () => {
  const t0 = performance.now();
  window.scrollTo(0, document.documentElement.scrollHeight);
  const row = () => document.querySelector('tr[data-backend="${name}"]');
  for (let i = 0; i < 600 && !row(); i++) await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const ms = performance.now() - t0;
  const box = row()?.getBoundingClientRect();
  return { ms, visible: box !== undefined && box.bottom > 0 && box.top < window.innerHeight };
})()`;

/** In the page: frames drawn over S seconds, and the longest gap between two of them. */
const FRAMES = (seconds: number) => `(async () => {
  let count = 0, maxGap = 0, last = performance.now();
  const end = last + ${seconds * 1000};
  await new Promise((done) => {
    const frame = (t) => {
      count++;
      maxGap = Math.max(maxGap, t - last);
      last = t;
      if (t < end) requestAnimationFrame(frame);
      else done();
    };
    requestAnimationFrame(frame);
  });
  return { fps: count / ${seconds}, maxGapMs: maxGap };
})()`;

const countIn = (selector: string) => `document.querySelectorAll('${selector}').length`;

function inPage<T>(page: Page, script: string): Promise<T> {
  return page.evaluate<T>(script);
}

/** Opens /view/ in chromium: first render, Expand all, scrolling, then live with maglevd's CPU. */
async function withBrowser(md: number, frontendPid: number): Promise<{ withPage: number; fePage: number }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const p0 = Date.now();
    await page.goto(`http://${WEB}/view/`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const lastFe = `fe${FRONTENDS - 1}`;
    await page.locator(`[data-frontend="${lastFe}"]`).first().waitFor({ timeout: 120_000 });
    console.log(`  page: first render (${lastFe} shown)           ${Date.now() - p0} ms`);
    const expandMs = await inPage<number>(page, EXPAND_ALL);
    const rows = await inPage<number>(page, countIn('tbody tr[data-backend]'));
    console.log(
      `  page: Expand all                              ${expandMs.toFixed(0)} ms (${rows} backend rows in the DOM)`,
    );
    const last = await inPage<{ ms: number; visible: boolean }>(page, SCROLL_TO_LAST(`b${N - 1}`));
    console.log(
      `  page: scroll to the end, b${N - 1} drawn          ${last.ms.toFixed(0)} ms (${last.visible ? 'on screen' : 'NOT on screen'})`,
    );
    await inPage(page, 'window.scrollTo(0, document.documentElement.scrollHeight / 2)');
    const cpuPage = cpuOver(WINDOW_S, md, frontendPid);
    const f = await inPage<{ fps: number; maxGapMs: number }>(page, FRAMES(WINDOW_S));
    const [withPage, fePage] = (await cpuPage) as [number, number];
    console.log(
      `  page: live, all open                          ${f.fps.toFixed(0)} frames/s, longest gap ${f.maxGapMs.toFixed(0)} ms`,
    );
    console.log(`  maglevd CPU, dashboard and page:              ${withPage.toFixed(1)} % of a core`);
    const beating = await inPage<number>(page, countIn('[data-probing="true"]'));
    console.log(`  page: hearts beating at the end               ${beating}`);
    return { withPage, fePage };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(DIST, 'bin/maglevd.js')))
    throw new Error(`${DIST}/bin/maglevd.js missing: npm run build`);
  spawnSync('ip', ['link', 'set', 'lo', 'up'], { stdio: 'inherit' });
  const [l1, l5] = loadavg();
  console.log(
    `dashboard bench: ${N} backends / 5 s, ${FRONTENDS} frontends, build ${DIST}, ` +
      `${new Date().toISOString().slice(0, 10)}, load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)} (1 / 5 min)`,
  );

  const target = start(benchTool('http-target'), [String(N), String(PORT)], { cpu: 1, log: 'target.log' });
  await waitFor('the targets', 30_000, () =>
    target.out.some((l) => l.startsWith('ready')) ? true : undefined,
  );

  const apiSock = join(work, 'api.sock');
  const statsSock = join(work, 'stats.sock');
  const config = join(work, 'maglev.yaml');
  writeFileSync(config, configYaml());
  const vppsim = start(
    process.execPath,
    [join(DIST, 'bin/vppsim.js'), '--api-socket', apiSock, '--stats-socket', statsSock],
    {
      log: 'vppsim.log',
    },
  );
  await waitFor('vppsim', 30_000, () => (existsSync(apiSock) ? true : undefined));
  const maglevd = start(
    process.execPath,
    [
      ...profileArgs('maglevd'),
      join(DIST, 'bin/maglevd.js'),
      ...['--config', config, '--vpp-api-addr', apiSock, '--vpp-stats-addr', statsSock],
      ...['--grpc-addr', GRPC, '--metrics-addr', ''],
    ],
    { cpu: 0, log: 'maglevd.log' },
  );
  const client = new MaglevApiClient(GRPC, { deadlineMs: 30_000 });
  const t0 = Date.now();
  let seen = 'nothing yet';
  // Every backend up is the gate; how far VPP got is reported (its speed is the start-up
  // benchmark's business, and on a loaded machine it can trail far behind).
  await waitFor('every backend up', 600_000, async () => {
    const [state, backends] = await Promise.all([client.vppLbState(), client.listBackends()]);
    const ases = state.vips.reduce((n, v) => n + v.ases.length, 0);
    const up = backends.filter((b) => b.state === 'up').length;
    seen = `${state.vips.length} VIPs, ${ases} ASes in VPP, ${up} backends up`;
    return up === N ? true : undefined;
  }).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; last seen: ${seen}`);
  });
  console.log(`  ready (every backend up) after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${seen}`);
  client.close();
  await sleep(5000);
  const md = maglevd.child.pid!;

  const [without1] = (await cpuOver(WINDOW_S, md)) as [number];
  console.log(`  maglevd CPU, no dashboard:                    ${without1.toFixed(1)} % of a core`);

  const fe = start(
    process.execPath,
    [...profileArgs('frontend'), join(DIST, 'bin/maglevd-frontend.js'), '--server', GRPC, '--listen', WEB],
    {
      env: { MAGLEV_FRONTEND_USER: 'a', MAGLEV_FRONTEND_PASSWORD: 'b' },
      log: 'frontend.log',
    },
  );
  await waitFor('the dashboard server to know every frontend', 120_000, async () => {
    const res = await fetch(`http://${WEB}/view/api/state`);
    const d = (await res.json()) as { maglevds: { frontends: unknown[]; backends: unknown[] }[] };
    const m = d.maglevds[0];
    return m && m.frontends.length >= FRONTENDS && m.backends.length >= N ? true : undefined;
  });
  await sleep(5000);
  const frontendPid = fe.child.pid!;
  const [withServer, feServer] = (await cpuOver(WINDOW_S, md, frontendPid)) as [number, number];
  console.log(`  maglevd CPU, dashboard server watching:       ${withServer.toFixed(1)} % of a core`);
  console.log(`  dashboard server CPU, no page:                ${feServer.toFixed(1)} % of a core`);

  const { withPage, fePage } = await withBrowser(md, frontendPid);
  const rss = { maglevd: rssMiB(md), frontend: rssMiB(frontendPid), vppsim: rssMiB(vppsim.child.pid!) };
  console.log(`  dashboard server CPU, page open:              ${fePage.toFixed(1)} % of a core`);
  for (const [name, r] of Object.entries(rss))
    console.log(
      `  RSS ${name.padEnd(9)}                                 ${r.rss.toFixed(0)} MiB (peak ${r.peak.toFixed(0)} MiB)`,
    );
  await stop(fe.child);
  await sleep(3000);
  const [without2] = (await cpuOver(WINDOW_S, md)) as [number];
  console.log(`  maglevd CPU, no dashboard again:              ${without2.toFixed(1)} % of a core`);
  const base = (without1 + without2) / 2;
  console.log(
    `  dashboard adds: server ${(((withServer - base) / base) * 100).toFixed(0)} %, ` +
      `server and page ${(((withPage - base) / base) * 100).toFixed(0)} % to maglevd's CPU ` +
      `(${(withServer - base).toFixed(1)} / ${(withPage - base).toFixed(1)} points of a core)`,
  );
}

try {
  await main();
} catch (err) {
  // What each process said last is usually why.
  for (const c of children) console.error(`--- ${c.log} (last lines)\n${c.out.slice(-15).join('\n')}`);
  throw err;
} finally {
  for (const c of children.reverse()) await stop(c.child).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
