// One proxied connection: a client accepted on a VIP, spliced to the AS the lb node chose for it.
//
// Every chunk the client sends is one more packet through the lb node (the `route` callback): VPP
// decides per packet, not per connection, so a chunk whose flow now lands on another AS (its sticky
// entry expired or was flushed and the new-flow table moved on), or nowhere, means what it means
// to a real client behind VPP: that AS has no such connection and answers with a reset. The AS's
// answers do not pass the lb node (direct server return), so they are copied as they come.
// Half-closes pass through (a FIN each way); an error or reset on either side resets both.

import net from 'node:net';

/** What the lb node made of one more client packet of `payloadBytes`: undefined = same AS, else why it is not. */
export type ForwardRoute = (payloadBytes: number) => string | undefined;

export interface ForwardConnectionOptions {
  readonly client: net.Socket;
  /** The listener's key (`127.0.0.100:80`). */
  readonly vip: string;
  readonly clientAddress: string;
  readonly clientPort: number;
  /** The AS the first packet went to. */
  readonly as: string;
  readonly asPort: number;
  readonly route: ForwardRoute;
  /** Called once, with the reason, when the proxy resets the connection itself. */
  readonly onReset: (reason: string) => void;
}

export interface ForwardConnectionView {
  readonly vip: string;
  readonly client: string;
  readonly as: string;
  readonly asPort: number;
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

export class ForwardConnection {
  readonly vip: string;
  readonly as: string;
  /** Resolves once both sockets have closed. */
  readonly closed: Promise<void>;
  private readonly client: net.Socket;
  private readonly upstream: net.Socket;
  private resetDone = false;

  constructor(private readonly opts: ForwardConnectionOptions) {
    this.vip = opts.vip;
    this.as = opts.as;
    this.client = opts.client;
    // With GRE, the AS sees the client's own address. On loopback the proxy can do the same by
    // connecting from it (any 127/8 address is ours); elsewhere it connects from its own.
    const sameFamily = net.isIPv4(opts.clientAddress) === net.isIPv4(opts.as);
    this.upstream = net.connect({
      host: opts.as,
      port: opts.asPort,
      allowHalfOpen: true,
      ...(sameFamily && isLoopback(opts.clientAddress) && { localAddress: opts.clientAddress }),
    });
    const closedOf = (s: net.Socket) => new Promise<void>((resolve) => s.once('close', () => resolve()));
    this.closed = Promise.all([closedOf(this.client), closedOf(this.upstream)]).then(() => {});
    this.wire();
  }

  get view(): ForwardConnectionView {
    return {
      vip: this.vip,
      client: net.isIPv6(this.opts.clientAddress)
        ? `[${this.opts.clientAddress}]:${this.opts.clientPort}`
        : `${this.opts.clientAddress}:${this.opts.clientPort}`,
      as: this.as,
      asPort: this.opts.asPort,
    };
  }

  /** Resets both sides (RST, not FIN), as a flush tears a flow down. Idempotent. */
  reset(reason: string): void {
    if (this.resetDone) return;
    this.resetDone = true;
    this.opts.onReset(reason);
    for (const socket of [this.client, this.upstream]) {
      if (socket.destroyed) continue;
      // resetAndDestroy needs a TCP handle; a socket that never got one is just destroyed.
      try {
        socket.resetAndDestroy();
      } catch {
        socket.destroy();
      }
    }
  }

  private wire(): void {
    const { client, upstream } = this;
    client.on('error', () => this.reset('client-error'));
    upstream.on('error', (err: NodeJS.ErrnoException) => this.reset(`as-${err.code ?? 'error'}`));
    // The client was accepted paused: read once there is somewhere to put its bytes.
    upstream.once('connect', () => client.resume());
    client.on('data', (chunk: Buffer) => {
      if (this.resetDone) return;
      const refused = this.opts.route(chunk.length);
      if (refused !== undefined) {
        this.reset(refused);
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    client.on('end', () => upstream.end());
    // pipe() keeps the AS → client direction under backpressure and passes its FIN on.
    upstream.pipe(client);
  }
}
