// --metrics-addr in Go's host:port spelling: `:9091` (every address), `127.0.0.1:9091`,
// `localhost:9091`, `[::1]:9091`. An IPv6 address must be bracketed, as in a URL, because
// `::1:9091` could be read two ways.

export interface ListenAddress {
  /** undefined: all addresses (Node listens on :: dual-stack, or 0.0.0.0 without IPv6). */
  host: string | undefined;
  /** 0 picks a free port (tests). */
  port: number;
}

export class ListenAddressError extends Error {
  constructor(
    readonly addr: string,
    reason: string,
  ) {
    super(`invalid listen address "${addr}": ${reason}`);
    this.name = 'ListenAddressError';
  }
}

export function parseListenAddress(addr: string): ListenAddress {
  const colon = addr.lastIndexOf(':');
  if (colon < 0) throw new ListenAddressError(addr, 'expected host:port or :port');
  const hostPart = addr.slice(0, colon);
  const portPart = addr.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portPart) || Number(portPart) > 65535) {
    throw new ListenAddressError(addr, `port must be 0..65535, got "${portPart}"`);
  }
  const port = Number(portPart);
  if (hostPart === '') return { host: undefined, port };
  if (hostPart.startsWith('[')) {
    if (!hostPart.endsWith(']') || hostPart.length < 3) {
      throw new ListenAddressError(addr, 'unterminated [IPv6] address');
    }
    return { host: hostPart.slice(1, -1), port };
  }
  if (hostPart.includes(':'))
    throw new ListenAddressError(addr, 'put an IPv6 address in brackets: [addr]:port');
  if (/[\s/[\]]/.test(hostPart)) throw new ListenAddressError(addr, `bad host "${hostPart}"`);
  return { host: hostPart, port };
}
