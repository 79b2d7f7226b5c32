// A vppinfra pool: a vector with a free list. pool_get reuses the most recently freed index first
// (the free list is a stack), pool_foreach walks live elements in index order. VIP indexes (the key
// of the stats counters), AS indexes and the order ASes are listed in all come from this
// behaviour, so the simulator keeps it rather than using a Map.

export class Pool<T> {
  private readonly items: (T | undefined)[] = [];
  private readonly freeIndexes: number[] = [];

  /** pool_get: stores value and returns its index. */
  get(value: T): number {
    const index = this.freeIndexes.pop() ?? this.items.length;
    this.items[index] = value;
    return index;
  }

  /** pool_put: frees an index (no-op when already free). */
  put(index: number): void {
    if (this.items[index] === undefined) return;
    this.items[index] = undefined;
    this.freeIndexes.push(index);
  }

  at(index: number): T | undefined {
    return this.items[index];
  }

  /** Live [index, value] pairs in index order (a snapshot: safe to put() while iterating). */
  entries(): [number, T][] {
    const out: [number, T][] = [];
    this.items.forEach((v, i) => {
      if (v !== undefined) out.push([i, v]);
    });
    return out;
  }

  values(): T[] {
    return this.entries().map(([, v]) => v);
  }

  /** pool_elts: live elements. */
  get size(): number {
    return this.items.length - this.freeIndexes.length;
  }

  /** pool_len: the vector's length, free slots included. */
  get length(): number {
    return this.items.length;
  }
}
