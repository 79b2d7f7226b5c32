// ip.api.json (core, file CRC 0xc55aec44), cut down to `ip_route_lookup`: it finds the FIB entry of a
// prefix and reports its stats index, which keys the `/net/route/to` counters in the stats segment
// (a VIP's route packets and bytes). The fib_types definitions the route carries are copied in, as
// VPP's own file does. CRCs and layout checked against vppapigen's output for VPP master (2026-08).

import type { ApiEnum, ApiJsonFile, ApiStructType } from '../api-json.js';
import { ipTypesAliases, ipTypesEnums, ipTypesTypes, ipTypesUnions } from './ip-types.js';

const fibTypesEnums: readonly ApiEnum[] = [
  [
    'fib_path_nh_proto',
    ['FIB_API_PATH_NH_PROTO_IP4', 0],
    ['FIB_API_PATH_NH_PROTO_IP6', 1],
    ['FIB_API_PATH_NH_PROTO_MPLS', 2],
    ['FIB_API_PATH_NH_PROTO_ETHERNET', 3],
    ['FIB_API_PATH_NH_PROTO_BIER', 4],
    { enumtype: 'u32' },
  ],
  [
    'fib_path_flags',
    ['FIB_API_PATH_FLAG_NONE', 0],
    ['FIB_API_PATH_FLAG_RESOLVE_VIA_ATTACHED', 1],
    ['FIB_API_PATH_FLAG_RESOLVE_VIA_HOST', 2],
    ['FIB_API_PATH_FLAG_POP_PW_CW', 4],
    { enumtype: 'u32' },
  ],
  [
    'fib_path_type',
    ['FIB_API_PATH_TYPE_NORMAL', 0],
    ['FIB_API_PATH_TYPE_LOCAL', 1],
    ['FIB_API_PATH_TYPE_DROP', 2],
    ['FIB_API_PATH_TYPE_UDP_ENCAP', 3],
    ['FIB_API_PATH_TYPE_BIER_IMP', 4],
    ['FIB_API_PATH_TYPE_ICMP_UNREACH', 5],
    ['FIB_API_PATH_TYPE_ICMP_PROHIBIT', 6],
    ['FIB_API_PATH_TYPE_SOURCE_LOOKUP', 7],
    ['FIB_API_PATH_TYPE_DVR', 8],
    ['FIB_API_PATH_TYPE_INTERFACE_RX', 9],
    ['FIB_API_PATH_TYPE_CLASSIFY', 10],
    { enumtype: 'u32' },
  ],
];

const fibTypesTypes: readonly ApiStructType[] = [
  ['fib_mpls_label', ['u8', 'is_uniform'], ['u32', 'label'], ['u8', 'ttl'], ['u8', 'exp']],
  [
    'fib_path_nh',
    ['vl_api_address_union_t', 'address'],
    ['u32', 'via_label'],
    ['u32', 'obj_id'],
    ['u32', 'classify_table_index'],
  ],
  [
    'fib_path',
    ['u32', 'sw_if_index'],
    ['u32', 'table_id'],
    ['u32', 'rpf_id'],
    ['u8', 'weight'],
    ['u8', 'preference'],
    ['vl_api_fib_path_type_t', 'type'],
    ['vl_api_fib_path_flags_t', 'flags'],
    ['vl_api_fib_path_nh_proto_t', 'proto'],
    ['vl_api_fib_path_nh_t', 'nh'],
    ['u8', 'n_labels'],
    ['vl_api_fib_mpls_label_t', 'label_stack', 16],
  ],
];

export const ipApi: ApiJsonFile = {
  types: [
    ...ipTypesTypes,
    ...fibTypesTypes,
    [
      'ip_route',
      ['u32', 'table_id'],
      ['u32', 'stats_index'],
      ['vl_api_prefix_t', 'prefix'],
      ['u8', 'n_paths'],
      ['vl_api_fib_path_t', 'paths', 0, 'n_paths'],
    ],
  ],
  messages: [
    [
      'ip_route_lookup',
      ['u16', '_vl_msg_id'],
      ['u32', 'client_index'],
      ['u32', 'context'],
      ['u32', 'table_id'],
      ['u8', 'exact'],
      ['vl_api_prefix_t', 'prefix'],
      { crc: '0x710d6471' },
    ],
    [
      'ip_route_lookup_reply',
      ['u16', '_vl_msg_id'],
      ['u32', 'context'],
      ['i32', 'retval'],
      ['vl_api_ip_route_t', 'route'],
      { crc: '0x5d8febcb' },
    ],
  ],
  unions: ipTypesUnions,
  enums: [...ipTypesEnums, ...fibTypesEnums],
  enumflags: [],
  aliases: ipTypesAliases,
  services: { ip_route_lookup: { reply: 'ip_route_lookup_reply' } },
  options: { version: '3.2.0' },
  vl_api_version: '0xc55aec44',
  imports: [
    'vnet/fib/fib_types.api',
    'vnet/ip/ip_types.api',
    'vnet/ethernet/ethernet_types.api',
    'vnet/mfib/mfib_types.api',
    'vnet/interface_types.api',
  ],
};
