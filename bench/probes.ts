// bench/probes: N backends on loopback HTTP targets, probed by the real Checker and the real
// HTTP probe at a fixed interval. Prints probes/s, CPU per probe (user and system, and per 1 000
// probes), scheduling lag (actual start minus planned start) p50/p99/max, heap bytes per
// backend, and what the target cost. The targets are bench/native/http-target.c (C, one epoll
// loop, 127.1.x.y:PORT answering "200 ok" and closing), so they take as little of the machine
// as possible. bench/probe-floor.ts measures the same connections without maglevd.
//
//   npm run build && node --expose-gc --import tsx bench/probes.ts
//       [--backends 1000,10000] [--duration 30] [--interval 1s] [--code dist|src]

import { parseArgs } from 'node:util';
import type { CheckerOptions } from '../src/checker/checker.js';
import { loadCode, processCpuSeconds } from './code.js';
import { fleetConfigYaml, percentile } from './fleet.js';
import { startHttpTarget, targetAddress } from './native/tools.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '1000,10000' },
    duration: { type: 'string', default: '30' },
    interval: { type: 'string', default: '1s' },
    port: { type: 'string', default: '18080' },
    code: { type: 'string', default: 'dist' },
    engine: { type: 'string', default: 'on' },
  },
});
const sizes = values.backends.split(',').map(Number);
const durationS = Number(values.duration);
const code = await loadCode(values.code);

function benchConfig(n: number, port: number) {
  const parsed = code.config.parseConfig(
    fleetConfigYaml(n, targetAddress, {
      name: 'web',
      lines: [
        'type: http',
        `port: ${port}`,
        `interval: ${values.interval}`,
        'timeout: 900ms',
        'rise: 2',
        'fall: 3',
      ],
    }),
    'bench.yaml',
  );
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  return parsed.config;
}

/** Live heap after full collections (a single gc() can leave garbage from concurrent marking). */
function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function stateCounts(checker: { backends(): { state: string }[] }): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const b of checker.backends()) counts[b.state] = (counts[b.state] ?? 0) + 1;
  return counts;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runOne(n: number): Promise<void> {
  const port = Number(values.port);
  const target = await startHttpTarget(n, port);

  const config = benchConfig(n, port);

  let measuring = false;
  let probes = 0;
  let failed = 0;
  const lags: number[] = [];
  const checkerOptions: CheckerOptions = {
    config,
    probe: code.probe.createProber({ engine: values.engine === 'on' ? undefined : false }),
    repeat: values.engine === 'on' ? code.probe.createRepeatingProber() : undefined,
    clock: code.clock.systemClock,
    random: code.clock.systemRandom,
    logger: code.log.silentLogger,
    observeProbes: () => ({
      probeDone: (result, lagMs) => {
        if (!measuring) return;
        probes++;
        if (!result.ok) failed++;
        lags.push(lagMs);
      },
    }),
  };
  let checker: InstanceType<typeof code.checker.Checker> | undefined = new code.checker.Checker(
    checkerOptions,
  );
  checker.start();

  // Warm up for two intervals (first probes are spread over one), then measure.
  await sleep(2500);
  measuring = true;
  const cpu0 = process.cpuUsage();
  const target0 = processCpuSeconds(target.process.pid!);
  const t0 = performance.now();
  await sleep(durationS * 1000);
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  const target1 = processCpuSeconds(target.process.pid!);
  const elapsed = (performance.now() - t0) / 1000;
  const states = stateCounts(checker);
  // Heap per backend is measured at the end, each figure against the heap with the checker gone
  // (the config stays): a baseline taken at start would shift with what V8 frees meanwhile
  // (the parser's garbage, flushed bytecode) and can even come out negative.
  const heapRunning = heapUsed();
  await checker.stop();
  // eslint-disable-next-line no-useless-assignment -- dropping it is the point: the next heap figure is without it
  checker = undefined;
  const heapWithout = heapUsed();
  const idle = new code.checker.Checker(checkerOptions);
  const heapIdle = heapUsed();
  void idle.stop();
  await target.stop();

  const sorted = Float64Array.from(lags).sort();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const targetS = target1.user + target1.system - target0.user - target0.system;
  const us = (micros: number) => (micros / probes).toFixed(0);
  console.log(
    [
      `backends=${n} interval=${values.interval} measured=${elapsed.toFixed(1)}s code=${values.code} engine=${values.engine}`,
      `  probes/s            ${(probes / elapsed).toFixed(0)}  (failed ${failed})`,
      `  CPU s / 1000 probes ${((cpuS / probes) * 1000).toFixed(3)}  (user ${us(cpu.user)} µs + system ${us(cpu.system)} µs per probe; ${((cpuS / elapsed) * 100).toFixed(0)}% of one core)`,
      `  lag p50 / p99 / max ${percentile(sorted, 50).toFixed(2)} / ${percentile(sorted, 99).toFixed(2)} / ${(sorted.at(-1) ?? NaN).toFixed(2)} ms`,
      `  heap / backend      ${((heapIdle - heapWithout) / n).toFixed(0)} B built, ${((heapRunning - heapWithout) / n).toFixed(0)} B probing`,
      `  states              ${JSON.stringify(states)}`,
      `  target (C)          ${((targetS / elapsed) * 100).toFixed(0)}% of one core`,
    ].join('\n'),
  );
}

for (const n of sizes) await runOne(n);
