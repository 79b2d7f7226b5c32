// The suspect detector (docs/safety.md §Suspect mass failures): when most backends of one health
// check fail at the same moment with the same connection-level error, the cause is more likely
// on our side (an uplink, a firewall, the probe namespace's routing) than in every backend at
// once. Those failures still count, because a real mass outage must still fail over, but the
// checker logs and counts the episode so an operator looks at the checker first. Pure: the time
// comes in with each result, and each health check's latest results are counted incrementally,
// so a result costs O(1) however many backends share the check. The caller keeps each backend's
// mark (mark()) and feeds results through it: no look-up by name per result.

import type { ProbeResult } from '../health/index.js';

export interface MassFailureOptions {
  /** At least this many backends must fail alike. Default 3. */
  minBackends?: number;
  /** ...and more than this share of the backends probed in the window. Default 0.5 ("most"). */
  share?: number;
}

/** A health check's window: a result older than this no longer counts. */
export interface CheckWindow {
  name: string;
  windowMs: number;
}

export interface SuspectEpisode {
  healthcheck: string;
  /** The error they share: `L4TOUT connect timeout after 1000ms`. */
  signature: string;
  /** Backends whose latest result in the window has that error. */
  failing: number;
  /** Backends with a result in the window. */
  probed: number;
}

export type MassFailureChange =
  { kind: 'suspect'; episode: SuspectEpisode } | { kind: 'cleared'; episode: SuspectEpisode };

/** Brands BackendMark: the symbol is not exported, so outside this module only mark() makes one. */
declare const markBrand: unique symbol;

/**
 * A backend's place in one health check's tally, from mark(): the caller keeps it and hands it
 * back to observe() with each result. Opaque, so the tally behind it stays the detector's own.
 */
export interface BackendMark {
  readonly [markBrand]: true;
}

/**
 * What a BackendMark is: a backend's latest result in its check's window. One record per backend
 * and check for as long as the detector knows it, updated in place: at thousands of probes a
 * second, a fresh object per result would live through the window (seconds) and be promoted, and
 * the old generation it fills up is what made maglevd's garbage collector its largest cost at
 * 1 000 backends (bench/README.md).
 */
class Mark implements BackendMark {
  declare readonly [markBrand]: true;
  /** The tally of the check this mark counts in. */
  constructor(readonly tally: CheckTally) {}
  at = 0;
  /** undefined: a pass, or a failure that is not connection-level. */
  signature: string | undefined = undefined;
  /** Whether the backend has a result in the window (counted in `probed`). */
  inWindow = false;
}

/** Queue capacity to start with; it doubles when full. */
const INITIAL_QUEUE = 1024;

/** One health check's latest results, counted. */
class CheckTally {
  /** The check's window, as the last mark() gave it (a reload may change the interval). */
  windowMs: number;
  private readonly marks = new Map<string, Mark>();
  readonly bySignature = new Map<string, number>();
  /** Backends with a result in the window. */
  probed = 0;
  /**
   * (mark, at) in arrival order, a ring of two parallel arrays; an entry whose mark has a newer
   * result (or left the window) is stale and skipped.
   */
  private queueMarks: (Mark | undefined)[] = new Array<Mark | undefined>(INITIAL_QUEUE);
  private queueAt = new Float64Array(INITIAL_QUEUE);
  private head = 0;
  private size = 0;
  suspect: SuspectEpisode | undefined;
  /** How many backends share the signature top() returned last (no object per call). */
  topCount = 0;

  constructor(
    readonly check: string,
    window: number,
  ) {
    this.windowMs = window;
  }

  /** The backend's mark, made on first use. */
  markOf(backend: string): Mark {
    let mark = this.marks.get(backend);
    if (mark === undefined) {
      mark = new Mark(this);
      this.marks.set(backend, mark);
    }
    return mark;
  }

  put(mark: Mark, at: number, signature: string | undefined): void {
    this.leave(mark);
    mark.at = at;
    mark.signature = signature;
    mark.inWindow = true;
    this.probed++;
    if (signature !== undefined) this.bySignature.set(signature, (this.bySignature.get(signature) ?? 0) + 1);
    this.push(mark, at);
  }

  expire(before: number): void {
    const mask = this.queueAt.length - 1;
    while (this.size > 0) {
      const at = this.queueAt[this.head] as number;
      if (at >= before) break;
      const mark = this.queueMarks[this.head] as Mark;
      this.queueMarks[this.head] = undefined;
      this.head = (this.head + 1) & mask;
      this.size--;
      if (mark.inWindow && mark.at === at) this.leave(mark);
    }
  }

  /** The most common failure signature (undefined: none) and, in `topCount`, how many share it. */
  top(): string | undefined {
    let best: string | undefined;
    let bestCount = 0;
    for (const [signature, count] of this.bySignature) {
      if (best === undefined || count > bestCount) {
        best = signature;
        bestCount = count;
      }
    }
    this.topCount = bestCount;
    return best;
  }

  /** Forgets the backend: its result leaves the window and its queue entries go stale. */
  drop(backend: string): void {
    const mark = this.marks.get(backend);
    if (mark === undefined) return;
    this.marks.delete(backend);
    this.leave(mark);
  }

  /** Takes the mark's result out of the counts (it stays known, for its next result). */
  private leave(mark: Mark): void {
    if (!mark.inWindow) return;
    mark.inWindow = false;
    this.probed--;
    const signature = mark.signature;
    if (signature === undefined) return;
    const n = (this.bySignature.get(signature) ?? 1) - 1;
    if (n === 0) this.bySignature.delete(signature);
    else this.bySignature.set(signature, n);
  }

  private push(mark: Mark, at: number): void {
    if (this.size === this.queueAt.length) this.grow();
    const tail = (this.head + this.size) & (this.queueAt.length - 1);
    this.queueMarks[tail] = mark;
    this.queueAt[tail] = at;
    this.size++;
  }

  /** Doubles the ring, unwrapping it so that the oldest entry is at 0. */
  private grow(): void {
    const cap = this.queueAt.length;
    const marks = new Array<Mark | undefined>(cap * 2);
    const ats = new Float64Array(cap * 2);
    for (let k = 0; k < this.size; k++) {
      const from = (this.head + k) & (cap - 1);
      marks[k] = this.queueMarks[from];
      ats[k] = this.queueAt[from] as number;
    }
    this.queueMarks = marks;
    this.queueAt = ats;
    this.head = 0;
  }
}

/**
 * The error two backends must share to fail "alike": connection-level verdicts only (L4CON,
 * L4TOUT), code and detail, which name no backend address. TLS and HTTP answers came from the
 * backends themselves, and checker faults are already known to be ours.
 */
export function failureSignature(result: ProbeResult): string | undefined {
  if (result.ok || result.code === 'checker-fault' || result.layer !== 'L4') return undefined;
  return `${result.code} ${result.detail}`;
}

export class MassFailureDetector {
  private readonly tallies = new Map<string, CheckTally>();
  private readonly minBackends: number;
  private readonly share: number;

  constructor(opts: MassFailureOptions = {}) {
    this.minBackends = opts.minBackends ?? 3;
    this.share = opts.share ?? 0.5;
  }

  /**
   * The backend's mark in health check `check`'s tally, to feed its results through observe().
   * Also sets the check's window: the caller asks again when the check's config changes.
   */
  mark(check: CheckWindow, backend: string): BackendMark {
    let tally = this.tallies.get(check.name);
    if (!tally) {
      tally = new CheckTally(check.name, check.windowMs);
      this.tallies.set(check.name, tally);
    } else tally.windowMs = check.windowMs;
    return tally.markOf(backend);
  }

  /**
   * Feeds one probe result of the backend `mark` stands for; returns the start or end of an
   * episode when this result made one.
   */
  observe(mark: BackendMark, result: ProbeResult, now: number): MassFailureChange | undefined {
    // Every BackendMark is a Mark: only mark() makes one (nothing outside can name the brand).
    const record = mark as Mark;
    const tally = record.tally;
    tally.put(record, now, failureSignature(result));
    tally.expire(now - tally.windowMs);
    const top = tally.top();
    const failing = tally.topCount;
    const probed = tally.probed;
    const holds = top !== undefined && failing >= this.minBackends && failing > this.share * probed;
    const current = tally.suspect;
    if (holds && (current === undefined || current.signature !== top)) {
      const episode: SuspectEpisode = {
        healthcheck: tally.check,
        signature: top,
        failing,
        probed,
      };
      tally.suspect = episode;
      return { kind: 'suspect', episode };
    }
    if (!holds && current !== undefined) {
      tally.suspect = undefined;
      return { kind: 'cleared', episode: current };
    }
    // Only while an episode lasts, and only when its figures moved.
    if (holds && current && (current.failing !== failing || current.probed !== probed))
      tally.suspect = { ...current, failing, probed };
    return undefined;
  }

  /** Forgets a backend (it left the config, or stopped being probed). */
  forget(backend: string): void {
    for (const tally of this.tallies.values()) tally.drop(backend);
  }

  /** Episodes in progress, for readers. */
  active(): SuspectEpisode[] {
    return [...this.tallies.values()].flatMap((t) => (t.suspect ? [t.suspect] : []));
  }
}
