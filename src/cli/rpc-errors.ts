// Turning gRPC failures into one line an operator can act on: the server's own message without
// status boilerplate, or "cannot reach maglevd at ..." when there is no server to ask.

import { status, type ServiceError } from '@grpc/grpc-js';

/** An error maglevc reports as `maglevc: <message>` and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    /** 1: the server said no or could not be reached; 2: the command line was wrong. */
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'details' in err;
}

/** Why the connection failed, from grpc-js's transport message. */
function connectReason(details: string): string | undefined {
  if (/Name resolution failed/i.test(details)) return 'name does not resolve';
  if (/ECONNREFUSED/.test(details)) return 'connection refused';
  if (/EHOSTUNREACH|ENETUNREACH/.test(details)) return 'no route to host';
  if (/ETIMEDOUT/.test(details)) return 'connection timed out';
  if (/ECONNRESET|Connection dropped|socket hang up/i.test(details)) return 'connection reset';
  if (/No connection established/i.test(details)) {
    const last = /Last error: (?:Error: )?([^.]+)/.exec(details)?.[1];
    return last ?? 'no connection';
  }
  return undefined;
}

export function describeRpcError(err: ServiceError, server: string, deadlineMs: number): string {
  if (err.code === status.UNAVAILABLE) {
    const reason = connectReason(err.details);
    if (reason) return `cannot reach maglevd at ${server}: ${reason}`;
  }
  if (err.code === status.DEADLINE_EXCEEDED) {
    return `cannot reach maglevd at ${server}: no answer within ${Math.round(deadlineMs / 1000)}s`;
  }
  if (err.code === status.UNIMPLEMENTED) {
    return `maglevd at ${server} does not implement this call (older version?): ${err.details}`;
  }
  return err.details || err.message;
}

/** The error to report for a failed call; anything else is a bug and keeps its message. */
export function cliErrorFrom(err: unknown, server: string, deadlineMs: number): CliError {
  if (err instanceof CliError) return err;
  if (isServiceError(err)) return new CliError(describeRpcError(err, server, deadlineMs), 1);
  return new CliError(err instanceof Error ? err.message : String(err), 1);
}
