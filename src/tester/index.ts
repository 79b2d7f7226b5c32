// src/tester owns maglevt, the out-of-band VIP tester: it reads maglev.yaml files (the same
// parser as maglevd), probes every VIP from outside the load balancer at a fast pace, and
// shows latency, OK rate and a tally of one response header (which backend answered), so a
// failover can be watched as it happens. It never talks to maglevd.
//
// Pure core: classify/targets (what to probe), vip-stats, header-tally, error-panel and
// monitor (what the probes mean), tui/screen (the layout). Shell: prober (sockets),
// scheduler (timers), fqdn (DNS), tui/app (ink), main (process streams and modes).

export { runMaglevt, EXIT_OK, EXIT_USAGE, EXIT_VIP_FAILED, type TesterIo } from './main.js';
export {
  parseTesterArgs,
  DEFAULTS,
  DEFAULT_CONFIG,
  type TesterInvocation,
  type TesterOptions,
} from './options.js';
export { classifyVip, HTTP_PORTS, HTTPS_PORTS, type Classification } from './classify.js';
export { planTargets, targetAddress, type TargetPlan } from './targets.js';
export { RollingWindow } from './rolling-window.js';
export { nearestRank, summariseLatencies, type LatencySummary } from './percentiles.js';
export {
  HeaderTally,
  FRESH_MS,
  MAX_TALLY_VALUES,
  MISSING_VALUE,
  OTHER_VALUE,
  isFresh,
  type TallyEntry,
} from './header-tally.js';
export {
  VipStats,
  SPIKE_FACTOR,
  SPIKE_MIN_MS,
  SPIKE_MIN_SAMPLES,
  WINDOW_MS,
  WINDOW_SAMPLES,
  type SpikeInfo,
  type TallyRow,
  type VipSnapshot,
} from './vip-stats.js';
export { ErrorPanel, MAX_GROUPS, type AnomalyGroup } from './error-panel.js';
export { Monitor, type MonitorView, type VipView } from './monitor.js';
export { Prober, describeNetError, serverNameFor, type ProberSettings } from './prober.js';
export { ProbeScheduler, jittered, JITTER, type SchedulerOptions } from './scheduler.js';
export { resolveFqdn, FQDN_DEADLINE_MS, type NameResolver } from './fqdn.js';
export { formatAge, formatClock, formatLatency, formatPercent, fit } from './format.js';
export {
  closingSummary,
  onceTable,
  onceSummaryJson,
  probeRecord,
  noPaint,
  type ProbeRecord,
  type OnceResult,
} from './report.js';
export {
  screenLines,
  ansiText,
  plainText,
  type Line,
  type Segment,
  type ScreenSettings,
  type ScreenSize,
} from './tui/screen.js';
export { COLOUR, ANOMALY_COLOUR } from './tui/palette.js';
export { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, SHOW_CURSOR } from './tui/terminal.js';
export * from './types.js';
