// Why a client could not reach maglevd, in words an operator can act on, read from grpc-js's
// transport message (it carries Node's socket error, or OpenSSL's for a TLS handshake). TLS
// failures name the flag that fixes them: an untrusted certificate points at --tls-ca, a name
// mismatch at --tls-server-name, a maglevd that wants a client certificate at --tls-cert.
//
// A refused client certificate and a plaintext client at a TLS port both look, to the client,
// like a connection closed before HTTP/2 started ("Failed to connect"): TLS 1.3 ends the
// handshake before the server has judged the certificate. What the client knows of its own
// security picks the likelier reading. So does a reset before any connection was established:
// the server that drops a refused certificate may close before the client has read its alert,
// and which of the two the client sees is a race.

import type { ChannelSecurityKind } from './channel.js';

/** The part of a "No connection established" message that says what went wrong. */
function lastError(details: string): string | undefined {
  const m = /Last error: ([\s\S]*)$/.exec(details);
  if (m?.[1] === undefined) return undefined;
  return (
    m[1]
      // grpc-js appends when it happened, and sometimes a full stop.
      .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)\s*\.?\s*$/, '')
      .replace(/\.\s*$/, '')
      .trim()
      // Node's error class and code, and OpenSSL's "<thread>:error:<code>:<lib>:<func>:" prefix.
      .replace(/^Error(?: \[[A-Z_0-9]+\])?: /, '')
      .replace(/^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:/, '')
      // ... and OpenSSL's source position after the reason (a build path and a line).
      .replace(/:[^:\s]*\.c:\d+:?$/, '')
      .replace(/:$/, '')
      .trim()
  );
}

function tlsFailure(last: string, security: ChannelSecurityKind): string | undefined {
  if (/certificate required/i.test(last)) {
    return 'maglevd asks for a client certificate: give --tls-cert and --tls-key';
  }
  if (
    /alert (unknown ca|bad certificate|certificate unknown|unsupported certificate|access denied)/i.test(last)
  ) {
    return `maglevd refused the client certificate (${last})`;
  }
  if (
    /unable to verify the first certificate|unable to get (local )?issuer certificate|self[- ]signed certificate|certificate signature failure/i.test(
      last,
    )
  ) {
    return `maglevd's certificate is not trusted (${last}): check --tls-ca`;
  }
  if (/certificate has expired|certificate is not yet valid/i.test(last)) {
    return `maglevd's certificate is not valid now (${last})`;
  }
  const altnames = /does not match certificate's altnames: (.*)$/s.exec(last);
  if (altnames?.[1] !== undefined) {
    return `maglevd's certificate is for other names (${altnames[1].replace(/\.\s/, ' ')}): check --tls-server-name`;
  }
  if (/wrong version number|packet length too long|http request|record layer failure/i.test(last)) {
    return `maglevd does not serve TLS there (${last}): leave out the --tls flags`;
  }
  if (
    /^Failed to connect$|Connection closed before starting HTTP\/2 handshake/i.test(last) ||
    (security === 'mtls' && /ECONNRESET|socket hang up/i.test(last))
  ) {
    switch (security) {
      case 'plaintext':
        return 'the connection closed during set-up: maglevd may serve TLS there (give --tls-ca)';
      case 'mtls':
        return 'maglevd closed the connection during the TLS handshake: it may not accept this client certificate';
      case 'tls':
        return 'maglevd closed the connection during set-up';
    }
  }
  return undefined;
}

/** Why the connection failed, from grpc-js's transport message; undefined: maglevd answered. */
export function connectFailure(
  details: string,
  security: ChannelSecurityKind = 'plaintext',
): string | undefined {
  if (/Name resolution failed/i.test(details)) return 'name does not resolve';
  if (/ECONNREFUSED/.test(details)) return 'connection refused';
  if (/EHOSTUNREACH|ENETUNREACH/.test(details)) return 'no route to host';
  if (/ETIMEDOUT/.test(details)) return 'connection timed out';
  const reset = /ECONNRESET|Connection dropped|socket hang up/i.test(details);
  if (/No connection established/i.test(details)) {
    const last = lastError(details);
    if (last === undefined || last === '') return 'no connection';
    return tlsFailure(last, security) ?? (reset ? 'connection reset' : last);
  }
  return reset ? 'connection reset' : undefined;
}
