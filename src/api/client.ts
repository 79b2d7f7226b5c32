// The client side's one way to make a unary call, shared by maglevc and the dashboard: a
// promise over the generated grpc-js MaglevClient, with a deadline so an unreachable or hung
// maglevd fails fast instead of hanging. Each caller turns the ServiceError into its own error.

import { Metadata, type ServiceError } from '@grpc/grpc-js';
import type { BackendInfo, MaglevClient } from './gen/maglev.js';

/** One unary call on the client, given its metadata, options and callback. */
export type UnaryInvoke<Res> = (
  metadata: Metadata,
  options: { deadline: number },
  callback: (err: ServiceError | null, res: Res) => void,
) => unknown;

/** Runs invoke with a deadline deadlineMs from now; rejects with grpc-js's ServiceError. */
export function callWithDeadline<Res>(invoke: UnaryInvoke<Res>, deadlineMs: number): Promise<Res> {
  return new Promise((resolve, reject) => {
    // grpc-js deadlines are wall-clock Dates: real time, whatever Clock the caller runs on.
    invoke(new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
      if (err) reject(err);
      else resolve(res);
    });
  });
}

/** The operator actions on a backend, one RPC each. */
export type BackendActionName = 'pause' | 'resume' | 'enable' | 'disable';

/** The unary call for an operator action on backend `name`. */
export function backendActionCall(
  client: MaglevClient,
  action: BackendActionName,
  name: string,
): UnaryInvoke<BackendInfo> {
  return (m, o, cb) => {
    const req = { name };
    switch (action) {
      case 'pause':
        return client.pauseBackend(req, m, o, cb);
      case 'resume':
        return client.resumeBackend(req, m, o, cb);
      case 'enable':
        return client.enableBackend(req, m, o, cb);
      case 'disable':
        return client.disableBackend(req, m, o, cb);
    }
  };
}
