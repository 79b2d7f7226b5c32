// Startup warmup gate, "restart neutrality" (docs/vpp.md §Startup warmup). Right after a restart every
// backend is unknown, so every effective weight is 0; syncing then would empty VPP's new-flow
// tables. The gate keeps the syncer away from VPP until health has caught up:
//
//   [0, min)    holding:   nothing may touch VPP (no periodic, no per-transition sync).
//   [min, max)  releasing: each frontend is released on its own once all its backends left
//                          unknown; at release the caller runs one per-VIP sync for it.
//   max →       done:      one final full sync covers the stragglers; then everything goes.
//
// Event-driven instead of the original's 250 ms poll: the gate calls onReleaseWindow at min (so
// the caller can release frontends whose backends are already known: no later transition would
// do it) and onFinalSync at max; in between the caller tries tryRelease on every transition.
// The gate is created once at daemon start; a config reload does not restart it (a frontend new
// after max is simply allowed). min = max = 0 disables the gate.

import type { Clock, TimerHandle } from '../clock/index.js';

export type WarmupPhase = 'holding' | 'releasing' | 'done';

export interface WarmupOptions {
  clock: Clock;
  /** startup-min-delay, ms. */
  minDelayMs: number;
  /** startup-max-delay, ms; a value below min is taken as min. */
  maxDelayMs: number;
  /**
   * Called once at startup-min-delay (at 0 when min is 0), when per-frontend release opens: the
   * caller should tryRelease every frontend. Not called when min == max (no window).
   */
  onReleaseWindow?: () => void;
  /**
   * Called once at startup-max-delay: run the final full sync. Without this callback the final
   * sync is delivered by takeFinalSync() instead. Never called when the gate is disabled.
   */
  onFinalSync?: () => void;
}

export interface WarmupSnapshot {
  phase: WarmupPhase;
  /** True when min = max = 0 turned the gate off. */
  disabled: boolean;
  elapsedMs: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Frontends released during the window, in release order. */
  released: string[];
}

export class WarmupGate {
  private currentPhase: WarmupPhase;
  private readonly released = new Set<string>();
  private finalSyncPending = false;
  private readonly timers: TimerHandle[] = [];
  private readonly startedAt: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  readonly disabled: boolean;

  constructor(private readonly opts: WarmupOptions) {
    this.minDelayMs = Math.max(0, opts.minDelayMs);
    this.maxDelayMs = Math.max(this.minDelayMs, opts.maxDelayMs);
    this.startedAt = opts.clock.monotonic();
    this.disabled = this.maxDelayMs === 0;
    if (this.disabled) {
      this.currentPhase = 'done';
      return;
    }
    this.currentPhase = this.minDelayMs > 0 ? 'holding' : 'releasing';
    if (this.minDelayMs < this.maxDelayMs) {
      // A timer even for min = 0, so the callback never runs inside the constructor.
      this.timers.push(opts.clock.setTimeout(() => this.openReleaseWindow(), this.minDelayMs));
    }
    this.timers.push(opts.clock.setTimeout(() => this.finish(), this.maxDelayMs));
  }

  get phase(): WarmupPhase {
    return this.currentPhase;
  }

  /** May a per-VIP sync of this frontend touch VPP now? */
  allows(frontend: string): boolean {
    return this.currentPhase === 'done' || this.released.has(frontend);
  }

  /** May a full sync (periodic, reload, operator, reconnect) touch VPP now? */
  allowsFull(): boolean {
    return this.currentPhase === 'done';
  }

  /**
   * Releases a frontend when the window is open and all its backends are known. True exactly
   * once per frontend, at its release: the caller then runs one per-VIP sync for it. False
   * before min, after max (everything is allowed then), and for a frontend already released.
   */
  tryRelease(frontend: string, allBackendsKnown: boolean): boolean {
    if (this.currentPhase !== 'releasing' || !allBackendsKnown || this.released.has(frontend)) return false;
    this.released.add(frontend);
    return true;
  }

  /** True exactly once after max when no onFinalSync callback took the final sync. */
  takeFinalSync(): boolean {
    const due = this.finalSyncPending;
    this.finalSyncPending = false;
    return due;
  }

  snapshot(): WarmupSnapshot {
    return {
      phase: this.currentPhase,
      disabled: this.disabled,
      elapsedMs: this.opts.clock.monotonic() - this.startedAt,
      minDelayMs: this.minDelayMs,
      maxDelayMs: this.maxDelayMs,
      released: [...this.released],
    };
  }

  /** Cancels the timers (daemon shutdown). The phase stays where it is. */
  stop(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.length = 0;
  }

  private openReleaseWindow(): void {
    this.currentPhase = 'releasing';
    this.opts.onReleaseWindow?.();
  }

  private finish(): void {
    this.currentPhase = 'done';
    if (this.opts.onFinalSync) this.opts.onFinalSync();
    else this.finalSyncPending = true;
  }
}
