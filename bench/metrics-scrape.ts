// bench/metrics-scrape: what a /metrics scrape costs maglevd in memory at N backends (issue #12,
// target 1: RSS at most twice HAProxy's at 10 000, also after a scrape). The built maglevd runs
// as a separate process, as bench/vs-haproxy runs it (its shebang's node flags included), with
// N plain tcp backends probed every second (half-open connects to one listener on 127.1.x.y).
// After the warm-up it prints maglevd's RSS before any scrape, right after each scrape and a
// while after the last, with the heap figures maglevd's own exposition reports (those are read
// at the end of a scrape, after the maglev_* families were written: the scrape's peak).
//
//   npm run build && unshare -n node --import tsx bench/metrics-scrape.ts
//       [--backends 10000] [--scrapes 5] [--gap 2] [--warmup 15] [--settle 10]
//       [--node-flags '--max-semi-space-size=2'] [--log FILE] [--heap-snapshot DIR]
//       [--maglevd OTHER-CHECKOUT/dist/bin/maglevd.js]
//
// --heap-snapshot DIR has maglevd write a heap snapshot into DIR after the warm-up (before the
// first scrape; it costs seconds and raises the RSS measured after it).
// --node-flags replaces the shebang's node flags (to compare V8 settings); --log FILE keeps
// maglevd's output (with --node-flags '... --trace-gc', its collections). Run it in a fresh
// network namespace (unshare -n, as root): it brings `lo` up and listens on 127.1.x.y:18091.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { processCpuSeconds, shebangEnv, shebangNodeFlags } from './code.js';
import { targetAddress } from './native/tools.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '10000' },
    scrapes: { type: 'string', default: '5' },
    gap: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '15' },
    settle: { type: 'string', default: '10' },
    port: { type: 'string', default: '18091' },
    'metrics-port': { type: 'string', default: '19192' },
    'node-flags': { type: 'string' },
    log: { type: 'string' },
    'heap-snapshot': { type: 'string' },
    maglevd: { type: 'string' },
  },
});
const N = Number(values.backends);
const SCRAPES = Number(values.scrapes);
const GAP_MS = Number(values.gap) * 1000;
const WARMUP_MS = Number(values.warmup) * 1000;
const SETTLE_MS = Number(values.settle) * 1000;
const PORT = Number(values.port);
const METRICS_PORT = Number(values['metrics-port']);
const repo = new URL('..', import.meta.url).pathname;
const bin = values.maglevd ?? join(repo, 'dist/bin/maglevd.js');

/** The same schedule as bench/vs-haproxy's maglevd adapter: tcp every second, one frontend per 100. */
function configYaml(): string {
  const lines = [
    'maglev:',
    `  healthchecks: { bench: { type: tcp, port: ${PORT}, interval: 1s, fast-interval: 1s, down-interval: 1s, timeout: 1s, rise: 2, fall: 3 } }`,
    '  backends:',
  ];
  for (let i = 0; i < N; i++) lines.push(`    b${i}: {address: ${targetAddress(i)}, healthcheck: bench}`);
  lines.push('  frontends:');
  for (let f = 0; f * 100 < N; f++) {
    lines.push(
      `    fe${f}:`,
      `      address: 192.0.2.${(f % 250) + 1}`,
      '      protocol: tcp',
      `      port: ${1000 + f}`,
      '      pools:',
      '        - name: p',
      '          backends:',
    );
    for (let i = f * 100; i < Math.min(N, (f + 1) * 100); i++) lines.push(`            b${i}: {}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Where a process's resident memory is, MiB, from /proc/PID/smaps: files (the node binary and
 * libraries), malloc's main heap ([heap]), anonymous mappings of 64 MiB or more (glibc's
 * per-thread malloc arenas reserve that much), and the other anonymous ones (V8's heap pages,
 * stacks, the addon's buffers).
 */
function residentByKind(pid: number): string {
  const kinds = new Map<string, number>();
  let kind = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const size = parseInt(head[2] ?? '0', 16) - parseInt(head[1] ?? '0', 16);
      const path = head[3] ?? '';
      kind = path.startsWith('/')
        ? 'files'
        : path === '[heap]'
          ? 'malloc heap'
          : path !== ''
            ? path
            : size >= 64 * 2 ** 20
              ? 'anon ≥ 64 MiB (malloc arenas)'
              : 'other anon (V8 heap, stacks)';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kinds.set(kind, (kinds.get(kind) ?? 0) + Number(rss[1]) / 1024);
  }
  return [...kinds]
    .filter(([, mb]) => mb >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([k, mb]) => `${k} ${mb.toFixed(1)}`)
    .join(', ');
}

/** VmRSS, RssAnon and RssFile of a process, MiB. */
function rss(pid: number): { total: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return { total: kib('VmRSS') / 1024, anon: kib('RssAnon') / 1024, file: kib('RssFile') / 1024 };
}

interface Scrape {
  bytes: number;
  ms: number;
  /** The nodejs_* / process_* samples without labels, and the heap spaces' used bytes. */
  gauges: Map<string, number>;
}

/** One GET /metrics; keeps the unlabelled nodejs_* and process_* gauges and the heap spaces. */
function scrape(): Promise<Scrape> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: METRICS_PORT, path: '/metrics', agent: false }, (res) => {
      let bytes = 0;
      let tail = '';
      const gauges = new Map<string, number>();
      const take = (line: string): void => {
        const m = /^((?:nodejs|process)_[a-z_]+(?:\{space="([a-z_]+)"\})?) (\S+)$/.exec(line);
        if (m?.[1] && m[3]) gauges.set(m[1], Number(m[3]));
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        bytes += Buffer.byteLength(chunk);
        const lines = (tail + chunk).split('\n');
        tail = lines.pop() ?? '';
        for (const line of lines) take(line);
      });
      res.on('end', () => {
        take(tail);
        if (res.statusCode !== 200) reject(new Error(`/metrics answered ${res.statusCode}`));
        else resolve({ bytes, ms: performance.now() - t0, gauges });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number | undefined): string => (bytes === undefined ? '—' : (bytes / 2 ** 20).toFixed(1));
const fmt = (r: { total: number; anon: number; file: number }): string =>
  `${r.total.toFixed(1)} MiB (anon ${r.anon.toFixed(1)}, file ${r.file.toFixed(1)})`;

/** The heap as maglevd's own exposition reports it, at the end of that scrape. */
function heapLine(g: Map<string, number>): string {
  const space = (s: string) => mib(g.get(`nodejs_heap_space_size_total_bytes{space="${s}"}`));
  return (
    `heap used ${mib(g.get('nodejs_heap_size_used_bytes'))} of ${mib(g.get('nodejs_heap_size_total_bytes'))} MiB` +
    ` (spaces, total: new ${space('new')}, old ${space('old')}, code ${space('code')}, large ${space('large_object')})` +
    `, external ${mib(g.get('nodejs_external_memory_bytes'))} MiB` +
    `, RSS at its end ${mib(g.get('process_resident_memory_bytes'))} MiB`
  );
}

// ---------------------------------------------------------------------------------------------

try {
  readFileSync(bin);
} catch {
  throw new Error('dist/ is missing: run `npm run build` first');
}
execFileSync('ip', ['link', 'set', 'lo', 'up']);
const work = mkdtempSync(join(tmpdir(), 'bench-metrics-'));
const configPath = join(work, 'maglev.yaml');
writeFileSync(configPath, configYaml());
const nodeFlags = values['node-flags']?.split(/\s+/).filter(Boolean) ?? shebangNodeFlags(bin);
console.log(
  `bench/metrics-scrape: ${N} tcp backends at 1 s; ` +
    `${Object.entries(shebangEnv(bin))
      .map(([k, v]) => `${k}=${v} `)
      .join('')}node ${nodeFlags.join(' ') || '(no flags)'}; ` +
    `${new Date().toISOString()}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);

// Half-open tcp probes: the kernel answers the SYN, maglevd resets; nothing is ever accepted.
const listener = createServer((socket) => socket.destroy());
listener.listen({ port: PORT, host: '0.0.0.0', backlog: 4096 });
await once(listener, 'listening');

let maglevd: ChildProcess | undefined;
try {
  maglevd = spawn(
    process.execPath,
    [
      ...nodeFlags,
      ...(values['heap-snapshot']
        ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${values['heap-snapshot']}`]
        : []),
      bin,
      '--config',
      configPath,
      '--vpp-api-addr',
      '',
      '--grpc-addr',
      '127.0.0.1:0',
      '--metrics-addr',
      `127.0.0.1:${METRICS_PORT}`,
      '--log-level',
      'warn',
    ],
    {
      cwd: dirname(bin),
      env: { ...process.env, ...shebangEnv(bin) },
      stdio: ['ignore', values.log ? openSync(values.log, 'w') : 'ignore', 'inherit'],
    },
  );
  const pid = maglevd.pid;
  if (pid === undefined) throw new Error('maglevd did not start');
  const exited = once(maglevd, 'exit').then(([code]) => {
    throw new Error(`maglevd exited (${String(code)})`);
  });
  // Its metrics endpoint answers once the config is read; the warm-up counts from there.
  const ready = (async () => {
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const req = request({ host: '127.0.0.1', port: METRICS_PORT, path: '/', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
        req.end();
      });
      if (ok) return;
      await sleep(200);
    }
  })();
  await Promise.race([ready, exited]);
  const timeline: string[] = [];
  for (let t = 0; t < WARMUP_MS; t += 5000) {
    timeline.push(`${t / 1000}s ${rss(pid).total.toFixed(0)}`);
    await Promise.race([sleep(Math.min(5000, WARMUP_MS - t)), exited]);
  }
  console.log(`RSS during the warm-up (MiB): ${timeline.join(', ')}`);

  if (values['heap-snapshot']) {
    const dir = values['heap-snapshot'];
    const count = () => readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).length;
    const had = count();
    process.kill(pid, 'SIGUSR2');
    while (count() === had) await Promise.race([sleep(500), exited]);
    await Promise.race([sleep(5000), exited]); // the file appears before it is complete
    console.log(`heap snapshot written to ${dir}`);
  }
  const before = rss(pid);
  const cpu0 = processCpuSeconds(pid);
  console.log(`\nRSS before any scrape: ${fmt(before)}`);
  console.log(`  by kind (MiB): ${residentByKind(pid)}`);
  const peaks: number[] = [];
  let last: Scrape | undefined;
  for (let i = 1; i <= SCRAPES; i++) {
    const s = await Promise.race([scrape(), exited]);
    const after = rss(pid);
    peaks.push(after.total);
    console.log(
      `scrape ${i}: ${(s.bytes / 1e6).toFixed(1)} MB in ${s.ms.toFixed(0)} ms; RSS right after ${fmt(after)}`,
    );
    console.log(`  ${heapLine(s.gauges)}`);
    last = s;
    if (i < SCRAPES) await Promise.race([sleep(GAP_MS), exited]);
  }
  await Promise.race([sleep(SETTLE_MS), exited]);
  const settled = rss(pid);
  const cpu1 = processCpuSeconds(pid);
  console.log(`RSS ${SETTLE_MS / 1000} s after the last scrape: ${fmt(settled)}`);
  console.log(`  by kind (MiB): ${residentByKind(pid)}`);
  console.log(
    `\nsummary: before ${before.total.toFixed(1)} MiB; right after scrapes ${peaks
      .map((p) => p.toFixed(1))
      .join(', ')} MiB; settled ${settled.total.toFixed(1)} MiB; ` +
      `maglevd CPU over the scrapes ${((cpu1.user + cpu1.system - cpu0.user - cpu0.system) * 1000).toFixed(0)} ms` +
      (last ? `; exposition ${(last.bytes / 1e6).toFixed(1)} MB` : ''),
  );
} finally {
  if (maglevd && maglevd.exitCode === null && maglevd.signalCode === null) {
    maglevd.kill('SIGTERM');
    await once(maglevd, 'exit');
  }
  listener.close();
  rmSync(work, { recursive: true, force: true });
}
