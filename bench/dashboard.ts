// bench/dashboard: what a dashboard costs at scale. N backends (default 10 000) behind the C HTTP
// target, probed every 5 s by maglevd (100 backends per frontend), programming vppsim; then
// maglevd-frontend watching it and Debian's chromium showing /view/. Prints:
//   - maglevd's CPU (% of one core) in alternating windows: without a dashboard, with one
//     watching (the dashboard server and the page, every card open), without, with, ... and
//     without again. Each round starts a fresh dashboard server and page and stops both after
//     its window, so the "without" windows bracket every "with" one and the drift of a shared
//     machine is measured, not guessed;
//   - the page's first render, "Expand all" (click to the next painted frame), the rows in the
//     DOM, and scrolling to the last backend (that its row is there and on screen);
//   - live updates with every card open: frames the page drew per second and its longest gap
//     between frames, in every "with" window;
//   - the dashboard server's RSS, sampled every second of its life (median and largest sample
//     of each round, and the kernel's peak), its anonymous and file-backed parts, and its CPU;
//     maglevd's and vppsim's RSS.
// maglevd and the dashboard server run with their shebang's node flags, as installed
// (packaging/debian/extra/bin/ passes the same ones). Everything runs in a private network
// namespace (the script re-runs itself under `unshare -n`), maglevd pinned to CPU 0 and the
// targets to CPU 1, as the side-by-side harness does.
//
//   npm run build && node --import tsx bench/dashboard.ts [--backends 10000] [--window 30]
//       [--rounds 3]      (watching windows; there is one "without" window more)
//       [--dist dist]     (root; --dist runs another build, e.g. a copy of main's dist/)
//       [--frontend-flags '--max-semi-space-size=1']  (replace the dashboard server's node flags)
//       [--profile DIR]   (.cpuprofile files of maglevd and each round's dashboard server into
//                          DIR, and each measuring window's bounds on the profiles' clock)
//       [--heap-snapshot DIR]  (a heap snapshot of the first round's dashboard server at the end
//                          of its window, into DIR)

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MaglevApiClient } from '../src/api/index.js';
import { processCpuSeconds, shebangEnv, shebangNodeFlags } from './code.js';
import { benchTool, targetAddress } from './native/tools.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '10000' },
    window: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' },
    dist: { type: 'string', default: 'dist' },
    port: { type: 'string', default: '18090' },
    'frontend-flags': { type: 'string' },
    profile: { type: 'string' },
    'heap-snapshot': { type: 'string' },
  },
});

const N = Number(values.backends);
const WINDOW_S = Number(values.window);
const ROUNDS = Number(values.rounds);
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

/** RSS, its anonymous and file-backed parts, and the peak (VmHWM), in MiB. */
function memoryMiB(pid: number): { rss: number; anon: number; file: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return {
    rss: kib('VmRSS') / 1024,
    anon: kib('RssAnon') / 1024,
    file: (kib('RssFile') + kib('RssShmem')) / 1024,
    peak: kib('VmHWM') / 1024,
  };
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

/** Figures of one round: a fresh dashboard server and page, watched over one window. */
interface Round {
  maglevdCpu: number;
  frontendCpu: number;
  fps: number;
  maxGapMs: number;
  /** The dashboard server's RSS samples (MiB), once a second from its start to its stop. */
  rssSamples: number[];
  /** The kernel's peak RSS of the dashboard server (VmHWM), and its RSS split at the window's end. */
  peak: number;
  anon: number;
  file: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Opens /view/ with every card open; the first round also times Expand all and scrolling. */
async function openPage(browser: Browser, first: boolean): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const p0 = Date.now();
  await page.goto(`http://${WEB}/view/`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  const lastFe = `fe${FRONTENDS - 1}`;
  await page.locator(`[data-frontend="${lastFe}"]`).first().waitFor({ timeout: 120_000 });
  console.log(`    page: first render (${lastFe} shown)         ${Date.now() - p0} ms`);
  const expandMs = await inPage<number>(page, EXPAND_ALL);
  const rows = await inPage<number>(page, countIn('tbody tr[data-backend]'));
  if (first) {
    console.log(
      `    page: Expand all                            ${expandMs.toFixed(0)} ms (${rows} backend rows in the DOM)`,
    );
    const last = await inPage<{ ms: number; visible: boolean }>(page, SCROLL_TO_LAST(`b${N - 1}`));
    console.log(
      `    page: scroll to the end, b${N - 1} drawn        ${last.ms.toFixed(0)} ms (${last.visible ? 'on screen' : 'NOT on screen'})`,
    );
  }
  await inPage(page, 'window.scrollTo(0, document.documentElement.scrollHeight / 2)');
  return page;
}

/** Waits until a heap snapshot in DIR stops growing (node writes it on its main thread). */
async function heapSnapshotWritten(dir: string): Promise<string> {
  let last = -1;
  return waitFor('the heap snapshot', 300_000, () => {
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
    if (file === undefined) return undefined;
    const size = statSync(join(dir, file)).size;
    const done = size > 0 && size === last;
    last = size;
    return done ? join(dir, file) : undefined;
  });
}

/** One round: start the dashboard server, open the page, measure one window, stop both. */
async function watchRound(browser: Browser, md: number, round: number): Promise<Round> {
  const bin = join(DIST, 'bin/maglevd-frontend.js');
  const flags = values['frontend-flags']?.split(/\s+/).filter(Boolean) ?? shebangNodeFlags(bin);
  const snapshotDir = round === 0 && values['heap-snapshot'] ? resolve(values['heap-snapshot']) : undefined;
  if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
  const fe = start(
    process.execPath,
    [
      ...flags,
      ...profileArgs(`frontend-${round}`),
      ...(snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : []),
      bin,
      ...['--server', GRPC, '--listen', WEB],
    ],
    { env: { MAGLEV_FRONTEND_USER: 'a', MAGLEV_FRONTEND_PASSWORD: 'b' }, log: `frontend-${round}.log` },
  );
  const pid = fe.child.pid!;
  const rssSamples: number[] = [];
  const sampler = setInterval(() => {
    try {
      rssSamples.push(memoryMiB(pid).rss);
    } catch {
      // exited
    }
  }, 1000);
  try {
    if (round === 0) console.log(`  dashboard server: node ${flags.join(' ') || '(no flags)'}`);
    await waitFor('the dashboard server to know every frontend', 120_000, async () => {
      const res = await fetch(`http://${WEB}/view/api/state`);
      const d = (await res.json()) as { maglevds: { frontends: unknown[]; backends: unknown[] }[] };
      const m = d.maglevds[0];
      return m && m.frontends.length >= FRONTENDS && m.backends.length >= N ? true : undefined;
    });
    const page = await openPage(browser, round === 0);
    await sleep(5000);
    const cpu = cpuOver(WINDOW_S, md, pid);
    const f = await inPage<{ fps: number; maxGapMs: number }>(page, FRAMES(WINDOW_S));
    const [maglevdCpu, frontendCpu] = (await cpu) as [number, number];
    const m = memoryMiB(pid);
    console.log(
      `  maglevd CPU, dashboard watching:              ${maglevdCpu.toFixed(1)} % of a core ` +
        `(dashboard server ${frontendCpu.toFixed(1)} %; page ${f.fps.toFixed(0)} frames/s, longest gap ${f.maxGapMs.toFixed(0)} ms)`,
    );
    console.log(
      `    dashboard server RSS: median ${median(rssSamples).toFixed(0)}, largest sample ` +
        `${Math.max(...rssSamples).toFixed(0)}, peak ${m.peak.toFixed(0)} MiB; now ${m.rss.toFixed(0)} = ` +
        `${m.anon.toFixed(0)} anonymous + ${m.file.toFixed(0)} file-backed MiB`,
    );
    if (snapshotDir) {
      fe.child.kill('SIGUSR2');
      console.log(`    heap snapshot: ${await heapSnapshotWritten(snapshotDir)}`);
    }
    await page.close();
    return { maglevdCpu, frontendCpu, ...f, rssSamples, peak: m.peak, anon: m.anon, file: m.file };
  } finally {
    clearInterval(sampler);
    await stop(fe.child);
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(DIST, 'bin/maglevd.js')))
    throw new Error(`${DIST}/bin/maglevd.js missing: npm run build`);
  spawnSync('ip', ['link', 'set', 'lo', 'up'], { stdio: 'inherit' });
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log(
    `dashboard bench: ${N} backends / 5 s, ${FRONTENDS} frontends, build ${DIST}, ` +
      `${new Date().toISOString().slice(0, 16)}Z, load average ${load()} (1 / 5 / 15 min)`,
  );

  const target = start(benchTool('http-target'), [String(N), String(PORT)], { cpu: 1, log: 'target.log' });
  await waitFor('the targets', 30_000, () =>
    target.out.some((l) => l.startsWith('ready')) ? true : undefined,
  );

  const apiSock = join(work, 'api.sock');
  const statsSock = join(work, 'stats.sock');
  const config = join(work, 'maglev.yaml');
  writeFileSync(config, configYaml());
  const vppsimBin = join(DIST, 'bin/vppsim.js');
  const vppsim = start(
    process.execPath,
    [...shebangNodeFlags(vppsimBin), vppsimBin, '--api-socket', apiSock, '--stats-socket', statsSock],
    { log: 'vppsim.log' },
  );
  await waitFor('vppsim', 30_000, () => (existsSync(apiSock) ? true : undefined));
  const maglevdBin = join(DIST, 'bin/maglevd.js');
  const maglevdFlags = shebangNodeFlags(maglevdBin);
  console.log(`  maglevd: node ${maglevdFlags.join(' ') || '(no flags)'}`);
  const maglevd = start(
    process.execPath,
    [
      ...maglevdFlags,
      ...profileArgs('maglevd'),
      maglevdBin,
      ...['--config', config, '--vpp-api-addr', apiSock, '--vpp-stats-addr', statsSock],
      ...['--grpc-addr', GRPC, '--metrics-addr', ''],
    ],
    { cpu: 0, env: shebangEnv(maglevdBin), log: 'maglevd.log' },
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

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const without: number[] = [];
  const rounds: Round[] = [];
  const noDashboard = async (): Promise<void> => {
    const [cpu] = (await cpuOver(WINDOW_S, md)) as [number];
    without.push(cpu);
    console.log(
      `  maglevd CPU, no dashboard:                    ${cpu.toFixed(1)} % of a core (load ${load()})`,
    );
  };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      await noDashboard();
      rounds.push(await watchRound(browser, md, r));
      // The server's stream and calls end with it; let maglevd's last answers drain.
      await sleep(3000);
    }
    await noDashboard();
  } finally {
    await browser.close();
  }

  const rss = { maglevd: memoryMiB(md), vppsim: memoryMiB(vppsim.child.pid!) };
  for (const [name, m] of Object.entries(rss))
    console.log(
      `  RSS ${name.padEnd(9)}                                 ${m.rss.toFixed(0)} MiB (peak ${m.peak.toFixed(0)} MiB)`,
    );
  const all = rounds.flatMap((r) => r.rssSamples);
  console.log(
    `  RSS dashboard server over ${rounds.length} rounds:            median ${median(all).toFixed(0)} MiB, ` +
      `largest sample ${Math.max(...all).toFixed(0)}, peak ${Math.max(...rounds.map((r) => r.peak)).toFixed(0)} MiB`,
  );
  // Each "with" window against the mean of the two "without" windows around it.
  const added = rounds.map((r, i) => {
    const base = (without[i]! + without[i + 1]!) / 2;
    return ((r.maglevdCpu - base) / base) * 100;
  });
  const base = mean(without);
  const withMean = mean(rounds.map((r) => r.maglevdCpu));
  console.log(
    `  maglevd CPU without: ${without.map((c) => c.toFixed(1)).join(' / ')} % (mean ${base.toFixed(1)}, ` +
      `spread ${(Math.max(...without) - Math.min(...without)).toFixed(1)} points); with: ` +
      `${rounds.map((r) => r.maglevdCpu.toFixed(1)).join(' / ')} % (mean ${withMean.toFixed(1)})`,
  );
  console.log(
    `  a watching dashboard adds ${(((withMean - base) / base) * 100).toFixed(0)} % to maglevd's CPU ` +
      `(${(withMean - base).toFixed(1)} points of a core); per round against its bracketing windows: ` +
      `${added.map((a) => `${a.toFixed(0)} %`).join(' / ')}`,
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
