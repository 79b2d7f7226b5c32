// Fan-out of checker events to any number of subscribers without ever making the checker wait.
// Each subscriber has its own bounded queue, drained asynchronously; a listener may return a
// promise, and the next event waits for it (that is how a slow consumer shows up). When a
// queue outgrows its bound the subscriber is dropped, told so, logged and counted: losing one
// stalled watcher is better than memory growth or a checker held back by it.

import type { Logger } from '../log/index.js';
import type { CheckerEvent } from './events.js';

export type EventListener = (event: CheckerEvent) => void | Promise<void>;

export interface SubscribeOptions {
  /** Most events that may wait for this subscriber; one more drops it. Default 1024. */
  maxQueue?: number;
  /** Called once if the subscriber is dropped for falling behind. */
  onDropped?: () => void;
}

export interface Subscription {
  unsubscribe(): void;
  /** True once dropped for falling behind (or unsubscribed). */
  readonly closed: boolean;
}

export const DEFAULT_MAX_QUEUE = 1024;

class Subscriber implements Subscription {
  private queue: CheckerEvent[] = [];
  private head = 0;
  private draining = false;
  closed = false;

  constructor(
    readonly id: number,
    private readonly listener: EventListener,
    readonly maxQueue: number,
    readonly onDropped: (() => void) | undefined,
    private readonly bus: EventBus,
  ) {}

  get pending(): number {
    return this.queue.length - this.head;
  }

  unsubscribe(): void {
    this.bus.remove(this);
  }

  /** Queues an event; returns false when the queue is over its bound. */
  push(event: CheckerEvent): boolean {
    if (this.pending >= this.maxQueue) return false;
    this.queue.push(event);
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(() => void this.drain());
    }
    return true;
  }

  clear(): void {
    this.closed = true;
    this.queue = [];
    this.head = 0;
  }

  private async drain(): Promise<void> {
    while (!this.closed && this.head < this.queue.length) {
      const event = this.queue[this.head++] as CheckerEvent;
      // Reclaim the consumed prefix now and then instead of shifting on every event.
      if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      try {
        const r = this.listener(event);
        if (r !== undefined) await r;
      } catch (err) {
        this.bus.listenerFailed(this, err);
      }
    }
    this.draining = false;
  }
}

export class EventBus {
  private readonly subscribers = new Set<Subscriber>();
  private nextId = 1;
  private dropped = 0;

  constructor(private readonly logger: Logger) {}

  /** `initial` events are queued for this subscriber alone, ahead of anything published later. */
  subscribe(
    listener: EventListener,
    opts: SubscribeOptions = {},
    initial: CheckerEvent[] = [],
  ): Subscription {
    const maxQueue = Math.max(1, Math.floor(opts.maxQueue ?? DEFAULT_MAX_QUEUE));
    const sub = new Subscriber(this.nextId++, listener, maxQueue, opts.onDropped, this);
    this.subscribers.add(sub);
    for (const e of initial) if (!this.offer(sub, e)) break;
    return sub;
  }

  publish(event: CheckerEvent): void {
    for (const sub of this.subscribers) this.offer(sub, event);
  }

  /** How many subscribers have been dropped for falling behind, since start. */
  droppedSubscribers(): number {
    return this.dropped;
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  /** @internal */
  remove(sub: Subscriber): void {
    this.subscribers.delete(sub);
    sub.clear();
  }

  /** @internal */
  listenerFailed(sub: Subscriber, err: unknown): void {
    this.logger.warn('event-listener-error', {
      subscriber: sub.id,
      error: err instanceof Error ? err.message : String(err),
    });
  }

  private offer(sub: Subscriber, event: CheckerEvent): boolean {
    if (sub.push(event)) return true;
    this.remove(sub);
    this.dropped++;
    this.logger.warn('event-subscriber-dropped', { subscriber: sub.id, maxQueue: sub.maxQueue });
    if (sub.onDropped) {
      try {
        sub.onDropped();
      } catch (err) {
        this.listenerFailed(sub, err);
      }
    }
    return false;
  }
}
