// maglevd hands the free memory of malloc's arenas back to the kernel every few seconds. glibc
// keeps what a process frees for reuse, in one arena per thread that allocates (V8's compiler
// and collector threads, libuv's, the probe engine's), and gives back little of it on its own;
// at 10 000 backends each trim took 2.5–4.6 MiB off the resident set, and as much had come back
// 8 s later (docs/maglevd.md §Memory). A trim costs well under a millisecond. V8's own heap is
// not malloc's and is not touched.

import type { Clock, TimerHandle } from '../clock/index.js';

/** How often the arenas are trimmed. */
export const MEMORY_TRIM_EVERY_MS = 10_000;

export interface MemoryTrim {
  stop(): void;
}

/** Calls `release` (which must not throw) every `everyMs` until stopped. */
export function startMemoryTrim(
  clock: Clock,
  release: () => unknown,
  everyMs: number = MEMORY_TRIM_EVERY_MS,
): MemoryTrim {
  let timer: TimerHandle | undefined;
  const next = (): void => {
    timer = clock.setTimeout(() => {
      timer = undefined;
      release();
      next();
    }, everyMs);
  };
  next();
  return {
    stop() {
      timer?.cancel();
      timer = undefined;
    },
  };
}
