// The WatchEvents stream of one maglevd (transitions, frontend states, log records at debug
// level, probe heartbeats as coalesced summaries). Owns the stream and its reconnect loop: whenever the stream ends it is opened again
// after an exponential backoff (the one timer), reset once a stream is live. What the events mean
// is the upstream's business: this part only hands them on.

import { status } from '@grpc/grpc-js';
import type { Event } from '../api/index.js';
import type { Random, TimerHandle } from '../clock/index.js';
import { Backoff } from './backoff.js';
import { RpcError } from './rpc.js';
import type { UpstreamContext } from './upstream-context.js';

/** The part of the client's WatchEvents stream (api's EventStream) this loop uses; tests drive a fake. */
export interface WatchStream {
  on(event: 'metadata', listener: () => void): unknown;
  on(event: 'data', listener: (event: Event) => void): unknown;
  on(event: 'error', listener: (err: RpcError) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  cancel(): void;
}

export interface WatchOptions {
  random: Random;
  backoffInitialMs: number;
  backoffMaxMs: number;
  open: () => WatchStream;
  /** What the stream found about maglevd answering (the reachability part's report). */
  reachable: (reachable: boolean, err?: RpcError) => void;
  /** A stream is live: whatever happened while none was is to be fetched in full. */
  onLive: () => void;
  onEvent: (event: Event) => void;
}

export class WatchLoop {
  private readonly backoff: Backoff;
  private stream: WatchStream | undefined;
  private live = false;
  private reconnectTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: UpstreamContext,
    private readonly opts: WatchOptions,
  ) {
    this.backoff = new Backoff(opts.random, opts.backoffInitialMs, opts.backoffMaxMs);
  }

  start(): void {
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.reconnectTimer?.cancel();
    this.stream?.cancel();
    this.stream = undefined;
  }

  /** Whether the stream currently has a live subscription. */
  watching(): boolean {
    return this.live && this.stream !== undefined;
  }

  /** Without a stream, opens one now instead of waiting out the backoff (maglevd answers again). */
  reconnectIfDown(): void {
    if (this.stream) return;
    this.reconnectTimer?.cancel();
    this.reconnectTimer = undefined;
    this.open();
  }

  private open(): void {
    if (this.stopped) return;
    const stream = this.opts.open();
    this.stream = stream;
    this.live = false;
    let ended = false;
    const end = (err: unknown): void => {
      if (ended) return;
      ended = true;
      // Only the current stream reconnects (stop() cancels it; a replaced one is forgotten).
      if (this.stopped || this.stream !== stream) return;
      this.stream = undefined;
      this.live = false;
      const e = err === undefined ? undefined : RpcError.from(err);
      const delay = this.backoff.next();
      this.ctx.logger.info('maglevd-watch-ended', {
        maglevd: this.ctx.name,
        code: e?.code ?? 'OK',
        error: e?.message ?? '',
        retryMs: delay,
      });
      if (e?.status === status.UNAVAILABLE) this.opts.reachable(false, e);
      this.reconnectTimer?.cancel();
      this.reconnectTimer = this.ctx.clock.setTimeout(() => this.open(), delay);
    };
    stream.on('metadata', () => {
      this.live = true;
      this.backoff.reset();
      this.opts.reachable(true);
      this.ctx.logger.info('maglevd-watch', { maglevd: this.ctx.name });
      this.opts.onLive();
    });
    stream.on('data', (event: Event) => this.opts.onEvent(event));
    stream.on('error', (err: unknown) => end(err));
    stream.on('end', () => end(undefined));
  }
}
