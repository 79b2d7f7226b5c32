// Shared test helpers: loopback servers, test-time certificates, event queues, config builders.

export { Arrivals } from './arrivals.js';
export { TestPki, type TestCert } from './pki.js';
export {
  closedPort,
  okHandler,
  startHttpServer,
  startHttpsServer,
  startTcpServer,
  startTlsServer,
  type HttpTestServer,
  type HttpsTestServer,
  type ListenOptions,
  type LoopbackServer,
  type RequestHandler,
  type SeenRequest,
  type TcpServerOptions,
  type TcpTestServer,
  type TlsListenOptions,
  type TlsTestServer,
} from './servers.js';
export {
  backend,
  config,
  defaultParams,
  frontend,
  healthcheck,
  probeRequest,
  type FrontendSpec,
  type HealthCheckOverrides,
  type PoolMembers,
} from './config.js';
export { FAIL, FAULT, PASS, SOURCE_FAULT, ScriptedProbe, type ProbeCall } from './scripted-probe.js';
