// The suspect detector (docs/safety.md §Suspect mass failures): when most backends of one health
// check fail at the same moment with the same connection-level error, the cause is more likely
// on our side (an uplink, a firewall, the probe namespace's routing) than in every backend at
// once. Those failures still count, because a real mass outage must still fail over, but the
// checker logs and counts the episode so an operator looks at the checker first. Pure: the time
// comes in with each result, and each health check's latest results are counted incrementally,
// so a result costs O(1) however many backends share the check.

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

interface Latest {
  at: number;
  /** undefined: a pass, or a failure that is not connection-level. */
  signature: string | undefined;
}

class CheckTally {
  readonly latest = new Map<string, Latest>();
  readonly bySignature = new Map<string, number>();
  /** (backend, at) in arrival order; stale entries (a newer result exists) are skipped. */
  private readonly queue: { backend: string; at: number }[] = [];
  private head = 0;
  suspect: SuspectEpisode | undefined;

  put(backend: string, at: number, signature: string | undefined): void {
    this.drop(backend);
    this.latest.set(backend, { at, signature });
    if (signature !== undefined) this.bySignature.set(signature, (this.bySignature.get(signature) ?? 0) + 1);
    this.queue.push({ backend, at });
  }

  expire(before: number): void {
    while (this.head < this.queue.length) {
      const next = this.queue[this.head] as { backend: string; at: number };
      if (next.at >= before) break;
      this.head++;
      if (this.latest.get(next.backend)?.at === next.at) this.drop(next.backend);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The most common failure signature and how many backends share it. */
  top(): { signature: string; count: number } | undefined {
    let best: { signature: string; count: number } | undefined;
    for (const [signature, count] of this.bySignature)
      if (!best || count > best.count) best = { signature, count };
    return best;
  }

  /** Forgets the backend's latest result; its queue entry goes stale and is skipped. */
  drop(backend: string): void {
    const prev = this.latest.get(backend);
    if (!prev) return;
    this.latest.delete(backend);
    if (prev.signature === undefined) return;
    const n = (this.bySignature.get(prev.signature) ?? 1) - 1;
    if (n === 0) this.bySignature.delete(prev.signature);
    else this.bySignature.set(prev.signature, n);
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

  /** Feeds one probe result; returns the start or end of an episode when this result made one. */
  observe(
    check: CheckWindow,
    backend: string,
    result: ProbeResult,
    now: number,
  ): MassFailureChange | undefined {
    let tally = this.tallies.get(check.name);
    if (!tally) {
      tally = new CheckTally();
      this.tallies.set(check.name, tally);
    }
    tally.put(backend, now, failureSignature(result));
    tally.expire(now - check.windowMs);
    const top = tally.top();
    const probed = tally.latest.size;
    const holds = top !== undefined && top.count >= this.minBackends && top.count > this.share * probed;
    const current = tally.suspect;
    if (holds && (current === undefined || current.signature !== top.signature)) {
      const episode: SuspectEpisode = {
        healthcheck: check.name,
        signature: top.signature,
        failing: top.count,
        probed,
      };
      tally.suspect = episode;
      return { kind: 'suspect', episode };
    }
    if (!holds && current !== undefined) {
      tally.suspect = undefined;
      return { kind: 'cleared', episode: current };
    }
    if (holds && current) tally.suspect = { ...current, failing: top.count, probed };
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
