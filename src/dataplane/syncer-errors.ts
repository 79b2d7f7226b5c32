// Why a sync did not run or did not finish, as values the API layer can map to a status:
// VPP not connected (unavailable), held back by the startup warmup (failed precondition), or VPP
// refused some operations (the sync ran, partly). An unknown frontend is plan.ts's
// UnknownFrontendError.

import type { LbOp, LbSyncSummary } from './plan.js';

export class VppNotConnectedError extends Error {
  constructor() {
    super('VPP is not connected');
    this.name = 'VppNotConnectedError';
  }
}

export class WarmupHoldError extends Error {
  constructor(
    readonly phase: string,
    readonly frontend: string | undefined,
  ) {
    super(
      frontend === undefined
        ? `startup warmup (${phase}): a full sync must wait for startup-max-delay`
        : `startup warmup (${phase}): frontend "${frontend}" is not released yet`,
    );
    this.name = 'WarmupHoldError';
  }
}

export class SyncerStoppedError extends Error {
  constructor() {
    super('the syncer is stopping');
    this.name = 'SyncerStoppedError';
  }
}

export interface FailedOp {
  readonly op: LbOp;
  readonly error: Error;
}

/** Some operations failed; the rest of the plan was applied (and is counted in `summary`). */
export class LbSyncError extends Error {
  constructor(
    readonly failures: readonly FailedOp[],
    readonly summary: LbSyncSummary,
  ) {
    super(
      `lb sync: ${failures.length} operation(s) failed: ${failures.map((f) => f.error.message).join('; ')}`,
    );
    this.name = 'LbSyncError';
  }
}
