// bench/probes-icmp: N icmp backends probed from inside a network namespace by the real icmp
// probe (shared ping sockets, native addon), driven two ways:
//   checker  the real Checker (state machine, jitter, events) — what maglevd does;
//   direct   a bare scheduler (each backend once per interval, evenly spread, 1 ms ticks) —
//            the cost of the probe alone.
// The targets are a `local` route on the namespace's lo (this kernel has no dummy interfaces),
// so every echo is answered by the kernel in the same namespace (its reply work is charged to
// this process's sendmsg). Prints probes/s, CPU seconds per 1 000 probes, scheduling lag
// p50/p99/max and the outcome mix. Needs root (creates and deletes the namespace).
//
//   node --import tsx bench/probes-icmp.ts [--backends 10000] [--duration 30] [--interval 1s]
//                                          [--mode checker,direct]

import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Checker } from '../src/checker/index.js';
import { systemClock, systemRandom } from '../src/clock/index.js';
import { parseConfig } from '../src/config/index.js';
import type { MaglevConfig } from '../src/config/types.js';
import type { ProbeResult } from '../src/health/types.js';
import { silentLogger } from '../src/log/index.js';
import { fleetConfigYaml, percentile } from './fleet.js';
import { createIcmpProbe, createProber, ensurePingGroupRange, PingSocketPool } from '../src/probe/index.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '30' },
    interval: { type: 'string', default: '1s' },
    mode: { type: 'string', default: 'checker,direct' },
  },
});
const sizes = values.backends.split(',').map(Number);
const durationS = Number(values.duration);
const netns = `mgt-${process.pid}-bench`;

/** 10.200.0.0/16 is all local inside the bench namespace. */
const address = (i: number): string => `10.200.${(i + 1) >> 8}.${(i + 1) & 255}`;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one run records while measuring. */
class Tally {
  measuring = false;
  probes = 0;
  readonly codes: Record<string, number> = {};
  readonly lags: number[] = [];

  add(result: ProbeResult, lagMs: number): void {
    if (!this.measuring) return;
    this.probes++;
    this.codes[result.code] = (this.codes[result.code] ?? 0) + 1;
    this.lags.push(lagMs);
  }
}

/** The Checker probing every backend; returns how to stop it. */
function startChecker(config: MaglevConfig, pool: PingSocketPool, tally: Tally): () => Promise<void> {
  const checker = new Checker({
    config,
    probe: createProber({ icmp: createIcmpProbe({ pool }) }),
    clock: systemClock,
    random: systemRandom,
    logger: silentLogger,
    observeProbes: () => ({ probeDone: (result, lagMs) => tally.add(result, lagMs) }),
  });
  checker.start();
  return () => checker.stop();
}

/** Each backend once per interval, evenly spread, with no Checker around the probe. */
function startDirect(config: MaglevConfig, pool: PingSocketPool, tally: Tally): () => Promise<void> {
  const probe = createIcmpProbe({ pool });
  const hc = config.healthchecks.get('ping')!;
  const reqs = [...config.backends.values()].map((b) => ({
    healthcheck: hc,
    address: b.address,
    family: b.family,
    netns,
  }));
  const n = reqs.length;
  const start = performance.now();
  const due = Float64Array.from(reqs, (_r, i) => start + (i / n) * hc.intervalMs);
  let next = 0;
  let inflight = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    // Planned times rise with the index, then wrap a whole interval later: one cursor suffices.
    while (due[next]! <= now) {
      const lag = now - due[next]!;
      due[next]! += hc.intervalMs;
      inflight++;
      void probe(reqs[next]!).then((r) => {
        inflight--;
        tally.add(r, lag);
      });
      next = (next + 1) % n;
    }
  }, 1);
  return async () => {
    clearInterval(timer);
    while (inflight > 0) await sleep(10);
  };
}

async function runOne(n: number, mode: string): Promise<void> {
  const parsed = parseConfig(
    fleetConfigYaml(
      n,
      address,
      {
        name: 'ping',
        lines: ['type: icmp', `interval: ${values.interval}`, 'timeout: 900ms', 'rise: 2', 'fall: 3'],
      },
      [`netns: ${netns}`],
    ),
    'bench.yaml',
  );
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));

  const pool = new PingSocketPool();
  const tally = new Tally();
  const stop = (mode === 'direct' ? startDirect : startChecker)(parsed.config, pool, tally);

  // Warm up for two intervals (first probes are spread over one), then measure.
  await sleep(2500);
  tally.measuring = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(durationS * 1000);
  tally.measuring = false;
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  await stop();
  pool.close();

  const { probes, codes, lags } = tally;
  const sorted = Float64Array.from(lags).sort();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    [
      `icmp ${mode} backends=${n} interval=${values.interval} netns=${netns} measured=${elapsed.toFixed(1)}s`,
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
  for (const n of sizes) for (const mode of values.mode.split(',')) await runOne(n, mode);
} finally {
  ip('netns', 'del', netns);
}
