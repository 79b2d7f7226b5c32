// A minimal typed event: listeners in, unsubscribe out. Listener errors are isolated so one bad
// subscriber cannot break delivery to the others or the socket code that emits.

export class Signal<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Adds a listener; returns a function that removes it. */
  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the next emitted value. */
  next(): Promise<T> {
    return new Promise((resolve) => {
      const off = this.add((v) => {
        off();
        resolve(v);
      });
    });
  }

  emit(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
