// One browser's SSE stream: a `retry:` hint, then a replay (or `hello` / `resync`), then live
// events, with a `: ping` comment every 15 s so proxies and the browser see a live connection.
// Each event is one chunk written as soon as it is published (no buffering, no compression:
// proxies are told so with X-Accel-Buffering: no). A browser that stops reading is cut off once
// its queue is full; it reconnects with Last-Event-ID and gets a replay or a resync.

import type { Clock, TimerHandle } from '../clock/index.js';
import type { SseBroker, SseEvent } from './sse-broker.js';

export const PING_MS = 15_000;
/** The reconnect delay EventSource is told to use. */
export const RETRY_MS = 2000;
/** Chunks queued for a browser that does not read before it is disconnected. */
export const MAX_QUEUED_CHUNKS = 4000;

export interface SseStreamOptions {
  broker: SseBroker;
  clock: Clock;
  /** From the Last-Event-ID header, or the `lastEventId` query parameter of a fresh EventSource. */
  lastEventId: string | undefined;
  /** Called once when the stream ends, for whatever reason. */
  onClose?: () => void;
}

export interface SseStream {
  response: Response;
  /** Ends the stream from the server side (shutdown). */
  close(): void;
}

export const SSE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
};

export function formatSseEvent(event: Pick<SseEvent, 'id' | 'type' | 'data'>): string {
  // JSON.stringify never emits a raw newline, so the payload is always a single data: line.
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`;
}

export function openSseStream(opts: SseStreamOptions): SseStream {
  const { broker, clock } = opts;
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let ping: TimerHandle | undefined;
  let unsubscribe: (() => void) | undefined;
  let closed = false;

  const finish = (): void => {
    if (closed) return;
    closed = true;
    ping?.cancel();
    unsubscribe?.();
    opts.onClose?.();
  };

  const write = (text: string): void => {
    if (closed || !controller) return;
    if ((controller.desiredSize ?? 0) <= 0) {
      // The browser is not reading: drop it rather than buffer without bound.
      finish();
      try {
        controller.close();
      } catch {
        // already closed
      }
      return;
    }
    controller.enqueue(encoder.encode(text));
  };

  const armPing = (): void => {
    ping = clock.setTimeout(() => {
      write(': ping\n\n');
      if (!closed) armPing();
    }, PING_MS);
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        write(`retry: ${RETRY_MS}\n\n`);
        const sub = broker.subscribe((event) => write(formatSseEvent(event)), opts.lastEventId);
        unsubscribe = sub.unsubscribe;
        const start = sub.start;
        const marker = (type: 'hello' | 'resync', data: unknown) =>
          // The marker carries the current id so the browser's Last-Event-ID moves past it.
          write(formatSseEvent({ id: broker.lastId(), type, data: JSON.stringify(data) }));
        if (start.kind === 'fresh') marker('hello', { epoch: broker.epoch });
        else if (start.kind === 'resync') marker('resync', { reason: start.reason });
        else for (const event of start.events) write(formatSseEvent(event));
        armPing();
      },
      cancel() {
        finish();
      },
    },
    new CountQueuingStrategy({ highWaterMark: MAX_QUEUED_CHUNKS }),
  );

  return {
    response: new Response(body, { status: 200, headers: SSE_HEADERS }),
    close() {
      if (closed) return;
      finish();
      try {
        controller?.close();
      } catch {
        // already closed
      }
    },
  };
}
