// The request an http probe sends: one GET with Host, User-Agent, Accept and Connection: close,
// as plain bytes written straight on the probe's socket.

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
