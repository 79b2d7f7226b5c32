// The errors that cross a layer, in one list, each with a stable `code` (the way undici's
// lib/core/errors.js does it): callers decide by `code`, never by a class name or a message.
// This module sits below everything and imports nothing at run time (one type from grpc-js), so
// the checker, the API server and the clients all throw and read the same classes. Which gRPC
// status each code is, and back, is one table in api/status.ts.

import type { status as GrpcStatus } from '@grpc/grpc-js';

/** The stable codes. Kebab-case, never renamed: logs, tests and the admin API rely on them. */
export const ERROR_CODES = [
  // What a maglevd handler refuses with (thrown by the checker, the API and the VPP side).
  'not-found',
  'invalid-argument',
  'failed-precondition',
  'unavailable',
  'aborted',
  // What only a client sees: why maglevd gave no answer.
  'unreachable',
  'deadline',
  // The rest of gRPC's statuses, so that every failed call has a code.
  'cancelled',
  'unknown',
  'already-exists',
  'permission-denied',
  'resource-exhausted',
  'out-of-range',
  'unimplemented',
  'internal',
  'data-loss',
  'unauthenticated',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every error with a stable code. */
export abstract class MaglevError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string) {
    super(message);
    // For stack traces and logs only; nothing may decide by it.
    this.name = new.target.name;
  }
}

/** A name that matches nothing (a backend, frontend, pool, health check...). */
export class NotFoundError extends MaglevError {
  readonly code = 'not-found';

  constructor(
    readonly kind: string,
    readonly key: string,
    message = `${kind} "${key}" not found`,
  ) {
    super(message);
  }
}

/** A request that can never succeed as it is (an empty name, a weight out of range). */
export class InvalidArgumentError extends MaglevError {
  readonly code = 'invalid-argument';
}

/** A request that cannot succeed in the current state (a disabled backend, the startup warmup). */
export class FailedPreconditionError extends MaglevError {
  readonly code = 'failed-precondition';
}

/** Something the request needs is not there now (VPP not connected); try again later. */
export class UnavailableError extends MaglevError {
  readonly code = 'unavailable';
}

/** The work was started and given up part-way (VPP refused an operation of a sync). */
export class AbortedError extends MaglevError {
  readonly code = 'aborted';
}

/**
 * A call to maglevd that failed, as a client reports it: a stable code, the gRPC status it came
 * with, and one line an operator can act on ("cannot reach maglevd at host:port: connection
 * refused", or maglevd's own message). Made from grpc-js's ServiceError by api/status.ts.
 */
export class RpcError extends MaglevError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The gRPC status it came with. */
    readonly status: GrpcStatus,
    /** Its name, e.g. UNAVAILABLE, as logs show it. */
    readonly statusName: string,
  ) {
    super(message);
  }

  /** err as an RpcError: the client's own errors as they are, anything else (a bug) as `unknown`. */
  static from(err: unknown): RpcError {
    if (err instanceof RpcError) return err;
    return new RpcError('unknown', err instanceof Error ? err.message : String(err), 2, 'UNKNOWN');
  }
}
