// The dashboard's client for one maglevd: api's typed client with the dashboard's policy. It
// waits longer than maglevc's default, since a failed refresh marks a maglevd unreachable and
// admin actions (sync, reload) run on a busy maglevd; and it reconnects within seconds, since the
// dashboard probes every 5 s and should see a restarted maglevd at once, not after grpc-js's
// default backoff of up to two minutes. Its WatchEvents subscribes to everything at debug level.

import { MaglevApiClient, PLAINTEXT, type ChannelSecurity } from '../api/index.js';

export { RpcError } from '../errors.js';

export const RPC_DEADLINE_MS = 10_000;

export class MaglevRpc extends MaglevApiClient {
  constructor(target: string, security: ChannelSecurity = PLAINTEXT) {
    super(target, {
      deadlineMs: RPC_DEADLINE_MS,
      reconnectBackoffMs: { initial: 500, max: 5000 },
      security,
    });
  }
}
