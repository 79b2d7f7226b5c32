// How a value from the file is quoted back to the operator in a message.

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'object') return 'a map';
  return typeof value;
}

/** `healthchecks.http.port`, `frontends.web.pools[0].name`: the path without the `maglev.` root. */
export function describePath(path: readonly PropertyKey[]): string {
  const shown = path[0] === 'maglev' && path.length > 1 ? path.slice(1) : path;
  let out = '';
  for (const seg of shown) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += (out === '' ? '' : '.') + String(seg);
  }
  return out;
}
