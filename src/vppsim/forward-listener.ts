// One listening socket on a VIP address:port, for the life of one VIP. It binds only after the
// listener it replaces (same address and port, a VIP deleted and added again) has let go of the
// port, and a close() that comes while the bind is still under way waits for it, so a quick
// delete + add never races itself into EADDRINUSE.

import net from 'node:net';
import type { ForwardTarget } from './forward-target.js';

export type ForwardListenerState = 'opening' | 'listening' | 'failed' | 'closed';

export interface ForwardListenerHandlers {
  /** A client connected; the socket is paused (pauseOnConnect) and allows half-open. */
  connection(socket: net.Socket): void;
  listening(): void;
  failed(error: Error): void;
}

export class ForwardListener {
  private server: net.Server | undefined;
  private stateNow: ForwardListenerState = 'opening';
  private closeRequested = false;
  private readonly opened: Promise<void>;

  constructor(
    readonly target: ForwardTarget,
    private readonly handlers: ForwardListenerHandlers,
    /** Resolves once the previous listener on this address:port has closed. */
    previous: Promise<void> = Promise.resolve(),
  ) {
    this.opened = previous.then(() => this.open());
  }

  get state(): ForwardListenerState {
    return this.stateNow;
  }

  /** Resolves once the bind has succeeded or failed (or was called off). */
  ready(): Promise<void> {
    return this.opened;
  }

  /**
   * Stops accepting; resolves once the port is free. Connections already accepted are not touched:
   * the forwarder owns them.
   */
  close(): Promise<void> {
    this.closeRequested = true;
    return this.opened.then(() => {
      // net.Server.close() releases the port at once; its callback would wait for every accepted
      // connection, which is not what "closed" means here.
      if (this.server?.listening) this.server.close();
      this.server = undefined;
      this.stateNow = 'closed';
    });
  }

  private async open(): Promise<void> {
    if (this.closeRequested) {
      this.stateNow = 'closed';
      return;
    }
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) =>
      this.handlers.connection(socket),
    );
    this.server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: this.target.address, port: this.target.port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.server = undefined;
      this.stateNow = 'failed';
      this.handlers.failed(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    // A listening server has no further errors of its own to report; accepted sockets have theirs.
    server.on('error', () => {});
    if (this.closeRequested) return; // close() finishes the job
    this.stateNow = 'listening';
    this.handlers.listening();
  }
}
