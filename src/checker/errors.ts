// Typed lookup failures, so the API layer can map them to NOT_FOUND without parsing messages.

export type NotFoundKind = 'backend' | 'frontend' | 'pool' | 'healthcheck';

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';

  constructor(
    readonly kind: NotFoundKind,
    readonly key: string,
  ) {
    super(`${kind} "${key}" not found`);
  }
}
