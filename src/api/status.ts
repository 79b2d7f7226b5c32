// Our error codes (src/errors.ts) and gRPC statuses, both ways, from one table. The server turns
// whatever a handler throws into the status its code names, so a client always learns whether to
// fix its request, retry later, or report a bug; a client turns a ServiceError back into an
// RpcError with a code and one line an operator can act on.

import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { MaglevError, RpcError, type ErrorCode } from '../errors.js';
import type { ChannelSecurityKind } from './channel.js';
import { connectFailure } from './connect-failure.js';

const STATUS_OF_CODE: Record<ErrorCode, status> = {
  // First of each status: the code a client reads it back as (UNAVAILABLE is refined below).
  'not-found': status.NOT_FOUND,
  'invalid-argument': status.INVALID_ARGUMENT,
  'failed-precondition': status.FAILED_PRECONDITION,
  unavailable: status.UNAVAILABLE,
  aborted: status.ABORTED,
  deadline: status.DEADLINE_EXCEEDED,
  cancelled: status.CANCELLED,
  unknown: status.UNKNOWN,
  'already-exists': status.ALREADY_EXISTS,
  'permission-denied': status.PERMISSION_DENIED,
  'resource-exhausted': status.RESOURCE_EXHAUSTED,
  'out-of-range': status.OUT_OF_RANGE,
  unimplemented: status.UNIMPLEMENTED,
  internal: status.INTERNAL,
  'data-loss': status.DATA_LOSS,
  unauthenticated: status.UNAUTHENTICATED,
  unreachable: status.UNAVAILABLE,
};

const CODE_OF_STATUS = new Map<status, ErrorCode>();
for (const [code, s] of Object.entries(STATUS_OF_CODE) as [ErrorCode, status][]) {
  if (!CODE_OF_STATUS.has(s)) CODE_OF_STATUS.set(s, code);
}

// --- server side -------------------------------------------------------------------------------

/** The status and message a thrown value maps to; `internal` marks a bug worth logging. */
export function statusOf(err: unknown): { code: status; details: string; internal: boolean } {
  if (err instanceof MaglevError)
    return { code: STATUS_OF_CODE[err.code], details: err.message, internal: false };
  const details = err instanceof Error ? err.message : String(err);
  return { code: status.INTERNAL, details, internal: true };
}

export function toServiceError(err: unknown): Partial<ServiceError> & { code: status; details: string } {
  const { code, details } = statusOf(err);
  return { code, details, metadata: new Metadata(), name: 'ServiceError', message: details };
}

// --- client side -------------------------------------------------------------------------------

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'details' in err;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`;
}

/**
 * The RpcError for a failed call to maglevd at `server` made with a deadline of deadlineMs:
 * maglevd's own message without gRPC's boilerplate, or "cannot reach maglevd at ..." when there
 * was no maglevd to answer (with what the channel's security suggests, connect-failure.ts). An
 * RpcError passes through; anything else is a bug (`unknown`).
 */
export function rpcErrorOf(
  err: unknown,
  server: string,
  deadlineMs: number,
  security: ChannelSecurityKind = 'plaintext',
): RpcError {
  if (!isServiceError(err)) return RpcError.from(err);
  const s = err.code;
  const name = status[s] ?? String(s);
  const make = (code: ErrorCode, message: string) => new RpcError(code, message, s, name);
  // grpc-js appends an empty "Resolution note:" to connection errors; it only adds noise.
  const details = err.details.replace(/\s*Resolution note:\s*$/, '');
  if (s === status.UNAVAILABLE) {
    const reason = connectFailure(details, security);
    if (reason) return make('unreachable', `cannot reach maglevd at ${server}: ${reason}`);
  }
  if (s === status.DEADLINE_EXCEEDED) {
    return make('deadline', `cannot reach maglevd at ${server}: no answer within ${seconds(deadlineMs)}`);
  }
  if (s === status.UNIMPLEMENTED) {
    return make(
      'unimplemented',
      `maglevd at ${server} does not implement this call (older version?): ${details}`,
    );
  }
  return make(CODE_OF_STATUS.get(s) ?? 'unknown', details || `gRPC status ${name}`);
}
