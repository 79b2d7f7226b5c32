// maglevc's view of maglevd: promise-returning calls over the generated grpc-js client, each
// with a short deadline so an unreachable server fails fast instead of hanging a script. The
// executor and the shell depend only on the MaglevApi interface, so tests can swap it.

import { credentials, Metadata, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  MaglevClient,
  type BackendInfo,
  type CheckConfigResponse,
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
  type VPPLBCounters,
  type VPPLBState,
  type WatchRequest,
} from '../api/index.js';
import {
  backendActionCall,
  callWithDeadline,
  type BackendActionName,
  type UnaryInvoke,
} from '../api/client.js';
import { cliErrorFrom } from './rpc-errors.js';

export type BackendAction = BackendActionName;

/** A running WatchEvents call. */
export interface EventStream {
  onEvent(listener: (e: Event) => void): void;
  /** Resolves when the stream ends (by the server, or cancel()); rejects with a CliError on failure. */
  readonly done: Promise<void>;
  cancel(): void;
}

export interface MaglevApi {
  readonly server: string;
  listFrontends(): Promise<FrontendInfo[]>;
  frontendNames(): Promise<string[]>;
  getFrontend(name: string): Promise<FrontendInfo>;
  listBackends(): Promise<BackendInfo[]>;
  backendNames(): Promise<string[]>;
  getBackend(name: string): Promise<BackendInfo>;
  backendAction(action: BackendAction, name: string): Promise<BackendInfo>;
  listHealthChecks(): Promise<HealthCheckInfo[]>;
  healthCheckNames(): Promise<string[]>;
  getHealthCheck(name: string): Promise<HealthCheckInfo>;
  setWeight(req: SetWeightRequest): Promise<FrontendInfo>;
  checkConfig(): Promise<CheckConfigResponse>;
  reloadConfig(): Promise<ReloadConfigResponse>;
  vppInfo(): Promise<VPPInfo>;
  vppLbState(): Promise<VPPLBState>;
  syncVppLbState(frontend: string | undefined): Promise<SyncVPPLBStateResponse>;
  vppLbCounters(): Promise<VPPLBCounters>;
  watchEvents(req: WatchRequest): EventStream;
  close(): void;
}

export const DEFAULT_DEADLINE_MS = 5000;

export class GrpcMaglevApi implements MaglevApi {
  private readonly client: MaglevClient;

  constructor(
    readonly server: string,
    private readonly deadlineMs = DEFAULT_DEADLINE_MS,
  ) {
    this.client = new MaglevClient(server, credentials.createInsecure());
  }

  private call<Res>(invoke: UnaryInvoke<Res>): Promise<Res> {
    return callWithDeadline(invoke, this.deadlineMs).catch((err: unknown) => {
      throw cliErrorFrom(err, this.server, this.deadlineMs);
    });
  }

  async listFrontends(): Promise<FrontendInfo[]> {
    return (
      await this.call<ListFrontendsResponse>((m, o, cb) =>
        this.client.listFrontends({ namesOnly: false }, m, o, cb),
      )
    ).frontends;
  }
  async frontendNames(): Promise<string[]> {
    return (
      await this.call<ListFrontendsResponse>((m, o, cb) =>
        this.client.listFrontends({ namesOnly: true }, m, o, cb),
      )
    ).names;
  }
  getFrontend(name: string): Promise<FrontendInfo> {
    return this.call((m, o, cb) => this.client.getFrontend({ name }, m, o, cb));
  }
  async listBackends(): Promise<BackendInfo[]> {
    return (
      await this.call<ListBackendsResponse>((m, o, cb) =>
        this.client.listBackends({ namesOnly: false }, m, o, cb),
      )
    ).backends;
  }
  async backendNames(): Promise<string[]> {
    return (
      await this.call<ListBackendsResponse>((m, o, cb) =>
        this.client.listBackends({ namesOnly: true }, m, o, cb),
      )
    ).names;
  }
  getBackend(name: string): Promise<BackendInfo> {
    return this.call((m, o, cb) => this.client.getBackend({ name }, m, o, cb));
  }
  backendAction(action: BackendAction, name: string): Promise<BackendInfo> {
    return this.call(backendActionCall(this.client, action, name));
  }
  async listHealthChecks(): Promise<HealthCheckInfo[]> {
    return (
      await this.call<ListHealthChecksResponse>((m, o, cb) =>
        this.client.listHealthChecks({ namesOnly: false }, m, o, cb),
      )
    ).healthchecks;
  }
  async healthCheckNames(): Promise<string[]> {
    return (
      await this.call<ListHealthChecksResponse>((m, o, cb) =>
        this.client.listHealthChecks({ namesOnly: true }, m, o, cb),
      )
    ).names;
  }
  getHealthCheck(name: string): Promise<HealthCheckInfo> {
    return this.call((m, o, cb) => this.client.getHealthCheck({ name }, m, o, cb));
  }
  setWeight(req: SetWeightRequest): Promise<FrontendInfo> {
    return this.call((m, o, cb) => this.client.setFrontendPoolBackendWeight(req, m, o, cb));
  }
  checkConfig(): Promise<CheckConfigResponse> {
    return this.call((m, o, cb) => this.client.checkConfig({}, m, o, cb));
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
  syncVppLbState(frontend: string | undefined): Promise<SyncVPPLBStateResponse> {
    return this.call((m, o, cb) => this.client.syncVpplbState({ frontend: frontend ?? '' }, m, o, cb));
  }
  vppLbCounters(): Promise<VPPLBCounters> {
    return this.call((m, o, cb) => this.client.getVpplbCounters({}, m, o, cb));
  }

  watchEvents(req: WatchRequest): EventStream {
    // No deadline: the stream lives until the operator stops it. A server that cannot be
    // reached still fails at once (the channel is not waiting for readiness).
    const stream: ClientReadableStream<Event> = this.client.watchEvents(req, new Metadata());
    let cancelled = false;
    const done = new Promise<void>((resolve, reject) => {
      stream.on('end', () => resolve());
      stream.on('error', (err: ServiceError) => {
        if (cancelled) resolve();
        else reject(cliErrorFrom(err, this.server, this.deadlineMs));
      });
    });
    return {
      onEvent: (listener) => stream.on('data', listener),
      done,
      cancel: () => {
        cancelled = true;
        stream.cancel();
      },
    };
  }

  close(): void {
    this.client.close();
  }
}
