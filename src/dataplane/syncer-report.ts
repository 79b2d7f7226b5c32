// What a sync run tells the operator, kept apart from the sync itself (syncer.ts): its log lines
// and the lb-sync metrics. The lines and their attributes are an interface (operators grep them;
// the dashboard reads VPP again on every `lb-sync`), so they are written in this one place:
//   lb-vip-recreate            before sending: a VIP that must be deleted and added again, and why;
//   lb-sync-op                 each operation VPP accepted, with its unit's scope, at debug (a
//                              first sync of 10 000 ASes would write 10 000 info lines);
//   lb-sync-op-failed          each operation VPP refused, at error (or warn, see below);
//   lb-sync                    one per unit once the run is done, at info: what changed, failed,
//                              was skipped;
//   lb-sync-error, -skipped    a unit that did not finish, or had nothing to do.
// A failure is an error, except when the lost VPP connection cut it off: then the full sync
// after the reconnect redoes it, so it is a warning (the disconnect itself is warned too), and
// only a failure of that sync is an error.

import type { Logger, LogAttrs } from '../log/index.js';
import { VppApiError, VppConnectionError } from '../vpp/index.js';
import { vipKeyString } from './model.js';
import { summarise, UnknownFrontendError } from './plan.js';
import type { LbOp, LbSyncSummary, SyncScope } from './plan.js';
import type { ApplyHooks, ApplyResult } from './syncer-apply.js';
import { LbSyncError, VppNotConnectedError, type FailedOp } from './syncer-errors.js';

export interface SyncerMetrics {
  lbSync(scope: 'all' | 'vip', counts: Partial<LbSyncSummary>): void;
  /** A sync that did not bring VPP to the desired state (an operation refused, VPP gone mid-run). */
  lbSyncFailed(scope: 'all' | 'vip'): void;
}

/** One unit of a run (the full scope, or one frontend) with the operations planned for it. */
export interface PlannedUnit {
  readonly scope: SyncScope;
  readonly reasons: readonly string[];
  readonly ops: readonly LbOp[];
}

/** What one unit's operations came to. */
export interface UnitTally {
  readonly unit: PlannedUnit;
  /** The unit's operations VPP accepted. */
  readonly summary: LbSyncSummary;
  readonly failures: readonly FailedOp[];
  readonly skipped: number;
}

export function tallyUnit(unit: PlannedUnit, result: ApplyResult): UnitTally {
  const mine = new Set(unit.ops);
  const applied = new Set(result.applied);
  const skipped = new Set(result.skipped);
  return {
    unit,
    summary: summarise(unit.ops.filter((op) => applied.has(op))),
    failures: result.failed.filter((f) => mine.has(f.op)),
    skipped: unit.ops.filter((op) => skipped.has(op)).length,
  };
}

/** The log lines and the metric of one run over its planned units. */
export class SyncRunReport {
  private readonly unitOf = new Map<LbOp, SyncScope>();

  constructor(
    private readonly logger: Logger,
    private readonly planned: readonly PlannedUnit[],
  ) {
    for (const p of planned) for (const op of p.ops) this.unitOf.set(op, p.scope);
  }

  /** Before sending: every VIP the plan deletes for a reason other than being stale. */
  recreates(): void {
    for (const { ops } of this.planned) {
      for (const op of ops) {
        if (op.op === 'vip-del' && op.reason !== 'stale')
          this.logger.info('lb-vip-recreate', {
            frontend: op.frontend ?? null,
            vip: vipKeyString(op.vip),
            reason: op.reason,
          });
      }
    }
  }

  /** While sending: one line per operation, with the scope of the unit that planned it. */
  readonly hooks: ApplyHooks = {
    onApplied: (op) => {
      if (this.logger.enabled('debug'))
        this.logger.debug('lb-sync-op', { ...this.scopeOf(op), ...opAttrs(op) });
    },
    onFailed: (op, error) =>
      this.logger[levelOf(error)]('lb-sync-op-failed', {
        ...this.scopeOf(op),
        ...opAttrs(op),
        ...errorAttrs(error),
      }),
  };

  /** After sending: the run's metric, then one lb-sync line per unit. */
  finished(run: {
    metrics: SyncerMetrics | undefined;
    /** The run covered the full scope. */
    full: boolean;
    /** The run read VPP; false when it planned against what the syncer believed VPP holds. */
    vppRead: boolean;
    generation: string;
    durationMs: number;
    result: ApplyResult;
    tallies: readonly UnitTally[];
  }): void {
    run.metrics?.lbSync(run.full ? 'all' : 'vip', summarise(run.result.applied));
    for (const t of run.tallies) {
      this.logger.info('lb-sync', {
        ...scopeAttrs(t.unit.scope),
        reason: t.unit.reasons.join(','),
        lbApi: run.generation,
        vipsAdded: t.summary.vip_added,
        vipsRemoved: t.summary.vip_removed,
        asesAdded: t.summary.as_added,
        asesRemoved: t.summary.as_removed,
        weightsUpdated: t.summary.as_weight_updated,
        failed: t.failures.length,
        skipped: t.skipped,
        durationMs: run.durationMs,
        vppRead: run.vppRead,
        ...(this.planned.length > 1 && { batch: this.planned.length }),
      });
    }
  }

  private scopeOf(op: LbOp): LogAttrs {
    return scopeAttrs(this.unitOf.get(op) ?? 'all');
  }
}

/**
 * A unit that did not run or did not finish: skipped at debug when there was nothing to do,
 * otherwise logged and counted (maglev_vpp_lbsync_errors_total).
 */
export function logSyncFailure(
  logger: Logger,
  scope: SyncScope,
  reasons: readonly string[],
  error: Error,
  metrics?: SyncerMetrics,
): void {
  const attrs: LogAttrs = { ...scopeAttrs(scope), reason: reasons.join(',') };
  if (error instanceof VppNotConnectedError || error instanceof UnknownFrontendError) {
    // Nothing to do: the next connect syncs everything; a frontend gone in a reload has no VIP.
    logger.debug('lb-sync-skipped', { ...attrs, why: error.message });
    return;
  }
  metrics?.lbSyncFailed(scope === 'all' ? 'all' : 'vip');
  if (error instanceof LbSyncError) {
    logger[levelOf(error)]('lb-sync-error', {
      ...attrs,
      error: error.message,
      failures: error.failures.map((f) => ({ ...opAttrs(f.op), ...errorAttrs(f.error) })),
    });
    return;
  }
  logger[levelOf(error)]('lb-sync-error', { ...attrs, ...errorAttrs(error) });
}

/**
 * warn for what the lost VPP connection cut off (an operation, the read, or a run whose every
 * failure was that): the reconnect's full sync redoes it. error for everything else, a refusal
 * by VPP among them.
 */
function levelOf(error: Error): 'warn' | 'error' {
  const failures = error instanceof LbSyncError ? error.failures.map((f) => f.error) : [error];
  const cutOff = failures.length > 0 && failures.every((e) => e instanceof VppConnectionError);
  return cutOff ? 'warn' : 'error';
}

function scopeAttrs(scope: SyncScope): LogAttrs {
  return scope === 'all' ? { scope: 'all' } : { scope: 'vip', frontend: scope.frontend };
}

function opAttrs(op: LbOp): LogAttrs {
  const base: LogAttrs = { op: op.op, vip: vipKeyString(op.vip), frontend: op.frontend ?? null };
  switch (op.op) {
    case 'vip-add':
      return { ...base, encap: op.encap, srcIpSticky: op.srcIpSticky, flowTableLength: op.flowTableLength };
    case 'vip-del':
      return { ...base, reason: op.reason };
    case 'as-add':
      return { ...base, address: op.address, weight: op.weight };
    case 'as-del':
      return { ...base, address: op.address, flush: op.flush };
    case 'as-weight':
      return { ...base, address: op.address, weight: op.weight, flush: op.flush };
  }
}

/** The error's name is the VNET_API_ERROR_* name for VPP's refusals. */
function errorAttrs(error: Error): LogAttrs {
  return {
    error: error.message,
    errorName: error.name,
    ...(error instanceof VppApiError && { msgName: error.msg, retval: error.retval }),
  };
}
