// The probe loop: every VIP is probed on its own rhythm, one probe at a time, `interval` apart
// (from the start of one probe to the start of the next) with ±10 % jitter so the VIPs do not
// march in step. A probe slower than the interval delays the next one instead of piling up.
// The first probes are spread over one interval. Time and randomness are injected.

import type { Clock, Random, TimerHandle } from '../clock/index.js';
import type { ProbeOutcome, Target } from './types.js';

export const JITTER = 0.1;

export interface SchedulerOptions {
  targets: readonly Target[];
  intervalMs: number;
  probe: (target: Target) => Promise<ProbeOutcome>;
  /** Called with every outcome and the wall time it finished at. */
  onResult: (target: Target, outcome: ProbeOutcome, at: number) => void;
  clock: Clock;
  random: Random;
}

/** interval ±10 %, from a random number in [0, 1). */
export function jittered(intervalMs: number, r: number): number {
  return intervalMs * (1 - JITTER + 2 * JITTER * r);
}

export class ProbeScheduler {
  private readonly timers = new Map<string, TimerHandle>();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const { targets, intervalMs, random } = this.options;
    for (const target of targets) this.schedule(target, intervalMs * random());
  }

  /** Stops scheduling and waits for the probes in flight (their results are still reported). */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    await Promise.all([...this.inFlight]);
  }

  private schedule(target: Target, delayMs: number): void {
    const timer = this.options.clock.setTimeout(() => {
      this.timers.delete(target.key);
      const run = this.run(target);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }, delayMs);
    this.timers.set(target.key, timer);
  }

  private async run(target: Target): Promise<void> {
    const { clock, random, intervalMs, probe, onResult } = this.options;
    const started = clock.monotonic();
    const due = started + jittered(intervalMs, random());
    const outcome = await probe(target);
    onResult(target, outcome, clock.now());
    if (this.running) this.schedule(target, Math.max(0, due - clock.monotonic()));
  }
}
