// A running WatchEvents call as clients use it: grpc-js's stream events, with failures already
// turned into RpcErrors, plus a `done` promise for callers that just wait for the end.

import type { ClientReadableStream } from '@grpc/grpc-js';
import type { RpcError } from '../errors.js';
import type { Event } from './gen/maglev.js';

export interface EventStream {
  /** 'metadata': maglevd has accepted the subscription (its response headers). */
  on(event: 'metadata' | 'end', listener: () => void): this;
  on(event: 'data', listener: (e: Event) => void): this;
  /** The stream failed; after cancel() this is a `cancelled` error. */
  on(event: 'error', listener: (err: RpcError) => void): this;
  /** Resolves when the stream ends (by the server, or cancel()); rejects with an RpcError. */
  readonly done: Promise<void>;
  cancel(): void;
}

export class GrpcEventStream implements EventStream {
  readonly done: Promise<void>;
  private cancelled = false;

  constructor(
    private readonly call: ClientReadableStream<Event>,
    private readonly toError: (err: unknown) => RpcError,
  ) {
    // Always listening for 'error', so a failure is never an unhandled 'error' event.
    this.done = new Promise<void>((resolve, reject) => {
      call.on('end', () => resolve());
      call.on('error', (err: unknown) => {
        if (this.cancelled) resolve();
        else reject(this.toError(err));
      });
    });
    // Callers that follow 'error' instead need not also await done.
    this.done.catch(() => undefined);
  }

  on(event: 'metadata' | 'end', listener: () => void): this;
  on(event: 'data', listener: (e: Event) => void): this;
  on(event: 'error', listener: (err: RpcError) => void): this;
  on(
    event: 'metadata' | 'end' | 'data' | 'error',
    listener: (() => void) | ((e: Event) => void) | ((err: RpcError) => void),
  ): this {
    if (event === 'error') {
      const onError = listener as (err: RpcError) => void;
      this.call.on('error', (err: unknown) => onError(this.toError(err)));
    } else {
      this.call.on(event, listener as (...args: unknown[]) => void);
    }
    return this;
  }

  cancel(): void {
    this.cancelled = true;
    this.call.cancel();
  }
}
