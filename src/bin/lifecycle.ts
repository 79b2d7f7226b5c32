// What every maglev binary does around its own work, written once: a long-running one stops
// gracefully on SIGTERM/SIGINT; every one leaves with its exit code even if a stray handle (a
// half-closed socket) lingers, and reports a crash on stderr with exit 1.

import type { JsonLogger } from '../log/index.js';

/**
 * Resolves with the exit code once the process should end: after SIGTERM or SIGINT, stop() runs
 * once (0 when it resolves, 1 when it fails). `more` may end it early by calling exit (vppsim's
 * crash). The logger is flushed either way.
 */
export function serveUntilSignalled(
  logger: JsonLogger,
  stop: () => Promise<void>,
  more?: (exit: (code: number) => void) => void,
): Promise<number> {
  return new Promise<number>((resolve) => {
    let ended = false;
    const exit = (code: number): void => {
      if (ended) return;
      ended = true;
      resolve(code);
    };
    let stopping = false;
    const onSignal = (signal: string): void => {
      if (stopping || ended) return;
      stopping = true;
      logger.info('signal', { signal });
      stop().then(
        () => exit(0),
        (err: unknown) => {
          logger.error('stop-failed', { error: String(err) });
          exit(1);
        },
      );
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
    more?.(exit);
  }).finally(() => logger.flush());
}

export interface LeaveOptions {
  /** Let stdout drain first (a CLI's output into a slow pipe); daemons leave at once. */
  drainStdout?: boolean;
  /** Runs before a crash is reported (maglevt leaves the alternate screen). */
  beforeCrashReport?: () => void;
}

/** Ends the process with the code `run` resolves to, or reports its crash as `name: stack`, exit 1. */
export function leaveWith(name: string, run: Promise<number>, opts: LeaveOptions = {}): void {
  run.then(
    (code) => {
      process.exitCode = code;
      if (opts.drainStdout) process.stdout.write('', () => process.exit(code));
      else setImmediate(() => process.exit(code));
    },
    (err: unknown) => {
      opts.beforeCrashReport?.();
      process.stderr.write(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
