// Leading- and trailing-edge coalescing for the lb-state fetch: the first wake runs the task at
// once; wakes during the following window are folded into one more run when the window ends,
// which opens a new window. A burst of transitions therefore costs at most two fetches per
// window, and the last change is always followed by a fetch.

import type { Clock, TimerHandle } from '../clock/index.js';

export class Debouncer {
  private window: TimerHandle | undefined;
  private pending = false;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly task: () => void,
  ) {}

  wake(): void {
    if (this.stopped) return;
    if (this.window) {
      this.pending = true;
      return;
    }
    this.run();
  }

  /** True while a window is open (a wake now would be deferred). */
  busy(): boolean {
    return this.window !== undefined;
  }

  stop(): void {
    this.stopped = true;
    this.window?.cancel();
    this.window = undefined;
    this.pending = false;
  }

  private run(): void {
    this.pending = false;
    this.window = this.clock.setTimeout(() => {
      this.window = undefined;
      if (this.pending && !this.stopped) this.run();
    }, this.windowMs);
    this.task();
  }
}
