// bench/probes-icmp: N icmp backends probed from inside a network namespace by the real Checker
// and the real icmp probe (shared ping sockets, native addon). The targets are a `local` route
// on the namespace's lo (this kernel has no dummy interfaces), so every echo is answered by the
// kernel in the same namespace. Prints probes/s, CPU seconds per 1 000 probes, scheduling lag
// p50/p99/max, and the outcome mix. Needs root (creates and deletes the namespace).
//
//   node --expose-gc --import tsx bench/probes-icmp.ts [--backends 10000] [--duration 30] [--interval 1s]

import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Checker } from '../src/checker/index.js';
import { systemClock, systemRandom } from '../src/clock/index.js';
import { parseConfig } from '../src/config/index.js';
import { silentLogger } from '../src/log/index.js';
import { createIcmpProbe, createProber, ensurePingGroupRange, PingSocketPool } from '../src/probe/index.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '30' },
    interval: { type: 'string', default: '1s' },
  },
});
const sizes = values.backends.split(',').map(Number);
const durationS = Number(values.duration);
const netns = `mgt-${process.pid}-bench`;

/** 10.200.0.0/16 is all local inside the bench namespace. */
const address = (i: number): string => `10.200.${(i + 1) >> 8}.${(i + 1) & 255}`;

function configYaml(n: number, interval: string): string {
  const lines = [
    'maglev:',
    '  healthchecker:',
    `    netns: ${netns}`,
    '  healthchecks:',
    '    ping:',
    '      type: icmp',
    `      interval: ${interval}`,
    '      timeout: 900ms',
    '      rise: 2',
    '      fall: 3',
    '  backends:',
  ];
  for (let i = 0; i < n; i++) lines.push(`    b${i}: { address: ${address(i)}, healthcheck: ping }`);
  lines.push('  frontends:');
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

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function runOne(n: number): Promise<void> {
  const parsed = parseConfig(configYaml(n, values.interval), 'bench.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));

  const pool = new PingSocketPool();
  let measuring = false;
  let probes = 0;
  const codes: Record<string, number> = {};
  const lags: number[] = [];
  const checker = new Checker({
    config: parsed.config,
    probe: createProber({ icmp: createIcmpProbe({ pool }) }),
    clock: systemClock,
    random: systemRandom,
    logger: silentLogger,
    onProbeDone: (_backend, result, lagMs) => {
      if (!measuring) return;
      probes++;
      codes[result.code] = (codes[result.code] ?? 0) + 1;
      lags.push(lagMs);
    },
  });
  checker.start();

  // Warm up for two intervals (first probes are spread over one), then measure.
  await new Promise((r) => setTimeout(r, 2500));
  measuring = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, durationS * 1000));
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  await checker.stop();
  pool.close();

  const sorted = Float64Array.from(lags).sort();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    [
      `icmp backends=${n} interval=${values.interval} netns=${netns} measured=${elapsed.toFixed(1)}s`,
      `  probes/s            ${(probes / elapsed).toFixed(0)}  codes ${JSON.stringify(codes)}`,
      `  CPU s / 1000 probes ${((cpuS / probes) * 1000).toFixed(3)}  (CPU ${((cpuS / elapsed) * 100).toFixed(0)}% of one core; user ${(cpu.user / 1e6).toFixed(1)}s sys ${(cpu.system / 1e6).toFixed(1)}s)`,
      `  lag p50 / p99 / max ${percentile(sorted, 50).toFixed(2)} / ${percentile(sorted, 99).toFixed(2)} / ${(sorted.at(-1) ?? NaN).toFixed(2)} ms`,
    ].join('\n'),
  );
}

ip('netns', 'add', netns);
try {
  ip('-n', netns, 'link', 'set', 'lo', 'up');
  ip('-n', netns, 'route', 'add', 'local', '10.200.0.0/16', 'dev', 'lo');
  const status = ensurePingGroupRange({ netns, logger: silentLogger });
  if (!status.ok) throw new Error(status.detail);
  for (const n of sizes) await runOne(n);
} finally {
  ip('netns', 'del', netns);
}
