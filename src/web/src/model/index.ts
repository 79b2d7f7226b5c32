// The page's pure model: state shape, reducers for server events, and the derivations the page
// shows (effective weights, frontend state, health icon, settling, ages, event ids). No DOM and
// no Solid here, so it is tested with node's test runner.

export { formatAge, ageSince, formatDuration } from './age.js';
export { announcementBadge } from './announcement.js';
export type { AnnouncementBadge } from './announcement.js';
export { deriveFrontend } from './derived-frontend.js';
export type { DerivedBackend, DerivedFrontend, DerivedPool } from './derived-frontend.js';
export { parseEventId, isAfter } from './event-id.js';
export type { ParsedEventId } from './event-id.js';
export {
  dataplaneMismatch,
  frontendHealth,
  HEALTH_LABEL,
  isSettled,
  SETTLE_WITHOUT_SYNC_MS,
  vppWeights,
} from './health.js';
export type { Health } from './health.js';
export * as reducers from './reducers.js';
export { sparklinePath } from './sparkline.js';
export type { SparklineBox } from './sparkline.js';
export { emptyState, LOG_KEEP } from './state.js';
export type { AppState, Connection, LogEntry, LogKind, MaglevdView } from './state.js';
export { OVERSCAN_ROWS, rowPitch, rowWindow, WINDOW_FROM_ROWS } from './row-window.js';
export type { RowWindow } from './row-window.js';
