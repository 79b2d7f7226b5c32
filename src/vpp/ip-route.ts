// ip_route_lookup (ip.api): the FIB entry VPP holds for a prefix. We only want its stats index: the
// index of the route's `/net/route/to` counters (packets and bytes) in the stats segment. For a VIP
// that is the lb plugin's own FIB entry for the VIP prefix, which every packet to the VIP passes
// through ip4-lookup/ip6-lookup on its way into the lb node. Per-port VIPs of one address share it.

import { toApiPrefix } from './address.js';
import type { CallOptions } from './client.js';
import { VppApiError, vnetErrorCode } from './errors.js';
import { getNumber, getStruct, type VppFields, type VppStruct } from './values.js';

/** What the lookup needs from a client (VppClient satisfies it). */
export interface RouteApi {
  request(name: string, fields?: VppFields, opts?: CallOptions): Promise<VppStruct>;
}

const NO_SUCH_ENTRY = vnetErrorCode('NO_SUCH_ENTRY');
/** The default VRF, where the lb plugin puts VIP routes. */
const DEFAULT_TABLE = 0;

/**
 * The stats index of the route for exactly `prefix` ('192.0.2.1/32') in the default table, or
 * undefined when VPP has no such route.
 */
export async function ipRouteStatsIndex(
  api: RouteApi,
  prefix: string,
  opts?: CallOptions,
): Promise<number | undefined> {
  try {
    const reply = await api.request(
      'ip_route_lookup',
      { table_id: DEFAULT_TABLE, exact: 1, prefix: toApiPrefix(prefix) },
      opts,
    );
    return getNumber(getStruct(reply, 'route'), 'stats_index');
  } catch (err) {
    if (err instanceof VppApiError && err.retval === NO_SUCH_ENTRY) return undefined;
    throw err;
  }
}
