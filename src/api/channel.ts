// How a client's channel to maglevd is secured: the one place that turns the operator's choice
// (maglevc's and the dashboard's --tls, --tls-ca, --tls-cert, --tls-key, --tls-server-name) into
// grpc-js credentials and channel options. Three steps, so each can be tested alone:
// clientTlsChoice (pure: flags in, plaintext or TLS with file names out, or a usage error),
// loadChannelSecurity (reads and checks the files, errors name the flag and file), and
// securedChannel (bytes in, credentials out).

import { credentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { parseBool } from '../command-line.js';
import { readCertificates, readKeyPair } from './tls-files.js';

/** The client TLS flags as given (flag over environment already decided); undefined: not given. */
export interface ClientTlsFlags {
  /** --tls: true asks for TLS; false forces plaintext whatever else is set. */
  tls?: boolean | undefined;
  /** --tls-ca: the CA bundle maglevd's certificate must chain to (default: the system's roots). */
  tlsCa?: string | undefined;
  /** --tls-cert and --tls-key: the client's certificate, for a maglevd that asks for one (mTLS). */
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  /** --tls-server-name: the name maglevd's certificate must carry, when not the dialled host. */
  tlsServerName?: string | undefined;
}

/** What the flags decide: plaintext, or TLS with the files to read. */
export type ClientTlsChoice =
  | { kind: 'plaintext' }
  | {
      kind: 'tls';
      caFile?: string | undefined;
      certFile?: string | undefined;
      keyFile?: string | undefined;
      serverName?: string | undefined;
    };

/** What the channel is built from: plaintext, or TLS with the files' contents. */
export type ChannelSecurity =
  | { kind: 'plaintext' }
  | {
      kind: 'tls';
      /** PEM CA bundle; undefined trusts the system's roots. */
      ca?: Buffer | undefined;
      /** PEM client certificate and key, both or neither. */
      cert?: Buffer | undefined;
      key?: Buffer | undefined;
      serverName?: string | undefined;
    };

export const PLAINTEXT: ChannelSecurity = { kind: 'plaintext' };

/** Names for messages: the flag spelling of each ClientTlsFlags key. */
export const CLIENT_TLS_FLAG = {
  tls: '--tls',
  tlsCa: '--tls-ca',
  tlsCert: '--tls-cert',
  tlsKey: '--tls-key',
  tlsServerName: '--tls-server-name',
} as const satisfies Record<keyof ClientTlsFlags, string>;

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

/**
 * The TLS flags as given on the command line, each falling back to its environment variable:
 * `<prefix>_TLS`, `<prefix>_TLS_CA`, `<prefix>_TLS_CERT`, `<prefix>_TLS_KEY` and
 * `<prefix>_TLS_SERVER_NAME` (maglevc: MAGLEV, the dashboard: MAGLEV_FRONTEND). An empty
 * variable counts as not set; `<prefix>_TLS` that is not a boolean is a usage error.
 */
export function tlsFlagsOverEnvironment(
  given: ClientTlsFlags,
  env: NodeJS.ProcessEnv,
  prefix: string,
): ClientTlsFlags | { error: string } {
  const tlsVar = `${prefix}_TLS`;
  const tlsText = nonEmpty(env[tlsVar]);
  const tlsFromEnv = tlsText === undefined ? undefined : parseBool(tlsText);
  if (tlsText !== undefined && tlsFromEnv === undefined) {
    return { error: `${tlsVar} expects true or false, got "${tlsText}"` };
  }
  return {
    tls: given.tls ?? tlsFromEnv,
    tlsCa: given.tlsCa ?? env[`${prefix}_TLS_CA`],
    tlsCert: given.tlsCert ?? env[`${prefix}_TLS_CERT`],
    tlsKey: given.tlsKey ?? env[`${prefix}_TLS_KEY`],
    tlsServerName: given.tlsServerName ?? env[`${prefix}_TLS_SERVER_NAME`],
  };
}

/**
 * TLS when --tls or any other --tls-* flag is given, unless --tls=false; plaintext otherwise.
 * A certificate without its key (or the reverse) is the one usage error.
 */
export function clientTlsChoice(flags: ClientTlsFlags): ClientTlsChoice | { error: string } {
  const caFile = nonEmpty(flags.tlsCa);
  const certFile = nonEmpty(flags.tlsCert);
  const keyFile = nonEmpty(flags.tlsKey);
  const serverName = nonEmpty(flags.tlsServerName);
  if (flags.tls === false) return { kind: 'plaintext' };
  if ((certFile === undefined) !== (keyFile === undefined)) {
    return { error: '--tls-cert and --tls-key go together: give both or neither' };
  }
  const anyFile = [caFile, certFile, serverName].some((v) => v !== undefined);
  if (flags.tls !== true && !anyFile) return { kind: 'plaintext' };
  return { kind: 'tls', caFile, certFile, keyFile, serverName };
}

/** Reads the files a TLS choice names; throws TlsFileError naming the flag and file at fault. */
export async function loadChannelSecurity(choice: ClientTlsChoice): Promise<ChannelSecurity> {
  if (choice.kind === 'plaintext') return PLAINTEXT;
  const [ca, pair] = await Promise.all([
    choice.caFile === undefined ? undefined : readCertificates(CLIENT_TLS_FLAG.tlsCa, choice.caFile),
    choice.certFile === undefined || choice.keyFile === undefined
      ? undefined
      : readKeyPair(CLIENT_TLS_FLAG.tlsCert, choice.certFile, CLIENT_TLS_FLAG.tlsKey, choice.keyFile),
  ]);
  return { kind: 'tls', ca: ca?.pem, cert: pair?.cert.pem, key: pair?.key, serverName: choice.serverName };
}

export interface SecuredChannel {
  credentials: ChannelCredentials;
  /** What the security adds to the channel's options (the TLS server name override). */
  options: ChannelOptions;
}

/**
 * grpc-js sends the dialled host as the TLS server name even when it is an IP address, which
 * RFC 6066 forbids and Node answers with a one-time DEP0123 warning on stderr. Certificates
 * are still checked against the IP (its IP SANs), so the warning tells an operator of
 * `maglevc --server 10.0.0.1:9090 --tls-ca ...` nothing they can act on: it is dropped, and
 * every other warning passes.
 */
let ipServerNameWarningDropped = false;
function dropIpServerNameWarning(): void {
  if (ipServerNameWarningDropped) return;
  ipServerNameWarningDropped = true;
  const emit = process.emitWarning.bind(process);
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    const [typeOrOptions, code] = rest;
    const warningCode =
      typeof typeOrOptions === 'object' && typeOrOptions !== null
        ? (typeOrOptions as { code?: unknown }).code
        : code;
    if (warningCode === 'DEP0123') return;
    (emit as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
  };
}

export function securedChannel(security: ChannelSecurity): SecuredChannel {
  switch (security.kind) {
    case 'plaintext':
      return { credentials: credentials.createInsecure(), options: {} };
    case 'tls':
      dropIpServerNameWarning();
      return {
        credentials: credentials.createSsl(security.ca ?? null, security.key ?? null, security.cert ?? null),
        // The name checked against the certificate and sent as SNI; the authority header follows.
        options:
          security.serverName === undefined
            ? {}
            : {
                'grpc.ssl_target_name_override': security.serverName,
                'grpc.default_authority': security.serverName,
              },
      };
  }
}

/** How logs, `show version` and error messages name a channel's security. */
export type ChannelSecurityKind = 'plaintext' | 'tls' | 'mtls';

export function describeSecurity(security: ChannelSecurity): ChannelSecurityKind {
  if (security.kind === 'plaintext') return 'plaintext';
  return security.cert === undefined ? 'tls' : 'mtls';
}
