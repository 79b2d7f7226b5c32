// lb.api.json (plugin lb) in its two wire generations
// (docs/vpp-lb.md §Versions and detection, §Messages and their layout):
//   1.1.0 — every release from 23.02 up to and including v26.06 (file CRC 0x49e3c1c1);
//   1.2.0 — master after 2026-05 (file CRC 0xac602d7b): adds lb_conf_get, lb_add_del_as_v2 (weight),
//           lb_as_set_weight and lb_as_v2_dump/details (weight + bucket count).
// Messages present in both are byte-identical and carry the same CRCs. Like VPP's own files, each is
// self-contained: the ip_types and lb_types definitions are copied in.

import type { ApiField, ApiJsonFile, ApiMessage, ApiService } from '../api-json.js';
import { ipTypesAliases, ipTypesEnums, ipTypesTypes, ipTypesUnions } from './ip-types.js';
import { lbTypesEnums, lbTypesTypes } from './lb-types.js';

const AUTOREPLY_CRC = '0xe8d4e804';
const MSG_ID: ApiField = ['u16', '_vl_msg_id'];
const REQUEST_HEADER: readonly ApiField[] = [MSG_ID, ['u32', 'client_index'], ['u32', 'context']];
const VIP_SELECTOR: readonly ApiField[] = [
  ['vl_api_address_with_prefix_t', 'pfx'],
  ['u8', 'protocol', { default: 255 }],
  ['u16', 'port'],
];

function request(name: string, crc: string, fields: readonly ApiField[]): ApiMessage {
  return [name, ...REQUEST_HEADER, ...fields, { crc }];
}

function autoreply(name: string): ApiMessage {
  return [`${name}_reply`, MSG_ID, ['u32', 'context'], ['i32', 'retval'], { crc: AUTOREPLY_CRC }];
}

const lbConf = request('lb_conf', '0x56cd3261', [
  ['vl_api_ip4_address_t', 'ip4_src_address'],
  ['vl_api_ip6_address_t', 'ip6_src_address'],
  ['u32', 'sticky_buckets_per_core', { default: 4294967295 }],
  ['u32', 'flow_timeout', { default: 4294967295 }],
]);

const lbConfGet = request('lb_conf_get', '0x51077d14', []);
const lbConfGetReply: ApiMessage = [
  'lb_conf_get_reply',
  MSG_ID,
  ['u32', 'context'],
  ['i32', 'retval'],
  ['vl_api_ip4_address_t', 'ip4_src_address'],
  ['vl_api_ip6_address_t', 'ip6_src_address'],
  ['u32', 'sticky_buckets_per_core'],
  ['u32', 'flow_timeout'],
  { crc: '0x923427ac' },
];

const VIP_BODY: readonly ApiField[] = [
  ['vl_api_address_with_prefix_t', 'pfx'],
  ['u8', 'protocol', { default: 255 }],
  ['u16', 'port'],
  ['vl_api_lb_encap_type_t', 'encap'],
  ['u8', 'dscp'],
  ['vl_api_lb_srv_type_t', 'type'],
  ['u16', 'target_port'],
  ['u16', 'node_port'],
  ['u32', 'new_flows_table_length', { default: 1024 }],
];

const lbAddDelVip = request('lb_add_del_vip', '0x6fa569c7', [...VIP_BODY, ['bool', 'is_del']]);
const lbAddDelVipV2 = request('lb_add_del_vip_v2', '0x7c520e0f', [
  ...VIP_BODY,
  ['bool', 'src_ip_sticky'],
  ['bool', 'is_del'],
]);

const lbAddDelAs = request('lb_add_del_as', '0x35d72500', [
  ...VIP_SELECTOR,
  ['vl_api_address_t', 'as_address'],
  ['bool', 'is_del'],
  ['bool', 'is_flush'],
]);
const lbAddDelAsV2 = request('lb_add_del_as_v2', '0x2f1d3b0e', [
  ...VIP_SELECTOR,
  ['vl_api_address_t', 'as_address'],
  ['u8', 'weight', { default: 100 }],
  ['bool', 'is_del'],
  ['bool', 'is_flush'],
]);
const lbAsSetWeight = request('lb_as_set_weight', '0x2d89bdbd', [
  ...VIP_SELECTOR,
  ['vl_api_address_t', 'as_address'],
  ['u8', 'weight'],
  ['bool', 'is_flush'],
]);

const lbFlushVip = request('lb_flush_vip', '0x1063f819', [
  ['vl_api_address_with_prefix_t', 'pfx'],
  ['u8', 'protocol'],
  ['u16', 'port'],
]);

const lbVipDump = request('lb_vip_dump', '0x56110cb7', [
  ['vl_api_address_with_prefix_t', 'pfx'],
  ['vl_api_prefix_matcher_t', 'pfx_matcher'],
  ['u8', 'protocol', { default: 255 }],
  ['u16', 'port'],
]);
const lbVipDetails: ApiMessage = [
  'lb_vip_details',
  MSG_ID,
  ['u32', 'context'],
  ['vl_api_lb_vip_t', 'vip'],
  ['vl_api_lb_encap_type_t', 'encap'],
  ['vl_api_ip_dscp_t', 'dscp'],
  ['vl_api_lb_srv_type_t', 'srv_type'],
  ['u16', 'target_port'],
  ['u16', 'flow_table_length'],
  { crc: '0x1329ec9b' },
];

const AS_DUMP_BODY: readonly ApiField[] = [
  ['vl_api_address_with_prefix_t', 'pfx'],
  ['u8', 'protocol'],
  ['u16', 'port'],
];
const lbAsDump = request('lb_as_dump', '0x1063f819', AS_DUMP_BODY);
const AS_DETAILS_BODY: readonly ApiField[] = [
  MSG_ID,
  ['u32', 'context'],
  ['vl_api_lb_vip_t', 'vip'],
  ['vl_api_address_t', 'app_srv'],
  ['u8', 'flags'],
  ['u32', 'in_use_since'],
];
const lbAsDetails: ApiMessage = ['lb_as_details', ...AS_DETAILS_BODY, { crc: '0x8d24c29e' }];
const lbAsV2Dump = request('lb_as_v2_dump', '0x1063f819', AS_DUMP_BODY);
const lbAsV2Details: ApiMessage = [
  'lb_as_v2_details',
  ...AS_DETAILS_BODY,
  ['u8', 'weight'],
  ['u32', 'num_buckets'],
  { crc: '0x90064aae' },
];

const INTF_NAT_BODY: readonly ApiField[] = [
  ['bool', 'is_add'],
  ['vl_api_interface_index_t', 'sw_if_index'],
];
const lbAddDelIntfNat4 = request('lb_add_del_intf_nat4', '0x47d6e753', INTF_NAT_BODY);
const lbAddDelIntfNat6 = request('lb_add_del_intf_nat6', '0x47d6e753', INTF_NAT_BODY);

function lbFile(version: string, fileCrc: string, messages: readonly ApiMessage[]): ApiJsonFile {
  const services: Record<string, ApiService> = {};
  const names = new Set(messages.map((m) => m[0]));
  for (const name of names) {
    if (name.endsWith('_dump')) {
      services[name] = { reply: name.replace(/_dump$/, '_details'), stream: true };
    } else if (!name.endsWith('_reply') && !name.endsWith('_details') && names.has(`${name}_reply`)) {
      services[name] = { reply: `${name}_reply` };
    }
  }
  return {
    types: [...ipTypesTypes, ...lbTypesTypes],
    messages,
    unions: ipTypesUnions,
    enums: [...ipTypesEnums, ...lbTypesEnums],
    enumflags: [],
    aliases: ipTypesAliases,
    services,
    options: { version },
    vl_api_version: fileCrc,
    imports: ['plugins/lb/lb_types.api'],
  };
}

/** lb.api.json 1.1.0 (releases 23.02 .. 26.06), messages in .api order. */
export const lbApi110: ApiJsonFile = lbFile('1.1.0', '0x49e3c1c1', [
  lbConf,
  autoreply('lb_conf'),
  lbAddDelVip,
  autoreply('lb_add_del_vip'),
  lbAddDelVipV2,
  autoreply('lb_add_del_vip_v2'),
  lbAddDelAs,
  autoreply('lb_add_del_as'),
  lbFlushVip,
  autoreply('lb_flush_vip'),
  lbVipDump,
  lbVipDetails,
  lbAsDump,
  lbAsDetails,
  lbAddDelIntfNat4,
  autoreply('lb_add_del_intf_nat4'),
  lbAddDelIntfNat6,
  autoreply('lb_add_del_intf_nat6'),
]);

/** lb.api.json 1.2.0 (master after 2026-05): 26 messages. */
export const lbApi120: ApiJsonFile = lbFile('1.2.0', '0xac602d7b', [
  lbConf,
  autoreply('lb_conf'),
  lbConfGet,
  lbConfGetReply,
  lbAddDelVip,
  autoreply('lb_add_del_vip'),
  lbAddDelVipV2,
  autoreply('lb_add_del_vip_v2'),
  lbAddDelAs,
  autoreply('lb_add_del_as'),
  lbAddDelAsV2,
  autoreply('lb_add_del_as_v2'),
  lbAsSetWeight,
  autoreply('lb_as_set_weight'),
  lbFlushVip,
  autoreply('lb_flush_vip'),
  lbVipDump,
  lbVipDetails,
  lbAsDump,
  lbAsDetails,
  lbAsV2Dump,
  lbAsV2Details,
  lbAddDelIntfNat4,
  autoreply('lb_add_del_intf_nat4'),
  lbAddDelIntfNat6,
  autoreply('lb_add_del_intf_nat6'),
]);
