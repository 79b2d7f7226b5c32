// Shared test plumbing for the VPP client tests: a temp dir per test for unix sockets and
// .api.json files, and a Logger that records events so tests can wait for them instead of sleeping.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogAttrs, Logger, LogLevel } from '../../src/log/index.js';

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vpp-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface LoggedEvent {
  readonly level: LogLevel;
  readonly event: string;
  readonly attrs: LogAttrs;
}

/** Records every record (at every level) and lets a test await a matching one. */
export class CaptureLogger implements Logger {
  readonly events: LoggedEvent[] = [];
  private waiters: { match: (e: LoggedEvent) => boolean; resolve: (e: LoggedEvent) => void }[] = [];

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
  enabled(): boolean {
    return true;
  }

  named(event: string): LoggedEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** Resolves with the next record (after now) for which match is true. */
  next(event: string, match: (attrs: LogAttrs) => boolean = () => true): Promise<LoggedEvent> {
    return new Promise((resolve) => {
      this.waiters.push({ match: (e) => e.event === event && match(e.attrs), resolve });
    });
  }

  private record(level: LogLevel, event: string, attrs: LogAttrs = {}): void {
    const e = { level, event, attrs };
    this.events.push(e);
    const ready = this.waiters.filter((w) => w.match(e));
    this.waiters = this.waiters.filter((w) => !w.match(e));
    for (const w of ready) w.resolve(e);
  }
}

/** Hex dump helper: '12 34 ab' → bytes. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/[^0-9a-fA-F]/g, ''), 'hex');
}
