// TLS session reuse for https and tcp+ssl probes (params.tls-session-reuse): each backend's
// probes offer the session of its last good handshake, as HAProxy's check-ssl does, so that a
// probe costs a session resumption instead of a full handshake (no key exchange signature to
// verify, no certificate chain to check; bench/README.md has the figures).
//
// The verdict stays that of a full handshake:
// - a session is kept only from a probe that passed, and dropped when any probe fails, so the
//   probe after a failure always makes a full handshake and checks the certificate again;
// - a resumed session carries the verification result of the handshake that made it (OpenSSL
//   keeps it in the session), which was a full one that passed;
// - a session is offered for at most TLS_SESSION_MAX_AGE_MS after that full handshake, whatever
//   the server would accept, so the certificate is checked in full at least that often;
// - a server that declines the session (new ticket keys, a restart, its own timeout) simply gets
//   a full handshake, and its new session is kept in place of the old.
//
// Sessions are kept per probing worker: the checker gives each backend's worker one AbortSignal
// for its whole life, and replaces the worker (and so the signal) whenever the backend's address,
// namespace or check settings change. A WeakMap on that signal therefore forgets a session when
// the check's TLS settings change, and when the backend goes away, with no bookkeeping here. A
// probe without a signal (a one-off) neither offers nor keeps a session.
//
// This file is the one description of the rule. The probe engine (native/probe_engine.c,
// struct tls_target and tls_settle) follows it for the probes it runs, keeping each run's
// SSL_SESSION itself, with the age on its own monotonic clock; a run there is a worker's life.

import type { Clock } from '../clock/index.js';

/**
 * How long after its full handshake a session may be offered: 5 minutes, nginx's and
 * OpenSSL's default session lifetime, so that a full certificate check happens at least that
 * often (one probe in 300 at a 1 s interval) even against a server that keeps sessions longer.
 */
export const TLS_SESSION_MAX_AGE_MS = 5 * 60_000;

interface KeptSession {
  session: Buffer;
  /** When the full handshake this session descends from started, on the clock's monotonic time. */
  verifiedAt: number;
}

export class TlsSessions {
  private readonly byWorker = new WeakMap<AbortSignal, KeptSession>();

  constructor(private readonly clock: Clock) {}

  /** The session to offer on the worker's next handshake, if it has one young enough. */
  offer(worker: AbortSignal): Buffer | undefined {
    const kept = this.byWorker.get(worker);
    if (kept === undefined) return undefined;
    if (this.clock.monotonic() - kept.verifiedAt < TLS_SESSION_MAX_AGE_MS) return kept.session;
    this.byWorker.delete(worker);
    return undefined;
  }

  /**
   * A probe that passed received a session. `fullHandshakeAt`: when the probe's handshake
   * started if it was a full one; undefined if it resumed, and then the new session (a renewed
   * ticket) inherits the age of the one it replaces. A resumption with nothing kept (forgotten
   * meanwhile) keeps nothing: its age would be unknown.
   */
  keep(worker: AbortSignal, session: Buffer, fullHandshakeAt: number | undefined): void {
    const verifiedAt = fullHandshakeAt ?? this.byWorker.get(worker)?.verifiedAt;
    if (verifiedAt !== undefined) this.byWorker.set(worker, { session, verifiedAt });
  }

  /** A probe failed: the next handshake is a full one. */
  forget(worker: AbortSignal): void {
    this.byWorker.delete(worker);
  }
}
