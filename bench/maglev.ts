// Build time of VPP's Maglev new-flow table (src/maglev) for M = 65536 and 10, 100 and 1 000
// ASes, both lb generations, plus the cost of the pieces: clib_xxhash (BigInt reference vs the
// u32-pair version the builder uses) and the per-packet flow hash.
// Run: node --import tsx bench/maglev.ts [--runs N]

import os from 'node:os';
import { buildTable, clibXxhash, clibXxhashParts, flowHash, predict } from '../src/maglev/index.js';
import type { Generation, MaglevAs } from '../src/maglev/index.js';
import { mustParseIp } from '../src/net/ip-address.js';

const LENGTH = 65536;
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 9;

function asSet(n: number, weight: number): MaglevAs[] {
  const list: MaglevAs[] = [];
  for (let i = 1; i <= n; i++)
    list.push({ address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, weight });
  return list;
}

function median(samples: number[]): number {
  const sorted = samples.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function measure(fn: () => void): { median: number; min: number; max: number } {
  fn(); // warm-up: JIT, allocation paths
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(time(fn));
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

console.log(
  `# maglev bench — node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'})`,
);
console.log(`# buildTable, M = ${LENGTH}, median of ${RUNS} runs after one warm-up (min … max)\n`);
console.log('| generation | weights | ASes | median | min … max |');
console.log('|---|---|---:|---:|---|');
const cases: [Generation, number][] = [
  ['release', 1],
  ['master', 1],
  ['master', 100],
];
for (const [generation, weight] of cases) {
  for (const n of [10, 100, 1000]) {
    const list = asSet(n, weight);
    const r = measure(() => buildTable(generation, list, LENGTH));
    console.log(`| ${generation} | ${weight} | ${n} | ${ms(r.median)} | ${ms(r.min)} … ${ms(r.max)} |`);
  }
}

{
  const before = asSet(1000, 100);
  const after = before.slice(1);
  const r = measure(() => predict('master', before, after, LENGTH));
  console.log(`\npredict (two builds + diff), master, 1000 → 999 ASes at weight 100: ${ms(r.median)}`);
}

{
  const N = 200_000;
  const big = measure(() => {
    for (let i = 0; i < N; i++) clibXxhash(BigInt(i) << 32n);
  });
  const pairs = measure(() => {
    for (let i = 0; i < N; i++) clibXxhashParts(0, i);
  });
  console.log(
    `clib_xxhash, ${N} keys: BigInt ${ms(big.median)} (${((big.median * 1e6) / N).toFixed(0)} ns/hash), ` +
      `u32 pairs ${ms(pairs.median)} (${((pairs.median * 1e6) / N).toFixed(0)} ns/hash)`,
  );
}

{
  const N = 100_000;
  const flow = { src: '192.0.2.10', dst: '198.51.100.1', protocol: 6, srcPort: 0, dstPort: 80 };
  const r = measure(() => {
    for (let i = 0; i < N; i++) {
      flow.srcPort = i & 0xffff;
      flowHash(flow);
    }
  });
  console.log(
    `flowHash (IPv4 text, crc32c), ${N} flows: ${ms(r.median)} (${((r.median * 1e6) / N).toFixed(0)} ns/flow)`,
  );
  const parsed = { ...flow, src: mustParseIp(flow.src), dst: mustParseIp(flow.dst) };
  const p = measure(() => {
    for (let i = 0; i < N; i++) {
      parsed.srcPort = i & 0xffff;
      flowHash(parsed);
    }
  });
  console.log(
    `flowHash (pre-parsed addresses, crc32c), ${N} flows: ${ms(p.median)} (${((p.median * 1e6) / N).toFixed(0)} ns/flow)`,
  );
}
