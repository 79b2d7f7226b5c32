// What `npm start` runs: demo HTTP backends on loopback, then maglevd on examples/demo.yaml,
// printing every health transition as it happens. One backend fails and recovers on a timer so
// something visibly changes; the keys f/r fail or recover a backend by hand.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Daemon } from '../daemon/daemon.js';
import { JsonLogger } from '../log/index.js';
import { versionLine } from '../version.js';
import { startDemoBackend, type DemoBackend } from './backends.js';

const CONFIG = 'examples/demo.yaml';
const PORT = 18081;
const BACKENDS: [string, string][] = [
  ['nginx0-ams', '127.0.0.11'],
  ['nginx0-fra', '127.0.0.12'],
  ['nginx0-zrh', '127.0.0.13'],
  ['nginx1-ams', '127.0.0.14'],
  ['nginx1-fra', '127.0.0.15'],
];
const FLAKY = 'nginx0-zrh';
const FLAP_EVERY_MS = 20_000;

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

async function main(): Promise<void> {
  console.log(versionLine('maglev demo'));
  const backends: DemoBackend[] = [];
  for (const [name, address] of BACKENDS) {
    try {
      backends.push(await startDemoBackend(name, address, PORT));
    } catch (err) {
      console.error(`cannot start demo backend ${name} on ${address}:${PORT}: ${(err as Error).message}`);
      process.exit(1);
    }
  }
  console.log(`demo backends: ${backends.map((b) => `${b.name}=http://${b.address}:${PORT}/`).join('  ')}`);

  const logFile = join(mkdtempSync(join(tmpdir(), 'maglev-demo-')), 'maglevd.log');
  const logger = new JsonLogger({
    level: 'debug',
    destination: pino.destination({ dest: logFile, sync: false }),
  });
  const daemon = await Daemon.start(
    {
      config: CONFIG,
      grpcAddr: '',
      metricsAddr: '',
      vppApiAddr: '',
      vppStatsAddr: '',
      logLevel: 'debug',
      reflection: true,
    },
    { logger },
  );
  console.log(`maglevd is probing ${daemon.checker.backendNames().length} backends; JSON logs: ${logFile}`);
  console.log(
    `${FLAKY} fails and recovers every ${FLAP_EVERY_MS / 1000}s. Keys: f = fail a backend, r = recover all, q = quit.\n`,
  );

  daemon.checker.subscribe(
    (e) => {
      if (e.kind === 'frontend') {
        console.log(`${stamp()}  frontend ${e.frontend.padEnd(12)} ${e.from} → ${e.to}`);
      } else {
        const t = e.transition;
        console.log(
          `${stamp()}  backend  ${e.backend.padEnd(12)} ${t.from} → ${t.to}  [${t.code}] ${t.detail}  (frontend ${e.frontend})`,
        );
      }
    },
    { replayFrontends: true },
  );

  const flaky = backends.find((b) => b.name === FLAKY)!;
  const flap = setInterval(() => {
    flaky.healthy = !flaky.healthy;
    console.log(`${stamp()}  demo     ${FLAKY} now answers ${flaky.healthy ? '200' : '503'}`);
  }, FLAP_EVERY_MS);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(flap);
    console.log('\nstopping…');
    await daemon.stop();
    await Promise.all(backends.map((b) => b.close()));
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.stdin.setEncoding('utf8');
    let next = 0;
    process.stdin.on('data', (key: string) => {
      if (key === 'q' || key === '\u0003') void stop();
      if (key === 'f') {
        const b = backends[next++ % backends.length]!;
        b.healthy = false;
        console.log(`${stamp()}  demo     ${b.name} now answers 503`);
      }
      if (key === 'r') {
        for (const b of backends) b.healthy = true;
        console.log(`${stamp()}  demo     every backend answers 200`);
      }
    });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
