// The numbers shared with native/probe_engine.h: what a target is, how a probe ended, and the
// int32 layouts of schedule entries and result records. Kept in one place on each side of the
// addon boundary; a change here must be made there too.

/**
 * The version of this protocol (PE_PROTOCOL_VERSION), raised with any change of meaning, not
 * only of width. The addon says which it was built with; src/native/addon.ts refuses another.
 */
export const ENGINE_PROTOCOL_VERSION = 4;

export const EngineKind = { tcp: 0, http: 1 } as const;

export const EngineFlag = {
  /** tcp: pass at SYN-ACK and reset, never completing the handshake (HAProxy's connect check). */
  halfOpen: 1,
  /** TLS over the connection: http writes its request over it, tcp passes when it is up. */
  tls: 2,
  /** Check the certificate's chain and name (not insecure-skip-verify). */
  tlsVerify: 4,
  /** Offer the session of the target's last good probe (params.tls-session-reuse). */
  tlsReuse: 8,
  /** Plain http: once the backend has closed its end, end with a RST (params.reset-close). */
  resetClose: 16,
} as const;

export const EngineOutcome = {
  connected: 0,
  status: 1,
  connectError: 2,
  connectTimeout: 3,
  responseError: 4,
  responseTimeout: 5,
  badStatusLine: 6,
  emptyResponse: 7,
  truncatedHead: 8,
  headTooLarge: 9,
  setupError: 10,
  /** connect() itself failed (nothing was sent): maybe a checker fault (checker-fault.ts). */
  connectCallError: 11,
  /** The TLS handshake failed: text = Node's code (ERR_SSL_...), else value = errno. */
  tlsError: 12,
  tlsTimeout: 13,
  /** value = X509_V_ERR code, -1: the certificate does not name the server. */
  certRejected: 14,
  /** tcp with TLS: the handshake passed; text = the protocol ("TLSv1.3"). */
  secured: 15,
} as const;

/** The step a setup error happened in (aux of a setupError record), named as the addon's syscalls. */
export const ENGINE_SETUP_STEPS = ['open', 'setns', 'socket', 'bind'] as const;

/**
 * A result record: slot, token, seq, outcome, value, aux, duration µs, lag µs, text index (-1:
 * none), age µs (how long before drain() handed it over the probe ended).
 */
export const RECORD_INTS = 10;
export const Record = {
  slot: 0,
  token: 1,
  seq: 2,
  outcome: 3,
  value: 4,
  aux: 5,
  durationUs: 6,
  lagUs: 7,
  text: 8,
  ageUs: 9,
} as const;

/**
 * A schedule entry: slot, token, delay ms, and the seq of the probe whose result it answers (the
 * next probe starts the delay after that one finished); -1 for a run's first probe (from now).
 */
export const SCHEDULE_INTS = 4;
