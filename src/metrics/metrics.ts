// createMetrics(): maglevd's Prometheus registry (its own, never prom-client's global one), the
// hooks the checker calls on every probe and transition, and the VPP setters. Health gauges are
// computed at scrape time from the checker, so they always match what the API shows; event
// counters live in per-backend records that follow the checker's backend list.

import { collectDefaultMetrics, type Registry } from 'prom-client';
import type { BackendSnapshot, CheckerOptions } from '../checker/index.js';
import { systemClock, type Clock } from '../clock/index.js';
import {
  BACKEND_STATES,
  CHECKER_FAULT_REASONS,
  frontendWeights,
  type BackendState,
  type CheckerFaultReason,
  type FrontendState,
  type Transition,
} from '../health/index.js';
import { versionInfo } from '../version.js';
import { BackendSeries, codeCounts, ProbeTotals } from './backend-series.js';
import { ConfigLoadMetrics } from './config-load.js';
import { registerCollected, ScrapeRegistry, type CollectedSpec, type MetricType } from './collected.js';
import type { MetricsSource } from './source.js';
import { VppMetrics } from './vpp-metrics.js';
import {
  collectAnnounced,
  collectBirdErrors,
  collectBirdUp,
  collectRoutes,
  type AnnouncementsSource,
} from './announce-metrics.js';

export interface MetricsOptions {
  /** The checker; can also be given later with setChecker() (the hooks must exist first). */
  checker?: MetricsSource;
  /** Wall time for the VPP uptime gauges. */
  clock?: Clock;
  /** maglev_build_info labels; default: this build's version and commit. */
  build?: { version: string; commit: string };
  /** Whether maglevd talks to VPP at all (an empty --vpp-api-addr turns it off). Default true. */
  vpp?: boolean;
  /** Node's process_* and nodejs_* metrics. Default true. */
  processMetrics?: boolean;
}

export type CheckerHooks = Required<Pick<CheckerOptions, 'observeProbes' | 'onTransition' | 'onSuspect'>>;

export interface Metrics {
  readonly registry: Registry;
  /** Give these to the Checker's constructor. */
  readonly hooks: CheckerHooks;
  /** Points the scrape-time collectors at the checker. */
  setChecker(checker: MetricsSource | undefined): void;
  /**
   * Empties a backend's event-driven series now: they show again from its next probe or
   * transition. Not needed after a reload (every scrape drops the series of backends the checker
   * no longer has); for callers that want them gone at once.
   */
  forgetBackend(name: string): void;
  /** Setters for the VPP connection, API wrapper, syncer and stats poller. */
  readonly vpp: VppMetrics;
  /** The daemon reports every configuration load (start and reloads) here. */
  readonly config: ConfigLoadMetrics;
  /** Points the announcement families at the announcer (maglev.announce set). */
  setAnnouncements(source: AnnouncementsSource | undefined): void;
  /** The exposition text, as /metrics serves it. */
  scrape(): Promise<string>;
}

/** maglev_frontend_state values, following the backend states' first three. */
export const FRONTEND_STATE_VALUES: Readonly<Record<FrontendState, number>> = Object.freeze({
  unknown: 0,
  up: 1,
  down: 2,
});

const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

const STATE_INDEX = new Map<BackendState, number>(BACKEND_STATES.map((s, i) => [s, i]));

/**
 * How often nodejs_eventloop_lag_* samples the event loop (prom-client's default is 10 ms). Each
 * sample wakes the event loop; at 100 a second they cost maglevd more CPU than a thousand probe
 * results (bench/README.md). A loop held up for long still shows: the sample that waited says so.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new ScrapeRegistry();
  const clock = opts.clock ?? systemClock;
  const build = opts.build ?? versionInfo();
  const vpp = new VppMetrics(clock, opts.vpp ?? true);
  const configLoad = new ConfigLoadMetrics(clock);
  let checker = opts.checker;
  let announcements: AnnouncementsSource | undefined;
  const series = new Map<string, BackendSeries>();
  const totals = new ProbeTotals(() => checker?.config());
  /** Suspect episodes by health check, since start. */
  const suspects = new Map<string, number>();

  const seriesOf = (backend: string): BackendSeries => {
    let s = series.get(backend);
    if (!s) {
      s = new BackendSeries(backend, totals);
      series.set(backend, s);
    }
    return s;
  };

  const hooks: CheckerHooks = {
    // The worker keeps what this returns and counts each probe in it. A record leaves `series`
    // only once the checker no longer has the backend (reconcile), so its worker has stopped.
    observeProbes: seriesOf,
    onSuspect(episode): void {
      suspects.set(episode.healthcheck, (suspects.get(episode.healthcheck) ?? 0) + 1);
    },
    onTransition(backend: string, transition: Transition): void {
      seriesOf(backend).recordTransition(transition);
    },
  };

  // One view of the checker per scrape, shared by its families: the registry drops it when no
  // scrape is under way any more (a streamed scrape pauses for its reader between backends; a
  // scrape through prom-client's get() calls every family in one synchronous pass).
  let view: BackendSnapshot[] | undefined;
  const backends = (): BackendSnapshot[] => {
    if (view) return view;
    const current = checker?.backends() ?? [];
    view = current;
    registry.afterScrape(() => {
      view = undefined;
    });
    reconcile(current);
    return current;
  };

  /** Drops the series of backends the checker no longer has, and of health check types it no longer uses. */
  const reconcile = (current: readonly BackendSnapshot[]): void => {
    if (!checker) return;
    const cfg = checker.config();
    const names = new Set(current.map((b) => b.name));
    for (const [name, s] of series) {
      if (!names.has(name)) series.delete(name);
      else if (s.typeResolvedFor !== cfg) s.retype(cfg);
    }
  };

  const family = (name: string, help: string, type: MetricType, collect: CollectedSpec['collect']) =>
    registerCollected(registry, { name, help, type, collect });

  // ---- health, at scrape time ----------------------------------------------------------------

  // Families with samples per backend are generators: each `yield` (after a backend) is where a
  // streamed scrape may wait for its reader.
  family(
    'maglev_backend_state',
    `Backend state: ${BACKEND_STATES.map((s, i) => `${i}=${s}`).join(', ')}.`,
    'gauge',
    function* (sink) {
      for (const b of backends()) yield sink.sample({ backend: b.name }, STATE_INDEX.get(b.state) ?? 0);
    },
  );
  family('maglev_backend_health', 'Rise/fall health counter, 0 .. rise+fall-1.', 'gauge', function* (sink) {
    for (const b of backends()) yield sink.sample({ backend: b.name }, b.counter);
  });
  family('maglev_backend_enabled', 'Runtime enabled flag: 1 enabled, 0 disabled.', 'gauge', function* (sink) {
    for (const b of backends()) yield sink.sample({ backend: b.name }, b.enabled ? 1 : 0);
  });
  family(
    'maglev_frontend_pool_backend_weight',
    'Configured weight (0..100) of a backend in a frontend pool, including runtime changes.',
    'gauge',
    function* (sink) {
      const cfg = checker?.config();
      if (!cfg) return;
      for (const fe of cfg.frontends.values()) {
        for (const pool of fe.pools) {
          for (const [backend, s] of pool.backends) {
            yield sink.sample({ frontend: fe.name, pool: pool.name, backend }, s.weight);
          }
        }
      }
    },
  );
  family(
    'maglev_frontend_pool_backend_effective_weight',
    'Weight VPP should carry for a backend in a frontend pool, from its state and the active pool.',
    'gauge',
    function* (sink) {
      const c = checker;
      if (!c) return;
      const stateOf = (name: string): BackendState => c.stateOf(name) ?? 'unknown';
      for (const fe of c.config().frontends.values()) {
        // One frontend's weights in one step: they are computed together from its backends' states.
        const weights = frontendWeights(fe, stateOf).pools;
        fe.pools.forEach((pool, i) => {
          for (const backend of pool.backends.keys()) {
            sink.sample(
              { frontend: fe.name, pool: pool.name, backend },
              weights[i]?.get(backend)?.weight ?? 0,
            );
          }
        });
        yield;
      }
    },
  );
  family('maglev_frontend_state', 'Frontend state: 0=unknown, 1=up, 2=down.', 'gauge', (sink) => {
    const c = checker;
    if (!c) return;
    for (const name of c.config().frontends.keys()) {
      sink.sample({ frontend: name }, FRONTEND_STATE_VALUES[c.frontendState(name) ?? 'unknown']);
    }
  });
  family(
    'maglev_frontend_panic',
    '1 while the frontend serves in panic (below its panic-threshold, on all enabled backends), else 0.',
    'gauge',
    (sink) => {
      const c = checker;
      if (!c) return;
      for (const name of c.config().frontends.keys())
        sink.sample({ frontend: name }, c.frontendPanic(name) ? 1 : 0);
    },
  );
  family(
    'maglev_checker_faults_active',
    "Backends whose latest probe was a checker fault (the checker's own failure; their state is held), by reason.",
    'gauge',
    (sink) => {
      const now = new Map<CheckerFaultReason, number>(CHECKER_FAULT_REASONS.map((r) => [r, 0]));
      for (const b of backends()) {
        if (b.checkerFault) now.set(b.checkerFault.reason, (now.get(b.checkerFault.reason) ?? 0) + 1);
      }
      for (const [reason, n] of now) sink.sample({ reason }, n);
    },
  );
  family('maglev_build_info', 'Always 1; the labels name this build.', 'gauge', (sink) => {
    sink.sample({ version: build.version, commit: build.commit }, 1);
  });
  family(
    'maglev_event_subscribers_dropped_total',
    'Event stream subscribers dropped for falling too far behind.',
    'counter',
    (sink) => {
      sink.sample({}, checker?.droppedSubscribers() ?? 0);
    },
  );

  family(
    'maglev_config_last_reload_successful',
    'Whether the latest configuration load (start or reload) was accepted: 1 yes, 0 rejected.',
    'gauge',
    (sink) => configLoad.collectSuccessful(sink),
  );
  family(
    'maglev_config_last_reload_success_timestamp_seconds',
    'Unix time of the latest accepted configuration load.',
    'gauge',
    (sink) => configLoad.collectSuccessTimestamp(sink),
  );

  // ---- probes and transitions, counted as they happen ----------------------------------------

  family(
    'maglev_probe_total',
    'Probes completed, by result (success/failure) and code.',
    'counter',
    function* (sink) {
      backends();
      for (const [backend, s] of series) {
        for (const [code, n] of codeCounts(s.passed))
          sink.sample({ backend, type: s.type, result: 'success', code }, n);
        for (const [code, n] of codeCounts(s.failed))
          sink.sample({ backend, type: s.type, result: 'failure', code }, n);
        yield;
      }
    },
  );
  family('maglev_probe_duration_seconds', 'Probe duration.', 'histogram', function* (sink) {
    backends();
    for (const [backend, s] of series) {
      if (s.duration.count > 0) yield sink.histogram({ backend, type: s.type }, s.duration);
    }
  });
  family('maglev_backend_transitions_total', 'Backend state transitions.', 'counter', function* (sink) {
    backends();
    for (const [backend, s] of series) {
      for (const { from, to, n } of s.transitions) sink.sample({ backend, from, to }, n);
      yield;
    }
  });
  family(
    'maglev_checker_faults_total',
    "Probes that ended in a checker fault (a failure on the checker's own side, not the backend's), by reason.",
    'counter',
    (sink) => {
      for (const [reason, n] of totals.faults) sink.sample({ reason }, n);
    },
  );
  family(
    'maglev_checker_suspect_total',
    'Suspect mass failures: most backends of one health check failing alike at once.',
    'counter',
    (sink) => {
      for (const [healthcheck, n] of suspects) sink.sample({ healthcheck }, n);
    },
  );
  family(
    'maglev_probe_schedule_lag_seconds',
    'How late probes started against their schedule (event loop or probe saturation).',
    'histogram',
    (sink) => sink.histogram({}, totals.lag),
  );

  // ---- VPP, fed by the VPP side through `vpp` ------------------------------------------------

  family('maglev_vpp_connected', '1 while connected to VPP, else 0.', 'gauge', (s) =>
    vpp.collectConnected(s),
  );
  family('maglev_vpp_uptime_seconds', 'Seconds since VPP started (/sys/boottime).', 'gauge', (s) =>
    vpp.collectUptime(s),
  );
  family('maglev_vpp_connected_seconds', 'Seconds since maglevd connected to VPP.', 'gauge', (s) =>
    vpp.collectConnectedSeconds(s),
  );
  family('maglev_vpp_info', 'Always 1 while connected; the labels describe VPP.', 'gauge', (s) =>
    vpp.collectInfo(s),
  );
  family('maglev_vpp_api_total', 'VPP binary API messages, by direction and result.', 'counter', (s) =>
    vpp.collectApi(s),
  );
  family('maglev_vpp_lbsync_total', 'Changes made by lb sync runs, by scope and kind.', 'counter', (s) =>
    vpp.collectLbSync(s),
  );
  family(
    'maglev_vpp_lbsync_errors_total',
    'lb sync runs that failed (an operation refused by VPP, or VPP lost mid-run), by scope.',
    'counter',
    (s) => vpp.collectLbSyncErrors(s),
  );
  family(
    'maglev_vip_packets_total',
    'LB plugin packets per VIP: next (existing session), first, untracked, no-server.',
    'counter',
    (s) => vpp.collectVipPackets(s),
  );
  family('maglev_vip_route_packets_total', 'FIB /net/route/to packets for the VIP.', 'counter', (s) =>
    vpp.collectVipRoutePackets(s),
  );
  family('maglev_vip_route_bytes_total', 'FIB /net/route/to bytes for the VIP.', 'counter', (s) =>
    vpp.collectVipRouteBytes(s),
  );

  // ---- announcements over BGP, at scrape time from the announcer ----------------------------

  family(
    'maglev_frontend_announced',
    "1 while BIRD holds this node's route to the frontend's VIP, else 0.",
    'gauge',
    (s) => collectAnnounced(announcements, s),
  );
  family('maglev_announced_routes', 'VIP routes BIRD holds from this node, by family.', 'gauge', (s) =>
    collectRoutes(announcements, s),
  );
  family(
    'maglev_bird_up',
    "1 when the last exchange with BIRD's control socket went well, else 0.",
    'gauge',
    (s) => collectBirdUp(announcements, s),
  );
  family(
    'maglev_bird_errors_total',
    'Failed exchanges with BIRD: unreachable, refused (the configuration), write (the include file).',
    'counter',
    (s) => collectBirdErrors(announcements, s),
  );

  if (opts.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    // prom-client also exports the sums of the per-type nodejs_active_{handles,requests,resources}
    // gauges as gauges named *_total, which promtool rejects (a _total suffix promises a counter).
    // sum() over the per-type series gives the same numbers.
    for (const name of MISNAMED_DEFAULT_GAUGES) registry.removeSingleMetric(name);
  }

  return {
    registry,
    hooks,
    vpp,
    config: configLoad,
    setChecker(next) {
      checker = next;
    },
    setAnnouncements(source) {
      announcements = source;
    },
    forgetBackend(name) {
      // Emptied, not deleted: the backend's worker may still count into this very record.
      series.get(name)?.clear();
    },
    scrape: () => registry.metrics(),
  };
}
