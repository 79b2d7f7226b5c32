// The validated, normalised configuration: what the rest of maglevd reads. Durations are
// milliseconds, addresses are canonical strings, maps keep the file's order.

import type { IpFamily } from '../net/ip-address.js';

export type HealthCheckType = 'icmp' | 'tcp' | 'http' | 'https';
export type FrontendProtocol = 'tcp' | 'udp' | 'any';

export interface ResponseCodeRange {
  min: number;
  max: number;
}

export interface HealthCheckParams {
  /** HTTP path, starts with '/'. Default '/'. */
  path: string;
  /** Host header; undefined means the backend address. */
  host: string | undefined;
  /** Accepted status codes; default 200-399. */
  responseCode: ResponseCodeRange;
  /** Regexp source matched against the first 64 KiB of the body; undefined means no body check. */
  responseRegexp: string | undefined;
  /** TLS SNI; defaults to params.host when that is set, otherwise undefined (no SNI for IP literals). */
  serverName: string | undefined;
  insecureSkipVerify: boolean;
  /** tcp only: a TLS handshake must succeed. */
  ssl: boolean;
  /**
   * tcp without ssl: pass at the SYN-ACK and close with a RST before the handshake completes,
   * as HAProxy's connect check does (the backend's application never sees the connection).
   * Always false with ssl (TLS needs the whole handshake).
   */
  halfOpen: boolean;
  /**
   * https, and tcp with ssl: offer the backend's last good TLS session on the next probe, as
   * HAProxy's check-ssl does (src/probe/tls-sessions.ts). Always false without TLS.
   */
  tlsSessionReuse: boolean;
  /**
   * http only: once the backend has closed its end after answering, end the connection with a
   * RST rather than a FIN (its application is done with it; its kernel keeps no TIME_WAIT). A
   * backend that has not closed yet always gets a FIN.
   * Always false for other types (tcp has halfOpen; TLS says goodbye with close_notify).
   */
  resetClose: boolean;
}

export interface HealthCheckConfig {
  name: string;
  type: HealthCheckType;
  /** Undefined for icmp. */
  port: number | undefined;
  intervalMs: number;
  fastIntervalMs: number;
  downIntervalMs: number;
  timeoutMs: number;
  rise: number;
  fall: number;
  probeIpv4Src: string | undefined;
  probeIpv6Src: string | undefined;
  params: HealthCheckParams;
}

export interface BackendConfig {
  name: string;
  address: string;
  family: IpFamily;
  /** Name of a health check; undefined means a synthetic pass with no traffic. */
  healthcheck: string | undefined;
  enabled: boolean;
}

export interface PoolBackendConfig {
  /** 0..100, default 100. */
  weight: number;
}

export interface PoolConfig {
  name: string;
  /** Backend name → settings, in file order. */
  backends: ReadonlyMap<string, PoolBackendConfig>;
}

export interface FrontendConfig {
  name: string;
  address: string;
  family: IpFamily;
  protocol: FrontendProtocol;
  /** 0 when protocol is 'any' (an all-ports VIP). */
  port: number;
  description: string;
  pools: readonly PoolConfig[];
  srcIpSticky: boolean;
  flushOnDown: boolean;
  /** Power of two, default 1024. */
  flowTableLength: number;
  /**
   * Percent 0..100 (`panic-threshold: 50%`): below it the serving pool serves on all its enabled
   * backends (docs/safety.md §The panic threshold). Undefined (the default): never.
   */
  panicThreshold: number | undefined;
  /**
   * Announce the VIP through BIRD (docs/fleet.md). The parser always sets it (default true when
   * maglev.announce is set); hand-built configs may leave it out: read it with announcesFrontend().
   */
  announce?: boolean;
}

export interface HealthCheckerConfig {
  transitionHistory: number;
  /** Network namespace all probes run in; undefined means maglevd's own. */
  netns: string | undefined;
}

export interface VppLbConfig {
  ipv4SrcAddress: string | undefined;
  ipv6SrcAddress: string | undefined;
  syncIntervalMs: number;
  startupMinDelayMs: number;
  startupMaxDelayMs: number;
  stickyBucketsPerCore: number | undefined;
  /** Seconds, as lb_conf takes it. */
  flowTimeoutS: number | undefined;
}

/** maglev.announce.bird: the BIRD that carries this node's VIP routes (docs/fleet.md). */
export interface BirdAnnounceConfig {
  /** BIRD's control socket. */
  socket: string;
  /** The file maglevd owns and bird.conf includes. */
  includeFile: string;
  /** Base name of the static protocols: `<protocol>4` and `<protocol>6`. */
  protocol: string;
  /** Filter commands added to every route, e.g. `bgp_community.add((65000,100));`; may be ''. */
  routeAttributes: string;
}

export interface AnnounceConfig {
  bird: BirdAnnounceConfig;
}

export interface MaglevConfig {
  healthchecker: HealthCheckerConfig;
  /** Set when the file has maglev.announce: VIPs are announced over BGP through BIRD. */
  announce?: AnnounceConfig;
  vpp: { lb: VppLbConfig };
  healthchecks: ReadonlyMap<string, HealthCheckConfig>;
  backends: ReadonlyMap<string, BackendConfig>;
  frontends: ReadonlyMap<string, FrontendConfig>;
}
