// API: maglevd's gRPC face. Owns the maglev.Maglev protocol (proto/maglev.proto, generated code
// in gen/), the server lifecycle, grpc.health.v1, server reflection from buf's descriptor set,
// WatchEvents fan-out with per-subscriber backpressure, and the conversions from maglevd's
// views to messages. It reads and acts on maglevd only through MaglevApiBackend.

export { startApiServer, normaliseListenAddress, DEFAULT_GRPC_ADDR, MAGLEV_SERVICE_NAME } from './server.js';
export type { ApiServer, ApiServerOptions } from './server.js';
export type { MaglevServiceStats } from './service.js';
export { ApiError, statusOf } from './errors.js';
export { DescriptorIndex, answerReflection, REFLECTION_SERVICES } from './reflection.js';
export { watchFilter, eventPasses } from './watch.js';
export type { WatchFilter } from './watch.js';
export { durationFromMs, msFromDuration, jsonAttrs } from './convert.js';
export type * from './backend.js';
// The protocol itself: message types, codecs and the typed client (maglevc, the dashboard).
export * from './gen/maglev.js';
export { createCheckerBackend, configCheckResult } from './checker-backend.js';
export type { CheckerBackend, CheckerBackendOptions, ConfigOutcomeLike } from './checker-backend.js';
export { createVppBackend } from './vpp-backend.js';
export type { DaemonVppBackend, VppBackendOptions } from './vpp-backend.js';
