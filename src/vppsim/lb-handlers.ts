// The lb plugin's API handlers (src/plugins/lb/api.c) on top of the LbPlugin model, for both wire
// generations. Master (1.2) reads fields the way the fixed handlers do. The release (1.1) handlers
// are reproduced with their bugs on an x86 host (docs/vpp-lb.md §Release quirks), so a client's workarounds
// are exercised for real:
//   - pfx.len is taken as the internal length: an IPv4 VIP needs 96 + len;
//   - encap is compared without ntohl: only byte-swapped values (wire `v 00 00 00`) are understood;
//   - lb_flush_vip copies the raw union bytes as the prefix (IPv4 lands at the wrong offset);
//   - lb_vip_details: internal pfx.len, protocol 0, encap = the internal VIP type,
//     flow_table_length = (u16)htonl(len), deleted VIPs included;
//   - lb_as_details: internal pfx.len, protocol 0; the dump's port filter compares BE with host order.
// Both generations share: srv_type read from the first wire byte and reported as v << 24,
// target_port reported byte-swapped, lb_vip_dump ignoring its filters, lb_as_dump filters matching
// the raw union bytes (an IPv4 filter never matches), lb_flush_vip returning 0 whatever happens.

import {
  ADDRESS_IP4,
  ADDRESS_IP6,
  getBool,
  getBytes,
  getNumber,
  getStruct,
  type VppFields,
  type VppStruct,
} from '../vpp/index.js';
import { ip46Equal, ip46FromIp4, ip46IsIp4, ip46PrefixIsIp4, type Ip46 } from './lb-address.js';
import { runLbCli } from './lb-cli.js';
import { LbSimulatedCrash, type LbPlugin, type LbVipKey, type LbVipView } from './lb-plugin.js';
import { apiEncapOf, LbEncap, LbRetval, vipTypeFor } from './lb-types.js';
import type { SimHandler, VppSimServer } from './server.js';

function swap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | ((x >>> 24) & 0xff)) >>> 0;
}

/** ip_address_decode: IPv4 becomes ::a.b.c.d; an unknown family leaves the (zeroed) output alone. */
function decodeAddress(s: VppStruct): Ip46 {
  const af = getNumber(s, 'af');
  const un = getStruct(s, 'un');
  if (af === ADDRESS_IP4) return ip46FromIp4(getBytes(un, 'ip4'));
  if (af === ADDRESS_IP6) return Uint8Array.from(getBytes(un, 'ip6'));
  return new Uint8Array(16);
}

/** The 16 raw bytes of an address union, whatever the family says (what the buggy handlers copy). */
function rawUnionBytes(s: VppStruct): Ip46 {
  return Uint8Array.from(getBytes(getStruct(s, 'un'), 'ip6'));
}

/** ip_address_encode with IP46_TYPE_ANY: ::a.b.c.d goes out as IPv4. */
function encodeAddress(a: Ip46): VppFields {
  return ip46IsIp4(a)
    ? { af: ADDRESS_IP4, un: { ip4: a.subarray(12, 16) } }
    : { af: ADDRESS_IP6, un: { ip6: a } };
}

export interface LbHandlerOptions {
  /** Called instead of replying when a request would make VPP die. */
  readonly onCrash?: (err: LbSimulatedCrash, request: string) => void;
}

/**
 * Registers every lb message the server's table has (so 1.2-only messages only in 1.2 mode) and
 * the lb CLI commands. Returns a function that unregisters them.
 */
export function registerLbHandlers(
  server: VppSimServer,
  lb: LbPlugin,
  opts: LbHandlerOptions = {},
): () => void {
  if (server.lbGeneration !== lb.generation)
    throw new Error(`vppsim: lb model is ${lb.generation} but the server presents lb ${server.lbGeneration}`);
  const release = lb.generation === '1.1';

  /** The VIP a request names, as the generation's handler computes it. */
  const vipKeyOf = (msg: VppStruct): LbVipKey => {
    const pfx = getStruct(msg, 'pfx');
    const address = getStruct(pfx, 'address');
    const len = getNumber(pfx, 'len');
    const port = getNumber(msg, 'port');
    return {
      prefix: decodeAddress(address),
      plen: release ? len : (len + (getNumber(address, 'af') === ADDRESS_IP4 ? 96 : 0)) & 0xff,
      // port 0 is an all-port VIP: the handlers force protocol to ~0.
      protocol: port === 0 ? 255 : getNumber(msg, 'protocol'),
      port,
    };
  };

  const vipFields = (v: LbVipView): VppFields => ({
    pfx: {
      address: encodeAddress(v.prefix),
      len: release || !ip46PrefixIsIp4(v.prefix, v.plen) ? v.plen : v.plen - 96,
    },
    // The release writes (u8)htonl(protocol): always 0 on x86.
    protocol: release ? 0 : v.protocol,
    port: v.port,
  });

  const addDelVip =
    (v2: boolean): SimHandler =>
    (msg) => {
      const key = vipKeyOf(msg);
      if (getBool(msg, 'is_del')) {
        const found = lb.findVip(key);
        return { retval: found.rv !== 0 ? found.rv : lb.delVip(found.index) };
      }
      const wireEncap = getNumber(msg, 'encap');
      const encap = release ? swap32(wireEncap) : wireEncap;
      const nat = encap === LbEncap.NAT4 || encap === LbEncap.NAT6;
      const { rv } = lb.addVip({
        ...key,
        type: vipTypeFor(ip46PrefixIsIp4(key.prefix, key.plen), encap),
        newFlowsTableLength: getNumber(msg, 'new_flows_table_length'),
        srcIpSticky: v2 && getBool(msg, 'src_ip_sticky'),
        dscp: encap === LbEncap.L3DSR ? getNumber(msg, 'dscp') & 0x3f : 0,
        // A u32 enum assigned to a u8 without ntohl: the first wire byte.
        srvType: nat ? (getNumber(msg, 'type') >>> 24) & 0xff : 0,
        targetPort: nat ? getNumber(msg, 'target_port') : 0,
      });
      return { retval: rv };
    };

  const addDelAs =
    (v2: boolean): SimHandler =>
    (msg) => {
      const found = lb.findVip(vipKeyOf(msg));
      if (found.rv !== 0) return { retval: found.rv };
      const address = decodeAddress(getStruct(msg, 'as_address'));
      if (getBool(msg, 'is_del')) return { retval: lb.delAs(found.index, address, getBool(msg, 'is_flush')) };
      // v1 on master adds at weight 100 and never flushes; the release has neither.
      return {
        retval: v2
          ? lb.addAs(found.index, address, {
              weight: getNumber(msg, 'weight'),
              flush: getBool(msg, 'is_flush'),
            })
          : lb.addAs(found.index, address, { weight: 100 }),
      };
    };

  const asDump =
    (v2: boolean): SimHandler =>
    (msg) => {
      const filter = rawUnionBytes(getStruct(getStruct(msg, 'pfx'), 'address'));
      const dumpAll = filter.every((b) => b === 0);
      const protocol = getNumber(msg, 'protocol');
      const port = release ? swap16(getNumber(msg, 'port')) : getNumber(msg, 'port');
      const out: VppFields[] = [];
      for (const v of lb.vips()) {
        if (!dumpAll && !(ip46Equal(filter, v.prefix) && protocol === v.protocol && port === v.port))
          continue;
        for (const as of lb.ases(v.index)) {
          out.push({
            vip: vipFields(v),
            app_srv: encodeAddress(as.address),
            flags: as.flags,
            in_use_since: as.lastUsed,
            ...(v2 && { weight: as.weight, num_buckets: as.buckets }),
          });
        }
      }
      return out;
    };

  const handlers: Record<string, SimHandler> = {
    lb_conf: (msg) => {
      const current = lb.config;
      const buckets = getNumber(msg, 'sticky_buckets_per_core');
      const timeout = getNumber(msg, 'flow_timeout');
      // ~0 means "keep" for these two; the addresses are always overwritten.
      return {
        retval: lb.setConf({
          ip4SrcAddress: getBytes(msg, 'ip4_src_address'),
          ip6SrcAddress: getBytes(msg, 'ip6_src_address'),
          stickyBucketsPerCore: buckets === 0xffffffff ? current.stickyBucketsPerCore : buckets,
          flowTimeout: timeout === 0xffffffff ? current.flowTimeout : timeout,
        }),
      };
    },
    lb_conf_get: () => {
      const c = lb.config;
      return {
        ip4_src_address: c.ip4SrcAddress,
        ip6_src_address: c.ip6SrcAddress,
        sticky_buckets_per_core: c.stickyBucketsPerCore,
        flow_timeout: c.flowTimeout,
      };
    },
    lb_add_del_vip: addDelVip(false),
    lb_add_del_vip_v2: addDelVip(true),
    lb_add_del_as: addDelAs(false),
    lb_add_del_as_v2: addDelAs(true),
    lb_as_set_weight: (msg) => {
      const found = lb.findVip(vipKeyOf(msg));
      if (found.rv !== 0) return { retval: found.rv };
      const address = decodeAddress(getStruct(msg, 'as_address'));
      return {
        retval: lb.setAsWeight(found.index, address, getNumber(msg, 'weight'), getBool(msg, 'is_flush')),
      };
    },
    lb_flush_vip: (msg) => {
      let key = vipKeyOf(msg);
      if (release) {
        const pfx = getStruct(msg, 'pfx');
        key = { ...key, prefix: rawUnionBytes(getStruct(pfx, 'address')), plen: getNumber(pfx, 'len') };
      }
      // The lookup's failure is ignored (VPP then flushes an uninitialised index); the reply is 0.
      const found = lb.findVip(key);
      if (found.rv === 0) lb.flushVip(found.index);
      return { retval: LbRetval.OK };
    },
    lb_vip_dump: () =>
      lb
        .vips()
        .filter((v) => release || v.used)
        .map((v) => ({
          vip: vipFields(v),
          encap: release ? v.type : apiEncapOf(v.type),
          dscp: v.dscp,
          srv_type: (v.srvType << 24) >>> 0,
          target_port: swap16(v.targetPort),
          flow_table_length: release
            ? (v.newFlowsTableLength >>> 16) & 0xffff
            : v.newFlowsTableLength & 0xffff,
        })),
    lb_as_dump: asDump(false),
    lb_as_v2_dump: asDump(true),
    // Only local0 (sw_if_index 0) exists in the simulator.
    lb_add_del_intf_nat4: (msg) => ({
      retval: getNumber(msg, 'sw_if_index') === 0 ? LbRetval.OK : LbRetval.INVALID_SW_IF_INDEX,
    }),
    lb_add_del_intf_nat6: (msg) => ({
      retval: getNumber(msg, 'sw_if_index') === 0 ? LbRetval.OK : LbRetval.INVALID_SW_IF_INDEX,
    }),
  };

  const unregister: (() => void)[] = [];
  for (const [name, handler] of Object.entries(handlers)) {
    if (!server.table.entryByName(name)) continue;
    unregister.push(
      server.registerHandler(name, (msg, ctx) => {
        try {
          return handler(msg, ctx);
        } catch (err) {
          if (!(err instanceof LbSimulatedCrash)) throw err;
          opts.onCrash?.(err, name);
          return undefined;
        }
      }),
    );
  }
  unregister.push(server.registerCli((cmd) => runLbCli(lb, cmd)));
  return () => {
    for (const u of unregister) u();
  };
}
