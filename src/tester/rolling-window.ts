// A bounded window of recent samples: the newest `maxSamples`, none older than `maxAgeMs`. The
// rolling figures (percentiles, OK %, header shares) are taken over it, so they follow the
// present and forget an outage once it has scrolled out.

export class RollingWindow<T extends { at: number }> {
  private items: T[] = [];
  /** Index of the oldest live item; the array is compacted now and then, not on every shift. */
  private head = 0;

  constructor(
    readonly maxSamples: number,
    readonly maxAgeMs: number,
  ) {
    if (maxSamples < 1) throw new RangeError('maxSamples must be at least 1');
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length - this.head > this.maxSamples) this.head++;
    this.compact();
  }

  /** Drops what is older than maxAgeMs at `now`; returns how many samples went. */
  prune(now: number): number {
    const oldest = now - this.maxAgeMs;
    const before = this.head;
    while (this.head < this.items.length && this.items[this.head]!.at < oldest) this.head++;
    const dropped = this.head - before;
    this.compact();
    return dropped;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** The live samples, oldest first. */
  values(): T[] {
    return this.items.slice(this.head);
  }

  private compact(): void {
    if (this.head > 0 && this.head >= this.maxSamples) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
