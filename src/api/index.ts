// API: maglevd's gRPC face. Owns the maglev.Maglev protocol (proto/maglev.proto, generated code
// in gen/), the server lifecycle, grpc.health.v1, server reflection from buf's descriptor set,
// WatchEvents fan-out with per-subscriber backpressure, and the conversions from maglevd's
// views to messages. It reads and acts on maglevd only through MaglevApiBackend. It also owns
// the one typed client of maglevd (client.ts, used by maglevc and the dashboard) and the mapping
// between the error codes of src/errors.ts and gRPC statuses, both ways (status.ts). TLS: the
// server's certificates (server-tls.ts), the client's (channel.ts), reading and checking the PEM
// files for both (tls-files.ts), and where plaintext is allowed (listen-policy.ts).

export { startApiServer, normaliseListenAddress, DEFAULT_GRPC_ADDR, MAGLEV_SERVICE_NAME } from './server.js';
export type { ApiServer, ApiServerOptions } from './server.js';
export type { MaglevServiceStats } from './service.js';
export { statusOf, toServiceError, rpcErrorOf } from './status.js';
export { MaglevApiClient, DEFAULT_DEADLINE_MS, WATCH_EVERYTHING } from './client.js';
export type { MaglevApiClientOptions, BackendActionName } from './client.js';
export type { EventStream } from './event-stream.js';
export {
  securedChannel,
  clientTlsChoice,
  tlsFlagsOverEnvironment,
  loadChannelSecurity,
  describeSecurity,
  PLAINTEXT,
  CLIENT_TLS_FLAG,
} from './channel.js';
export type { ChannelSecurity, ClientTlsChoice, ClientTlsFlags, SecuredChannel } from './channel.js';
export { ServerTls } from './server-tls.js';
export type { ServerTlsFiles, ServerTlsSummary } from './server-tls.js';
export { TlsFileError, certSummary } from './tls-files.js';
export type { CertSummary } from './tls-files.js';
export { isLocalListenAddress, plaintextRefusal } from './listen-policy.js';
export { DescriptorIndex, answerReflection, REFLECTION_SERVICES } from './reflection.js';
export { watchFilter, eventPasses } from './watch.js';
export type { WatchFilter } from './watch.js';
export { durationFromMs, msFromDuration, jsonAttrs } from './convert.js';
export type * from './backend.js';
// The protocol itself: message types, codecs and grpc-js's generated client.
export * from './gen/maglev.js';
export { createCheckerBackend, configCheckResult } from './checker-backend.js';
export type { CheckerBackend, CheckerBackendOptions, ConfigOutcomeLike } from './checker-backend.js';
export { createVppBackend } from './vpp-backend.js';
export type { DaemonVppBackend, VppBackendOptions } from './vpp-backend.js';
