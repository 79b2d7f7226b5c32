// bench/probes: N backends on loopback HTTP servers, probed by the real Checker and the real
// HTTP probe at a fixed interval. Prints probes/s, CPU seconds per 1 000 probes, scheduling lag
// (actual start minus planned start) p50/p99/max, and heap bytes per backend.
//
//   node --expose-gc --import tsx bench/probes.ts [--backends 1000,10000] [--duration 30] [--interval 1s]

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Checker } from '../src/checker/index.js';
import { systemClock, systemRandom } from '../src/clock/index.js';
import { parseConfig } from '../src/config/index.js';
import { silentLogger } from '../src/log/index.js';
import { createProber } from '../src/probe/index.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '1000,10000' },
    duration: { type: 'string', default: '30' },
    interval: { type: 'string', default: '1s' },
    port: { type: 'string', default: '18080' },
  },
});
const sizes = values.backends.split(',').map(Number);
const durationS = Number(values.duration);

const address = (i: number): string => `127.1.${i >> 8}.${i & 255}`;

function configYaml(n: number, port: number, interval: string): string {
  const lines = [
    'maglev:',
    '  healthchecks:',
    '    web:',
    '      type: http',
    `      port: ${port}`,
    `      interval: ${interval}`,
    '      timeout: 900ms',
    '      rise: 2',
    '      fall: 3',
    '  backends:',
  ];
  for (let i = 0; i < n; i++) lines.push(`    b${i}: { address: ${address(i)}, healthcheck: web }`);
  lines.push('  frontends:');
  // One frontend per 100 backends, so the event fan-out is realistic too.
  for (let f = 0; f * 100 < n; f++) {
    lines.push(
      `    fe${f}:`,
      `      address: 192.0.2.${(f % 250) + 1}`,
      `      port: ${1000 + f}`,
      '      pools:',
    );
    lines.push('        - name: primary', '          backends:');
    for (let i = f * 100; i < Math.min(n, (f + 1) * 100); i++) lines.push(`            b${i}: {}`);
  }
  return lines.join('\n') + '\n';
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

async function runOne(n: number): Promise<void> {
  const port = Number(values.port);
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/probe-target-server.ts', String(n), String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: server.stdout }).on('line', (l) => l.startsWith('ready') && resolve());
    server.once('exit', (code) => reject(new Error(`target server exited ${code}`)));
  });

  const parsed = parseConfig(configYaml(n, port, values.interval), 'bench.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));

  let measuring = false;
  let probes = 0;
  let failed = 0;
  const lags: number[] = [];
  const heapBefore = heapUsed();
  const checker = new Checker({
    config: parsed.config,
    probe: createProber(),
    clock: systemClock,
    random: systemRandom,
    logger: silentLogger,
    onProbeDone: (_backend, result, lagMs) => {
      if (!measuring) return;
      probes++;
      if (!result.ok) failed++;
      lags.push(lagMs);
    },
  });
  checker.start();
  const heapAfter = heapUsed();

  // Warm up for two intervals (first probes are spread over one), then measure.
  await new Promise((r) => setTimeout(r, 2500));
  measuring = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, durationS * 1000));
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  const heapRunning = heapUsed();
  await checker.stop();
  server.kill('SIGTERM');
  await once(server, 'exit');

  const sorted = Float64Array.from(lags).sort();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const states = checker.backends().reduce<Record<string, number>>((acc, b) => {
    acc[b.state] = (acc[b.state] ?? 0) + 1;
    return acc;
  }, {});
  console.log(
    [
      `backends=${n} interval=${values.interval} measured=${elapsed.toFixed(1)}s`,
      `  probes/s            ${(probes / elapsed).toFixed(0)}  (failed ${failed})`,
      `  CPU s / 1000 probes ${((cpuS / probes) * 1000).toFixed(3)}  (CPU ${((cpuS / elapsed) * 100).toFixed(0)}% of one core)`,
      `  lag p50 / p99 / max ${percentile(sorted, 50).toFixed(2)} / ${percentile(sorted, 99).toFixed(2)} / ${(sorted.at(-1) ?? NaN).toFixed(2)} ms`,
      `  heap / backend      ${((heapAfter - heapBefore) / n).toFixed(0)} B at start, ${((heapRunning - heapBefore) / n).toFixed(0)} B running`,
      `  states              ${JSON.stringify(states)}`,
    ].join('\n'),
  );
}

for (const n of sizes) await runOne(n);
