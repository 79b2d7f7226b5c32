// bench/alloc-sampler: where a running maglevd allocates, garbage included. A preload: started with
// maglevd's process, it waits out a warm-up, then runs V8's sampling heap profiler for a window
// with the objects later collected by minor and major GCs kept in the profile (so it counts all
// allocation, not only what survives), and writes a summary: bytes allocated per second, the
// garbage collections in the window, and the allocation sites (function and line, with the two
// calling frames) by bytes. With the harness (bench/vs-haproxy), the checks per second it
// reports turn bytes per second into bytes per check.
//
//   MAGLEVD_CMD="node <flags> --import tsx --import $PWD/bench/alloc-sampler.ts dist/bin/maglevd.js"
//   ALLOC_WARMUP=40 ALLOC_WINDOW=20 ALLOC_OUT=/tmp/alloc.txt [ALLOC_INTERVAL=8192]
//
// The profile itself (ALLOC_OUT.heapprofile) opens in Chrome's DevTools (Memory tab).

import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface SamplingNode {
  callFrame: CallFrame;
  selfSize: number;
  children: SamplingNode[];
}
interface SamplingProfile {
  head: SamplingNode;
}

const warmupMs = Number(process.env.ALLOC_WARMUP ?? '40') * 1000;
const windowMs = Number(process.env.ALLOC_WINDOW ?? '20') * 1000;
const intervalBytes = Number(process.env.ALLOC_INTERVAL ?? '8192');
const out = process.env.ALLOC_OUT ?? `/tmp/alloc-${process.pid}.txt`;

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T)));
  });
}

function frameName(f: CallFrame): string {
  const file = f.url.replace(/^.*\/(dist|src|node_modules)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
}

/** Bytes by site: the allocating frame and its two callers, innermost first. */
function sites(profile: SamplingProfile): Map<string, number> {
  const bySite = new Map<string, number>();
  const walk = (node: SamplingNode, stack: string[]): void => {
    const here = [frameName(node.callFrame), ...stack].slice(0, 3);
    if (node.selfSize > 0) {
      const key = here.join('  <  ');
      bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, []);
  return bySite;
}

async function sample(): Promise<void> {
  const session = new Session();
  session.connect();
  const gcs: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const cpuBefore = process.cpuUsage();
  await post(session, 'HeapProfiler.startSampling', {
    samplingInterval: intervalBytes,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const { profile } = await post<{ profile: SamplingProfile }>(session, 'HeapProfiler.stopSampling');
  const cpu = process.cpuUsage(cpuBefore);
  observer.disconnect();
  session.disconnect();
  writeFileSync(`${out}.heapprofile`, JSON.stringify(profile));
  const bySite = [...sites(profile)].sort((a, b) => b[1] - a[1]);
  const total = bySite.reduce((s, [, n]) => s + n, 0);
  const seconds = windowMs / 1000;
  const gcByKind = new Map<string, { n: number; ms: number }>();
  for (const e of gcs) {
    const kind = String((e as unknown as { detail?: { kind?: number } }).detail?.kind ?? '?');
    const k = gcByKind.get(kind) ?? { n: 0, ms: 0 };
    k.n++;
    k.ms += e.duration;
    gcByKind.set(kind, k);
  }
  const lines = [
    `window ${seconds} s after ${warmupMs / 1000} s, sampling every ${intervalBytes} B`,
    `allocated ${(total / seconds / 1e6).toFixed(2)} MB/s (sampled estimate); CPU ${((cpu.user + cpu.system) / 1e3 / seconds / 10).toFixed(1)} % of a core (profiler included)`,
    `gc (kind: 1 scavenge, 2 mark-compact, 4 incremental, 8 weak): ${[...gcByKind]
      .map(([kind, k]) => `${kind}: ${k.n} × ${(k.ms / k.n).toFixed(2)} ms = ${k.ms.toFixed(0)} ms`)
      .join('; ')}`,
    '',
    ...bySite.slice(0, 40).map(([site, n]) => `${(n / seconds / 1e3).toFixed(1).padStart(9)} kB/s  ${site}`),
  ];
  writeFileSync(out, lines.join('\n') + '\n');
}

setTimeout(() => {
  sample().catch((err: unknown) => writeFileSync(out, `failed: ${String(err)}\n`));
}, warmupMs).unref();
