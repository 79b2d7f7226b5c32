// bench/probe-path: what one probe result costs maglevd's event loop, from the probe engine's
// batch to the checker, the health state machine, the metrics and the probe feed, wired as the
// daemon wires them (src/daemon/daemon.ts) but with a stand-in for the native engine that hands
// over batches of passing http results at once, so nothing else (no kernel, no sockets, no
// thread) is measured. It prints the CPU time and the heap bytes allocated per result.
//
//   node --max-semi-space-size=64 --min-semi-space-size=64 --import tsx bench/probe-path.ts
//       [--backends 10000] [--results 2000000] [--batch 1000]
//
// The bytes are measured over batches in which no collection ran (a 64 MB young generation
// keeps them out of the way: run it with those flags), so they count everything allocated.

import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Checker, ProbeFeed } from '../src/checker/index.js';
import { systemClock, systemRandom } from '../src/clock/index.js';
import { parseConfig } from '../src/config/index.js';
import { silentLogger } from '../src/log/logger.js';
import { createMetrics } from '../src/metrics/index.js';
import { EngineOutcome, Record, RECORD_INTS } from '../src/native/engine-protocol.js';
import { EngineProbes } from '../src/probe/engine-probes.js';
import { RequestHeadCache } from '../src/probe/http-request.js';
import type { NativeAddon, NativeProbeEngine } from '../src/native/index.js';
import { ProbeEngine } from '../src/probe/probe-engine.js';
import { targetAddress } from './native/tools.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '10000' },
    results: { type: 'string', default: '2000000' },
    batch: { type: 'string', default: '1000' },
  },
});
const N = Number(values.backends);
const RESULTS = Number(values.results);
const BATCH = Number(values.batch);

function configYaml(): string {
  const lines = [
    'maglev:',
    '  healthchecks: { bench: { type: http, port: 18090, interval: 1s, fast-interval: 1s, down-interval: 1s, timeout: 1s, rise: 2, fall: 3, params: { path: /healthz } } }',
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
    );
    lines.push('      pools:', '        - name: p', '          backends:');
    for (let i = f * 100; i < Math.min(N, (f + 1) * 100); i++) lines.push(`            b${i}: {}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The native engine's stand-in: every scheduled slot's next probe has passed, with status 200.
 * Slots come in a shuffled order, as jittered intervals leave them in the real engine (in slot
 * order, each result would find the previous one's neighbours in the CPU's caches).
 */
class FakeEngine implements NativeProbeEngine {
  readonly tokens: number[] = [];
  readonly seqs: number[] = [];
  private order: number[] = [];
  private cursor = 0;
  private due = 0;
  onResults: () => void = () => {};

  setTarget(slot: number, token: number): void {
    this.tokens[slot] = token;
    this.seqs[slot] = 0;
  }
  dropTarget(): void {}
  /** Plain http here: no TLS context is ever asked for. */
  tlsContext(): number {
    return 0;
  }
  schedule(entries: Int32Array, count: number): void {
    void entries;
    void count;
  }
  cancel(): void {}
  expire(): void {}
  /** The next `due` slots in turn, each with a pass. */
  drain(out: Int32Array, texts: string[]): number {
    void texts;
    const n = Math.min(this.due, out.length / RECORD_INTS);
    if (this.order.length !== this.tokens.length) this.order = shuffled(this.tokens.length);
    for (let k = 0; k < n; k++) {
      const slot = this.order[this.cursor] as number;
      this.cursor = (this.cursor + 1) % this.order.length;
      const at = k * RECORD_INTS;
      out[at + Record.slot] = slot;
      out[at + Record.token] = this.tokens[slot] as number;
      out[at + Record.seq] = this.seqs[slot] = (this.seqs[slot] as number) + 1;
      out[at + Record.outcome] = EngineOutcome.status;
      out[at + Record.value] = 200;
      out[at + Record.aux] = 0;
      out[at + Record.durationUs] = 150 + (k % 100);
      out[at + Record.lagUs] = 300 + (k % 700);
      out[at + Record.text] = -1;
      out[at + Record.ageUs] = 20_000 + k;
    }
    this.due -= n;
    return n;
  }
  ref(): void {}
  unref(): void {}
  close(): void {}
  /** One batch of `n` results, as the engine's wake-up delivers it. */
  batch(n: number): void {
    this.due = n;
    this.onResults();
  }
}

/** 0 .. n-1 in a random order (Fisher-Yates). */
function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as number, a[i] as number];
  }
  return a;
}

const fake = new FakeEngine();
const addon = {
  ProbeEngine: class {
    constructor(onResults: () => void) {
      fake.onResults = onResults;
      return fake;
    }
  },
} as unknown as NativeAddon;

const parsed = parseConfig(configYaml(), 'bench.yaml');
if (!parsed.ok) throw new Error('config');
const metrics = createMetrics({ vpp: false, clock: systemClock });
const probes = new ProbeFeed();
const engine = new ProbeEngine({ addon });
const checker = new Checker({
  config: parsed.config,
  probe: () => Promise.reject(new Error('every probe here runs on the engine')),
  repeat: new EngineProbes(engine, new RequestHeadCache('bench')),
  clock: systemClock,
  random: systemRandom,
  logger: silentLogger,
  ...metrics.hooks,
  probeFeed: probes,
});
metrics.setChecker(checker);
checker.start();

let gcs = 0;
new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ['gc'] });
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// Warm-up: every backend up, the code optimised.
for (let i = 0; i < RESULTS / 4; i += BATCH) fake.batch(BATCH);
await tick();

let cleanBytes = 0;
let cleanResults = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let done = 0; done < RESULTS; done += BATCH) {
  const gcBefore = gcs;
  const heapBefore = getHeapStatistics().used_heap_size;
  fake.batch(BATCH);
  const heapAfter = getHeapStatistics().used_heap_size;
  if (done % (BATCH * 50) === 0) await tick(); // the gc observer's entries arrive on the loop
  if (gcs === gcBefore && heapAfter >= heapBefore) {
    cleanBytes += heapAfter - heapBefore;
    cleanResults += BATCH;
  }
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const ups = checker.backends().filter((b) => b.state === 'up').length;
await checker.stop();
engine.close();

const us = (cpu.user + cpu.system) / RESULTS;
console.log(
  `${new Date().toISOString()} load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}: ${N} backends (${ups} up), ${RESULTS} results in batches of ${BATCH}`,
);
console.log(
  `  CPU ${us.toFixed(3)} µs per result (wall ${((wallMs * 1000) / RESULTS).toFixed(3)} µs); ` +
    `heap allocated ${(cleanBytes / Math.max(1, cleanResults)).toFixed(1)} B per result ` +
    `(over ${cleanResults} results in batches without a collection); ${gcs} collections in all`,
);
