// A ProbeFn whose results the test decides, for everything above the probes (checker, metrics, a
// whole daemon): per-address scripts of passes and failures, a standing result once the script
// runs out, and probes held in flight until the test releases them.

import { systemClock, type Clock } from '../../src/clock/index.js';
import type { ProbeResult } from '../../src/health/index.js';
import type { ProbeFn, ProbeRequest } from '../../src/probe/types.js';

export const PASS: ProbeResult = { ok: true, layer: 'L4', code: 'L4OK', detail: 'connected', durationMs: 1 };
export const FAIL: ProbeResult = {
  ok: false,
  layer: 'L4',
  code: 'L4CON',
  detail: 'connect ECONNREFUSED',
  durationMs: 1,
};

/** A probe the checker could not run: its namespace is gone (docs/safety.md). */
export const FAULT: ProbeResult = {
  ok: false,
  layer: 'L4',
  code: 'checker-fault',
  reason: 'netns',
  detail: 'netns "dp" not found (no /run/netns/dp)',
  durationMs: 0,
};

/** The probe source address is not assigned where the probe runs. */
export const SOURCE_FAULT: ProbeResult = {
  ok: false,
  layer: 'L4',
  code: 'checker-fault',
  reason: 'source-address',
  detail: 'source address 10.9.9.1 is not configured in netns "dp"',
  durationMs: 0,
};

/** Script letters: 'p' pass, 'f' fail, 'x' a checker fault (netns), 's' one (source address). */
const SCRIPT_STEPS: Readonly<Record<string, ProbeResult>> = { p: PASS, f: FAIL, x: FAULT, s: SOURCE_FAULT };

export interface ProbeCall {
  address: string;
  /** clock.monotonic() when the probe was called. */
  at: number;
  req: ProbeRequest;
}

export class ScriptedProbe {
  readonly calls: ProbeCall[] = [];
  private readonly scripts = new Map<string, ProbeResult[]>();
  private readonly failing = new Set<string>();
  private readonly held = new Set<string>();
  private readonly waiting: Array<{ address: string; resolve: (r: ProbeResult) => void }> = [];

  /** The clock only timestamps calls; a daemon on the real clock can leave it out. */
  constructor(private readonly clock: Clock = systemClock) {}

  /** Results for the next probes of address, in order (see SCRIPT_STEPS: p, f, x, s). */
  script(address: string, steps: string): void {
    const list = this.scripts.get(address) ?? [];
    for (const c of steps) list.push(SCRIPT_STEPS[c] ?? FAIL);
    this.scripts.set(address, list);
  }

  /** From now on, once its script has run out, address fails. */
  fail(address: string): void {
    this.failing.add(address);
  }

  /** From now on, once its script has run out, address passes (the default). */
  pass(address: string): void {
    this.failing.delete(address);
  }

  /** Probes of this address stay in flight until release() (or until aborted: then a timeout). */
  hold(address: string): void {
    this.held.add(address);
  }

  release(address: string, result: ProbeResult): void {
    this.held.delete(address);
    for (const w of this.waiting.splice(0)) {
      if (w.address === address) w.resolve(result);
      else this.waiting.push(w);
    }
  }

  callsTo(address: string): number[] {
    return this.calls.filter((c) => c.address === address).map((c) => c.at);
  }

  readonly fn: ProbeFn = (req) => {
    this.calls.push({ address: req.address, at: this.clock.monotonic(), req });
    if (this.held.has(req.address)) {
      return new Promise<ProbeResult>((resolve) => {
        this.waiting.push({ address: req.address, resolve });
        req.signal?.addEventListener('abort', () =>
          resolve({ ok: false, layer: 'L4', code: 'L4TOUT', detail: 'aborted', durationMs: 0 }),
        );
      });
    }
    const scripted = this.scripts.get(req.address)?.shift();
    return Promise.resolve(scripted ?? (this.failing.has(req.address) ? FAIL : PASS));
  };
}
