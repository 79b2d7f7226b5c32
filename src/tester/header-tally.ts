// The tally of one response header's values (by default X-IPng-Frontend, which names the
// backend that answered): how often each value was seen, and when last. A value that has not
// been seen for FRESH_MS is drained: the load balancer no longer sends traffic there.

export const FRESH_MS = 5_000;
/** At most this many rows, the last one OTHER_VALUE for values past the limit, so a header
 * that carries something unique per response (a request id) cannot grow the tally without bound. */
export const MAX_TALLY_VALUES = 64;
export const OTHER_VALUE = '(other)';
/** The tally row for answers that did not carry the header at all. */
export const MISSING_VALUE = '(none)';

export interface TallyEntry {
  value: string;
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

export class HeaderTally {
  private readonly entries = new Map<string, TallyEntry>();

  /** Counts one answer; `value` undefined means the header was absent. Returns the label used. */
  record(value: string | undefined, at: number): string {
    let label = value ?? MISSING_VALUE;
    const distinct = this.entries.size - (this.entries.has(OTHER_VALUE) ? 1 : 0);
    if (!this.entries.has(label) && distinct >= MAX_TALLY_VALUES - 1) label = OTHER_VALUE;
    const entry = this.entries.get(label);
    if (entry) {
      entry.count++;
      entry.lastSeenAt = Math.max(entry.lastSeenAt, at);
    } else {
      this.entries.set(label, { value: label, count: 1, firstSeenAt: at, lastSeenAt: at });
    }
    return label;
  }

  /** Entries in the order first seen, so rows keep their place while traffic moves. */
  list(): TallyEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  get size(): number {
    return this.entries.size;
  }
}

export function isFresh(lastSeenAt: number, now: number): boolean {
  return now - lastSeenAt <= FRESH_MS;
}
