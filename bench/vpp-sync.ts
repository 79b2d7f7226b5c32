// bench/vpp-sync: the first full sync of N ASes (N / 100 VIPs of 100 ASes each) through the real
// VPP client and the syncer's applyOps, to the built vppsim in a child process. Run once per
// window: 1 is how the syncer sent a plan before (one operation at a time), 256 is its default.
// Prints wall time, the CPU of this process (the client: plan encoding, replies, bookkeeping)
// and of vppsim, and checks with a dump that vppsim holds every AS. Unlike bench/scale.ts there
// is no probing and no maglevd around it, so the figures are the sync's own even on a busy
// machine (CPU time is what to compare there; wall time waits for the cores).
//
//   npm run build && node --import tsx bench/vpp-sync.ts [--ases 10000] [--windows 1,64,256] [--runs 3]

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { applyOps, desiredState, planSync, type DesiredLbState } from '../src/dataplane/index.js';
import type { MaglevConfig } from '../src/config/types.js';
import { parseConfig } from '../src/config/index.js';
import { VppClient, lbAsDump, lbConf } from '../src/vpp/index.js';
import { processCpuSeconds } from './code.js';

const { values } = parseArgs({
  options: {
    ases: { type: 'string', default: '10000' },
    windows: { type: 'string', default: '1,64,256' },
    runs: { type: 'string', default: '3' },
  },
});
const N = Number(values.ases);
const repo = new URL('..', import.meta.url).pathname;

function config(n: number): MaglevConfig {
  const lines = [
    'maglev:',
    "  vpp: { lb: { ipv4-src-address: 192.0.2.254, ipv6-src-address: '2001:db8::fe' } }",
    '  backends:',
  ];
  for (let i = 0; i < n; i++)
    lines.push(`    b${i}: { address: 10.${i >> 16}.${(i >> 8) & 255}.${i & 255} }`);
  lines.push('  frontends:');
  for (let f = 0; f * 100 < n; f++) {
    lines.push(`    fe${f}:`, `      address: 192.0.${2 + (f >> 8)}.${(f & 255) + 1}`, '      protocol: tcp');
    lines.push('      port: 80', '      pools:', '        - name: p', '          backends:');
    for (let i = f * 100; i < Math.min(n, (f + 1) * 100); i++) lines.push(`            b${i}: {}`);
  }
  const parsed = parseConfig(lines.join('\n') + '\n', 'bench.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  return parsed.config;
}

async function startVppsim(socketPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/bin/vppsim.js', '--api-socket', socketPath], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout ?? process.stdin }).on(
      'line',
      (l) => l.includes('vppsim-ready') && resolve(),
    );
    child.once('exit', (code) => reject(new Error(`vppsim exited ${code}`)));
  });
  return child;
}

const cpuMs = (pid: number): number => {
  const c = processCpuSeconds(pid);
  return (c.user + c.system) * 1000;
};
const ownCpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

async function runOnce(desired: DesiredLbState, window: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-vpp-sync-'));
  const socketPath = join(dir, 'api.sock');
  const sim = await startVppsim(socketPath);
  try {
    const client = await VppClient.connect({ socketPath, apiDir: null });
    await lbConf(client, { ip4SrcAddress: '192.0.2.254', ip6SrcAddress: '2001:db8::fe' });
    const ops = planSync(desired, { vips: new Map() }, { scope: 'all', generation: '1.2' });
    const sim0 = cpuMs(sim.pid ?? 0);
    const own0 = ownCpuMs();
    const t0 = performance.now();
    const result = await applyOps(client, ops, {}, { window });
    const wall = performance.now() - t0;
    const own = ownCpuMs() - own0;
    const simCpu = cpuMs(sim.pid ?? 0) - sim0;
    const inVpp = (await lbAsDump(client)).filter((e) => e.as.inUse).length;
    await client.close();
    if (result.failed.length > 0 || inVpp !== N) throw new Error(`sync incomplete: ${inVpp} ASes in vppsim`);
    return (
      `window ${String(window).padStart(3)}: ${ops.length} operations in ${wall.toFixed(0)} ms wall ` +
      `(${((wall * 1000) / ops.length).toFixed(0)} µs each); CPU client ${own.toFixed(0)} ms, vppsim ${simCpu.toFixed(0)} ms`
    );
  } finally {
    sim.kill('SIGTERM');
    await once(sim, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
}

const cfg = config(N);
const desired = desiredState(cfg, () => 'up');
console.log(
  `bench/vpp-sync: ${N} ASes in ${Math.ceil(N / 100)} VIPs; ${new Date().toISOString()}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (let r = 0; r < Number(values.runs); r++)
  for (const w of values.windows.split(',').map(Number)) console.log(await runOnce(desired, w));
