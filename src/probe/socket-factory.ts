// The seam between probes and the network: every probe opens its sockets through a
// SocketFactory. The default one uses Node's own sockets in maglevd's namespace; the native
// addon (netns, ping sockets) plugs in a factory of its own without touching the probes.

import net from 'node:net';
import type { IpFamily } from '../net/ip-address.js';

export interface TcpConnectOptions {
  host: string;
  port: number;
  family: IpFamily;
  /** Source address to bind before connecting. */
  localAddress?: string | undefined;
  /** Network namespace to open the socket in; undefined means maglevd's own. */
  netns?: string | undefined;
}

/**
 * Raised synchronously by a factory that cannot open the socket at all (missing netns, EPERM...).
 * Nothing reached the wire, so the probe reports it as a checker fault (checker-fault.ts); errno
 * and syscall say which one.
 */
export class SocketSetupError extends Error {
  constructor(
    message: string,
    readonly errno?: string,
    /** The failing step: `open`/`setns` (the namespace), `socket`, `bind`. */
    readonly syscall?: string,
  ) {
    super(message);
    this.name = 'SocketSetupError';
  }
}

export interface SocketFactory {
  /** Starts a TCP connection; the socket emits 'connect' or 'error' like net.connect's. */
  connectTcp(opts: TcpConnectOptions): net.Socket;
}

export const defaultSocketFactory: SocketFactory = {
  connectTcp(opts) {
    if (opts.netns !== undefined) {
      throw new SocketSetupError(`netns "${opts.netns}" needs the native socket addon`, 'ENOADDON');
    }
    return net.connect({
      host: opts.host,
      port: opts.port,
      family: opts.family,
      localAddress: opts.localAddress,
    });
  },
};
