export { JsonLogger, silentLogger } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
export { LogBroadcaster } from './broadcaster.js';
export { LOG_LEVELS, LEVEL_RANK, isLogLevel } from './levels.js';
export type { LogLevel, LogAttrs, LogRecord } from './levels.js';
