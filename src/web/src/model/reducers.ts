// How each server event changes the page state. Every reducer mutates in place (the store
// runs them inside produce) and is idempotent where the server may repeat itself: maglevd
// sends a backend transition once per frontend that uses the backend.

import type {
  BackendJson,
  DashboardStateJson,
  FrontendJson,
  MaglevdStateJson,
  SsePayloads,
  TrafficSampleJson,
  TransitionJson,
  VppTrafficJson,
} from '../../../frontend/wire.js';
import { appendTraffic } from '../../../frontend/traffic-history.js';
import { LOG_KEEP, type AppState, type LogEntry, type MaglevdView } from './state.js';

const TRANSITIONS_KEPT = 10;

/** Log records the event log already shows as their own events. */
const LOGGED_AS_EVENTS: ReadonlySet<string> = new Set([
  'backend-transition',
  'frontend-transition',
  'checker-fault',
  'checker-fault-cleared',
]);

export function viewFromState(
  s: MaglevdStateJson,
  previous: MaglevdView | undefined,
  now: number,
): MaglevdView {
  return {
    name: s.status.name,
    status: s.status,
    frontends: s.frontends,
    backends: Object.fromEntries(s.backends.map((b) => [b.name, b])),
    healthchecks: s.healthchecks,
    vpp: s.vpp,
    traffic: s.traffic,
    refreshedAt: s.refreshedAt,
    beats: previous?.beats ?? {},
    vppApiSent: previous?.vppApiSent ?? 0,
    vppApiReceived: previous?.vppApiReceived ?? 0,
    changedAt: previous?.changedAt ?? 0,
    syncedAt: previous?.syncedAt ?? 0,
    lbStateAt: s.vpp.lbState ? now : (previous?.lbStateAt ?? 0),
  };
}

/** Replaces everything with a freshly fetched state (hydration and resync). */
export function hydrate(state: AppState, d: DashboardStateJson, now: number): void {
  state.version = d.version;
  state.adminEnabled = d.admin;
  state.order = d.maglevds.map((m) => m.status.name);
  const next: Record<string, MaglevdView> = {};
  for (const m of d.maglevds) next[m.status.name] = viewFromState(m, state.maglevds[m.status.name], now);
  state.maglevds = next;
}

export function applySnapshot(state: AppState, s: MaglevdStateJson, now: number): void {
  const name = s.status.name;
  if (!state.order.includes(name)) state.order.push(name);
  state.maglevds[name] = viewFromState(s, state.maglevds[name], now);
}

/** The traffic picture after a `traffic` event: one more poll, or none at all (counters gone). */
export function nextTraffic(
  previous: VppTrafficJson | null,
  sample: TrafficSampleJson | null,
): VppTrafficJson | null {
  return sample ? appendTraffic(previous, sample) : null;
}

export function applyTraffic(state: AppState, e: SsePayloads['traffic']): void {
  const m = state.maglevds[e.maglevd];
  if (m) m.traffic = nextTraffic(m.traffic, e.sample);
}

export function applyStatus(state: AppState, s: SsePayloads['maglevd-status']): void {
  const m = state.maglevds[s.name];
  if (m) m.status = s;
}

function sameTransition(a: TransitionJson | undefined, b: TransitionJson): boolean {
  return a !== undefined && a.at === b.at && a.to === b.to && a.code === b.code && a.from === b.from;
}

export function applyBackendTransition(state: AppState, e: SsePayloads['backend'], now: number): void {
  const m = state.maglevds[e.maglevd];
  if (!m) return;
  const t = e.transition;
  const b = m.backends[e.backend];
  if (b && !sameTransition(b.transitions[0], t)) {
    b.state = t.to;
    b.transitions = [t, ...b.transitions].slice(0, TRANSITIONS_KEPT);
  }
  for (const f of m.frontends) {
    if (e.frontend !== '' && f.name !== e.frontend) continue;
    for (const p of f.pools)
      for (const pb of p.backends)
        if (pb.name === e.backend) {
          pb.state = t.to;
          pb.lastTransitionAt = t.at;
        }
  }
  m.changedAt = now;
}

/** A checker fault started or ended: the marker on the backend changes, its state never does. */
export function applyCheckerFault(state: AppState, e: SsePayloads['checker-fault']): void {
  const m = state.maglevds[e.maglevd];
  if (!m) return;
  const b = m.backends[e.backend];
  if (b) b.checkerFault = e.active ? { reason: e.reason, detail: e.detail, since: e.at } : null;
  for (const f of m.frontends) {
    if (e.frontend !== '' && f.name !== e.frontend) continue;
    for (const p of f.pools)
      for (const pb of p.backends) if (pb.name === e.backend) pb.checkerFault = e.active ? e.reason : null;
  }
}

export function applyFrontendState(state: AppState, e: SsePayloads['frontend']): void {
  const f = state.maglevds[e.maglevd]?.frontends.find((x) => x.name === e.frontend);
  if (!f) return;
  f.state = e.to;
  if (e.from !== e.to) f.stateSince = e.at;
}

/** Fresh frontend infos (weights); merged by name so other frontends keep their objects. */
export function applyFrontends(state: AppState, e: SsePayloads['frontends'], now: number): void {
  const m = state.maglevds[e.maglevd];
  if (!m) return;
  for (const f of e.frontends) {
    const i = m.frontends.findIndex((x) => x.name === f.name);
    if (i < 0) {
      m.frontends.push(f);
      continue;
    }
    if (weightsDiffer(m.frontends[i]!, f)) m.changedAt = now;
    mergeFrontend(m.frontends[i]!, f);
  }
}

function weightsDiffer(a: FrontendJson, b: FrontendJson): boolean {
  const key = (f: FrontendJson) =>
    f.pools.map((p) => p.backends.map((x) => `${x.name}=${x.weight}`).join(',')).join('|');
  return key(a) !== key(b);
}

/** Copies b into a field by field, so unchanged values keep their identity (and do not flash). */
function mergeFrontend(a: FrontendJson, b: FrontendJson): void {
  const { pools, ...scalars } = b;
  Object.assign(a, scalars);
  if (a.pools.length !== pools.length || a.pools.some((p, i) => p.name !== pools[i]!.name)) {
    a.pools = pools;
    return;
  }
  pools.forEach((p, i) => {
    const target = a.pools[i]!;
    target.active = p.active;
    if (
      target.backends.length !== p.backends.length ||
      target.backends.some((x, j) => x.name !== p.backends[j]!.name)
    ) {
      target.backends = p.backends;
      return;
    }
    p.backends.forEach((x, j) => Object.assign(target.backends[j]!, x));
  });
}

export function applyBackendInfo(state: AppState, e: SsePayloads['backend-info']): void {
  const m = state.maglevds[e.maglevd];
  if (!m) return;
  const b: BackendJson = e.backend;
  const old = m.backends[b.name];
  if (old) Object.assign(old, b);
  else m.backends[b.name] = b;
}

export function applyVpp(state: AppState, e: SsePayloads['vpp'], now: number): void {
  const m = state.maglevds[e.maglevd];
  if (!m) return;
  m.vpp = e.vpp;
  if (e.vpp.lbState) m.lbStateAt = now;
}

/** A probe summary: one heartbeat for every backend probed since the last one. */
export function applyProbes(state: AppState, e: SsePayloads['probes']): void {
  const m = state.maglevds[e.maglevd];
  if (!m) return;
  for (const b of e.backends) m.beats[b] = (m.beats[b] ?? 0) + 1;
}

/** Log records that drive the page (heartbeats from a maglevd without summaries, the VPP API indicator). */
export function applyLog(state: AppState, e: SsePayloads['log'], now: number): void {
  const m = state.maglevds[e.maglevd];
  if (!m) return;
  const backend = typeof e.attrs.backend === 'string' ? e.attrs.backend : undefined;
  switch (e.msg) {
    case 'probe-done':
      if (backend) m.beats[backend] = (m.beats[backend] ?? 0) + 1;
      break;
    case 'vpp-api-send':
      m.vppApiSent++;
      break;
    case 'vpp-api-recv':
    case 'vpp-api-recv-multi':
      m.vppApiReceived++;
      break;
    case 'vpp-connect':
      m.vpp.connected = true;
      break;
    case 'vpp-disconnect':
      m.vpp.connected = false;
      break;
    case 'lb-sync':
      m.syncedAt = now;
      break;
  }
}

export function pushLog(state: AppState, entry: Omit<LogEntry, 'id'>): void {
  state.log.push({ ...entry, id: state.nextLogId++ });
  if (state.log.length > LOG_KEEP) state.log.splice(0, state.log.length - LOG_KEEP);
}

/** One line for the event log, or undefined for events the log does not show. */
export function describe(type: keyof SsePayloads, data: unknown): Omit<LogEntry, 'id'> | undefined {
  switch (type) {
    case 'backend': {
      const e = data as SsePayloads['backend'];
      const t = e.transition;
      return {
        at: t.at ?? Date.now(),
        maglevd: e.maglevd,
        kind: 'backend',
        level: t.to === 'down' ? 'warn' : 'info',
        msg: 'backend-transition',
        text: `${e.backend} ${t.from} → ${t.to} [${t.code}]${t.detail ? ` ${t.detail}` : ''}${e.frontend ? ` (${e.frontend})` : ''}`,
      };
    }
    case 'frontend': {
      const e = data as SsePayloads['frontend'];
      if (e.from === e.to) return undefined;
      return {
        at: e.at ?? Date.now(),
        maglevd: e.maglevd,
        kind: 'frontend',
        level: e.to === 'down' ? 'warn' : 'info',
        msg: 'frontend-transition',
        text: `frontend ${e.frontend} ${e.from} → ${e.to}`,
      };
    }
    case 'checker-fault': {
      const e = data as SsePayloads['checker-fault'];
      return {
        at: e.at ?? Date.now(),
        maglevd: e.maglevd,
        kind: 'backend',
        level: e.active ? 'warn' : 'info',
        msg: e.active ? 'checker-fault' : 'checker-fault-cleared',
        text: e.active
          ? `${e.backend} checker fault [${e.reason}] ${e.detail}; state held (${e.frontend})`
          : `${e.backend} checker fault [${e.reason}] cleared (${e.frontend})`,
      };
    }
    case 'log': {
      const e = data as SsePayloads['log'];
      // Transitions and checker faults already have their own, richer entries.
      if (LOGGED_AS_EVENTS.has(e.msg)) return undefined;
      const attrs = Object.entries(e.attrs)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      return {
        at: e.at ?? Date.now(),
        maglevd: e.maglevd,
        kind: 'log',
        level: e.level,
        msg: e.msg,
        text: attrs,
      };
    }
    case 'probes': {
      const e = data as SsePayloads['probes'];
      const failed = e.failed.map((f) => `${f.backend} [${f.code}]${f.detail ? ` ${f.detail}` : ''}`);
      return {
        at: Date.now(),
        maglevd: e.maglevd,
        kind: 'log',
        level: 'debug',
        msg: 'probe-summary',
        text:
          `${e.count} probes of ${e.backends.length} backends` +
          (failed.length > 0
            ? `, failing: ${failed.slice(0, 10).join(', ')}${failed.length > 10 ? ', …' : ''}`
            : ''),
      };
    }
    case 'maglevd-status': {
      const e = data as SsePayloads['maglevd-status'];
      return {
        at: e.since,
        maglevd: e.name,
        kind: 'status',
        level: e.reachable ? 'info' : 'error',
        msg: e.reachable ? 'maglevd-reachable' : 'maglevd-unreachable',
        text: e.reachable ? 'connected' : (e.error ?? 'unreachable'),
      };
    }
    default:
      return undefined;
  }
}
