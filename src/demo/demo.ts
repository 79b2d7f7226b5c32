// What `npm start` runs: a whole load balancer on one machine, on loopback only.
//   - five demo HTTP backends (127.0.0.11-15:18081), each naming itself in X-IPng-Frontend;
//   - vppsim, the VPP stand-in, forwarding real TCP on the VIPs by the Maglev table and counting
//     it in its stats segment;
//   - maglevd on examples/demo.yaml, probing the backends, programming vppsim and reading its
//     counters from the stats segment;
//   - the dashboard, with demo admin credentials (traffic through the VIPs shows on it);
//   - a control endpoint (and keys f/r) to make a backend fail and recover.
// Everything it prints is for a newcomer; the JSON logs go to files in a temp directory.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseDocument } from 'yaml';
import { Daemon } from '../daemon/daemon.js';
import { startFrontend, type RunningFrontend } from '../frontend/index.js';
import { JsonLogger } from '../log/index.js';
import { versionLine } from '../version.js';
import { VppSim } from '../vppsim/index.js';
import { startDemoBackend, type DemoBackend } from './backends.js';
import { startDemoControl, type DemoControl } from './control.js';

const CONFIG = 'examples/demo.yaml';
const BACKEND_PORT = 18081;
const BACKENDS: [string, string][] = [
  ['nginx0-ams', '127.0.0.11'],
  ['nginx0-fra', '127.0.0.12'],
  ['nginx0-zrh', '127.0.0.13'],
  ['nginx1-ams', '127.0.0.14'],
  ['nginx1-fra', '127.0.0.15'],
];
const FLAKY = 'nginx0-zrh';
const IPV6_VIP = 'fd00:6d61:676c::100';
const FLAP_EVERY_MS = 30_000;

/** Ports and credentials, overridable so a test can run the demo beside other things. */
const settings = {
  grpcAddr: process.env.MAGLEV_DEMO_GRPC_ADDR ?? 'localhost:9090',
  metricsAddr: process.env.MAGLEV_DEMO_METRICS_ADDR ?? '127.0.0.1:9091',
  dashboard: process.env.MAGLEV_DEMO_LISTEN ?? '127.0.0.1:8080',
  controlPort: Number(process.env.MAGLEV_DEMO_CONTROL_PORT ?? 18082),
  user: 'admin',
  password: process.env.MAGLEV_DEMO_PASSWORD ?? randomBytes(6).toString('base64url'),
  flap: process.env.MAGLEV_DEMO_FLAP !== '0',
  /** The built page; default dist/web (a test passes a page built from source). */
  webRoot: process.env.MAGLEV_DEMO_WEB_ROOT,
};

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

async function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

/**
 * Puts the IPv6 VIP on lo so vppsim can forward it (root only); returns how to take it off again,
 * or undefined when it could not (the VIP is then programmed but not forwarded).
 */
function addIpv6Vip(): (() => void) | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: 'pipe' });
  try {
    if (ip('-6', 'addr', 'show', 'dev', 'lo').includes(IPV6_VIP)) return () => {};
    ip('-6', 'addr', 'add', `${IPV6_VIP}/128`, 'dev', 'lo', 'nodad');
    return () => {
      ip('-6', 'addr', 'del', `${IPV6_VIP}/128`, 'dev', 'lo');
    };
  } catch {
    return undefined;
  }
}

/** The demo config, without the IPv6 VIP on a machine that has no ::1 (no IPv6 at all). */
async function demoConfig(dir: string): Promise<{ path: string; ipv6: boolean }> {
  const ipv6 = await hasIpv6Loopback();
  const doc = parseDocument(readFileSync(CONFIG, 'utf8'));
  if (!ipv6) doc.deleteIn(['maglev', 'frontends', 'web-v6']);
  const path = join(dir, 'demo.yaml');
  writeFileSync(path, doc.toString());
  return { path, ipv6 };
}

function fileLogger(dir: string, name: string): JsonLogger {
  return new JsonLogger({
    level: 'debug',
    destination: pino.destination({ dest: join(dir, name), sync: false, mkdir: true }),
  });
}

async function main(): Promise<void> {
  console.log(versionLine('maglev demo'));
  const dir = mkdtempSync(join(tmpdir(), 'maglev-demo-'));
  const loggers = {
    maglevd: fileLogger(dir, 'maglevd.log'),
    vppsim: fileLogger(dir, 'vppsim.log'),
    frontend: fileLogger(dir, 'maglevd-frontend.log'),
  };
  const cleanups: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const stop = async (code = 0): Promise<never> => {
    if (!stopping) {
      stopping = true;
      console.log('\nstopping…');
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (err) {
          console.error(`while stopping: ${(err as Error).message}`);
        }
      }
      for (const l of Object.values(loggers)) l.flush();
      rmSync(join(dir, 'api.sock'), { force: true });
      rmSync(join(dir, 'stats.sock'), { force: true });
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  try {
    const backends: DemoBackend[] = [];
    for (const [name, address] of BACKENDS) {
      const b = await startDemoBackend(name, address, BACKEND_PORT).catch((err: Error) => {
        throw new Error(`cannot start demo backend ${name} on ${address}:${BACKEND_PORT}: ${err.message}`);
      });
      backends.push(b);
      cleanups.push(() => b.close());
    }

    const sim = await VppSim.start({
      socketPath: join(dir, 'api.sock'),
      statsSocketPath: join(dir, 'stats.sock'),
      forward: true,
      logger: loggers.vppsim,
    });
    cleanups.push(() => sim.close());

    const { path: config, ipv6 } = await demoConfig(dir);
    const removeIpv6Vip = ipv6 ? addIpv6Vip() : undefined;
    if (removeIpv6Vip) cleanups.push(removeIpv6Vip);
    const daemon = await Daemon.start(
      {
        config,
        grpcAddr: settings.grpcAddr,
        metricsAddr: settings.metricsAddr,
        vppApiAddr: join(dir, 'api.sock'),
        vppStatsAddr: join(dir, 'stats.sock'),
        logLevel: 'debug',
        reflection: true,
      },
      { logger: loggers.maglevd },
    );
    cleanups.push(() => daemon.stop());

    const frontend: RunningFrontend = await startFrontend({
      servers: [`127.0.0.1:${String(daemon.grpcPort)}`],
      listen: settings.dashboard,
      user: settings.user,
      password: settings.password,
      logger: loggers.frontend,
      ...(settings.webRoot !== undefined && { webRoot: settings.webRoot }),
    });
    cleanups.push(() => frontend.close());

    const control: DemoControl = await startDemoControl(backends, '127.0.0.1', settings.controlPort, (b) =>
      console.log(`${stamp()}  demo     ${b.name} now answers ${b.healthy ? '200' : '503'}`),
    );
    cleanups.push(() => control.close());

    const dash = `http://127.0.0.1:${String(frontend.port)}`;
    const grpc = `127.0.0.1:${String(daemon.grpcPort)}`;
    console.log(`
  dashboard (read-only)  ${dash}/view/
  dashboard (admin)      ${dash}/admin/   user ${settings.user}  password ${settings.password}
  metrics                http://127.0.0.1:${String(daemon.metricsPort)}/metrics
  VIPs (via vppsim)      curl -si http://127.0.0.100:${BACKEND_PORT}/ | grep X-IPng${
    removeIpv6Vip
      ? `\n                         curl -si http://[${IPV6_VIP}]:${BACKEND_PORT}/ | grep X-IPng`
      : ipv6
        ? `\n  IPv6 VIP ${IPV6_VIP}: programmed, not forwarded (run the demo as root to put it on lo)`
        : ''
  }
  make a backend fail    curl -X POST http://127.0.0.1:${String(control.port)}/fail/nginx0-ams
  and recover            curl -X POST http://127.0.0.1:${String(control.port)}/recover/nginx0-ams

  try maglevc (in another terminal):
    node dist/bin/maglevc.js --server ${grpc} show frontends
    node dist/bin/maglevc.js --server ${grpc} show frontend web-v4
    node dist/bin/maglevc.js --server ${grpc} set backend nginx0-fra disable
    node dist/bin/maglevc.js --server ${grpc} show vpp lb state
    node dist/bin/maglevc.js --server ${grpc} show vpp lb counters    (packets/s while traffic runs)
    node dist/bin/maglevc.js --server ${grpc}                  (the interactive shell: try ? and Tab)
  and maglevt:  node dist/bin/maglevt.js --config ${config} --uri /
  (its traffic, or curl's, shows on the dashboard's frontend cards and in the VPP panel)

  JSON logs: ${dir}/*.log${settings.flap ? `\n  ${FLAKY} fails and recovers every ${FLAP_EVERY_MS / 1000}s on its own.` : ''}
  Keys: f = fail the next backend, r = recover all, q = quit (Ctrl-C works too).
`);

    daemon.checker.subscribe(
      (e) => {
        if (e.kind === 'frontend') {
          console.log(`${stamp()}  frontend ${e.frontend.padEnd(13)} ${e.from} → ${e.to}`);
        } else if (e.kind === 'panic') {
          const what = e.active
            ? `PANIC: pool ${e.pool} serves on all enabled backends (${e.panic.up}/${e.panic.eligible} up)`
            : `panic over (pool ${e.pool})`;
          console.log(`${stamp()}  frontend ${e.frontend.padEnd(13)} ${what}`);
        } else if (e.kind === 'checker-fault') {
          const what = e.active
            ? `checker fault [${e.reason}] ${e.detail}`
            : `checker fault [${e.reason}] cleared`;
          console.log(`${stamp()}  backend  ${e.backend.padEnd(13)} ${what}  (${e.frontend})`);
        } else {
          const t = e.transition;
          console.log(
            `${stamp()}  backend  ${e.backend.padEnd(13)} ${t.from} → ${t.to}  [${t.code}] ${t.detail}  (${e.frontend})`,
          );
        }
      },
      { replayFrontends: true },
    );

    if (settings.flap) {
      const flaky = backends.find((b) => b.name === FLAKY)!;
      const flap = setInterval(() => {
        flaky.healthy = !flaky.healthy;
        console.log(`${stamp()}  demo     ${FLAKY} now answers ${flaky.healthy ? '200' : '503'}`);
      }, FLAP_EVERY_MS);
      cleanups.push(() => clearInterval(flap));
    }

    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.stdin.setEncoding('utf8');
      cleanups.push(() => {
        process.stdin.setRawMode(false);
      });
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
    console.log(`${stamp()}  demo     ready`);
  } catch (err) {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

void main();
