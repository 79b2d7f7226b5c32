// Loggers for tests, written once. RecordingLogger is the one fake: it keeps every record so a
// test can read what was logged or await a record instead of sleeping. broadcastOnlyLogger is
// the real JsonLogger with its output thrown away, for code whose log records must reach a
// LogBroadcaster (the gRPC WatchEvents log stream) exactly as in the daemon;
// broadcastOnlyLoggerKeepingLogs also keeps what it broadcasts.

import { Writable } from 'node:stream';
import {
  JsonLogger,
  LogBroadcaster,
  type LogAttrs,
  type Logger,
  type LogLevel,
  type LogRecord,
} from '../../src/log/index.js';

export interface LoggedRecord {
  readonly level: LogLevel;
  readonly event: string;
  readonly attrs: LogAttrs;
}

export class RecordingLogger implements Logger {
  readonly records: LoggedRecord[] = [];
  private waiters: { match: (r: LoggedRecord) => boolean; resolve: (r: LoggedRecord) => void }[] = [];
  private readonly debugEnabled: boolean;

  /** debug: false makes enabled('debug') false, as a daemon at --log-level info (hot paths skip). */
  constructor(opts: { debug?: boolean } = {}) {
    this.debugEnabled = opts.debug ?? true;
  }

  debug(event: string, attrs?: LogAttrs): void {
    this.record('debug', event, attrs);
  }
  info(event: string, attrs?: LogAttrs): void {
    this.record('info', event, attrs);
  }
  warn(event: string, attrs?: LogAttrs): void {
    this.record('warn', event, attrs);
  }
  error(event: string, attrs?: LogAttrs): void {
    this.record('error', event, attrs);
  }
  enabled(level: LogLevel): boolean {
    return level !== 'debug' || this.debugEnabled;
  }

  /** Every record of this event, oldest first. */
  named(event: string): LoggedRecord[] {
    return this.records.filter((r) => r.event === event);
  }

  /** The attributes of every record of this event, oldest first. */
  attrsOf(event: string): LogAttrs[] {
    return this.named(event).map((r) => r.attrs);
  }

  /** Resolves with the next record (logged after now) of this event for which match is true. */
  next(event: string, match: (attrs: LogAttrs) => boolean = () => true): Promise<LoggedRecord> {
    return new Promise((resolve) => {
      this.waiters.push({ match: (r) => r.event === event && match(r.attrs), resolve });
    });
  }

  private record(level: LogLevel, event: string, attrs: LogAttrs = {}): void {
    const r = { level, event, attrs };
    this.records.push(r);
    const ready = this.waiters.filter((w) => w.match(r));
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(r);
  }
}

/**
 * The daemon's JsonLogger at level error into a sink that drops everything: records reach only
 * the broadcaster, where subscribers pick their own level (as WatchEvents does).
 */
export function broadcastOnlyLogger(broadcaster: LogBroadcaster = new LogBroadcaster()): JsonLogger {
  return new JsonLogger({
    level: 'error',
    broadcaster,
    destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
  });
}

/** broadcastOnlyLogger, with every record it publishes (debug and up) kept in `logs`, in order. */
export function broadcastOnlyLoggerKeepingLogs(): { logger: JsonLogger; logs: LogRecord[] } {
  const logs: LogRecord[] = [];
  const broadcaster = new LogBroadcaster();
  broadcaster.subscribe('debug', (r) => logs.push(r));
  return { logger: broadcastOnlyLogger(broadcaster), logs };
}
