// Where maglevd may serve gRPC in plaintext. Several RPCs change what the load balancer does, so
// without TLS the API stays on this host: a loopback address or a unix socket. Anything else
// needs --grpc-tls-cert/--grpc-tls-key, or --grpc-insecure to accept the risk (then maglevd
// warns at start). docs/grpc.md §TLS repeats the rule for operators.
//
// What counts as this host, decided from the text alone (nothing is resolved):
// - `localhost`, any address in 127.0.0.0/8, `::1`, and 127/8 written IPv4-mapped (`::ffff:127.0.0.1`);
// - `unix:` and `unix-abstract:` sockets (reachable only through the file system or this host).
// Not this host: the wildcard (`:9090`, `0.0.0.0`, `[::]`: every interface), any other address,
// and any other name (a name can resolve to anything).

import { parseIp } from '../net/ip-address.js';

/** The host of a gRPC listen address in maglevd's spellings, or undefined for a socket path. */
function listenHost(addr: string): string | undefined {
  if (addr.startsWith('unix:') || addr.startsWith('unix-abstract:')) return undefined;
  const colon = addr.lastIndexOf(':');
  const host = colon < 0 ? addr : addr.slice(0, colon);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const parsed = parseIp(host);
  if (!parsed.ok) return false;
  const b = parsed.ip.bytes;
  if (parsed.ip.family === 4) return b[0] === 127;
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return b[12] === 127;
  return b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
}

/** True when only this host can reach addr (loopback or a unix socket). */
export function isLocalListenAddress(addr: string): boolean {
  const host = listenHost(addr);
  return host === undefined || isLoopbackHost(host);
}

/**
 * Why maglevd refuses to serve plaintext gRPC on addr (for the usage error), or undefined when
 * it may: addr is local, TLS is on, or the operator said --grpc-insecure.
 */
export function plaintextRefusal(addr: string, tls: boolean, insecure: boolean): string | undefined {
  if (tls || insecure || addr === '' || isLocalListenAddress(addr)) return undefined;
  return (
    `--grpc-addr ${addr} is not a loopback address, and gRPC without TLS would let anyone who ` +
    'reaches it drive the load balancer: give --grpc-tls-cert and --grpc-tls-key, or --grpc-insecure ' +
    'to serve plaintext anyway'
  );
}
