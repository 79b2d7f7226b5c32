// maglevc's view of maglevd: the calls its executor, shell and name completion make. A type, so
// tests can stand in for maglevd; the real thing is api's MaglevApiClient with its defaults.

import type { MaglevApiClient } from '../api/index.js';

export type { BackendActionName as BackendAction, EventStream } from '../api/index.js';

/** The public surface of the typed client. */
export type MaglevApi = Pick<MaglevApiClient, keyof MaglevApiClient>;
