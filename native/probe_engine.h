/*
 * The probe engine: tcp and http probes, plain or over TLS (node's OpenSSL), run on a thread of
 * their own with one epoll loop, so the sockets of thousands of probes a second never touch the
 * JavaScript event loop. JavaScript keeps
 * everything that decides anything (health, scheduling intervals, what a result means); the engine
 * only opens, writes, reads the status line, times out and closes, and hands results back in
 * batches. The numbers below are the protocol between the two; src/native/engine-protocol.ts
 * mirrors them.
 */
#ifndef PROBE_ENGINE_H
#define PROBE_ENGINE_H

#include <node_api.h>

/* What a target is probed with. */
enum pe_kind { PE_KIND_TCP = 0, PE_KIND_HTTP = 1 };

/* Target flags. */
#define PE_FLAG_HALF_OPEN 1u /* tcp: judge at SYN-ACK and reset, never completing the handshake */
#define PE_FLAG_TLS 2u       /* TLS over the connection: http writes its request over it, tcp passes at its end */
#define PE_FLAG_TLS_VERIFY 4u /* check the chain and the name (no insecure-skip-verify) */
#define PE_FLAG_TLS_REUSE 8u  /* offer the session of the target's last good probe (tls-session-reuse) */
#define PE_FLAG_RESET_CLOSE 16u /* plain http: once the backend has closed its end, end with a reset */

/* How a probe ended. */
enum pe_outcome {
  PE_CONNECTED = 0,        /* tcp: the connection is up */
  PE_STATUS = 1,           /* http: value = the final status code */
  PE_CONNECT_ERROR = 2,    /* value = errno, from the network (after the SYN went out) */
  PE_CONNECT_TIMEOUT = 3,  /* the deadline passed before the connection was up */
  PE_RESPONSE_ERROR = 4,   /* value = errno, after the connection was up */
  PE_RESPONSE_TIMEOUT = 5, /* the deadline passed while sending or waiting for the head */
  PE_BAD_STATUS_LINE = 6,  /* text = the status line (at most 64 bytes of it) */
  PE_EMPTY_RESPONSE = 7,   /* closed before any byte of a status line */
  PE_TRUNCATED_HEAD = 8,   /* closed inside the head; value = bytes of it received */
  PE_HEAD_TOO_LARGE = 9,   /* no end of head within 16 KiB */
  PE_SETUP_ERROR = 10,     /* value = errno, aux = the step (enum pe_step) */
  PE_CONNECT_CALL_ERROR = 11, /* value = errno: connect() itself failed, nothing was sent */
  PE_TLS_ERROR = 12,       /* the handshake failed: text = Node's code (ERR_SSL_...), else value = errno */
  PE_TLS_TIMEOUT = 13,     /* the deadline passed during the handshake */
  PE_CERT_REJECTED = 14,   /* value = the X509_V_ERR code; -1: the name (or IP) does not match */
  PE_SECURED = 15,         /* tcp with TLS: the handshake passed; text = the protocol ("TLSv1.3") */
  /* PE_RESPONSE_ERROR over TLS may carry text instead of an errno: Node's code of the TLS error. */
};

/* Where a probe's socket could not be made. */
enum pe_step { PE_STEP_OPEN = 0, PE_STEP_SETNS = 1, PE_STEP_SOCKET = 2, PE_STEP_BIND = 3 };

/*
 * One result as int32s: slot, token, seq, outcome, value, aux, duration µs, lag µs, text index
 * (-1), age µs (how long ago the probe ended, as drain() hands it over).
 */
#define PE_RECORD_INTS 10
/* One schedule entry as int32s: slot, token, delay ms, seq of the probe it follows (-1: first). */
#define PE_SCHEDULE_INTS 4
/*
 * The version of this protocol, raised whenever anything above changes meaning (a field, an
 * outcome, a flag), not only its width. The addon exports it with the two widths as
 * `probeEngineProtocol`, and src/native/addon.ts refuses an addon built from another
 * native/ than the JavaScript beside it: a stale build would otherwise be read with the wrong
 * record layout and lose results silently.
 */
#define PE_PROTOCOL_VERSION 4

/* Adds the ProbeEngine class to the addon's exports. */
napi_status probe_engine_register(napi_env env, napi_value exports);

#endif
