// Errors with a gRPC status. Backends throw these (or the checker's NotFoundError); the service
// turns any thrown value into a ServiceError with the right code, so a client always learns
// whether to fix its request, retry later, or report a bug.

import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static notFound(kind: string, name: string): ApiError {
    return new ApiError(status.NOT_FOUND, `${kind} "${name}" not found`);
  }
  static invalidArgument(message: string): ApiError {
    return new ApiError(status.INVALID_ARGUMENT, message);
  }
  static failedPrecondition(message: string): ApiError {
    return new ApiError(status.FAILED_PRECONDITION, message);
  }
  static unavailable(message: string): ApiError {
    return new ApiError(status.UNAVAILABLE, message);
  }
}

/** The status and message a thrown value maps to; `internal` marks a bug worth logging. */
export function statusOf(err: unknown): { code: status; details: string; internal: boolean } {
  if (err instanceof ApiError) return { code: err.code, details: err.message, internal: false };
  if (err instanceof Error) {
    // The checker's NotFoundError (and anyone else's) by name, so this layer needs no import of it.
    if (err.name === 'NotFoundError')
      return { code: status.NOT_FOUND, details: err.message, internal: false };
    return { code: status.INTERNAL, details: err.message, internal: true };
  }
  return { code: status.INTERNAL, details: String(err), internal: true };
}

export function toServiceError(err: unknown): Partial<ServiceError> & { code: status; details: string } {
  const { code, details } = statusOf(err);
  return { code, details, metadata: new Metadata(), name: 'ServiceError', message: details };
}
