// Decoded messages made fit for a JSON log line: bigints and bytes become strings, addresses and
// prefixes read as text, and huge arrays or strings (the message table, get_api_json) are cut.

import { formatIp } from '../net/ip-address.js';
import { ipFromWire } from './address.js';
import type { VppInput } from './values.js';

const MAX_ITEMS = 32;
const MAX_STRING = 512;
const HEADER_FIELDS = new Set(['_vl_msg_id', 'client_index', 'context']);

export type Loggable = string | number | boolean | null | Loggable[] | { [key: string]: Loggable };

function addressText(v: { readonly [k: string]: VppInput | undefined }): string | undefined {
  const af = v['af'];
  const un = v['un'];
  if (
    (af !== 0 && af !== 1) ||
    typeof un !== 'object' ||
    un === null ||
    Array.isArray(un) ||
    un instanceof Uint8Array
  )
    return undefined;
  const bytes = (un as { readonly [k: string]: VppInput | undefined })[af === 0 ? 'ip4' : 'ip6'];
  if (!(bytes instanceof Uint8Array) || bytes.length !== (af === 0 ? 4 : 16)) return undefined;
  return formatIp(ipFromWire(bytes));
}

export function toLoggable(v: VppInput | undefined, depth = 0): Loggable {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string')
    return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}… (${v.length} chars)` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v.buffer, v.byteOffset, Math.min(v.length, MAX_STRING / 2)).toString('hex');
    return v.length > MAX_STRING / 2 ? `${hex}… (${v.length} bytes)` : hex;
  }
  if (depth > 8) return '…';
  if (Array.isArray(v)) {
    const items = (v as readonly VppInput[]).slice(0, MAX_ITEMS).map((x) => toLoggable(x, depth + 1));
    if (v.length > MAX_ITEMS) items.push(`… (${v.length} items)`);
    return items;
  }
  const fields = v as { readonly [k: string]: VppInput | undefined };
  const address = addressText(fields);
  if (address !== undefined) return address;
  const inner = fields['address'];
  const len = fields['len'];
  if (
    typeof len === 'number' &&
    typeof inner === 'object' &&
    inner !== null &&
    !Array.isArray(inner) &&
    !(inner instanceof Uint8Array)
  ) {
    const a = addressText(inner as { readonly [k: string]: VppInput | undefined });
    if (a !== undefined && Object.keys(fields).length === 2) return `${a}/${len}`;
  }
  const out: { [key: string]: Loggable } = {};
  for (const [k, x] of Object.entries(fields)) {
    if (depth === 0 && HEADER_FIELDS.has(k)) continue;
    out[k] = toLoggable(x, depth + 1);
  }
  return out;
}
