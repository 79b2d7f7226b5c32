// A record of things that happen on a test server (requests, connections, handshakes, first
// bytes), so a test waits for the event itself instead of sleeping.

export class Arrivals<T> {
  /** Everything that arrived so far, in order. */
  readonly all: T[] = [];
  private handedOut = 0;
  private waiters: { index: number; resolve: (item: T) => void }[] = [];

  push(item: T): void {
    this.all.push(item);
    const due = this.waiters.filter((w) => w.index < this.all.length);
    this.waiters = this.waiters.filter((w) => w.index >= this.all.length);
    for (const w of due) w.resolve(this.all[w.index] as T);
  }

  /** The arrival with this index (0-based), waiting for it if needed. */
  at(index: number): Promise<T> {
    if (index < this.all.length) return Promise.resolve(this.all[index] as T);
    return new Promise((resolve) => this.waiters.push({ index, resolve }));
  }

  /** The next arrival not yet handed out by next(), waiting for it if needed. */
  next(): Promise<T> {
    return this.at(this.handedOut++);
  }

  get count(): number {
    return this.all.length;
  }
}
