// How a client's channel to maglevd is secured: the one place that turns the operator's choice
// into grpc-js credentials and channel options. Only plaintext exists today. TLS and mTLS
// (issue #13: --tls-ca, --tls-cert, --tls-key, --tls-server-name) are another member of
// ChannelSecurity and another case here; nothing else in the clients needs to change.

import { credentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';

export type ChannelSecurity = { kind: 'plaintext' };

export const PLAINTEXT: ChannelSecurity = { kind: 'plaintext' };

export interface SecuredChannel {
  credentials: ChannelCredentials;
  /** What the security adds to the channel's options (a TLS server name override, say). */
  options: ChannelOptions;
}

export function securedChannel(security: ChannelSecurity): SecuredChannel {
  switch (security.kind) {
    case 'plaintext':
      return { credentials: credentials.createInsecure(), options: {} };
  }
}
