// The SocketFactory for healthchecker.netns: the TCP socket is created inside the namespace (and
// bound to the probe source) by the native addon, then handed to node:net, which connects it
// and drives it from maglevd's own event loop. TLS and HTTP run over that socket unchanged.
// Without a netns there is nothing native to do, and Node's own connect is used.

import net from 'node:net';
import { isNativeError, loadNativeAddon, type NativeAddon } from '../native/index.js';
import { describeNativeError } from './native-errors.js';
import { isValidNetnsName } from './netns.js';
import { defaultSocketFactory, SocketSetupError, type SocketFactory } from './socket-factory.js';

export interface NativeSocketFactoryOptions {
  /** For tests; default the built addon, loaded on first use. */
  addon?: NativeAddon;
}

export function createNativeSocketFactory(opts: NativeSocketFactoryOptions = {}): SocketFactory {
  return {
    connectTcp(req) {
      if (req.netns === undefined) return defaultSocketFactory.connectTcp(req);
      const ctx = { netns: req.netns, source: req.localAddress, kind: 'tcp' as const };
      if (!isValidNetnsName(req.netns))
        throw new SocketSetupError(`invalid netns name "${req.netns}"`, 'EINVAL', 'open');
      let fd: number;
      try {
        const addon = opts.addon ?? loadNativeAddon();
        fd = addon.openSocket(req.family, 'tcp', req.netns, req.localAddress ?? null).fd;
      } catch (err) {
        if (isNativeError(err))
          throw new SocketSetupError(describeNativeError(err, ctx), err.code, err.syscall);
        throw new SocketSetupError(err instanceof Error ? err.message : String(err), 'ENOADDON');
      }
      // net.Socket owns the fd from here: destroy() closes it.
      const socket = new net.Socket({ fd, readable: true, writable: true });
      return socket.connect({ port: req.port, host: req.host });
    },
  };
}

/** The factory maglevd uses: sockets in healthchecker.netns when set, Node's own otherwise. */
export const nativeSocketFactory: SocketFactory = createNativeSocketFactory();
