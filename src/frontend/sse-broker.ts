// The publish/subscribe hub behind /view/api/events. Every event gets an id `<epoch>-<seq>`
// (epoch: this server's start, so ids never repeat across restarts; seq: 1, 2, ...) and goes
// into a replay ring bounded by age and count. A browser that reconnects with Last-Event-ID gets
// the missed events replayed when the ring still holds all of them; otherwise (a gap older than
// the ring, or an id from a previous run of the server) it is told to resync from the REST state.

import type { Clock } from '../clock/index.js';
import type { SseEventType, SsePayloads } from './wire.js';

export interface SseEvent {
  id: string;
  seq: number;
  type: SseEventType;
  /** The JSON payload, serialised once for every subscriber. */
  data: string;
  /** clock.monotonic() when published. */
  at: number;
}

export type SseListener = (event: SseEvent) => void;

export type ResyncReason = SsePayloads['resync']['reason'];

/** What a (re)connecting subscriber gets before live events. */
export type SubscribeStart =
  { kind: 'fresh' } | { kind: 'replay'; events: SseEvent[] } | { kind: 'resync'; reason: ResyncReason };

export interface SseBrokerOptions {
  clock: Clock;
  /** How long an event stays replayable. */
  ringMs?: number;
  /** How many events the ring keeps at most. */
  ringMax?: number;
}

export const RING_MS = 30_000;
export const RING_MAX = 2000;

export class SseBroker {
  readonly epoch: string;
  private seq = 0;
  private ring: SseEvent[] = [];
  private readonly listeners = new Set<SseListener>();
  private readonly clock: Clock;
  private readonly ringMs: number;
  private readonly ringMax: number;

  constructor(opts: SseBrokerOptions) {
    this.clock = opts.clock;
    this.ringMs = opts.ringMs ?? RING_MS;
    this.ringMax = opts.ringMax ?? RING_MAX;
    this.epoch = Math.trunc(opts.clock.now()).toString(36);
  }

  /** The id of the newest event (`<epoch>-0` before the first). */
  lastId(): string {
    return `${this.epoch}-${this.seq}`;
  }

  subscriberCount(): number {
    return this.listeners.size;
  }

  /** Events still in the ring (oldest first), after dropping expired ones. */
  replayable(): readonly SseEvent[] {
    this.trim();
    return this.ring;
  }

  publish<T extends SseEventType>(type: T, payload: SsePayloads[T]): SseEvent {
    this.seq += 1;
    const event: SseEvent = {
      id: `${this.epoch}-${this.seq}`,
      seq: this.seq,
      type,
      data: JSON.stringify(payload),
      at: this.clock.monotonic(),
    };
    this.ring.push(event);
    this.trim();
    for (const listener of [...this.listeners]) listener(event);
    return event;
  }

  /**
   * Registers a listener for live events and says what must be sent first. The replayed events
   * and the live ones do not overlap: both are decided synchronously here.
   */
  subscribe(
    listener: SseListener,
    lastEventId: string | undefined,
  ): { start: SubscribeStart; unsubscribe: () => void } {
    const start = this.startFor(lastEventId);
    this.listeners.add(listener);
    return { start, unsubscribe: () => this.listeners.delete(listener) };
  }

  private startFor(lastEventId: string | undefined): SubscribeStart {
    if (lastEventId === undefined || lastEventId === '') return { kind: 'fresh' };
    const match = /^([0-9a-z]+)-(\d+)$/.exec(lastEventId);
    if (!match) return { kind: 'resync', reason: 'unknown-id' };
    if (match[1] !== this.epoch) return { kind: 'resync', reason: 'restarted' };
    const seen = Number(match[2]);
    if (seen > this.seq) return { kind: 'resync', reason: 'unknown-id' };
    if (seen === this.seq) return { kind: 'replay', events: [] };
    this.trim();
    const oldest = this.ring[0];
    // Every event after `seen` must still be in the ring, or the page would silently miss some.
    if (oldest === undefined || oldest.seq > seen + 1) return { kind: 'resync', reason: 'gap' };
    return { kind: 'replay', events: this.ring.slice(seen + 1 - oldest.seq) };
  }

  private trim(): void {
    const cutoff = this.clock.monotonic() - this.ringMs;
    let drop = Math.max(0, this.ring.length - this.ringMax);
    while (drop < this.ring.length && this.ring[drop]!.at < cutoff) drop++;
    if (drop > 0) this.ring = this.ring.slice(drop);
  }
}
