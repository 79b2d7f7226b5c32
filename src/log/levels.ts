export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LEVEL_RANK: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50 };

export type LogAttrs = Record<string, unknown>;

export interface LogRecord {
  level: LogLevel;
  event: string;
  attrs: LogAttrs;
  /** Wall time, ms since the epoch. */
  at: number;
}

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}
