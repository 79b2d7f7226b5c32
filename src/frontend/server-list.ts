// The dashboard's --server list: which maglevds to watch, and how to secure each channel. A
// dashboard often watches a fleet whose nodes share one CA and one client certificate, so the
// --tls-* flags apply to every server; a server that differs says so in its own entry, with the
// same names as `key=value` after its address (docs/dashboard.md §TLS):
//
//   --server 'lb1.ams:9090,lb2.ams:9090,lb1.fra:9090;tls-ca=/etc/maglev/fra-ca.crt,127.0.0.1:9090;tls=false'
//
// Entries are separated by `,`, an entry's fields by `;`, so neither can appear in a file name.
// A key of an entry replaces that flag for that server; `tls=false` makes it plaintext whatever
// the flags say. Pure: text in, servers or a usage error out.

import { clientTlsChoice, type ClientTlsChoice, type ClientTlsFlags } from '../api/index.js';
import { parseBool } from '../command-line.js';

/** One maglevd the dashboard watches. */
export interface MaglevdServer {
  /** host:port as given; also its name on the page and in URLs. */
  address: string;
  tls: ClientTlsChoice;
}

/** The per-server keys, each the name of the flag it stands in for. */
const KEYS: Record<string, keyof ClientTlsFlags> = {
  tls: 'tls',
  'tls-ca': 'tlsCa',
  'tls-cert': 'tlsCert',
  'tls-key': 'tlsKey',
  'tls-server-name': 'tlsServerName',
};

function parseEntry(entry: string, defaults: ClientTlsFlags): MaglevdServer | { error: string } {
  const [first, ...fields] = entry.split(';').map((f) => f.trim());
  const address = first ?? '';
  const where = `--server entry "${entry}"`;
  if (address === '') return { error: `${where}: no address before the first ";"` };
  const own: ClientTlsFlags = {};
  for (const field of fields) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    const key = eq < 0 ? field : field.slice(0, eq);
    const value = eq < 0 ? '' : field.slice(eq + 1);
    const flag = KEYS[key];
    if (flag === undefined) {
      return { error: `${where}: unknown key "${key}" (use ${Object.keys(KEYS).join(', ')})` };
    }
    if (flag === 'tls') {
      const b = parseBool(value);
      if (b === undefined) return { error: `${where}: tls expects true or false, got "${value}"` };
      own.tls = b;
    } else {
      if (value === '') return { error: `${where}: ${key} needs a value (${key}=...)` };
      own[flag] = value;
    }
  }
  if ((own.tlsCert === undefined) !== (own.tlsKey === undefined)) {
    return { error: `${where}: tls-cert and tls-key go together: give both or neither` };
  }
  const tls = clientTlsChoice({ ...defaults, ...own });
  if ('error' in tls) return { error: `${where}: ${tls.error}` };
  return { address, tls };
}

/**
 * The servers of a --server value, with defaults from the --tls-* flags. An address listed
 * twice the same way counts once; listed twice differently is an error.
 */
export function parseServerList(
  value: string,
  defaults: ClientTlsFlags,
): { servers: MaglevdServer[] } | { error: string } {
  const servers: MaglevdServer[] = [];
  for (const entry of value.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const server = parseEntry(entry, defaults);
    if ('error' in server) return server;
    const seen = servers.find((s) => s.address === server.address);
    if (seen === undefined) servers.push(server);
    else if (JSON.stringify(seen.tls) !== JSON.stringify(server.tls)) {
      return { error: `--server lists ${server.address} twice, with different TLS settings` };
    }
  }
  if (servers.length === 0) return { error: '--server needs at least one address' };
  return { servers };
}
