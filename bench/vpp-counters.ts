// The cost of one poll of the per-VIP counters at N VIPs, stats segment against CLI: vppsim as
// its own process (with a stats socket), N TCP VIPs with two ASes each programmed over the API,
// then the two readers maglevd uses, polled back to back:
//   - stats segment: readCountersFromStats — pread on the segment, no message to VPP;
//   - CLI: readCountersFromCli — one cli_inband `show lb vips verbose` and parsing its text.
// Prints wall time per poll (median, p90), CPU of this process per poll, CPU of the simulator
// per poll (VPP's side: vppsim's is not VPP's, but it shows where the work moves), and what the
// stats reader pays once per VIP change (the directory: the CLI plus one ip_route_lookup per
// VIP address).
// Run: node --import tsx bench/vpp-counters.ts [--vips 100,1000] [--polls 200]

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readCountersFromCli, readCountersFromStats, readVipDirectory } from '../src/dataplane/index.js';
import { StatsSegment, VppClient, lbAddAs, lbAddVip, lbConf } from '../src/vpp/index.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const VIP_COUNTS = flag('vips', '100,1000').split(',').map(Number);
const POLLS = Number(flag('polls', '200'));
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) of a process so far, from /proc. */
function processCpuS(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

async function startSim(
  dir: string,
): Promise<{ pid: number; api: string; stats: string; stop(): Promise<void> }> {
  const api = join(dir, 'api.sock');
  const stats = join(dir, 'stats.sock');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin/vppsim.ts', '--api-socket', api, '--stats-socket', stats],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`vppsim exited with ${String(code)}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"vppsim-ready"')) resolve();
    });
  });
  return {
    pid: child.pid ?? 0,
    api,
    stats,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface Result {
  wallMs: number[];
  cpuMs: number;
  simCpuMs: number;
}

async function measure(pid: number, poll: () => unknown): Promise<Result> {
  for (let i = 0; i < 10; i++) await poll(); // warm-up
  const wallMs: number[] = [];
  const cpu0 = process.cpuUsage();
  const sim0 = processCpuS(pid);
  for (let i = 0; i < POLLS; i++) {
    const t = process.hrtime.bigint();
    await poll();
    wallMs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs: wallMs.sort((a, b) => a - b),
    cpuMs: (cpu.user + cpu.system) / 1000 / POLLS,
    simCpuMs: ((processCpuS(pid) - sim0) * 1000) / POLLS,
  };
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

console.log(
  `# vpp-counters bench — node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), ${POLLS} polls per row\n`,
);
console.log('| VIPs | reader | wall median | wall p90 | CPU here / poll | CPU vppsim / poll |');
console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
const directoryRows: string[] = [];
for (const vips of VIP_COUNTS) {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-vpp-counters-'));
  const sim = await startSim(dir);
  const client = await VppClient.connect({ socketPath: sim.api, apiDir: null });
  try {
    await lbConf(client, { ip4SrcAddress: '192.0.2.254', ip6SrcAddress: '2001:db8::fe' });
    for (let i = 0; i < vips; i++) {
      const prefix = `10.${(i >> 8) & 255}.${i & 255}.1/32`;
      const vip = { prefix, protocol: 6, port: 80 };
      await lbAddVip(client, { ...vip, encap: 'gre4', flowTableLength: 1024 });
      await lbAddAs(client, vip, { address: `192.168.${(i >> 8) & 255}.${i & 255}` });
      await lbAddAs(client, vip, { address: `192.169.${(i >> 8) & 255}.${i & 255}` });
    }
    const segment = await StatsSegment.connect(sim.stats);
    let directory = await readVipDirectory(client); // warm-up
    const directoryTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      directory = await readVipDirectory(client);
      directoryTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const directoryMs = percentile(
      directoryTimes.sort((a, b) => a - b),
      0.5,
    );
    if (directory.length !== vips || directory.some((d) => d.routeStatsIndex === undefined))
      throw new Error('the directory does not have every VIP and route');
    directoryRows.push(`| ${vips} | ${fmt(directoryMs)} | ${1 + vips} |`);

    const stats = await measure(sim.pid, () => readCountersFromStats(segment, directory));
    const cli = await measure(sim.pid, () => readCountersFromCli(client));
    for (const [name, r] of [
      ['stats segment', stats],
      ['CLI', cli],
    ] as const)
      console.log(
        `| ${vips} | ${name} | ${fmt(percentile(r.wallMs, 0.5))} | ${fmt(percentile(r.wallMs, 0.9))} | ${fmt(r.cpuMs)} | ${fmt(r.simCpuMs)} |`,
      );
    segment.close();
  } finally {
    await client.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log("\nOnce per VIP change (the stats reader's directory: CLI + ip_route_lookup per address):\n");
console.log('| VIPs | directory read (median of 5) | API messages |');
console.log('| ---: | ---: | ---: |');
for (const row of directoryRows) console.log(row);
