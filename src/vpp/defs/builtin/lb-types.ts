// lb_types.api.json (plugin lb, version 1.0.0 in both generations): the lb enums (all u32 on the
// wire) and the `lb_vip` typedef (docs/vpp-lb.md §Types and enums).

import type { ApiEnum, ApiJsonFile, ApiStructType } from '../api-json.js';
import { ipTypesAliases, ipTypesEnums, ipTypesTypes, ipTypesUnions } from './ip-types.js';

export const lbTypesEnums: readonly ApiEnum[] = [
  [
    'lb_srv_type',
    ['LB_API_SRV_TYPE_CLUSTERIP', 0],
    ['LB_API_SRV_TYPE_NODEPORT', 1],
    ['LB_API_SRV_N_TYPES', 2],
    { enumtype: 'u32' },
  ],
  [
    'lb_encap_type',
    ['LB_API_ENCAP_TYPE_GRE4', 0],
    ['LB_API_ENCAP_TYPE_GRE6', 1],
    ['LB_API_ENCAP_TYPE_L3DSR', 2],
    ['LB_API_ENCAP_TYPE_NAT4', 3],
    ['LB_API_ENCAP_TYPE_NAT6', 4],
    ['LB_API_ENCAP_N_TYPES', 5],
    { enumtype: 'u32' },
  ],
  [
    'lb_lkp_type_t',
    ['LB_API_LKP_SAME_IP_PORT', 0],
    ['LB_API_LKP_DIFF_IP_PORT', 1],
    ['LB_API_LKP_ALL_PORT_IP', 2],
    ['LB_API_LKP_N_TYPES', 3],
    { enumtype: 'u32' },
  ],
  [
    'lb_vip_type',
    ['LB_API_VIP_TYPE_IP6_GRE6', 0],
    ['LB_API_VIP_TYPE_IP6_GRE4', 1],
    ['LB_API_VIP_TYPE_IP4_GRE6', 2],
    ['LB_API_VIP_TYPE_IP4_GRE4', 3],
    ['LB_API_VIP_TYPE_IP4_L3DSR', 4],
    ['LB_API_VIP_TYPE_IP4_NAT4', 5],
    ['LB_API_VIP_TYPE_IP6_NAT6', 6],
    ['LB_API_VIP_N_TYPES', 7],
    { enumtype: 'u32' },
  ],
  // The values are wrong upstream (UDP/TCP swapped, in hex); no message uses this enum.
  [
    'lb_nat_protocol',
    ['LB_API_NAT_PROTOCOL_UDP', 6],
    ['LB_API_NAT_PROTOCOL_TCP', 23],
    ['LB_API_NAT_PROTOCOL_ANY', 0xffffffff],
    { enumtype: 'u32' },
  ],
];

export const lbTypesTypes: readonly ApiStructType[] = [
  ['lb_vip', ['vl_api_address_with_prefix_t', 'pfx'], ['vl_api_ip_proto_t', 'protocol'], ['u16', 'port']],
];

export const lbTypesApi: ApiJsonFile = {
  types: [...ipTypesTypes, ...lbTypesTypes],
  messages: [],
  unions: ipTypesUnions,
  enums: [...ipTypesEnums, ...lbTypesEnums],
  enumflags: [],
  aliases: ipTypesAliases,
  services: {},
  options: { version: '1.0.0' },
  imports: ['vnet/ip/ip_types.api'],
};
