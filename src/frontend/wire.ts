// The JSON the dashboard server sends to the page: REST hydration bodies and SSE event payloads.
// Types only, no imports: the SPA (src/web, its own tsconfig, DOM lib) imports this file too, so
// the two sides cannot drift. Times are wall-clock milliseconds since the epoch (maglevd's clock),
// null when unknown.

export interface VersionJson {
  program: string;
  version: string;
  commit: string;
  date: string;
}

/** Reachability of one maglevd, as the dashboard sees it. */
export interface MaglevdStatusJson {
  /** The --server address; also the maglevd's name in URLs and events. */
  name: string;
  reachable: boolean;
  /** Why it is unreachable (the last gRPC error), null while reachable. */
  error: string | null;
  /** When `reachable` last changed (dashboard clock). */
  since: number;
}

export interface TransitionJson {
  from: string;
  to: string;
  at: number | null;
  code: string;
  detail: string;
}

export interface PoolBackendJson {
  name: string;
  address: string;
  /** Configured pool weight 0..100. */
  weight: number;
  /** maglevd's effective weight when it was last read (the page derives its own live). */
  effectiveWeight: number;
  state: string;
  enabled: boolean;
  lastTransitionAt: number | null;
  vppBuckets: number | null;
  predictedBuckets: number | null;
  /** The checker-fault reason while maglevd cannot judge the backend (its state is held). */
  checkerFault: string | null;
}

export interface PoolJson {
  name: string;
  active: boolean;
  backends: PoolBackendJson[];
}

/** A frontend's BGP announcement (docs/fleet.md): whether this node's route is in BIRD, and why. */
export interface AnnouncementJson {
  announced: boolean;
  /** up | off | frontend-down | not-programmed | stopping */
  reason: string;
}

export interface FrontendJson {
  name: string;
  address: string;
  protocol: string;
  port: number;
  family: number;
  description: string;
  srcIpSticky: boolean;
  flushOnDown: boolean;
  flowTableLength: number;
  state: string;
  stateSince: number | null;
  activePool: number | null;
  /** panic-threshold in percent; null when the frontend has none. The page derives the panic itself. */
  panicThreshold: number | null;
  pools: PoolJson[];
  /** Absent or null while maglevd has no maglev.announce. */
  announcement?: AnnouncementJson | null;
}

/** A checker fault in progress on a backend (docs/safety.md). */
export interface CheckerFaultJson {
  reason: string;
  detail: string;
  since: number | null;
}

export interface BackendJson {
  name: string;
  address: string;
  family: number;
  state: string;
  enabled: boolean;
  healthcheck: string;
  counter: number;
  rise: number;
  fall: number;
  frontends: string[];
  /** Newest first. */
  transitions: TransitionJson[];
  checkerFault: CheckerFaultJson | null;
}

export interface HealthCheckJson {
  name: string;
  type: string;
  port: number | null;
  intervalMs: number;
  fastIntervalMs: number;
  downIntervalMs: number;
  timeoutMs: number;
  rise: number;
  fall: number;
  backends: string[];
}

export interface VppInfoJson {
  version: string;
  buildDate: string;
  pid: number;
  bootTime: number | null;
  connectTime: number | null;
  lbApiVersion: string;
  apiSocket: string;
}

export interface VppAsJson {
  address: string;
  weight: number;
  inUse: boolean;
  buckets: number | null;
  backend: string | null;
  predictedBuckets: number | null;
}

export interface VppVipJson {
  prefix: string;
  protocol: string;
  port: number;
  encap: string;
  flowTableLength: number;
  srcIpSticky: boolean;
  frontend: string | null;
  ases: VppAsJson[];
}

export interface VppLbStateJson {
  readAt: number | null;
  vips: VppVipJson[];
}

export interface VppJson {
  /** GetVPPInfo answered (maglevd is connected to VPP). */
  connected: boolean;
  info: VppInfoJson | null;
  /** Why VPP data is missing (e.g. "VPP integration is disabled"), null when connected. */
  error: string | null;
  lbState: VppLbStateJson | null;
}

/** One poll's rates; null when unknown (no previous poll, or no stats segment for bytes). */
export interface TrafficRateJson {
  /** When maglevd polled the counters (its clock). */
  at: number;
  /** Packets the lb node handled per second. */
  pps: number | null;
  /** Bytes per second routed to the VIP's address. */
  bps: number | null;
}

/** A frontend's traffic now and over the last minutes. */
export interface FrontendTrafficJson {
  frontend: string;
  pps: number | null;
  bps: number | null;
  /** Other frontends share the VIP's address, so the bytes are the address's, not this frontend's alone. */
  sharedAddress: boolean;
  /** Oldest first, the points of the last TRAFFIC_WINDOW_MS. */
  history: TrafficRateJson[];
}

/** Counter totals over every VIP VPP holds (decimal counts as numbers: display only). */
export interface TrafficTotalsJson {
  pps: number | null;
  bps: number | null;
  first: number;
  next: number;
  untracked: number;
  noServer: number;
  /** null without the stats segment. */
  routePackets: number | null;
  routeBytes: number | null;
}

/** What one poll of GetVPPLBCounters adds (the `traffic` SSE event). */
export interface TrafficSampleJson {
  at: number;
  /** `stats-segment` or `cli`. */
  source: string;
  intervalS: number | null;
  frontends: Omit<FrontendTrafficJson, 'history'>[];
  totals: TrafficTotalsJson;
}

/** The traffic picture of one maglevd's VPP. */
export interface VppTrafficJson {
  at: number;
  source: string;
  intervalS: number | null;
  frontends: FrontendTrafficJson[];
  totals: TrafficTotalsJson & { history: TrafficRateJson[] };
}

/** Everything the dashboard knows about one maglevd. */
export interface MaglevdStateJson {
  status: MaglevdStatusJson;
  /** In ListFrontends (configuration) order. */
  frontends: FrontendJson[];
  /** In configuration order. */
  backends: BackendJson[];
  healthchecks: HealthCheckJson[];
  vpp: VppJson;
  /** Live counters and their recent history; null while VPP's counters are unavailable. */
  traffic: VppTrafficJson | null;
  /** When the last full refresh completed (dashboard clock); null before the first. */
  refreshedAt: number | null;
}

/** GET /view/api/state. */
export interface DashboardStateJson {
  /** The SSE id of the last event already reflected in this state (`<epoch>-<seq>`). */
  eventId: string;
  version: VersionJson;
  /** Whether /admin/ is enabled on this server. */
  admin: boolean;
  maglevds: MaglevdStateJson[];
}

// --- SSE events: `event: <type>` with these `data:` payloads ---------------------------------

export interface SsePayloads {
  /** First event of a fresh stream: the page hydrates from /view/api/state. */
  hello: { epoch: string };
  /** The stream cannot be replayed (gap too old, or this server restarted): hydrate again. */
  resync: { reason: 'gap' | 'restarted' | 'unknown-id' };
  'maglevd-status': MaglevdStatusJson;
  /** A full refresh of one maglevd (every 30 s, after reconnects and reloads). */
  snapshot: MaglevdStateJson;
  backend: {
    maglevd: string;
    frontend: string;
    backend: string;
    address: string;
    transition: TransitionJson;
  };
  frontend: { maglevd: string; frontend: string; from: string; to: string; at: number | null };
  /** A backend's checker fault started (active) or ended; sent once per frontend using it. */
  'checker-fault': {
    maglevd: string;
    frontend: string;
    backend: string;
    active: boolean;
    reason: string;
    detail: string;
    at: number | null;
  };
  log: { maglevd: string; at: number | null; level: string; msg: string; attrs: Record<string, unknown> };
  /**
   * Probe heartbeats, coalesced by maglevd (about one a second): the backends probed since the
   * last one, how many probes that was, and those whose latest probe failed.
   */
  probes: {
    maglevd: string;
    count: number;
    backends: string[];
    failed: { backend: string; code: string; detail: string }[];
  };
  /** Fresh frontend infos (configured weights), after admin actions and lb-state fetches. */
  frontends: { maglevd: string; frontends: FrontendJson[] };
  'backend-info': { maglevd: string; backend: BackendJson };
  vpp: { maglevd: string; vpp: VppJson };
  /** A new poll of the VIP counters to append; null: the counters are gone (VPP disconnected). */
  traffic: { maglevd: string; sample: TrafficSampleJson | null };
}

export type SseEventType = keyof SsePayloads;

// --- /admin/api -----------------------------------------------------------------------------

export type BackendAction = 'pause' | 'resume' | 'enable' | 'disable';

export interface SetWeightBody {
  weight: number;
  flush?: boolean;
}

export interface SyncBody {
  frontend?: string;
}

/** One application server of a VIP before and after a previewed change (null: not an AS there). */
export interface AsBucketMoveJson {
  address: string;
  backend: string | null;
  weightBefore: number | null;
  weightAfter: number | null;
  bucketsBefore: number;
  bucketsAfter: number;
}

export interface VipBucketMoveJson {
  frontend: string | null;
  prefix: string;
  protocol: string;
  port: number;
  flowTableLength: number;
  bucketsMoved: number;
  recreated: boolean;
  ases: AsBucketMoveJson[];
}

/** What a change would do (maglevd's PreviewChange): the weight dialog shows it before Apply. */
export interface ChangePreviewJson {
  /** The lb operations, one line each, in the order they would be sent. */
  vppOps: string[];
  vips: VipBucketMoveJson[];
  /** The plan is against a live read of VPP. */
  vppRead: boolean;
  notes: string[];
}

/** Every /admin/api answer: ok with a result, or an error message. */
export type AdminResultJson<T = unknown> = { ok: true; result: T } | { ok: false; error: string };
