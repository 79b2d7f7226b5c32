// Frontend: maglevd-frontend, the web dashboard's server. Owns one upstream per maglevd (a
// WatchEvents stream, a 30 s refresh, a 5 s reachability probe, a debounced lb-state fetch and
// the VIP counters' traffic with its recent history, each a part of its own in upstream-*.ts),
// the --server list with each server's TLS settings, the SSE broker with its replay ring, the
// read-only /view/ JSON API, the basic-auth /admin/ actions, and serving the built page (src/web
// → dist/web). It talks to maglevd only through the gRPC client. The page's JSON shapes are in
// wire.ts, shared with src/web.

export { startFrontend, FrontendOptionsError } from './frontend.js';
export type { FrontendOptions, RunningFrontend } from './frontend.js';
export { parseFrontendArgs, FRONTEND_DEFAULTS } from './options.js';
export { parseServerList } from './server-list.js';
export type { MaglevdServer } from './server-list.js';
export type { FrontendCliOptions, FrontendCommand } from './options.js';
export { SseBroker, RING_MS, RING_MAX } from './sse-broker.js';
export type { SseEvent, SubscribeStart, ResyncReason } from './sse-broker.js';
export { openSseStream, formatSseEvent, PING_MS, RETRY_MS, SSE_HEADERS } from './sse-stream.js';
export { credentialsChecker, parseBasicAuth, REALM } from './auth.js';
export type { Credentials } from './auth.js';
export { crossSiteRefusal } from './cross-site.js';
export { Debouncer } from './debouncer.js';
export { Backoff } from './backoff.js';
export { MaglevdUpstream, DEFAULT_TIMINGS, REFRESH_MS, HEALTH_MS, LB_DEBOUNCE_MS } from './upstream.js';
export type { UpstreamTimings } from './upstream.js';
export { UpstreamView, TRANSITIONS_KEPT } from './upstream-view.js';
export { InFlight } from './upstream-context.js';
export type { Publish, Track, UpstreamContext } from './upstream-context.js';
export { Reachability } from './upstream-reachability.js';
export type { ReachabilityOptions } from './upstream-reachability.js';
export {
  RefreshLoop,
  refreshPeriodMs,
  REFRESH_BACKENDS_PER_PERIOD,
  REFRESH_MAX_MS,
} from './upstream-refresh.js';
export type { RefreshCalls, RefreshOptions } from './upstream-refresh.js';
export { LbStateLoop, lbSyncChangedVpp } from './upstream-lb-state.js';
export type { LbStateCalls, LbStateOptions } from './upstream-lb-state.js';
export { WatchLoop } from './upstream-watch.js';
export { TrafficLoop, TRAFFIC_POLL_MS } from './upstream-traffic.js';
export type { TrafficOptions } from './upstream-traffic.js';
export { trafficSample } from './traffic.js';
export { appendTraffic, TRAFFIC_WINDOW_MS } from './traffic-history.js';
export type { WatchOptions, WatchStream } from './upstream-watch.js';
export { DEFAULT_WEB_ROOT } from './static-files.js';
export { frontendJson } from './convert.js';
export type * from './wire.js';
