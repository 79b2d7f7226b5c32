// ip_types.api.json (core): addresses and prefixes as VPP puts them on the wire
// (docs/vpp-lb.md §Addresses and prefixes).
// Every .api.json that uses them carries its own copy; the lb files below spread these in.

import type { ApiAlias, ApiEnum, ApiJsonFile, ApiStructType } from '../api-json.js';

export const ipTypesEnums: readonly ApiEnum[] = [
  ['address_family', ['ADDRESS_IP4', 0], ['ADDRESS_IP6', 1], { enumtype: 'u8' }],
  [
    'ip_proto',
    ['IP_API_PROTO_HOPOPT', 0],
    ['IP_API_PROTO_ICMP', 1],
    ['IP_API_PROTO_IGMP', 2],
    ['IP_API_PROTO_TCP', 6],
    ['IP_API_PROTO_UDP', 17],
    ['IP_API_PROTO_GRE', 47],
    ['IP_API_PROTO_ESP', 50],
    ['IP_API_PROTO_AH', 51],
    ['IP_API_PROTO_ICMP6', 58],
    ['IP_API_PROTO_EIGRP', 88],
    ['IP_API_PROTO_OSPF', 89],
    ['IP_API_PROTO_SCTP', 132],
    ['IP_API_PROTO_RESERVED', 255],
    { enumtype: 'u8' },
  ],
  [
    'ip_dscp',
    ['IP_API_DSCP_CS0', 0],
    ['IP_API_DSCP_CS1', 8],
    ['IP_API_DSCP_AF11', 10],
    ['IP_API_DSCP_AF12', 12],
    ['IP_API_DSCP_AF13', 14],
    ['IP_API_DSCP_CS2', 16],
    ['IP_API_DSCP_AF21', 18],
    ['IP_API_DSCP_AF22', 20],
    ['IP_API_DSCP_AF23', 22],
    ['IP_API_DSCP_CS3', 24],
    ['IP_API_DSCP_AF31', 26],
    ['IP_API_DSCP_AF32', 28],
    ['IP_API_DSCP_AF33', 30],
    ['IP_API_DSCP_CS4', 32],
    ['IP_API_DSCP_AF41', 34],
    ['IP_API_DSCP_AF42', 36],
    ['IP_API_DSCP_AF43', 38],
    ['IP_API_DSCP_CS5', 40],
    ['IP_API_DSCP_EF', 46],
    ['IP_API_DSCP_CS6', 48],
    ['IP_API_DSCP_CS7', 56],
    { enumtype: 'u8' },
  ],
  [
    'ip_ecn',
    ['IP_API_ECN_NONE', 0],
    ['IP_API_ECN_ECT0', 1],
    ['IP_API_ECN_ECT1', 2],
    ['IP_API_ECN_CE', 3],
    { enumtype: 'u8' },
  ],
];

export const ipTypesTypes: readonly ApiStructType[] = [
  ['address', ['vl_api_address_family_t', 'af'], ['vl_api_address_union_t', 'un']],
  ['prefix', ['vl_api_address_t', 'address'], ['u8', 'len']],
  ['ip4_prefix', ['vl_api_ip4_address_t', 'address'], ['u8', 'len']],
  ['ip6_prefix', ['vl_api_ip6_address_t', 'address'], ['u8', 'len']],
  ['prefix_matcher', ['u8', 'le'], ['u8', 'ge']],
  [
    'mprefix',
    ['vl_api_address_family_t', 'af'],
    ['u16', 'grp_address_length'],
    ['vl_api_address_union_t', 'grp_address'],
    ['vl_api_address_union_t', 'src_address'],
  ],
];

export const ipTypesUnions: readonly ApiStructType[] = [
  ['address_union', ['vl_api_ip4_address_t', 'ip4'], ['vl_api_ip6_address_t', 'ip6']],
];

export const ipTypesAliases: Readonly<Record<string, ApiAlias>> = {
  ip4_address: { type: 'u8', length: 4 },
  ip6_address: { type: 'u8', length: 16 },
  address_with_prefix: { type: 'vl_api_prefix_t' },
  ip4_address_with_prefix: { type: 'vl_api_ip4_prefix_t' },
  ip6_address_with_prefix: { type: 'vl_api_ip6_prefix_t' },
  interface_index: { type: 'u32' },
};

export const ipTypesApi: ApiJsonFile = {
  types: ipTypesTypes,
  messages: [],
  unions: ipTypesUnions,
  enums: ipTypesEnums,
  enumflags: [],
  aliases: ipTypesAliases,
  services: {},
  options: {},
  imports: [],
};
