// What the soak keeps of maglevd's log: only what its checks need, so that the process's RSS
// measures maglevd and not the soak. A 10-minute run at 2 000 backends logs millions of debug
// records; keeping them (test/helpers/vppsim-daemon.ts's LogTape) grew RSS by hundreds of MiB a
// minute. The SoakTape looks at each record as it arrives and drops it:
//   - probe-done and backend-transition records feed the replay (TransitionReplay) at once;
//   - error-level records are kept whole (they are few, and each one is a problem to report);
//   - everything else is only counted, by event name.
// Waits are on what arrives next (a count or a condition), never on time.

import { BackendHealth, CHECKER_FAULT, type ProbeResult } from '../src/health/index.js';
import type { LogRecord } from '../src/log/index.js';

/** One backend's replay: its health as the probe results imply, and the transitions not yet paired. */
interface ReplayLane {
  readonly health: BackendHealth;
  /** Transitions implied but not yet logged, or logged but not yet implied (`side` says which). */
  readonly unpaired: string[];
  side: 'implied' | 'logged';
  /** Transitions paired so far (implied and logged alike). */
  paired: number;
  /** The first mismatch; the lane stops comparing after it (the rest would only repeat it). */
  mismatch: string | undefined;
}

/**
 * Replays every backend's probe results through src/health's pure BackendHealth as they arrive
 * and pairs each transition they imply with the next one logged for that backend, in order. At
 * the end, each backend's implied and logged sequences are equal exactly when every pair matched
 * and nothing is left unpaired: the same check as replaying a full tape afterwards, in memory
 * that does not grow with the run (a few strings per backend at most).
 */
export class TransitionReplay {
  private readonly lanes = new Map<string, ReplayLane>();

  constructor(
    private readonly rise: number,
    private readonly fall: number,
  ) {}

  /** A probe result as logged in probe-done (only ok and code decide a transition). */
  probe(backend: string, ok: boolean, code: string, detail: string): void {
    const lane = this.lane(backend);
    const result = {
      ok,
      layer: 'L4',
      code,
      detail,
      durationMs: 0,
      ...(code === CHECKER_FAULT && { reason: 'source-address' }),
    } as ProbeResult;
    const t = lane.health.record(result, 0);
    if (t) this.pair(lane, 'implied', `${t.from}>${t.to}`);
  }

  /** A backend-transition as logged. */
  transition(backend: string, from: string, to: string): void {
    this.pair(this.lane(backend), 'logged', `${from}>${to}`);
  }

  /** One line per backend whose logged transitions do not follow from its probe results. */
  problems(): string[] {
    const out: string[] = [];
    for (const [name, lane] of this.lanes) {
      if (lane.mismatch !== undefined) out.push(`${name}: ${lane.mismatch}`);
      else if (lane.unpaired.length > 0)
        out.push(
          `${name}: after ${lane.paired} matching transitions, ${lane.side === 'implied' ? 'probes imply' : 'log says'} [${lane.unpaired.join(' ')}] more`,
        );
    }
    return out;
  }

  private pair(lane: ReplayLane, side: 'implied' | 'logged', t: string): void {
    if (lane.mismatch !== undefined) return;
    if (lane.unpaired.length === 0 || lane.side === side) {
      lane.side = side;
      lane.unpaired.push(t);
      return;
    }
    const other = lane.unpaired.shift();
    if (other === t) {
      lane.paired++;
      return;
    }
    const implied = side === 'implied' ? t : other;
    const logged = side === 'logged' ? t : other;
    lane.mismatch = `transition ${lane.paired + 1}: probes imply ${implied}, log says ${logged}`;
  }

  private lane(backend: string): ReplayLane {
    let lane = this.lanes.get(backend);
    if (!lane) {
      lane = {
        health: new BackendHealth({
          name: backend,
          address: '',
          rise: this.rise,
          fall: this.fall,
          historyLimit: 0,
        }),
        unpaired: [],
        side: 'implied',
        paired: 0,
        mismatch: undefined,
      };
      this.lanes.set(backend, lane);
    }
    return lane;
  }
}

interface Waiter {
  readonly done: () => boolean;
  readonly resolve: () => void;
}

/** The soak's log sink (subscribe `listener` at debug). */
export class SoakTape {
  readonly replay: TransitionReplay;
  /** Error-level records, whole. */
  readonly errors: LogRecord[] = [];
  /** Records seen, by event name. */
  readonly counts = new Map<string, number>();
  private total = 0;
  private waiters: Waiter[] = [];
  /** Backends not yet probed in the current probe round (see probeRound). */
  private roundPending: Set<string> | undefined;

  constructor(rise: number, fall: number) {
    this.replay = new TransitionReplay(rise, fall);
  }

  readonly listener = (r: LogRecord): void => {
    this.total++;
    this.counts.set(r.event, (this.counts.get(r.event) ?? 0) + 1);
    if (r.level === 'error') this.errors.push(r);
    const backend = r.attrs['backend'];
    if (typeof backend === 'string') {
      if (r.event === 'probe-done') {
        this.replay.probe(
          backend,
          r.attrs['ok'] === true,
          String(r.attrs['code']),
          String(r.attrs['detail']),
        );
        this.roundPending?.delete(backend);
      } else if (r.event === 'backend-transition') {
        this.replay.transition(backend, String(r.attrs['from']), String(r.attrs['to']));
      }
    }
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.done());
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  };

  /** Records seen so far, of every kind. */
  get records(): number {
    return this.total;
  }

  count(event: string): number {
    return this.counts.get(event) ?? 0;
  }

  /** Resolves once `done()` holds after a record arrives (or now, if it holds already). */
  until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what} (${this.total} records seen)`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves once each of these backends has logged a probe-done after this call. */
  async probeRound(backends: readonly string[], timeoutMs: number): Promise<void> {
    const pending = new Set(backends);
    this.roundPending = pending;
    try {
      await this.until(`a probe of each of ${backends.length} backends`, () => pending.size === 0, timeoutMs);
    } finally {
      this.roundPending = undefined;
    }
  }
}
