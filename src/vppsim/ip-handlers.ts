// The one ip.api message the simulator answers: ip_route_lookup (src/vnet/ip/ip_api.c), over the lb
// model's FIB entries. Enough for a client to find a VIP route's stats index, as it would in VPP:
// table 0 only (another table is NO_SUCH_FIB), an exact or longest-prefix match, NO_SUCH_ENTRY
// when nothing matches. The reply carries no paths: the lb plugin's VIP routes have none of their
// own (the VIP's DPO is contributed directly), and AS host routes' paths are not modelled.

import {
  ADDRESS_IP4,
  ADDRESS_IP6,
  getBytes,
  getNumber,
  getStruct,
  vnetErrorCode,
  type VppFields,
  type VppStruct,
} from '../vpp/index.js';
import { ip46FromIp4, ip46IsIp4, type Ip46 } from './lb-address.js';
import type { LbPlugin } from './lb-plugin.js';
import type { VppSimServer } from './server.js';

const NO_SUCH_FIB = vnetErrorCode('NO_SUCH_FIB');
const NO_SUCH_ENTRY = vnetErrorCode('NO_SUCH_ENTRY');

/** A vl_api_prefix_t in the model's internal form (IPv4 as ::a.b.c.d with 96 + len). */
function decodePrefix(prefix: VppStruct): { address: Ip46; plen: number } {
  const address = getStruct(prefix, 'address');
  const len = getNumber(prefix, 'len');
  const un = getStruct(address, 'un');
  return getNumber(address, 'af') === ADDRESS_IP4
    ? { address: ip46FromIp4(getBytes(un, 'ip4')), plen: 96 + len }
    : { address: Uint8Array.from(getBytes(un, 'ip6')), plen: len };
}

function encodePrefix(address: Ip46, plen: number): VppFields {
  return ip46IsIp4(address) && plen >= 96
    ? { address: { af: ADDRESS_IP4, un: { ip4: address.subarray(12, 16) } }, len: plen - 96 }
    : { address: { af: ADDRESS_IP6, un: { ip6: address } }, len: plen };
}

/** Registers ip_route_lookup; returns a function that unregisters it. */
export function registerIpHandlers(server: VppSimServer, lb: LbPlugin): () => void {
  return server.registerHandler('ip_route_lookup', (msg) => {
    const tableId = getNumber(msg, 'table_id');
    if (tableId !== 0) return { retval: NO_SUCH_FIB };
    const { address, plen } = decodePrefix(getStruct(msg, 'prefix'));
    const route = lb.lookupRoute(address, plen, getNumber(msg, 'exact') !== 0);
    if (!route) return { retval: NO_SUCH_ENTRY };
    return {
      route: {
        table_id: tableId,
        stats_index: route.statsIndex,
        prefix: encodePrefix(route.prefix, route.plen),
        n_paths: 0,
        paths: [],
      },
    };
  });
}
