// Structured logs: one JSON object per line (pino), with the event name as `msg`
// (`backend-transition`, `probe-start`, `vpp-connect`, ...). Every record also goes to the
// LogBroadcaster, whose subscribers (gRPC WatchEvents) each choose their own level,
// independent of the daemon's --log-level.

import pino from 'pino';
import { LogBroadcaster } from './broadcaster.js';
import { LEVEL_RANK, type LogAttrs, type LogLevel } from './levels.js';

export interface Logger {
  debug(event: string, attrs?: LogAttrs): void;
  info(event: string, attrs?: LogAttrs): void;
  warn(event: string, attrs?: LogAttrs): void;
  error(event: string, attrs?: LogAttrs): void;
  /** True when a record at this level would go anywhere (lets hot paths skip building attrs). */
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where JSON lines go; default stdout. */
  destination?: pino.DestinationStream;
  broadcaster?: LogBroadcaster;
}

export class JsonLogger implements Logger {
  private readonly out: pino.Logger;
  private readonly dest: pino.DestinationStream;
  private readonly outRank: number;
  readonly broadcaster: LogBroadcaster;

  constructor(opts: LoggerOptions) {
    this.outRank = LEVEL_RANK[opts.level];
    this.broadcaster = opts.broadcaster ?? new LogBroadcaster();
    this.dest = opts.destination ?? pino.destination({ dest: 1, sync: false });
    this.out = pino(
      {
        level: opts.level,
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      this.dest,
    );
  }

  enabled(level: LogLevel): boolean {
    const rank = LEVEL_RANK[level];
    return rank >= this.outRank || rank >= this.broadcaster.minRank();
  }

  debug(event: string, attrs?: LogAttrs): void {
    this.write('debug', event, attrs);
  }
  info(event: string, attrs?: LogAttrs): void {
    this.write('info', event, attrs);
  }
  warn(event: string, attrs?: LogAttrs): void {
    this.write('warn', event, attrs);
  }
  error(event: string, attrs?: LogAttrs): void {
    this.write('error', event, attrs);
  }

  /** Writes out anything buffered, synchronously (call before exit). */
  flush(): void {
    const d = this.dest as { flushSync?: () => void };
    try {
      if (typeof d.flushSync === 'function') d.flushSync();
      else this.out.flush();
    } catch {
      // nothing buffered yet (SonicBoom throws when not ready): nothing to lose
    }
  }

  private write(level: LogLevel, event: string, attrs: LogAttrs | undefined): void {
    const rank = LEVEL_RANK[level];
    // `msg` is the event name on every line: an attribute of that name would be lost, so it is
    // kept as `message` instead.
    if (attrs && 'msg' in attrs) attrs = { ...attrs, message: attrs.msg };
    if (rank >= this.outRank) this.out[level](attrs ?? {}, event);
    if (rank >= this.broadcaster.minRank())
      this.broadcaster.publish({ level, event, attrs: attrs ?? {}, at: Date.now() });
  }
}

/** A logger that drops everything (for tests and tools that need a Logger but no output). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  enabled: () => false,
};
