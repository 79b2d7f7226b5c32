// bench/config-reload: the CPU of a reload's own work at N backends, in this process, without
// the probing that shares maglevd's core in bench/scale.ts (so the figures hold on a busy
// machine): parsing and checking the scale harness's config with the plain-YAML fast path and
// with the full yaml parser (parse.ts), and the checker's reload with one backend changed. Each
// figure is the median over the runs, in ms of CPU (user + system) of this process. The plain-YAML
// reader alone (parsePlainYaml, the fast path's first step): its CPU (median of the last 15 of 20
// parses), the bytes it allocates per parse (V8's sampling heap profiler, garbage included) and
// the old space's growth per parse (median; what survived two scavenges and was promoted), which
// depend on the heap flags: run it with maglevd's (the shebang of src/bin/maglevd.ts). Then the
// daemon's own ways, from the built dist/: at start-up loadConfigFileIsolated, a fresh worker
// thread per load, whose code starts cold (wall time and the process's CPU, all threads); at a
// reload loadConfigFile on the main thread (the dist/ copy of the code: its first load is cold,
// as a reload before the daemon warmed its parser would be, the rest warm).
//
//   node --import tsx bench/config-reload.ts [--backends 10000] [--runs 7]
//   node --max-semi-space-size=4 --initial-old-space-size=32 --heap-growing-percent=25 \
//     --import tsx bench/config-reload.ts

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { Checker } from '../src/checker/index.js';
import { FakeClock, systemRandom } from '../src/clock/index.js';
import { parseConfig, type MaglevConfig } from '../src/config/index.js';
import { parsePlainYaml } from '../src/config/plain-yaml.js';
import { silentLogger } from '../src/log/index.js';
import { scaleConfigYaml } from './scale-config.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '7' },
  },
});
const N = Number(values.backends);
const RUNS = Number(values.runs);

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

function measure<T>(fn: () => T): { ms: number; value: T } {
  const before = cpuMs();
  const value = fn();
  return { ms: cpuMs() - before, value };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

function mustParse(text: string, plainFastPath: boolean): MaglevConfig {
  const result = parseConfig(text, 'scale.yaml', { plainFastPath });
  if (!result.ok) throw new Error(`the scale config does not parse: ${JSON.stringify(result.errors[0])}`);
  return result.config;
}

const texts = [0, 1].map((r) =>
  scaleConfigYaml({ backends: N, port: 18090, interval: '5s', disabled: new Set(r === 1 ? [0] : []) }),
);
const load0 = loadavg();
console.log(
  `bench/config-reload: ${N} backends, ${RUNS} runs; ${new Date().toISOString()}; load average ${load0.map((l) => l.toFixed(1)).join(' ')}`,
);

const clock = new FakeClock();
const checker = new Checker({
  config: mustParse(texts[0] ?? '', true),
  // The probes never finish: on the fake clock nothing is due anyway; this is about the reload.
  probe: () => new Promise(() => undefined),
  clock,
  random: systemRandom,
  logger: silentLogger,
});
checker.start();

const fast: number[] = [];
const full: number[] = [];
const reload: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const text = texts[(r + 1) % 2] ?? '';
  const f = measure(() => mustParse(text, true));
  fast.push(f.ms);
  full.push(measure(() => mustParse(text, false)).ms);
  reload.push(measure(() => checker.reload(f.value)).ms);
}
// No stop(): it would wait for the probes that never finish; nothing here keeps the process alive.

const fmt = (xs: number[]): string =>
  `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
console.log(`  parse + check, plain fast path: ${fmt(fast)}`);
console.log(`  parse + check, full yaml parse: ${fmt(full)}`);
console.log(`  checker reload, one backend changed: ${fmt(reload)}`);
console.log(
  `  a reload's own work (fast path + checker): about ${(median(fast) + median(reload)).toFixed(0)} ms of CPU`,
);
{
  const text = texts[0] ?? '';
  const oldSpaceUsed = (): number =>
    getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? NaN;
  const ms: number[] = [];
  const promoted: number[] = [];
  let kept: unknown; // each result lives until the next parse, as a loaded config would
  for (let r = 0; r < 20; r++) {
    const old0 = oldSpaceUsed();
    const m = measure(() => parsePlainYaml(text));
    promoted.push(oldSpaceUsed() - old0);
    ms.push(m.ms);
    kept = m.value;
    if (kept === undefined) throw new Error('the scale config is not plain YAML');
  }
  const allocated = await sampledAllocation(() => parsePlainYaml(text), 5);
  console.log(
    `  the plain-YAML reader alone: CPU ${fmt(ms.slice(5))}; allocates ${(allocated / 1e6).toFixed(1)} MB per parse, ` +
      `old space +${(median(promoted.slice(5)) / 1e6).toFixed(1)} MB per parse`,
  );
}

/** Bytes allocated per call of fn, garbage included (V8's sampling heap profiler, an estimate). */
async function sampledAllocation(fn: () => unknown, calls: number): Promise<number> {
  interface Node {
    selfSize: number;
    children: Node[];
  }
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object): Promise<T> =>
    new Promise((resolve, reject) => {
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T)));
    });
  await post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < calls; i++) fn();
  const { profile } = await post<{ profile: { head: Node } }>('HeapProfiler.stopSampling');
  session.disconnect();
  const total = (n: Node): number => n.selfSize + n.children.reduce((s, c) => s + total(c), 0);
  return total(profile.head) / calls;
}

const isolatedModule = new URL('../dist/config/load-isolated.js', import.meta.url);
if (existsSync(isolatedModule)) {
  const { loadConfigFileIsolated } = (await import(isolatedModule.href)) as {
    loadConfigFileIsolated: (path: string) => Promise<{ ok: boolean }>;
  };
  const { loadConfigFile } = (await import(new URL('../dist/config/load.js', import.meta.url).href)) as {
    loadConfigFile: (path: string) => Promise<{ ok: boolean }>;
  };
  const dir = mkdtempSync(join(tmpdir(), 'bench-config-reload-'));
  const path = join(dir, 'maglev.yaml');
  writeFileSync(path, texts[0] ?? '');
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    const result = await loadConfigFileIsolated(path);
    cpu.push(cpuMs() - c0);
    wall.push(performance.now() - t0);
    if (!result.ok) throw new Error('the scale config does not load on the worker');
  }
  console.log(
    `  the daemon's load at start-up (dist/, a fresh worker each time): CPU ${fmt(cpu)}, wall ${fmt(wall)}`,
  );
  const mainCpu: number[] = [];
  const mainWall: number[] = [];
  for (let r = 0; r <= RUNS; r++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    const result = await loadConfigFile(path);
    mainCpu.push(cpuMs() - c0);
    mainWall.push(performance.now() - t0);
    if (!result.ok) throw new Error('the scale config does not load on the main thread');
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `  the daemon's load at a reload (dist/, this thread): first (cold) CPU ${(mainCpu[0] ?? NaN).toFixed(0)} ms, ` +
      `wall ${(mainWall[0] ?? NaN).toFixed(0)} ms; then CPU ${fmt(mainCpu.slice(1))}, wall ${fmt(mainWall.slice(1))}`,
  );
} else {
  console.log("  the daemon's load on a worker: not measured (no dist/: npm run build)");
}
const load1 = loadavg();
console.log(`load average at the end ${load1.map((l) => l.toFixed(1)).join(' ')}`);
