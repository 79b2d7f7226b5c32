// Time, injected. Everything that waits or reads the time takes a Clock, so tests drive time
// with FakeClock and never sleep.

export interface TimerHandle {
  /** Cancels the timer; calling it twice, or after the timer fired, is harmless. */
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch (wall time, for timestamps shown to operators). */
  now(): number;
  /** A monotonic reading in milliseconds with sub-millisecond precision (for durations and lag). */
  monotonic(): number;
  /** Runs fn once after ms milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** Random source in [0, 1), injected for jitter so tests are exact. */
export type Random = () => number;

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

export const systemRandom: Random = Math.random;
