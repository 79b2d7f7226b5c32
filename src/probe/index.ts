// src/probe owns how one backend is probed once: tcp (optionally with TLS), http and https,
// and icmp (ping sockets via the native addon), each in its own file. Plain tcp and http run on
// the probe engine by default (probe-engine.ts: a native epoll thread, off the event loop, which
// can also run a backend's whole probe loop for the checker: engine-probes.ts); the others open
// their sockets through a SocketFactory (the seam for the netns/ping-socket addon). Either way a
// probe runs under one timeout covering the whole probe and always resolves to a ProbeResult
// with an HAProxy-style code and a detail, the same for both paths (probe-failure.ts); an abort
// through req.signal resolves at once as L4CON "aborted". TLS probes resume each backend's last
// good TLS session (tls-sessions.ts). A failure on the checker's own side
// (no namespace, no source address, no route from here, no file descriptors, a stalled event
// loop) is a checker fault instead, decided in checker-fault.ts. Scheduling, rise/fall and what
// results mean for a backend belong to the checker.

export { createProber, createRepeatingProber, type ProberOptions } from './prober.js';
export { EngineProbes, type ProbeLoop, type ResultReceiver, type RepeatingProber } from './engine-probes.js';
export { EngineFlag, EngineKind, EngineOutcome } from '../native/engine-protocol.js';
export {
  ProbeEngine,
  sharedProbeEngine,
  probeEngineUnavailableReason,
  type EngineTarget,
  type ProbeEngineOptions,
} from './probe-engine.js';
export { probeTcp } from './tcp.js';
export { probeHttp, BODY_LIMIT } from './http.js';
export { probeIcmp } from './icmp.js';
export { ABORTED_DETAIL, errorCode } from './probe-run.js';
export { TlsSessions, TLS_SESSION_MAX_AGE_MS } from './tls-sessions.js';
export {
  checkerFault,
  checkerFaultReason,
  setupFault,
  setupFailureOf,
  stallDetail,
  stalledPastTimeout,
  STALL_FRACTION,
  STALL_MIN_MS,
  type LocalError,
  type LocalErrorSite,
  type SetupFailure,
} from './checker-fault.js';
export type { ProbeContext } from './probe-context.js';
export { hostHeader } from './host-header.js';
export { bodyRegexp } from './body-regexp.js';
export { DEFAULT_USER_AGENT, MAGLEVD_VERSION, PROJECT_URL } from './user-agent.js';
export { defaultSocketFactory, SocketSetupError } from './socket-factory.js';
export type { SocketFactory, TcpConnectOptions } from './socket-factory.js';
export type { ProbeFn, ProbeRequest } from './types.js';
export { createIcmpProbe, type IcmpProbeOptions } from './icmp.js';
export { nativeSocketFactory, createNativeSocketFactory } from './native-socket-factory.js';
export { PingSocketPool } from './native-ping-pool.js';
export { describeIcmpError, type EchoOutcome } from './native-ping-socket.js';
export { checkNetns, netnsInodeOnDisk, isValidNetnsName, type NetnsStatus } from './netns.js';
export {
  ensurePingGroupRange,
  parsePingGroupRange,
  rangeAllows,
  widenedRange,
  PING_GROUP_RANGE_PATH,
  PACKAGED_SYSCTL_SNIPPET,
  type PingGroupRange,
  type PingGroupRangeStatus,
} from './ping-group-range.js';
