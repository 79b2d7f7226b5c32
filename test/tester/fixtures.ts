// Loopback stand-ins for a load-balanced service, for maglevt's tests: named HTTP backends
// that answer the health URI with a header naming themselves (and can be stopped and started
// again on the same port), a tiny L4 balancer on a VIP address that hands each new connection
// to the next backend that accepts it (a crude stand-in for VPP until vppsim forwards),
// maglev.yaml text, and maglevt run as a child process of its real entry point. Also probe
// outcomes for the pure-core tests, written the way the prober would report them.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../helpers/daemon-process.js';
import type { ProbeOutcome, Target } from '../../src/tester/index.js';

export const MAGLEVT_BIN = join(repoRoot, 'src/bin/maglevt.ts');
export const HEALTH_URI = '/.well-known/ipng/healthz';
/** Generous: tests must pass on a loaded 2-core machine. */
export const WAIT_MS = 30_000;

export interface BackendBehaviour {
  /** Status to answer the health URI with (default 204). */
  status?: number;
  /** Name sent in X-IPng-Frontend (default the backend's name); null sends none. */
  header?: string | null;
  /** Accept requests but never answer (for timeouts). */
  hang?: boolean;
}

/** An HTTP(S) backend on a fixed loopback address that names itself in X-IPng-Frontend. */
export class NamedBackend {
  private server: http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  requests = 0;

  constructor(
    readonly name: string,
    readonly host: string,
    public behaviour: BackendBehaviour = {},
    private readonly tls?: { key: string; cert: string },
  ) {}

  /** Listens on `port` (0 for any; the port it got is kept, so a restart uses it again). */
  async start(port = this.port): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.requests++;
      const b = this.behaviour;
      if (b.hang) return;
      if (req.url !== HEALTH_URI) {
        res.writeHead(404).end('not found\n');
        return;
      }
      const headers: http.OutgoingHttpHeaders = {};
      const header = b.header === undefined ? this.name : b.header;
      if (header !== null) headers['X-IPng-Frontend'] = header;
      res.writeHead(b.status ?? 204, headers).end();
    };
    const server = this.tls ? https.createServer(this.tls, handler) : http.createServer(handler);
    server.on('connection', (s: net.Socket) => {
      s.on('error', () => undefined);
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening and cuts every open connection: the backend is gone. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get running(): boolean {
    return this.server !== undefined;
  }
}

/**
 * A tiny L4 balancer: listens on a VIP address and splices each new connection to the next
 * backend in turn; a backend that refuses is skipped for that connection (redispatch), so a
 * stopped backend loses its traffic and gets it back once it listens again.
 */
export class TinyBalancer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private next = 0;
  port = 0;

  constructor(
    readonly host: string,
    readonly backends: readonly { host: string; port: number }[],
  ) {}

  async start(port = 0): Promise<this> {
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    return this;
  }

  private track(s: net.Socket): net.Socket {
    s.on('error', () => undefined);
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
    return s;
  }

  private accept(client: net.Socket): void {
    this.track(client);
    client.pause();
    const first = this.next++ % this.backends.length;
    const attempt = (tries: number): void => {
      if (tries >= this.backends.length || client.destroyed) {
        client.destroy();
        return;
      }
      const b = this.backends[(first + tries) % this.backends.length]!;
      const upstream = this.track(net.connect({ host: b.host, port: b.port }));
      const refused = (): void => attempt(tries + 1);
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        client.pipe(upstream).pipe(client);
        client.resume();
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
      });
    };
    attempt(0);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface FrontendSpec {
  name: string;
  address: string;
  port: number;
  protocol?: 'tcp' | 'udp' | 'any';
  /** Backend name → address; every backend gets the health check `check`. */
  backends: Record<string, string>;
  check?: { type: 'http' | 'https' | 'tcp' | 'icmp'; port?: number };
}

/** A maglev.yaml (valid for maglevd too) with these frontends. */
export function configYaml(frontends: readonly FrontendSpec[]): string {
  const lines = ['maglev:', '  healthchecks:'];
  const checks = new Map<string, string>();
  for (const f of frontends) {
    const c = f.check ?? { type: 'http', port: f.port || 80 };
    const name = `${c.type}-${c.port ?? 'none'}`;
    checks.set(name, `    ${name}: { type: ${c.type}${c.port === undefined ? '' : `, port: ${c.port}`} }`);
  }
  lines.push(...checks.values());
  lines.push('  backends:');
  for (const f of frontends) {
    const c = f.check ?? { type: 'http', port: f.port || 80 };
    for (const [b, address] of Object.entries(f.backends)) {
      lines.push(`    ${b}: { address: ${address}, healthcheck: ${c.type}-${c.port ?? 'none'} }`);
    }
  }
  lines.push('  frontends:');
  for (const f of frontends) {
    lines.push(`    ${f.name}:`, `      address: ${f.address}`, `      protocol: ${f.protocol ?? 'tcp'}`);
    if ((f.protocol ?? 'tcp') !== 'any') lines.push(`      port: ${f.port}`);
    lines.push('      pools:', '        - name: main', '          backends:');
    for (const b of Object.keys(f.backends)) lines.push(`            ${b}: {}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface TesterRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs maglevt to completion as a child process (killed after WAIT_MS). */
export async function maglevtProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  onStdout?: (text: string, child: ChildProcess) => void,
): Promise<TesterRun> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAGLEVT_BIN, ...args], {
    cwd: repoRoot,
    env: { ...process.env, MAGLEV_CONFIG: '', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    onStdout?.(stdout, child);
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
  try {
    const [code] = (await once(child, 'close')) as [number | null];
    return { code: code ?? -1, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** `node --import tsx src/bin/maglevt.ts`, for a shell command line (tmux). */
export function maglevtCommand(): string {
  return `${process.execPath} --import tsx ${MAGLEVT_BIN}`;
}

export function answered(latencyMs: number, header: string | undefined, status = 204): ProbeOutcome {
  const ok = status >= 200 && status < 400;
  return {
    ok,
    latencyMs,
    status: String(status),
    answered: true,
    httpStatus: status,
    header,
    failure: ok ? undefined : { kind: 'http-err', code: String(status), detail: `HTTP ${status}` },
  };
}

export function refused(latencyMs = 0.2): ProbeOutcome {
  return {
    ok: false,
    latencyMs,
    status: 'refused',
    answered: false,
    httpStatus: undefined,
    header: undefined,
    failure: { kind: 'net-err', code: 'ECONNREFUSED', detail: 'connect ECONNREFUSED 192.0.2.1:80' },
  };
}

export function timedOut(latencyMs = 2_000): ProbeOutcome {
  return {
    ok: false,
    latencyMs,
    status: 'timeout',
    answered: false,
    httpStatus: undefined,
    header: undefined,
    failure: { kind: 'timeout', code: 'timeout', detail: 'no answer within 2s' },
  };
}

export function connected(latencyMs: number): ProbeOutcome {
  return {
    ok: true,
    latencyMs,
    status: 'open',
    answered: true,
    httpStatus: undefined,
    header: undefined,
    failure: undefined,
  };
}

export function target(
  name: string,
  kind: Target['kind'] = 'http',
  address = '192.0.2.1',
  port = 80,
): Target {
  return {
    key: `${address} tcp ${port}`,
    name,
    names: [name],
    address,
    family: 4,
    protocol: 'tcp',
    port,
    kind,
    reason: 'test',
  };
}
