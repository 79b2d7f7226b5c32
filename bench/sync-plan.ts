// bench/sync-plan: the main-thread CPU of a reload's full-scope sync at N backends (the scale
// harness's config: N / 100 frontends of 100 backends), with one backend disabled by the reload,
// as the syncer runs it from what it believes VPP holds (no read): the desired state, the plan
// (one weight change), and what the run does around them with the plan's one operation (the
// report, the fold of the applied operation into the belief, the programmed bookkeeping, the
// tally). Every piece runs warm (as plan-rehearsal.ts warms it in the daemon), and each figure is
// the median over the runs, in ms of CPU (user + system) of this process. Run it with maglevd's
// heap flags (the shebang of src/bin/maglevd.ts) to see what the daemon sees:
//
//   node --max-semi-space-size=4 --initial-old-space-size=32 --heap-growing-percent=25 \
//     --import tsx bench/sync-plan.ts [--backends 10000] [--runs 21] [--warm 10]

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseConfig, type MaglevConfig } from '../src/config/index.js';
import {
  ProgrammedVips,
  SyncRunReport,
  assumeInSync,
  desiredState,
  planSync,
  tallyUnit,
  type ApplyResult,
  type DesiredLbState,
  type LbOp,
  type LbState,
} from '../src/dataplane/index.js';
import { withApplied } from '../src/dataplane/believed.js';
import type { BackendState } from '../src/health/index.js';
import { silentLogger } from '../src/log/index.js';
import { canonicalIp } from '../src/net/ip-address.js';
import { scaleConfigYaml } from './scale-config.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '21' },
    warm: { type: 'string', default: '10' },
  },
});
const N = Number(values.backends);
const RUNS = Number(values.runs);
const WARM = Number(values.warm);

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

function mustParse(disabled: ReadonlySet<number>): MaglevConfig {
  const text = scaleConfigYaml({ backends: N, port: 18090, interval: '5s', disabled });
  const result = parseConfig(text, 'scale.yaml');
  if (!result.ok) throw new Error(`the scale config does not parse: ${JSON.stringify(result.errors[0])}`);
  return result.config;
}

// Before the reload every backend is up and VPP holds the config; the reload disables b0.
const before = mustParse(new Set());
const after = mustParse(new Set([0]));
const upState = (): BackendState => 'up';
const reloadedState = (name: string): BackendState => (name === 'b0' ? 'disabled' : 'up');
const held = assumeInSync(desiredState(before, upState), '1.2');
const b0 = after.backends.get('b0');
if (!b0) throw new Error('no b0 in the scale config');
const forceFlush = new Set([canonicalIp(b0.address)]);
const programmed = new ProgrammedVips();

interface Round {
  desired: number;
  plan: number;
  rest: number;
  ops: number;
}

function round(): Round {
  // The belief of the last run is a fresh object each time (withApplied folds into a new one), so
  // nothing the planner remembers per state carries over from the previous round.
  const believed: LbState = { vips: held.vips };
  const t0 = cpuMs();
  const desired: DesiredLbState = desiredState(after, reloadedState);
  const t1 = cpuMs();
  const ops: LbOp[] = planSync(desired, believed, { scope: 'all', generation: '1.2', forceFlush });
  const t2 = cpuMs();
  // What run() does with the plan besides sending it (VPP accepts the one operation).
  const planned = [{ scope: 'all' as const, reasons: ['reload', 'transition'], ops }];
  const report = new SyncRunReport(silentLogger, planned);
  report.recreates();
  for (const op of ops) report.hooks.onApplied?.(op);
  const result: ApplyResult = { applied: ops, failed: [], skipped: [] };
  withApplied(believed, result.applied);
  programmed.afterRun(desired, ['all'], new Set());
  const tallies = planned.map((p) => tallyUnit(p, result));
  report.finished({
    metrics: undefined,
    full: true,
    vppRead: false,
    generation: '1.2',
    durationMs: 0,
    result,
    tallies,
  });
  const t3 = cpuMs();
  return { desired: t1 - t0, plan: t2 - t1, rest: t3 - t2, ops: ops.length };
}

for (let i = 0; i < WARM; i++) round();
const rounds: Round[] = [];
for (let i = 0; i < RUNS; i++) rounds.push(round());
const ops = rounds[0]?.ops ?? 0;
const [l1, l5, l15] = loadavg().map((l) => l.toFixed(2));
const ms = (pick: (r: Round) => number): string => median(rounds.map(pick)).toFixed(1);
console.log(
  `bench/sync-plan: ${N} backends in ${after.frontends.size} frontends, b0 disabled (${ops} operation${ops === 1 ? '' : 's'}); ` +
    `${new Date().toISOString()}; load average ${l1} ${l5} ${l15}; median of ${RUNS} warm runs after ${WARM}, ms CPU`,
);
console.log(`  desiredState ${ms((r) => r.desired)}`);
console.log(`  planSync     ${ms((r) => r.plan)}`);
console.log(`  rest of run  ${ms((r) => r.rest)}`);
console.log(`  total        ${ms((r) => r.desired + r.plan + r.rest)}`);
