// Metrics: maglevd's Prometheus registry and collectors, and the /metrics HTTP endpoint. Health
// is read from the checker at scrape time; probes and transitions are counted through the
// checker's hooks; the VPP side feeds its families through small setters (see metrics.ts).

export { createMetrics, FRONTEND_STATE_VALUES } from './metrics.js';
export type { CheckerHooks, Metrics, MetricsOptions } from './metrics.js';
export type { MetricsSource } from './source.js';
export { PROBE_DURATION_BUCKETS, SCHEDULE_LAG_BUCKETS } from './histogram.js';
export { ConfigLoadMetrics } from './config-load.js';
export { LB_SYNC_KINDS, VppMetrics } from './vpp-metrics.js';
export type { LbSyncKind, LbSyncScope, VipCounters, VppApiDirection, VppInfo } from './vpp-metrics.js';
export { parseListenAddress, ListenAddressError } from './listen-address.js';
export type { ListenAddress } from './listen-address.js';
export { startMetricsServer } from './server.js';
export type { MetricsServer, MetricsServerOptions } from './server.js';
export type { AnnouncementsSource } from './announce-metrics.js';
