// The request an http probe sends: one GET with Host, User-Agent, Accept and Connection: close,
// as plain bytes written straight on the probe's socket.

import type { HealthCheckConfig } from '../config/types.js';
import { hostHeader } from './host-header.js';

/**
 * Request heads as bytes, built once per health check and backend address rather than on every
 * probe. Keyed by the health check's config object: a reload brings new objects, so the heads
 * of the old config go with it (no stale Host or path can survive a reload).
 */
export class RequestHeadCache {
  private readonly byCheck = new WeakMap<HealthCheckConfig, Map<string, Buffer>>();

  constructor(private readonly userAgent: string) {}

  /** The request for hc against address:port; the default port (80, or 443 for https) is left out of Host. */
  get(hc: HealthCheckConfig, address: string, port: number, https: boolean): Buffer {
    let byAddress = this.byCheck.get(hc);
    if (byAddress === undefined) {
      byAddress = new Map();
      this.byCheck.set(hc, byAddress);
    }
    // The port is the health check's (or its type's default), so the address alone is the key.
    let head = byAddress.get(address);
    if (head === undefined) {
      const host = hostHeader(hc.params.host ?? address, port, https ? 443 : 80);
      head = Buffer.from(httpRequestHead(hc.params.path, host, this.userAgent), 'utf8');
      byAddress.set(address, head);
    }
    return head;
  }
}

/**
 * The request head. Bytes of the path outside printable ASCII are percent-encoded (as UTF-8),
 * so whatever the config holds, the request line stays one valid line. The config already
 * refuses whitespace in paths and hosts.
 */
export function httpRequestHead(path: string, host: string, userAgent: string): string {
  return (
    `GET ${encodeRequestPath(path)} HTTP/1.1\r\n` +
    `Host: ${host}\r\n` +
    `User-Agent: ${userAgent}\r\n` +
    'Accept: */*\r\n' +
    'Connection: close\r\n' +
    '\r\n'
  );
}

const NEEDS_ENCODING = /[^\x21-\x7e]/;

function encodeRequestPath(path: string): string {
  if (!NEEDS_ENCODING.test(path)) return path;
  let out = '';
  for (const ch of path) {
    if (!NEEDS_ENCODING.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
