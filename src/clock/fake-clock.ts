// A Clock that only moves when a test tells it to. Timers fire in due order; between timers the
// microtask queue is drained so async work started by a timer settles before the next one fires.

import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  id: number;
  due: number;
  fn: () => void;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  private current: number;
  private readonly startedAt: number;
  private nextId = 0;
  private timers: PendingTimer[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
    this.startedAt = startMs;
  }

  now(): number {
    return this.current;
  }

  monotonic(): number {
    return this.current - this.startedAt;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = {
      id: this.nextId++,
      due: this.current + Math.max(0, ms),
      fn,
      cancelled: false,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Number of timers still waiting to fire. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by ms, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms);
    await settle();
    for (;;) {
      const next = this.popNextDue(target);
      if (!next) break;
      // A timer overdue after a stall() fires late: the clock does not go back for it.
      this.current = Math.max(this.current, next.due);
      next.fn();
      await settle();
    }
    this.current = target;
    await settle();
  }

  /**
   * Time passes while the event loop is blocked: the clock moves `ms` on and no timer fires.
   * Timers that fell due meanwhile fire, late, on the next advance() or tick().
   */
  stall(ms: number): void {
    this.current += Math.max(0, ms);
  }

  /** Advances to the next pending timer (if any) and fires it. Returns false when none is pending. */
  async tick(): Promise<boolean> {
    const live = this.timers.filter((t) => !t.cancelled);
    if (live.length === 0) return false;
    const due = Math.min(...live.map((t) => t.due));
    await this.advance(due - this.current);
    return true;
  }

  private popNextDue(limit: number): PendingTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    if (best) this.timers.splice(this.timers.indexOf(best), 1);
    return best;
  }
}

/** Lets pending promise callbacks run (several rounds, for chains of awaits). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
}
