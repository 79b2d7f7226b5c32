// What the dashboard knows about one maglevd, kept as the page's JSON, and the in-place updates
// the event stream and the fetches make to it. No I/O and no timers: the upstream's parts each
// write the fields their loop owns (the refresh the lists, the lb-state part the VPP view), and
// the event stream's transitions land here between refreshes.

import type {
  BackendJson,
  CheckerFaultJson,
  FrontendJson,
  HealthCheckJson,
  MaglevdStateJson,
  MaglevdStatusJson,
  TransitionJson,
  VppJson,
  VppTrafficJson,
} from './wire.js';

/** Transitions kept per backend between refreshes (maglevd's own history is the real record). */
export const TRANSITIONS_KEPT = 10;

export class UpstreamView {
  /** In ListFrontends (configuration) order. */
  frontends: FrontendJson[] = [];
  backends = new Map<string, BackendJson>();
  healthchecks: HealthCheckJson[] = [];
  vpp: VppJson = { connected: false, info: null, error: null, lbState: null };
  /** The VIP counters' rates and recent history (the traffic part); null while unavailable. */
  traffic: VppTrafficJson | null = null;
  /** When the last full refresh completed (dashboard clock). */
  refreshedAt: number | null = null;

  snapshot(status: MaglevdStatusJson): MaglevdStateJson {
    return {
      status: { ...status },
      frontends: this.frontends,
      backends: [...this.backends.values()],
      healthchecks: this.healthchecks,
      vpp: this.vpp,
      traffic: this.traffic,
      refreshedAt: this.refreshedAt,
    };
  }

  /** Replaces the frontends named in `updates`, in place; new ones go last. */
  mergeFrontends(updates: FrontendJson[]): void {
    const byName = new Map(updates.map((f) => [f.name, f]));
    this.frontends = this.frontends.map((f) => byName.get(f.name) ?? f);
    for (const f of updates) if (!this.frontends.some((g) => g.name === f.name)) this.frontends.push(f);
  }

  /** A backend transition, for one frontend ('' for all of them). */
  applyTransition(frontend: string, backend: string, t: TransitionJson): void {
    const b = this.backends.get(backend);
    // maglevd sends one BackendEvent per frontend using the backend: record the transition once.
    const newest = b?.transitions[0];
    if (b && !(newest && newest.at === t.at && newest.to === t.to && newest.code === t.code)) {
      b.state = t.to;
      b.transitions = [t, ...b.transitions].slice(0, TRANSITIONS_KEPT);
    }
    for (const f of this.frontends) {
      if (frontend !== '' && f.name !== frontend) continue;
      for (const pool of f.pools) {
        for (const pb of pool.backends) {
          if (pb.name !== backend) continue;
          pb.state = t.to;
          pb.lastTransitionAt = t.at;
        }
      }
    }
  }

  /** A backend's checker fault started or ended (docs/safety.md): only the marker changes, never the state. */
  applyCheckerFault(frontend: string, backend: string, fault: CheckerFaultJson | null): void {
    const b = this.backends.get(backend);
    if (b) b.checkerFault = fault;
    for (const f of this.frontends) {
      if (frontend !== '' && f.name !== frontend) continue;
      for (const pool of f.pools)
        for (const pb of pool.backends) if (pb.name === backend) pb.checkerFault = fault?.reason ?? null;
    }
  }

  /** A frontend state event; from == to is the replay of the current state on subscribe, not a change. */
  applyFrontendState(frontend: string, from: string, to: string, at: number | null): void {
    const f = this.frontends.find((x) => x.name === frontend);
    if (!f) return;
    f.state = to;
    if (from !== to) f.stateSince = at;
  }
}
