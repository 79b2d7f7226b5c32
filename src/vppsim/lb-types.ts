// The lb plugin's own vocabulary (src/plugins/lb/lb.h, lb_types.api): internal VIP types, the API's
// encap and service-type enums, flags, timers and the four per-VIP counters. Values are VPP's.

import { LB_VIP_COUNTER_NAMES, type LbVipCounterName } from '../vpp/index.js';

/** lb_vip_type_t: what a VIP is internally (family of the VIP × encap). Shown by the CLI. */
export const LbVipType = {
  IP6_GRE6: 0,
  IP6_GRE4: 1,
  IP4_GRE6: 2,
  IP4_GRE4: 3,
  IP4_L3DSR: 4,
  IP4_NAT4: 5,
  IP6_NAT6: 6,
} as const;
export type LbVipType = (typeof LbVipType)[keyof typeof LbVipType];

/** lb_encap_type (the API enum; a different numbering from LbVipType). */
export const LbEncap = {
  GRE4: 0,
  GRE6: 1,
  L3DSR: 2,
  NAT4: 3,
  NAT6: 4,
} as const;
export type LbEncap = (typeof LbEncap)[keyof typeof LbEncap];

/** lb_srv_type (NAT VIPs only). */
export const LbSrvType = {
  CLUSTERIP: 0,
  NODEPORT: 1,
} as const;
export type LbSrvType = (typeof LbSrvType)[keyof typeof LbSrvType];

/** The CLI's name for each VIP type (lb_vip_type_strings). */
export const VIP_TYPE_NAMES: Readonly<Record<LbVipType, string>> = {
  [LbVipType.IP6_GRE6]: 'ip6-gre6',
  [LbVipType.IP6_GRE4]: 'ip6-gre4',
  [LbVipType.IP4_GRE6]: 'ip4-gre6',
  [LbVipType.IP4_GRE4]: 'ip4-gre4',
  [LbVipType.IP4_L3DSR]: 'ip4-l3dsr',
  [LbVipType.IP4_NAT4]: 'ip4-nat4',
  [LbVipType.IP6_NAT6]: 'ip6-nat6',
};

/** A VIP of this type has an IPv4 prefix (lb_vip_is_ip4). */
export function vipTypeIsIp4(type: LbVipType): boolean {
  return (
    type === LbVipType.IP4_GRE6 ||
    type === LbVipType.IP4_GRE4 ||
    type === LbVipType.IP4_L3DSR ||
    type === LbVipType.IP4_NAT4
  );
}

/** Its ASes are IPv4 (lb_encap_is_ip4): GRE4 towards them, L3DSR, NAT4. */
export function vipTypeHasIp4Ases(type: LbVipType): boolean {
  return (
    type === LbVipType.IP6_GRE4 ||
    type === LbVipType.IP4_GRE4 ||
    type === LbVipType.IP4_L3DSR ||
    type === LbVipType.IP4_NAT4
  );
}

/** lb_vip_type_to_api_encap (master's lb_vip_details.encap). */
export function apiEncapOf(type: LbVipType): LbEncap {
  switch (type) {
    case LbVipType.IP4_GRE4:
    case LbVipType.IP6_GRE4:
      return LbEncap.GRE4;
    case LbVipType.IP4_GRE6:
    case LbVipType.IP6_GRE6:
      return LbEncap.GRE6;
    case LbVipType.IP4_L3DSR:
      return LbEncap.L3DSR;
    case LbVipType.IP4_NAT4:
      return LbEncap.NAT4;
    case LbVipType.IP6_NAT6:
      return LbEncap.NAT6;
  }
}

/**
 * The VIP type the API handlers derive from the prefix family and the encap. An encap that does
 * not fit the family (NAT6 on an IPv4 VIP, L3DSR on IPv6...) falls through to type 0, IP6_GRE6,
 * exactly as VPP's if/else chain does; lb_vip_add then rejects it or (IPv6) silently accepts it.
 */
export function vipTypeFor(prefixIsIp4: boolean, encap: number): LbVipType {
  if (prefixIsIp4) {
    if (encap === LbEncap.GRE4) return LbVipType.IP4_GRE4;
    if (encap === LbEncap.GRE6) return LbVipType.IP4_GRE6;
    if (encap === LbEncap.L3DSR) return LbVipType.IP4_L3DSR;
    if (encap === LbEncap.NAT4) return LbVipType.IP4_NAT4;
  } else {
    if (encap === LbEncap.GRE4) return LbVipType.IP6_GRE4;
    if (encap === LbEncap.GRE6) return LbVipType.IP6_GRE6;
    if (encap === LbEncap.NAT6) return LbVipType.IP6_NAT6;
  }
  return LbVipType.IP6_GRE6;
}

/** LB_AS_FLAGS_USED: the only AS flag; cleared on delete, the AS lingers until GC. */
export const LB_AS_FLAGS_USED = 0x1;

/** GC runs per VIP at most once every so many seconds (LB_GARBAGE_RUN). */
export const LB_GARBAGE_RUN_S = 60;
/** A removed AS is kept at least this long (LB_CONCURRENCY_TIMEOUT). */
export const LB_CONCURRENCY_TIMEOUT_S = 10;
/** lb_conf's defaults at plugin init. */
export const LB_DEFAULT_PER_CPU_STICKY_BUCKETS = 1024;
export const LB_DEFAULT_FLOW_TIMEOUT_S = 40;

/** The per-VIP simple counters, in VPP's order (lb_foreach_vip_counter), named as in the stats segment. */
export const LB_VIP_COUNTERS = LB_VIP_COUNTER_NAMES;

export type LbVipCounter = LbVipCounterName;

/** The retvals the lb plugin returns (src/vnet/error.h). */
export const LbRetval = {
  OK: 0,
  INVALID_SW_IF_INDEX: -2,
  NO_SUCH_ENTRY: -6,
  INVALID_VALUE: -7,
  INVALID_MEMORY_SIZE: -70,
  INVALID_ARGUMENT: -73,
  VALUE_EXIST: -81,
  INVALID_ADDRESS_FAMILY: -97,
} as const;
