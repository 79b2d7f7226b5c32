// The numbers shared with native/probe_engine.h: what a target is, how a probe ended, and the
// int32 layouts of schedule entries and result records. Kept in one place on each side of the
// addon boundary; a change here must be made there too.

export const EngineKind = { tcp: 0, http: 1 } as const;

export const EngineFlag = {
  /** tcp: pass at SYN-ACK and reset, never completing the handshake (HAProxy's connect check). */
  halfOpen: 1,
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
} as const;

/** The step a setup error happened in (aux of a setupError record), named as the addon's syscalls. */
export const ENGINE_SETUP_STEPS = ['open', 'setns', 'socket', 'bind'] as const;

/** A result record: slot, token, outcome, value, aux, duration µs, lag µs, text index (-1: none). */
export const RECORD_INTS = 8;
export const Record = {
  slot: 0,
  token: 1,
  outcome: 2,
  value: 3,
  aux: 4,
  durationUs: 5,
  lagUs: 6,
  text: 7,
} as const;

/** A schedule entry: slot, token, delay ms, from the previous probe's finish (1) or from now (0). */
export const SCHEDULE_INTS = 4;
