// src/vpp/stats owns VPP's stats segment: its layout (layout.ts), reading it consistently and
// without trusting it (segment.ts), and one open segment received over the stats socket
// (client.ts, with the descriptor passing in the native addon, native.ts).

export * from './layout.js';
export {
  BufferSegmentBytes,
  DEFAULT_READ_ATTEMPTS,
  StatsBusyError,
  StatsSegmentError,
  StatsVersionError,
  combinedCounterSums,
  offsetOf,
  readConsistently,
  readDirectory,
  readHeader,
  readRuns,
  scalarValue,
  simpleCounterSums,
  vectorLength,
  type DirectoryEntry,
  type PacketsAndBytes,
  type SegmentBytes,
  type SegmentHeader,
} from './segment.js';
export {
  DEFAULT_STATS_CONNECT_TIMEOUT_MS,
  FdSegmentBytes,
  StatsSegment,
  type StatsConnectOptions,
  type StatsQuery,
  type StatsReading,
} from './client.js';
export { loadStatsNative, type StatsFdServer, type StatsNative } from './native.js';
