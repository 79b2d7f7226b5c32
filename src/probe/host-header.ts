// The Host header of an HTTP probe: IPv6 literals in brackets, the port only when not the default.

import { isIPv6 } from 'node:net';

export function hostHeader(host: string, port: number, defaultPort: number): string {
  if (isIPv6(host)) host = `[${host}]`;
  // A configured host that already names a port is taken as written.
  else if (host.includes(':')) return host;
  return port === defaultPort ? host : `${host}:${port}`;
}
