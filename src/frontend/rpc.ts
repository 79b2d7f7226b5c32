// Promise-returning calls to one maglevd over the generated grpc-js client, each with a deadline
// so a hung maglevd shows up as unreachable instead of stalling the dashboard. Failures become
// RpcError, which keeps the gRPC status code (the admin API maps it to an HTTP status).

import { credentials, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  MaglevClient,
  type BackendInfo,
  type Event,
  type FrontendInfo,
  type HealthCheckInfo,
  type ListBackendsResponse,
  type ListFrontendsResponse,
  type ListHealthChecksResponse,
  type ReloadConfigResponse,
  type SetWeightRequest,
  type SyncVPPLBStateResponse,
  type VPPInfo,
  type VPPLBState,
} from '../api/index.js';
import { backendActionCall, callWithDeadline, type UnaryInvoke } from '../api/client.js';
import type { BackendAction } from './wire.js';

export const RPC_DEADLINE_MS = 10_000;

export class RpcError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(details === '' ? `gRPC status ${status[code] ?? code}` : details);
    this.name = 'RpcError';
  }

  static from(err: unknown): RpcError {
    if (err instanceof RpcError) return err;
    const e = err as Partial<ServiceError>;
    if (e.code !== undefined) {
      // grpc-js appends an empty "Resolution note:" to connection errors; it only adds noise.
      const details = (e.details ?? e.message ?? '').replace(/\s*Resolution note:\s*$/, '');
      return new RpcError(e.code, details);
    }
    return new RpcError(status.UNKNOWN, err instanceof Error ? err.message : String(err));
  }

  /** The status name, e.g. UNAVAILABLE. */
  get codeName(): string {
    return status[this.code] ?? String(this.code);
  }
}

export class MaglevRpc {
  private readonly client: MaglevClient;

  constructor(
    readonly target: string,
    private readonly deadlineMs = RPC_DEADLINE_MS,
  ) {
    this.client = new MaglevClient(target, credentials.createInsecure(), {
      // grpc-js backs off up to 120 s between reconnects; the dashboard probes every 5 s and
      // should see a restarted maglevd within seconds, not minutes.
      'grpc.initial_reconnect_backoff_ms': 500,
      'grpc.max_reconnect_backoff_ms': 5000,
    });
  }

  private call<Res>(invoke: UnaryInvoke<Res>, deadlineMs = this.deadlineMs): Promise<Res> {
    return callWithDeadline(invoke, deadlineMs).catch((err: unknown) => {
      throw RpcError.from(err);
    });
  }

  async listFrontends(): Promise<FrontendInfo[]> {
    const res = await this.call<ListFrontendsResponse>((m, o, cb) =>
      this.client.listFrontends({ namesOnly: false }, m, o, cb),
    );
    return res.frontends;
  }

  /** The cheapest call there is: the reachability probe. */
  async ping(deadlineMs: number): Promise<void> {
    await this.call<ListFrontendsResponse>(
      (m, o, cb) => this.client.listFrontends({ namesOnly: true }, m, o, cb),
      deadlineMs,
    );
  }

  async listBackends(): Promise<BackendInfo[]> {
    const res = await this.call<ListBackendsResponse>((m, o, cb) =>
      this.client.listBackends({ namesOnly: false }, m, o, cb),
    );
    return res.backends;
  }

  getBackend(name: string): Promise<BackendInfo> {
    return this.call((m, o, cb) => this.client.getBackend({ name }, m, o, cb));
  }

  async listHealthChecks(): Promise<HealthCheckInfo[]> {
    const res = await this.call<ListHealthChecksResponse>((m, o, cb) =>
      this.client.listHealthChecks({ namesOnly: false }, m, o, cb),
    );
    return res.healthchecks;
  }

  backendAction(action: BackendAction, name: string): Promise<BackendInfo> {
    return this.call(backendActionCall(this.client, action, name));
  }

  setWeight(req: SetWeightRequest): Promise<FrontendInfo> {
    return this.call((m, o, cb) => this.client.setFrontendPoolBackendWeight(req, m, o, cb));
  }

  reloadConfig(): Promise<ReloadConfigResponse> {
    return this.call((m, o, cb) => this.client.reloadConfig({}, m, o, cb));
  }

  vppInfo(): Promise<VPPInfo> {
    return this.call((m, o, cb) => this.client.getVppInfo({}, m, o, cb));
  }

  vppLbState(): Promise<VPPLBState> {
    return this.call((m, o, cb) => this.client.getVpplbState({}, m, o, cb));
  }

  syncVppLbState(frontend: string): Promise<SyncVPPLBStateResponse> {
    return this.call((m, o, cb) => this.client.syncVpplbState({ frontend }, m, o, cb));
  }

  /** WatchEvents at debug level: transitions, frontend states and every log record. */
  watchEvents(): ClientReadableStream<Event> {
    return this.client.watchEvents({
      log: true,
      logLevel: 'debug',
      backend: true,
      frontend: true,
      backendNames: [],
      frontendNames: [],
    });
  }

  close(): void {
    this.client.close();
  }
}
