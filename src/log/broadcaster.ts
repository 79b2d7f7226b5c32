// Fans log records out to subscribers, each at its own level. Subscribers are callbacks that
// must not block; a subscriber that cannot keep up handles that itself (bounded queue).

import { LEVEL_RANK, type LogLevel, type LogRecord } from './levels.js';

type Listener = (record: LogRecord) => void;

export class LogBroadcaster {
  private readonly subscribers = new Map<number, { rank: number; listener: Listener }>();
  private nextId = 0;
  private lowest = Number.POSITIVE_INFINITY;

  /** Lowest level rank any subscriber wants; Infinity when there are none. */
  minRank(): number {
    return this.lowest;
  }

  subscribe(level: LogLevel, listener: Listener): () => void {
    const id = this.nextId++;
    this.subscribers.set(id, { rank: LEVEL_RANK[level], listener });
    this.recompute();
    return () => {
      this.subscribers.delete(id);
      this.recompute();
    };
  }

  publish(record: LogRecord): void {
    const rank = LEVEL_RANK[record.level];
    for (const s of this.subscribers.values()) if (rank >= s.rank) s.listener(record);
  }

  private recompute(): void {
    this.lowest = Math.min(Number.POSITIVE_INFINITY, ...[...this.subscribers.values()].map((s) => s.rank));
  }
}
