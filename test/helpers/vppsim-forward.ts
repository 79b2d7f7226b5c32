// Real sockets for the forwarder tests: AS servers on loopback addresses that all listen on the
// VIP's port and answer with their own name, clients bound to chosen 127.0.0.x source addresses
// that read those answers, and the exact AS each client 5-tuple must land on, computed with
// src/maglev independently of the simulator's model.

import net from 'node:net';
import {
  buildTable,
  flowHash,
  newFlowBucket,
  type Generation,
  type MaglevAs,
} from '../../src/maglev/index.js';
import { Arrivals } from './index.js';

export interface SeenClient {
  readonly address: string;
  readonly port: number;
}

/** An AS: says `<name>\n` on connect, then answers every chunk `x` with `<name>:x`. */
export interface NamedServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** The client address and port of every connection it accepted (what GRE would show it). */
  readonly seen: Arrivals<SeenClient>;
  /** Connections it currently has open. */
  openCount(): number;
  /** Resolves with the next connection of this AS to close, and how (reset or not). */
  nextClose(): Promise<{ hadError: boolean }>;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startNamedServer(name: string, host: string, port: number): Promise<NamedServer> {
  const open = new Set<net.Socket>();
  const seen = new Arrivals<SeenClient>();
  const closes = new Arrivals<{ hadError: boolean }>();
  let handedOut = 0;
  const server = net.createServer((socket) => {
    open.add(socket);
    socket.on('error', () => {}); // resets are part of the tests
    socket.once('close', (hadError) => {
      open.delete(socket);
      closes.push({ hadError });
    });
    seen.push({ address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
    socket.write(`${name}\n`);
    socket.on('data', (chunk: Buffer) => socket.write(`${name}:${chunk.toString()}`));
  });
  await listen(server, host, port);
  return {
    name,
    host,
    port: (server.address() as net.AddressInfo).port,
    seen,
    openCount: () => open.size,
    nextClose: () => closes.at(handedOut++),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * AS servers named after their address, all on one port that is also free on every VIP address
 * (the VIP is served on the same port, as GRE keeps it). Ports come from the kernel (port 0 on the
 * first address); a port taken elsewhere is given back and another tried.
 */
export async function startAsServers(
  hosts: readonly string[],
  vipHosts: readonly string[],
): Promise<{ port: number; servers: Map<string, NamedServer> }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await startNamedServer(hosts[0] ?? '127.0.0.1', hosts[0] ?? '127.0.0.1', 0);
    const servers = new Map([[first.host, first]]);
    try {
      for (const host of hosts.slice(1)) servers.set(host, await startNamedServer(host, host, first.port));
      for (const host of vipHosts) {
        const probe = net.createServer();
        await listen(probe, host, first.port);
        await new Promise<void>((resolve) => probe.close(() => resolve()));
      }
      return { port: first.port, servers };
    } catch {
      await Promise.all([...servers.values()].map((s) => s.close()));
    }
  }
  throw new Error(`no port free on all of ${[...hosts, ...vipHosts].join(', ')}`);
}

export async function closeAll(servers: Map<string, NamedServer>): Promise<void> {
  await Promise.all([...servers.values()].map((s) => s.close()));
}

/** A client of a VIP that reads line-wise. */
export class VipClient {
  readonly socket: net.Socket;
  /** The connection's end: `reset` when it ended with an error (ECONNRESET), else `closed`. */
  readonly ended: Promise<'reset' | 'closed'>;
  readonly connected: Promise<void>;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private error: Error | undefined;

  constructor(host: string, port: number, localAddress?: string) {
    this.socket = net.connect({ host, port, ...(localAddress !== undefined && { localAddress }) });
    this.socket.setEncoding('utf8');
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.connected.catch(() => {}); // observed through `ended`/`line` too
    this.socket.on('error', (err) => {
      this.error = err;
    });
    this.socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    this.ended = new Promise((resolve) =>
      this.socket.once('close', (hadError) => {
        this.wake();
        resolve(hadError ? 'reset' : 'closed');
      }),
    );
  }

  /** The client side of the 5-tuple (after connect). */
  get local(): SeenClient {
    return { address: this.socket.localAddress ?? '', port: this.socket.localPort ?? 0 };
  }

  get lastError(): Error | undefined {
    return this.error;
  }

  /** The next full line; rejects when the connection ends first. */
  async line(): Promise<string> {
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        return line;
      }
      if (this.socket.destroyed || this.socket.readableEnded)
        throw new Error(`connection ended (${this.error?.message ?? 'no error'}) before a line`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Sends `text\n` and returns the AS's answer line (`<name>:text`). */
  async ask(text: string): Promise<string> {
    this.socket.write(`${text}\n`);
    return this.line();
  }

  /** Ends gracefully and waits for the close. */
  async end(): Promise<'reset' | 'closed'> {
    this.socket.end();
    return this.ended;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Connects, reads the AS's name, and returns the client still open. */
export async function openVia(host: string, port: number, localAddress?: string): Promise<VipClient> {
  const c = new VipClient(host, port, localAddress);
  await c.connected;
  return c;
}

/**
 * Where VPP's lb node sends a new flow to this VIP, from src/maglev alone: the Maglev table of the
 * ASes (built once), the flow hash of the client's 5-tuple, the bucket.
 */
export function asPredictor(opts: {
  generation?: Generation;
  ases: readonly MaglevAs[];
  tableLength?: number;
  vip: string;
  port: number;
  srcIpSticky?: boolean;
}): (client: SeenClient) => string | undefined {
  const length = opts.tableLength ?? 1024;
  const table = buildTable(opts.generation ?? 'master', opts.ases, length);
  return (client) => {
    const hash = flowHash(
      { src: client.address, dst: opts.vip, protocol: 6, srcPort: client.port, dstPort: opts.port },
      { srcIpSticky: opts.srcIpSticky ?? false },
    );
    const owner = table[newFlowBucket(hash, length)] ?? -1;
    return owner < 0 ? undefined : opts.ases[owner]?.address;
  };
}
