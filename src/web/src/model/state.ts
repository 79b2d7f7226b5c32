// The page's state: one view per maglevd plus the event log. Plain data, kept in a Solid store;
// the reducers in reducers.ts change it in place (inside the store's produce) and are tested
// without a browser.

import type {
  BackendJson,
  FrontendJson,
  HealthCheckJson,
  MaglevdStatusJson,
  VersionJson,
  VppJson,
  VppTrafficJson,
} from '../../../frontend/wire.js';

export interface MaglevdView {
  name: string;
  status: MaglevdStatusJson;
  frontends: FrontendJson[];
  backends: Record<string, BackendJson>;
  healthchecks: HealthCheckJson[];
  vpp: VppJson;
  /** Rates and their recent history; null while VPP's counters are unavailable. */
  traffic: VppTrafficJson | null;
  refreshedAt: number | null;
  /** Probes seen per backend (from maglevd's probe summaries): each new one is a heartbeat. */
  beats: Record<string, number>;
  /** Counts vpp-api-send / vpp-api-recv records, so the API indicator can blink on each. */
  vppApiSent: number;
  vppApiReceived: number;
  /**
   * Browser times of the last transition or weight change, of the last `lb-sync` record
   * (maglevd reconciled VPP) and of the last lb-state read: they decide when VPP is expected to
   * agree with maglevd (model/health.ts isSettled).
   */
  changedAt: number;
  syncedAt: number;
  lbStateAt: number;
}

export type LogKind = 'backend' | 'frontend' | 'log' | 'status' | 'admin';

export interface LogEntry {
  id: number;
  /** Wall time of the event (maglevd's clock when it came from maglevd). */
  at: number;
  maglevd: string;
  kind: LogKind;
  level: string;
  /** Short name of what happened, e.g. backend-transition, probe-done. */
  msg: string;
  text: string;
}

export type Connection = 'connecting' | 'live' | 'reconnecting';

export interface AppState {
  order: string[];
  maglevds: Record<string, MaglevdView>;
  version: VersionJson | null;
  /** /admin/ is enabled on the server. */
  adminEnabled: boolean;
  connection: Connection;
  log: LogEntry[];
  nextLogId: number;
}

export const LOG_KEEP = 500;

export function emptyState(): AppState {
  return {
    order: [],
    maglevds: {},
    version: null,
    adminEnabled: false,
    connection: 'connecting',
    log: [],
    nextLogId: 1,
  };
}
