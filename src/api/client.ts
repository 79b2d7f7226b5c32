// The one typed client of maglevd, shared by maglevc and the dashboard: every RPC of
// maglev.Maglev as a promise method, plus the WatchEvents stream. It owns the deadline policy
// (every unary call gets one, so an unreachable or hung maglevd fails fast instead of hanging;
// a default here, a constructor option per client, an argument where one call needs its own),
// and every failure comes out as an RpcError with a stable code and a readable message.

import { Metadata, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';
import type { RpcError } from '../errors.js';
import {
  describeSecurity,
  PLAINTEXT,
  securedChannel,
  type ChannelSecurity,
  type ChannelSecurityKind,
} from './channel.js';
import { GrpcEventStream, type EventStream } from './event-stream.js';
import {
  MaglevClient,
  type Announcements,
  type BackendInfo,
  type ChangePreview,
  type CheckConfigResponse,
  type FrontendInfo,
  type HealthCheckInfo,
  type ListBackendsResponse,
  type ListFrontendsResponse,
  type ListHealthChecksResponse,
  type PreviewChangeRequest,
  type ReloadConfigResponse,
  type SetWeightRequest,
  type SyncVPPLBStateResponse,
  type VPPInfo,
  type VPPLBCounters,
  type VPPLBState,
  type WatchRequest,
} from './gen/maglev.js';
import { rpcErrorOf } from './status.js';

/** How long a unary call may take unless the client or the call says otherwise. */
export const DEFAULT_DEADLINE_MS = 5000;

export interface MaglevApiClientOptions {
  /** Every unary call's deadline (default DEFAULT_DEADLINE_MS). */
  deadlineMs?: number;
  /** How the channel is secured (default plaintext). */
  security?: ChannelSecurity;
  /**
   * grpc-js waits up to 120 s between reconnects by default; a client that polls and must see a
   * restarted maglevd within seconds sets its own bounds.
   */
  reconnectBackoffMs?: { initial: number; max: number };
}

/** The operator actions on a backend, one RPC each. */
export type BackendActionName = 'pause' | 'resume' | 'enable' | 'disable';

/** What WatchEvents sends when the caller does not choose: everything, logs at debug. */
export const WATCH_EVERYTHING: WatchRequest = {
  log: true,
  logLevel: 'debug',
  backend: true,
  frontend: true,
  backendNames: [],
  frontendNames: [],
  probeSummaryMs: 0,
  announcement: true,
};

type Callback<Res> = (err: ServiceError | null, res: Res) => void;
type UnaryInvoke<Res> = (
  metadata: Metadata,
  options: { deadline: number },
  callback: Callback<Res>,
) => unknown;

export class MaglevApiClient {
  readonly deadlineMs: number;
  /** plaintext, tls or mtls: what a connection failure suggests depends on it (connect-failure.ts). */
  readonly security: ChannelSecurityKind;
  private readonly client: MaglevClient;

  constructor(
    /** maglevd's gRPC address, host:port, as given. */
    readonly server: string,
    options: MaglevApiClientOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const security = options.security ?? PLAINTEXT;
    this.security = describeSecurity(security);
    const channel = securedChannel(security);
    const backoff: ChannelOptions = options.reconnectBackoffMs
      ? {
          'grpc.initial_reconnect_backoff_ms': options.reconnectBackoffMs.initial,
          'grpc.max_reconnect_backoff_ms': options.reconnectBackoffMs.max,
        }
      : {};
    this.client = new MaglevClient(server, channel.credentials, { ...backoff, ...channel.options });
  }

  private error(err: unknown, deadlineMs = this.deadlineMs): RpcError {
    return rpcErrorOf(err, this.server, deadlineMs, this.security);
  }

  private call<Res>(invoke: UnaryInvoke<Res>, deadlineMs = this.deadlineMs): Promise<Res> {
    return new Promise((resolve, reject) => {
      // grpc-js deadlines are wall-clock Dates: real time, whatever Clock the caller runs on.
      invoke(new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) reject(this.error(err, deadlineMs));
        else resolve(res);
      });
    });
  }

  // --- frontends, backends, health checks ---------------------------------------------------------

  async listFrontends(): Promise<FrontendInfo[]> {
    const res = await this.call<ListFrontendsResponse>((m, o, cb) =>
      this.client.listFrontends({ namesOnly: false }, m, o, cb),
    );
    return res.frontends;
  }
  async frontendNames(): Promise<string[]> {
    const res = await this.call<ListFrontendsResponse>((m, o, cb) =>
      this.client.listFrontends({ namesOnly: true }, m, o, cb),
    );
    return res.names;
  }
  getFrontend(name: string): Promise<FrontendInfo> {
    return this.call((m, o, cb) => this.client.getFrontend({ name }, m, o, cb));
  }

  /** The cheapest call there is, as a reachability probe; deadlineMs overrides the client's. */
  async ping(deadlineMs = this.deadlineMs): Promise<void> {
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
  async backendNames(): Promise<string[]> {
    const res = await this.call<ListBackendsResponse>((m, o, cb) =>
      this.client.listBackends({ namesOnly: true }, m, o, cb),
    );
    return res.names;
  }
  getBackend(name: string): Promise<BackendInfo> {
    return this.call((m, o, cb) => this.client.getBackend({ name }, m, o, cb));
  }

  pauseBackend(name: string): Promise<BackendInfo> {
    return this.call((m, o, cb) => this.client.pauseBackend({ name }, m, o, cb));
  }
  resumeBackend(name: string): Promise<BackendInfo> {
    return this.call((m, o, cb) => this.client.resumeBackend({ name }, m, o, cb));
  }
  enableBackend(name: string): Promise<BackendInfo> {
    return this.call((m, o, cb) => this.client.enableBackend({ name }, m, o, cb));
  }
  disableBackend(name: string): Promise<BackendInfo> {
    return this.call((m, o, cb) => this.client.disableBackend({ name }, m, o, cb));
  }
  /** One of the four actions above, by name (the CLI's and the admin API's words). */
  backendAction(action: BackendActionName, name: string): Promise<BackendInfo> {
    switch (action) {
      case 'pause':
        return this.pauseBackend(name);
      case 'resume':
        return this.resumeBackend(name);
      case 'enable':
        return this.enableBackend(name);
      case 'disable':
        return this.disableBackend(name);
    }
  }

  async listHealthChecks(): Promise<HealthCheckInfo[]> {
    const res = await this.call<ListHealthChecksResponse>((m, o, cb) =>
      this.client.listHealthChecks({ namesOnly: false }, m, o, cb),
    );
    return res.healthchecks;
  }
  async healthCheckNames(): Promise<string[]> {
    const res = await this.call<ListHealthChecksResponse>((m, o, cb) =>
      this.client.listHealthChecks({ namesOnly: true }, m, o, cb),
    );
    return res.names;
  }
  getHealthCheck(name: string): Promise<HealthCheckInfo> {
    return this.call((m, o, cb) => this.client.getHealthCheck({ name }, m, o, cb));
  }

  /** SetFrontendPoolBackendWeight. */
  setWeight(req: SetWeightRequest): Promise<FrontendInfo> {
    return this.call((m, o, cb) => this.client.setFrontendPoolBackendWeight(req, m, o, cb));
  }

  // --- configuration ------------------------------------------------------------------------------

  /** The file on disk, or a candidate's YAML (named for file:line:col); a valid one comes with its preview. */
  checkConfig(candidate?: { yaml: string; name: string }): Promise<CheckConfigResponse> {
    const req = { candidateYaml: candidate?.yaml ?? '', candidateName: candidate?.name ?? '' };
    return this.call((m, o, cb) => this.client.checkConfig(req, m, o, cb));
  }
  reloadConfig(): Promise<ReloadConfigResponse> {
    return this.call((m, o, cb) => this.client.reloadConfig({}, m, o, cb));
  }

  // --- VPP ----------------------------------------------------------------------------------------

  vppInfo(): Promise<VPPInfo> {
    return this.call((m, o, cb) => this.client.getVppInfo({}, m, o, cb));
  }
  vppLbState(): Promise<VPPLBState> {
    return this.call((m, o, cb) => this.client.getVpplbState({}, m, o, cb));
  }
  /** Reconciles one frontend's VIP with VPP now; undefined or '' reconciles every VIP. */
  syncVppLbState(frontend?: string): Promise<SyncVPPLBStateResponse> {
    return this.call((m, o, cb) => this.client.syncVpplbState({ frontend: frontend ?? '' }, m, o, cb));
  }
  vppLbCounters(): Promise<VPPLBCounters> {
    return this.call((m, o, cb) => this.client.getVpplbCounters({}, m, o, cb));
  }

  // --- previews -----------------------------------------------------------------------------------

  /** PreviewChange: the dry run of an action (a reload's is checkConfig). */
  previewChange(change: NonNullable<PreviewChangeRequest['change']>): Promise<ChangePreview> {
    return this.call((m, o, cb) => this.client.previewChange({ change }, m, o, cb));
  }

  // --- announcements ------------------------------------------------------------------------------

  /** What the node announces over BGP through BIRD (`enabled` false without maglev.announce). */
  announcements(): Promise<Announcements> {
    return this.call((m, o, cb) => this.client.getAnnouncements({}, m, o, cb));
  }

  // --- events -------------------------------------------------------------------------------------

  /**
   * WatchEvents. No deadline: the stream lives until the caller cancels it or maglevd ends it.
   * A maglevd that cannot be reached still fails at once (the channel does not wait for
   * readiness).
   */
  watchEvents(req: WatchRequest = WATCH_EVERYTHING): EventStream {
    return new GrpcEventStream(this.client.watchEvents(req, new Metadata()), (err) => this.error(err));
  }

  close(): void {
    this.client.close();
  }
}
