// bench/probe-floor: what one HTTP probe over a fresh loopback connection costs this machine
// *without* maglevd, as the floor under bench/probes.ts. The same targets (bench/native/
// http-target.c) and the same schedule (each of N targets once per second, evenly spread) are
// driven two ways:
//   c     bench/native/http-floor.c: one epoll loop in C; its CPU is almost all the kernel's
//         (the loopback connection's both ends run inside our syscalls);
//   node  bare node:net in this process: net.connect, write a prebuilt request, destroy at the
//         first response bytes; no timer, no parsing, no checker.
//
//   node --import tsx bench/probe-floor.ts [--backends 2000,10000] [--duration 10] [--mode c,node]

import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { benchTool, startHttpTarget, targetAddress } from './native/tools.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '2000,10000' },
    duration: { type: 'string', default: '10' },
    port: { type: 'string', default: '18079' },
    mode: { type: 'string', default: 'c,node' },
  },
});
const port = Number(values.port);
const durationS = Number(values.duration);

const REQUEST = Buffer.from(
  'GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: vpp-maglev/bench\r\nAccept: */*\r\nConnection: close\r\n\r\n',
);

function runC(n: number): string {
  return execFileSync(benchTool('http-floor'), [String(n), String(port), String(durationS)], {
    encoding: 'utf8',
  }).trim();
}

async function runNode(n: number): Promise<string> {
  let ok = 0;
  let failed = 0;
  const probe = (i: number): void => {
    const socket = net.connect({ host: targetAddress(i), port, family: 4 });
    socket.on('error', () => {
      failed++;
      socket.destroy();
    });
    socket.once('connect', () => socket.write(REQUEST));
    socket.once('data', (chunk: Buffer) => {
      if (chunk.toString('latin1', 9, 12) === '200') ok++;
      else failed++;
      socket.destroy();
    });
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let started = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const t = (performance.now() - t0) / 1000;
      if (t > durationS) return resolve();
      // Probe k is planned at k/n seconds: start every one whose time has come.
      for (const due = Math.floor(t * n); started < due; started++) probe(started % n);
      setTimeout(tick, 1);
    };
    tick();
  });
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  const done = ok + failed;
  return (
    `probes/s ${(ok / elapsed).toFixed(0)} failed ${failed} user-us/probe ${(cpu.user / done).toFixed(1)} ` +
    `sys-us/probe ${(cpu.system / done).toFixed(1)} cpu-of-one-core ${((cpu.user + cpu.system) / 1e4 / elapsed).toFixed(0)}%`
  );
}

for (const n of values.backends.split(',').map(Number)) {
  const target = await startHttpTarget(n, port);
  try {
    for (const mode of values.mode.split(',')) {
      const line = mode === 'c' ? runC(n) : mode === 'node' ? await runNode(n) : `unknown mode ${mode}`;
      console.log(`backends=${n} mode=${mode.padEnd(4)} ${line}`);
    }
  } finally {
    await target.stop();
  }
}
