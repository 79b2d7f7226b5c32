// bench/scale: maglevd's start-up and reload at N backends (issue #12 target 5), the way an
// operator meets them: the built maglevd (with its shebang's node flags, as installed) and vppsim as separate processes, N backends on
// bench/native/http-target.c probed over HTTP every 5 s, 100 backends per frontend, warm-up 0–1 s
// (the same config as the shared harness's scale/run.sh). Prints:
//   - start-up: from spawning maglevd until vppsim holds every AS (read from maglevd's lb-sync
//     lines, then checked with one dump of vppsim), the per-phase times from maglevd's log, and
//     the CPU that maglevd and vppsim used to get there (wall time is noisy on a shared machine);
//   - reload: for each SIGHUP (backend b0 disabled, then enabled again, alternately), the time
//     until `config-reload` is logged, the time until the reload's sync is done in VPP, the
//     apply time maglevd logs itself, and the transitions of any backend but b0 in the settle
//     time after it (spurious ones; 0 expected).
//
//   npm run build && unshare -n node --import tsx bench/scale.ts
//       [--backends 10000] [--reloads 6] [--settle 12] [--interval 5s] [--profile DIR]
//       [--maglevd OTHER-CHECKOUT/dist/bin/maglevd.js]
//
// --interval 60s spreads the first probes over a minute instead of 5 s: the start-up then shows
// what the sync itself costs, without the first round of 10 000 probes competing for the core.
// Run it in a fresh network namespace (unshare -n, as root): it brings `lo` up and listens on
// 127.1.x.y:18090. --profile DIR writes .cpuprofile files of maglevd and vppsim into DIR.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { VppClient, lbAsDump } from '../src/vpp/index.js';
import { processCpuSeconds, shebangEnv, shebangNodeFlags } from './code.js';
import { startHttpTarget } from './native/tools.js';
import { scaleConfigYaml } from './scale-config.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '10000' },
    reloads: { type: 'string', default: '6' },
    settle: { type: 'string', default: '12' },
    interval: { type: 'string', default: '5s' },
    port: { type: 'string', default: '18090' },
    profile: { type: 'string' },
    maglevd: { type: 'string' },
  },
});
const N = Number(values.backends);
const RELOADS = Number(values.reloads);
const SETTLE_MS = Number(values.settle) * 1000;
const PORT = Number(values.port);
const FRONTENDS = Math.ceil(N / 100);
const repo = new URL('..', import.meta.url).pathname;

interface LogLine {
  readonly msg: string;
  /** The line's own timestamp, ms since the epoch. */
  readonly at: number;
  readonly [attr: string]: unknown;
}

/** The scale harness's config, with these backends disabled. */
function configYaml(disabled: ReadonlySet<number>): string {
  return scaleConfigYaml({ backends: N, port: PORT, interval: values.interval, disabled });
}

/** A child's JSON log lines, kept in order, with waiters for the first line that matches. */
class LogFollower {
  readonly lines: LogLine[] = [];
  private waiters: { from: number; match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  constructor(child: ChildProcess) {
    if (!child.stdout) throw new Error('child without stdout');
    createInterface({ input: child.stdout }).on('line', (text) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      const line = { ...parsed, msg: String(parsed['msg']), at: Date.parse(String(parsed['time'])) };
      this.lines.push(line);
      const index = this.lines.length - 1;
      this.waiters = this.waiters.filter((w) => {
        if (index < w.from || !w.match(line)) return true;
        w.resolve(line);
        return false;
      });
    });
  }

  /** The first line from index `from` on that matches (already logged or still to come). */
  waitFor(match: (l: LogLine) => boolean, from = 0, timeoutMs = 600_000): Promise<LogLine> {
    const found = this.lines.slice(from).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = this.lines.slice(-20).map((l) => JSON.stringify(l));
        reject(new Error(`timed out waiting for a log line; the last lines:\n${last.join('\n')}`));
      }, timeoutMs);
      this.waiters.push({
        from,
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  first(msg: string): LogLine | undefined {
    return this.lines.find((l) => l.msg === msg);
  }
}

function node(args: string[], profileName: string, env: Record<string, string> = {}): ChildProcess {
  const prof = values.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`, `--cpu-prof-name=${profileName}.cpuprofile`]
    : [];
  return spawn(process.execPath, [...prof, ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The process's resident memory now (VmRSS), MiB. */
function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 102.4) / 10;
}

function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const { user, system } = processCpuSeconds(pid);
  return Math.round((user + system) * 1000);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------

try {
  readFileSync(join(repo, 'dist/bin/maglevd.js'));
} catch {
  throw new Error('dist/ is missing: run `npm run build` first');
}
execFileSync('ip', ['link', 'set', 'lo', 'up']);
const work = mkdtempSync(join(tmpdir(), 'bench-scale-'));
const configPath = join(work, 'maglev.yaml');
const socketPath = join(work, 'api.sock');
writeFileSync(configPath, configYaml(new Set()));
const load0 = loadavg();
console.log(
  `bench/scale: ${N} backends, ${FRONTENDS} frontends; ${new Date().toISOString()}; load average ${load0.map((l) => l.toFixed(1)).join(' ')}`,
);

const target = await startHttpTarget(N, PORT);
const sim = node(['dist/bin/vppsim.js', '--api-socket', socketPath], 'vppsim');
const simLog = new LogFollower(sim);
let maglevd: ChildProcess | undefined;
try {
  await simLog.waitFor((l) => l.msg === 'vppsim-ready', 0, 30_000);
  const simCpu0 = cpuMs(sim.pid);

  // ---- start-up ------------------------------------------------------------------------------
  const t0 = Date.now();
  const maglevdBin = values.maglevd ?? 'dist/bin/maglevd.js';
  maglevd = node(
    [
      // As installed: with the node flags and environment of its shebang (the heap's sizes among them).
      ...shebangNodeFlags(resolve(repo, maglevdBin)),
      maglevdBin,
      '--config',
      configPath,
      '--vpp-api-addr',
      socketPath,
      '--grpc-addr',
      '',
      '--metrics-addr',
      '',
    ],
    'maglevd',
    shebangEnv(resolve(repo, maglevdBin)),
  );
  const log = new LogFollower(maglevd);
  let asesAdded = 0;
  const allIn = await log.waitFor((l) => {
    if (l.msg !== 'lb-sync') return false;
    asesAdded += Number(l['asesAdded'] ?? 0);
    return asesAdded >= N;
  });
  const startupCpu = { maglevd: cpuMs(maglevd.pid), vppsim: cpuMs(sim.pid) - simCpu0 };
  const client = await VppClient.connect({ socketPath, apiDir: null, clientName: 'bench-scale' });
  const inVpp = (await lbAsDump(client)).filter((e) => e.as.inUse).length;
  await client.close();

  const since = (msg: string): string => {
    const l = log.first(msg);
    return l ? `${l.at - t0} ms` : '—';
  };
  const syncs = log.lines.filter((l) => l.msg === 'lb-sync' && l.at <= allIn.at);
  console.log('\nstart-up');
  console.log(`  start → all ${N} ASes in vppsim: ${allIn.at - t0} ms (vppsim holds ${inVpp} ASes in use)`);
  console.log(`  CPU to get there: maglevd ${startupCpu.maglevd} ms, vppsim ${startupCpu.vppsim} ms`);
  console.log(
    `  phases (since spawn): starting ${since('starting')}, config-loaded ${since('config-loaded')}, ` +
      `vpp-connect ${since('vpp-connect')}, warmup-done ${since('warmup-done')}, ` +
      `first lb-sync ${syncs[0] ? `${syncs[0].at - t0} ms` : '—'}`,
  );
  const runs = new Map<number, LogLine>();
  for (const s of syncs) runs.set(s.at * 1e6 + Number(s['durationMs'] ?? 0), s);
  console.log(
    `  sync runs: ${[...runs.values()]
      .map((s) => `${String(s['reason'])} ${String(s['durationMs'])} ms (+${String(s['asesAdded'])} AS)`)
      .join(', ')}`,
  );

  // ---- steady state --------------------------------------------------------------------------
  if (RELOADS > 0) {
    let up = 0;
    await log.waitFor((l) => l.msg === 'backend-transition' && l['to'] === 'up' && ++up >= N);
    await sleep(2000);
    console.log(`\nall ${N} backends up ${Date.now() - t0} ms after start`);
  }

  // ---- reloads -------------------------------------------------------------------------------
  if (RELOADS > 0)
    console.log(
      `\nreload (SIGHUP, b0 disabled / enabled in turn); maglevd's RSS before: ${rssMiB(maglevd.pid)} MiB`,
    );
  const logged: number[] = [];
  const synced: number[] = [];
  const applied: number[] = [];
  let spuriousTotal = 0;
  for (let r = 0; r < RELOADS; r++) {
    const disable = r % 2 === 0;
    writeFileSync(configPath, configYaml(disable ? new Set([0]) : new Set()));
    const from = log.lines.length;
    const cpu0 = cpuMs(maglevd.pid);
    const th = Date.now();
    maglevd.kill('SIGHUP');
    const reloaded = await log.waitFor((l) => l.msg === 'config-reload', from, 120_000);
    // The first full sync after the reload carries its config into VPP, whatever its reason (a
    // reload while VPP is away is skipped at debug level, and the reconnect's sync does the job);
    // a failed one is reported, not awaited.
    const sync = await log.waitFor(
      (l) => (l.msg === 'lb-sync' || l.msg === 'lb-sync-error') && l['scope'] === 'all',
      log.lines.indexOf(reloaded),
      120_000,
    );
    if (sync.msg !== 'lb-sync') console.log(`  the reload's sync: ${JSON.stringify(sync)}`);
    const cpu = cpuMs(maglevd.pid) - cpu0;
    await sleep(SETTLE_MS);
    const transitions = log.lines.slice(from).filter((l) => l.msg === 'backend-transition');
    const spurious = transitions.filter((l) => l['backend'] !== 'b0').length;
    const feTransitions = log.lines.slice(from).filter((l) => l.msg === 'frontend-transition').length;
    spuriousTotal += spurious;
    logged.push(reloaded.at - th);
    synced.push(sync.at - th);
    const applyMs = Number(reloaded['durationMs'] ?? NaN);
    applied.push(applyMs);
    console.log(
      `  ${disable ? 'disable' : 'enable '} b0: config-reload ${reloaded.at - th} ms ` +
        `(apply ${applyMs} ms, of which loading the file ${String(reloaded['loadMs'])} ms), ` +
        `reload sync done ${sync.at - th} ms (its run ${String(sync['durationMs'])} ms, reason ${String(sync['reason'])}, vppRead ${String(sync['vppRead'])}), maglevd CPU ${cpu} ms; ` +
        `b0 transitions ${transitions.length - spurious}, other backends ${spurious}, frontends ${feTransitions}`,
    );
  }
  if (RELOADS > 0)
    console.log(
      `  median: config-reload ${median(logged)} ms, apply ${median(applied)} ms, in VPP ${median(synced)} ms; ` +
        `spurious transitions ${spuriousTotal}; maglevd's RSS after: ${rssMiB(maglevd.pid)} MiB`,
    );
  const load1 = loadavg();
  console.log(`\nload average at the end ${load1.map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  if (maglevd) await stop(maglevd);
  await stop(sim);
  await target.stop();
  rmSync(work, { recursive: true, force: true });
}
