// The lb plugin's state and rules (src/plugins/lb/lb.c), with VPP's quirks kept: VIPs identified by
// (normalised prefix, internal length, protocol, port), the all-port/per-port and one-encap-per-
// prefix rules, lazy AS removal (flags 0 until garbage collection), pool-index reuse, the Maglev
// new-flow table rebuilt on every change (src/maglev, generation-specific), the sticky table, the
// four per-VIP counters and the FIB's `/net/route/to` counters of the VIP routes. Methods take VPP's internal forms (ip46 addresses, 96 + len for IPv4) and
// return VPP's retvals; the API handlers (lb-handlers.ts) do the wire generation's translations.
//
// Pure apart from reading the injected clock: the 60 s GC process is scheduled by the composition
// (sim.ts), which calls garbageCollect().

import type { Clock } from '../clock/index.js';
import { systemClock } from '../clock/index.js';
import {
  addressIdentity,
  buildTable,
  decidePacket,
  flowHash,
  lbTimeNow,
  StickyTable,
  toAsValueTable,
  type FlowHashFunction,
  type FlowTuple,
  type Generation,
} from '../maglev/index.js';
import { Signal, type LbGeneration } from '../vpp/index.js';
import {
  formatIp46,
  ip46Equal,
  ip46IsIp4,
  ip46Normalize,
  ip46PrefixContains,
  ip46PrefixIsIp4,
  type Ip46,
} from './lb-address.js';
import { Pool } from './lb-pool.js';
import {
  LB_AS_FLAGS_USED,
  LB_CONCURRENCY_TIMEOUT_S,
  LB_DEFAULT_FLOW_TIMEOUT_S,
  LB_DEFAULT_PER_CPU_STICKY_BUCKETS,
  LB_GARBAGE_RUN_S,
  LB_VIP_COUNTERS,
  LbRetval,
  LbSrvType,
  LbVipType,
  vipTypeHasIp4Ases,
  vipTypeIsIp4,
  type LbVipCounter,
} from './lb-types.js';

/** VPP would die here (e.g. a 2^32-bucket table for new_flows_table_length 0); so does the simulator. */
export class LbSimulatedCrash extends Error {
  override name = 'LbSimulatedCrash';
}

export interface LbConf {
  readonly ip4SrcAddress: Uint8Array;
  readonly ip6SrcAddress: Uint8Array;
  readonly stickyBucketsPerCore: number;
  readonly flowTimeout: number;
}

/** What identifies a VIP: internal form (IPv4 as ::a.b.c.d with 96 + len). */
export interface LbVipKey {
  readonly prefix: Ip46;
  readonly plen: number;
  readonly protocol: number;
  readonly port: number;
}

export interface LbVipAddArgs extends LbVipKey {
  readonly type: LbVipType;
  readonly newFlowsTableLength: number;
  readonly srcIpSticky?: boolean;
  /** L3DSR only. */
  readonly dscp?: number;
  /** NAT only (an lb_srv_type value). */
  readonly srvType?: number;
  /** NAT only, host order. */
  readonly targetPort?: number;
}

export interface LbVipView {
  /** The VIP's pool index: what `show lb vips verbose` prints in brackets and the stats counters are keyed by. */
  readonly index: number;
  readonly prefix: Ip46;
  readonly plen: number;
  readonly protocol: number;
  readonly port: number;
  readonly type: LbVipType;
  /** False once deleted (until GC frees it). */
  readonly used: boolean;
  readonly srcIpSticky: boolean;
  readonly dscp: number;
  readonly srvType: number;
  readonly targetPort: number;
  readonly newFlowsTableLength: number;
  readonly counters: Readonly<Record<LbVipCounter, number>>;
  /** AS pool indexes in the VIP's own pool order (the order the CLI and dumps list them). */
  readonly asIndexes: readonly number[];
}

export interface LbAsView {
  readonly index: number;
  readonly vipIndex: number;
  readonly address: Ip46;
  /** LB_AS_FLAGS_USED set. */
  readonly used: boolean;
  readonly flags: number;
  /** 0..255; master only (the release has no weights; reported as 100 there and never shown). */
  readonly weight: number;
  /** u32 seconds of uptime when it was last removed (in_use_since); 0 if never. */
  readonly lastUsed: number;
  /** New-flow buckets pointing at it. */
  readonly buckets: number;
  /** Sticky entries naming it (VPP's refcount, shown as `flows`). */
  readonly flows: number;
  /** The load-balance index of its next-hop FIB entry (the CLI's `dpo:`). */
  readonly dpo: number;
}

export interface LbPacketResult {
  /** AS pool index the packet goes to; 0 = dropped (no AS). */
  readonly asIndex: number;
  readonly address: Ip46 | undefined;
  readonly counter: LbVipCounter;
}

export interface LbPluginOptions {
  readonly generation: LbGeneration;
  readonly clock?: Clock;
  /**
   * FIB load-balance objects a fresh VPP already has; the first lb FIB entry gets this index.
   * 8 reproduces the dpo numbers of docs/vpp-lb.md §Observed on a running VPP (first VIP's ASes from dpo:9).
   */
  readonly loadBalancesInUse?: number;
  /** Largest table the simulator builds; above it (or 0, which VPP accepts) it "crashes". Default 2^22. */
  readonly maxTableLength?: number;
}

export const SIM_MAX_TABLE_LENGTH = 2 ** 22;

/**
 * A counter moved (with its new total), for the stats segment: one of a VIP's four counters (by
 * VIP pool index), or a route's packets and bytes (by its FIB stats index, the load-balance index).
 */
export type LbCount =
  | {
      readonly kind: 'vip';
      readonly vipIndex: number;
      readonly counter: LbVipCounter;
      readonly total: number;
    }
  | { readonly kind: 'route'; readonly statsIndex: number; readonly packets: number; readonly bytes: number };

/** A FIB entry found by lookupRoute. */
export interface LbRoute {
  readonly prefix: Ip46;
  readonly plen: number;
  /** The index of its `/net/route/to` counters (its load-balance index). */
  readonly statsIndex: number;
}

/** A FIB entry's counters, as the stats segment shows them. */
export interface LbRouteCounters {
  readonly statsIndex: number;
  readonly packets: number;
  readonly bytes: number;
}

/**
 * What a data path outside the model (the TCP forwarder) must follow: VIPs appearing and going, and
 * flushes, which in VPP evict sticky entries and so tear down the flows they carried.
 */
export type LbChange =
  | { readonly kind: 'vip-added' | 'vip-deleted'; readonly vipIndex: number }
  | {
      readonly kind: 'flush';
      readonly vipIndex: number;
      /** The flushed AS; undefined for every AS of the VIP (lb_flush_vip). */
      readonly address: Ip46 | undefined;
    };

interface VipRecord {
  prefix: Ip46;
  plen: number;
  protocol: number;
  port: number;
  type: LbVipType;
  used: boolean;
  srcIpSticky: boolean;
  dscp: number;
  srvType: number;
  targetPort: number;
  newFlowsTableLength: number;
  lastGarbageCollection: number;
  /** Slot → AS pool index. */
  readonly asSlots: Pool<number>;
  /** Bucket → AS pool index (0 = none); undefined when a change made it stale (see tableOf). */
  table: Uint32Array | undefined;
  /** AS pool index → buckets pointing at it, counted once per table (dumps and the CLI ask often). */
  bucketCounts: Map<number, number> | undefined;
  readonly counters: Record<LbVipCounter, number>;
  fibKey: string | undefined;
}

interface AsRecord {
  readonly address: Ip46;
  readonly vipIndex: number;
  used: boolean;
  weight: number;
  lastUsed: number;
  readonly fibKey: string;
}

interface FibEntry {
  /** Its load-balance index: the `dpo:` of the CLI and the stats index of its route counters. */
  readonly loadBalance: number;
  readonly prefix: Ip46;
  readonly plen: number;
  refs: number;
  /** `/net/route/to`: packets and bytes looked up to this entry (zero for a new load balance, as in VPP). */
  packets: number;
  bytes: number;
}

function isPow2(x: number): boolean {
  return (x & (x - 1)) === 0;
}

/** clib_u32_loop_gt: a > b on a wrapping u32 clock. */
function loopGt(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

function zeroCounters(): Record<LbVipCounter, number> {
  const c = {} as Record<LbVipCounter, number>;
  for (const name of LB_VIP_COUNTERS) c[name] = 0;
  return c;
}

export class LbPlugin {
  readonly generation: LbGeneration;
  /** Emitted synchronously, after the model has changed. */
  readonly onChange = new Signal<LbChange>();
  /** Emitted synchronously whenever a packet moved a counter. */
  readonly onCount = new Signal<LbCount>();
  private readonly clock: Clock;
  private readonly startedAt: number;
  private readonly maxTableLength: number;
  private conf: LbConf = {
    ip4SrcAddress: new Uint8Array(4).fill(0xff),
    ip6SrcAddress: new Uint8Array(16).fill(0xff),
    stickyBucketsPerCore: LB_DEFAULT_PER_CPU_STICKY_BUCKETS,
    flowTimeout: LB_DEFAULT_FLOW_TIMEOUT_S,
  };
  private readonly vipPool = new Pool<VipRecord>();
  private readonly asPool = new Pool<AsRecord>();
  private readonly loadBalances = new Pool<true>();
  private readonly fib = new Map<string, FibEntry>();
  /** lbm->vip_index_by_nodeport: never cleaned on VIP delete, as in VPP. */
  private readonly nodePorts = new Set<number>();
  /** The one worker's sticky table (VPP: one per thread, made on the first packet). */
  private sticky: StickyTable | undefined;

  constructor(opts: LbPluginOptions) {
    this.generation = opts.generation;
    this.clock = opts.clock ?? systemClock;
    this.startedAt = this.clock.monotonic();
    this.maxTableLength = opts.maxTableLength ?? SIM_MAX_TABLE_LENGTH;
    // Index 0 of both pools is a placeholder: VIP 0 is never shown, AS 0 means "no AS".
    this.vipPool.get({
      prefix: new Uint8Array(16).fill(0xff),
      plen: 0,
      protocol: 255,
      port: 0,
      type: LbVipType.IP6_GRE6,
      used: true,
      srcIpSticky: false,
      dscp: 0,
      srvType: 0,
      targetPort: 0,
      newFlowsTableLength: 0,
      lastGarbageCollection: 0,
      asSlots: new Pool<number>(),
      table: new Uint32Array(0),
      bucketCounts: undefined,
      counters: zeroCounters(),
      fibKey: undefined,
    });
    this.asPool.get({
      address: new Uint8Array(16).fill(0xff),
      vipIndex: 0xffffffff,
      used: false,
      weight: 0,
      lastUsed: 0,
      fibKey: '',
    });
    for (let i = 0; i < (opts.loadBalancesInUse ?? 8); i++) this.loadBalances.get(true);
  }

  /** Seconds since the plugin started (vlib_time_now). */
  uptime(): number {
    return (this.clock.monotonic() - this.startedAt) / 1000;
  }

  /** (u32) vlib_time_now: the stamp GC and in_use_since use. */
  private now(): number {
    return Math.floor(this.uptime()) >>> 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Global configuration

  get config(): LbConf {
    return this.conf;
  }

  /** lb_conf: both source addresses always; buckets must pass is_pow2 (0 does, as in VPP). */
  setConf(conf: LbConf): number {
    if (!isPow2(conf.stickyBucketsPerCore)) return LbRetval.INVALID_MEMORY_SIZE;
    this.conf = {
      ip4SrcAddress: Uint8Array.from(conf.ip4SrcAddress.subarray(0, 4)),
      ip6SrcAddress: Uint8Array.from(conf.ip6SrcAddress.subarray(0, 16)),
      stickyBucketsPerCore: conf.stickyBucketsPerCore >>> 0,
      flowTimeout: conf.flowTimeout >>> 0,
    };
    return LbRetval.OK;
  }

  // ---------------------------------------------------------------------------------------------
  // VIPs

  private findVipWhere(prefix: Ip46, plen: number, match: (v: VipRecord) => boolean): number | undefined {
    for (const [index, v] of this.vipPool.entries()) {
      if (index === 0 || !v.used || v.plen !== plen || !ip46Equal(v.prefix, prefix)) continue;
      if (match(v)) return index;
    }
    return undefined;
  }

  /** lb_vip_find_index: an in-use VIP with exactly this identity (the prefix is normalised first). */
  findVip(key: LbVipKey): { rv: number; index: number } {
    const prefix = ip46Normalize(key.prefix, key.plen);
    const index = this.findVipWhere(
      prefix,
      key.plen,
      (v) => v.protocol === key.protocol && v.port === key.port,
    );
    return index === undefined ? { rv: LbRetval.NO_SUCH_ENTRY, index: 0 } : { rv: LbRetval.OK, index };
  }

  /** lb_vip_add, check for check in VPP's order. */
  addVip(args: LbVipAddArgs): { rv: number; index: number } {
    const plen = args.plen & 0xff;
    const prefix = ip46Normalize(args.prefix, plen);
    const { protocol, port, type } = args;
    const fail = (rv: number) => ({ rv, index: 0 });

    if (this.findVipWhere(prefix, plen, (v) => v.protocol === protocol && v.port === port) !== undefined)
      return fail(LbRetval.VALUE_EXIST);
    // A per-port VIP cannot join an all-port VIP on the same prefix, nor the other way round.
    if (port !== 0 && this.findVipWhere(prefix, plen, (v) => v.port === 0) !== undefined)
      return fail(LbRetval.VALUE_EXIST);
    const sibling = this.findVipWhere(prefix, plen, (v) => v.protocol !== protocol || v.port !== port);
    if (port === 0 && sibling !== undefined) return fail(LbRetval.VALUE_EXIST);
    // Every per-port VIP of a prefix shares one FIB entry, hence one type (encap).
    if (port !== 0 && sibling !== undefined && this.vipPool.at(sibling)?.type !== type)
      return fail(LbRetval.INVALID_ARGUMENT);
    if (!isPow2(args.newFlowsTableLength)) return fail(LbRetval.INVALID_MEMORY_SIZE);
    const prefixIsIp4 = ip46PrefixIsIp4(prefix, plen);
    if (prefixIsIp4 !== vipTypeIsIp4(type)) return fail(LbRetval.INVALID_ADDRESS_FAMILY);
    const dscp = args.dscp ?? 0;
    // Odd but true: VPP reports a bad L3DSR dscp as VALUE_EXIST.
    if (type === LbVipType.IP4_L3DSR && dscp >= 64) return fail(LbRetval.VALUE_EXIST);
    const length = args.newFlowsTableLength >>> 0;
    if (length === 0 || length > this.maxTableLength) {
      throw new LbSimulatedCrash(
        length === 0
          ? 'new_flows_table_length 0 passes is_pow2(): VPP allocates a 2^32-bucket table and dies'
          : `new_flows_table_length ${length} is beyond the simulator's limit (${this.maxTableLength})`,
      );
    }

    const isNat = type === LbVipType.IP4_NAT4 || type === LbVipType.IP6_NAT6;
    const vip: VipRecord = {
      prefix,
      plen,
      protocol: port !== 0 ? protocol : 255,
      port,
      type,
      used: true,
      srcIpSticky: args.srcIpSticky ?? false,
      dscp: type === LbVipType.IP4_L3DSR ? dscp : 0,
      srvType: isNat ? (args.srvType ?? 0) & 0xff : 0,
      targetPort: isNat ? (args.targetPort ?? 0) & 0xffff : 0,
      newFlowsTableLength: length,
      lastGarbageCollection: this.now(),
      asSlots: new Pool<number>(),
      table: undefined,
      bucketCounts: undefined,
      counters: zeroCounters(),
      fibKey: undefined,
    };
    const index = this.vipPool.get(vip);
    // The VIP's FIB entry (per-port VIPs of one prefix share it).
    vip.fibKey = `${addressIdentity(prefix)}/${plen}`;
    this.fibRef(vip.fibKey, prefix, plen);
    this.onChange.emit({ kind: 'vip-added', vipIndex: index });

    // NodePort: the clash is found after the VIP exists, and the VIP stays (as in VPP).
    if (isNat && port !== 0 && !vip.srcIpSticky && vip.srvType === LbSrvType.NODEPORT) {
      if (this.nodePorts.has(port)) return { rv: LbRetval.VALUE_EXIST, index };
      this.nodePorts.add(port);
    }
    return { rv: LbRetval.OK, index };
  }

  /** lb_vip_del: marks the VIP unused and removes (lazily) all its ASes, without flush. */
  delVip(index: number): number {
    if (index === 0) return LbRetval.INVALID_VALUE;
    const vip = this.vipPool.at(index);
    if (!vip) return LbRetval.NO_SUCH_ENTRY;
    const addresses = vip.asSlots.values().flatMap((i) => {
      const as = this.asPool.at(i);
      return as ? [as.address] : [];
    });
    if (addresses.length > 0) this.delAses(index, addresses, false);
    if (vip.fibKey !== undefined) this.fibUnref(vip.fibKey);
    vip.fibKey = undefined;
    vip.used = false;
    this.onChange.emit({ kind: 'vip-deleted', vipIndex: index });
    return LbRetval.OK;
  }

  // ---------------------------------------------------------------------------------------------
  // Application servers

  private findAs(vipIndex: number, vip: VipRecord, address: Ip46): number | undefined {
    for (const asIndex of vip.asSlots.values()) {
      const as = this.asPool.at(asIndex);
      if (as && as.vipIndex === vipIndex && ip46Equal(as.address, address)) return asIndex;
    }
    return undefined;
  }

  /**
   * lb_vip_add_ass for one address. A removed AS that GC has not freed yet is revived in place
   * (VALUE_EXIST only for one still in use); a new one must match the VIP's AS family.
   * `weight` and `flush` are master's (the release ignores them: no weights, no flush on add).
   */
  addAs(vipIndex: number, address: Ip46, opts: { weight?: number; flush?: boolean } = {}): number {
    const vip = this.vipPool.at(vipIndex);
    if (!vip) return LbRetval.NO_SUCH_ENTRY;
    const master = this.generation === '1.2';
    const weight = master ? (opts.weight ?? 100) & 0xff : 100;
    const existing = this.findAs(vipIndex, vip, address);
    let asIndex: number;
    if (existing !== undefined) {
      const as = this.asPool.at(existing) as AsRecord;
      if (as.used) return LbRetval.VALUE_EXIST;
      as.used = true;
      as.weight = weight;
      asIndex = existing;
    } else {
      if (ip46IsIp4(address) !== vipTypeHasIp4Ases(vip.type)) return LbRetval.INVALID_ADDRESS_FAMILY;
      const fibKey = `${addressIdentity(address)}/128`;
      asIndex = this.asPool.get({
        address: Uint8Array.from(address),
        vipIndex,
        used: true,
        weight,
        lastUsed: 0,
        fibKey,
      });
      vip.asSlots.get(asIndex);
      this.fibRef(fibKey, address, 128);
    }
    this.rebuild(vip);
    if (master && opts.flush) this.flushAs(vipIndex, asIndex);
    this.vipGarbageCollection(vip);
    return LbRetval.OK;
  }

  /** lb_vip_del_ass for one address: clears USED and stamps the time; flush evicts its flows. */
  delAs(vipIndex: number, address: Ip46, flush: boolean): number {
    return this.delAses(vipIndex, [address], flush);
  }

  private delAses(vipIndex: number, addresses: readonly Ip46[], flush: boolean): number {
    const vip = this.vipPool.at(vipIndex);
    if (!vip) return LbRetval.NO_SUCH_ENTRY;
    const indexes: number[] = [];
    for (const address of addresses) {
      const asIndex = this.findAs(vipIndex, vip, address);
      if (asIndex === undefined) return LbRetval.NO_SUCH_ENTRY;
      if (!indexes.includes(asIndex)) indexes.push(asIndex);
    }
    // VPP collects garbage before marking, so the ASes removed now are never freed by this run.
    this.vipGarbageCollection(vip);
    const now = this.now();
    for (const asIndex of indexes) {
      const as = this.asPool.at(asIndex);
      if (!as || as.vipIndex !== vipIndex) continue; // freed by the GC run just above
      as.used = false;
      as.lastUsed = now;
      if (flush) this.flushAs(vipIndex, asIndex);
    }
    this.rebuild(vip);
    return LbRetval.OK;
  }

  /** lb_vip_set_as_weight (master): the AS must exist and be in use; flush afterwards if asked. */
  setAsWeight(vipIndex: number, address: Ip46, weight: number, flush: boolean): number {
    const vip = this.vipPool.at(vipIndex);
    if (!vip) return LbRetval.NO_SUCH_ENTRY;
    const asIndex = this.findAs(vipIndex, vip, address);
    const as = asIndex === undefined ? undefined : this.asPool.at(asIndex);
    if (asIndex === undefined || !as?.used) return LbRetval.NO_SUCH_ENTRY;
    as.weight = weight & 0xff;
    this.rebuild(vip);
    if (flush) this.flushAs(vipIndex, asIndex);
    return LbRetval.OK;
  }

  /** lb_flush_vip_as(vip, ~0): forget every sticky flow of the VIP. */
  flushVip(vipIndex: number): number {
    this.sticky?.flush(vipIndex);
    this.onChange.emit({ kind: 'flush', vipIndex, address: undefined });
    return LbRetval.OK;
  }

  /** lb_flush_vip_as(vip, as). */
  private flushAs(vipIndex: number, asIndex: number): void {
    this.sticky?.flush(vipIndex, asIndex);
    const as = this.asPool.at(asIndex);
    if (as) this.onChange.emit({ kind: 'flush', vipIndex, address: Uint8Array.from(as.address) });
  }

  // ---------------------------------------------------------------------------------------------
  // The new-flow table
  //
  // VPP rebuilds it on every change. Here a change only marks it stale and the next reader (a dump,
  // the CLI, a packet) builds it: the table depends on nothing but the current AS set, so nobody
  // can tell the difference, and a batch of a thousand AS adds costs one build instead of a
  // thousand.

  private rebuild(vip: VipRecord): void {
    vip.table = undefined;
    vip.bucketCounts = undefined;
  }

  private tableOf(vip: VipRecord): Uint32Array {
    vip.table ??= this.buildNewFlowTable(vip);
    return vip.table;
  }

  private bucketCountsOf(vip: VipRecord): Map<number, number> {
    if (vip.bucketCounts) return vip.bucketCounts;
    const counts = new Map<number, number>();
    for (const asIndex of this.tableOf(vip)) counts.set(asIndex, (counts.get(asIndex) ?? 0) + 1);
    vip.bucketCounts = counts;
    return counts;
  }

  private buildNewFlowTable(vip: VipRecord): Uint32Array {
    const live = vip.asSlots.values().flatMap((asIndex) => {
      const as = this.asPool.at(asIndex);
      return as?.used ? [{ asIndex, as }] : [];
    });
    const length = vip.newFlowsTableLength;
    if (live.length === 0) return new Uint32Array(length);
    const generation: Generation = this.generation === '1.2' ? 'master' : 'release';
    const table = buildTable(
      generation,
      live.map(({ as }) => ({
        address: formatIp46(as.address),
        weight: generation === 'release' ? 1 : as.weight,
      })),
      length,
    );
    return toAsValueTable(
      table,
      live.map(({ asIndex }) => asIndex),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Garbage collection

  /** lb_vip_garbage_collection: at most every 60 s per VIP; frees ASes removed > 10 s ago with no flows. */
  private vipGarbageCollection(vip: VipRecord): void {
    const now = this.now();
    if (!loopGt(now, vip.lastGarbageCollection + LB_GARBAGE_RUN_S)) return;
    vip.lastGarbageCollection = now;
    for (const [slot, asIndex] of vip.asSlots.entries()) {
      const as = this.asPool.at(asIndex);
      if (!as || as.used) continue;
      if (!loopGt(now, as.lastUsed + LB_CONCURRENCY_TIMEOUT_S) || this.flows(asIndex) !== 0) continue;
      this.fibUnref(as.fibKey);
      vip.asSlots.put(slot);
      this.asPool.put(asIndex);
    }
  }

  /** lb_garbage_collection: per-VIP GC everywhere, then frees deleted VIPs that have no ASes left. */
  garbageCollect(): void {
    const freed: number[] = [];
    for (const [index, vip] of this.vipPool.entries()) {
      this.vipGarbageCollection(vip);
      if (!vip.used && vip.asSlots.size === 0) freed.push(index);
    }
    for (const index of freed) this.vipPool.put(index);
  }

  // ---------------------------------------------------------------------------------------------
  // FIB entries: only their load-balance index is modelled (the CLI's dpo numbers)

  private fibRef(key: string, prefix: Ip46, plen: number): void {
    const entry = this.fib.get(key);
    if (entry) entry.refs++;
    else
      this.fib.set(key, {
        loadBalance: this.loadBalances.get(true),
        prefix: Uint8Array.from(prefix),
        plen,
        refs: 1,
        packets: 0,
        bytes: 0,
      });
  }

  private fibUnref(key: string): void {
    const entry = this.fib.get(key);
    if (!entry) return;
    if (--entry.refs > 0) return;
    this.fib.delete(key);
    this.loadBalances.put(entry.loadBalance);
  }

  /**
   * The FIB entry for a prefix (internal form) as ip_route_lookup finds it: the exact prefix, or
   * (not exact) the longest prefix containing its address. Only the lb plugin's own entries (VIP
   * prefixes, AS host routes) exist in the simulator's FIB.
   */
  lookupRoute(prefix: Ip46, plen: number, exact: boolean): LbRoute | undefined {
    const normalised = ip46Normalize(prefix, plen);
    let found = this.fib.get(`${addressIdentity(normalised)}/${plen}`);
    if (!found && !exact) {
      for (const entry of this.fib.values()) {
        if (entry.plen > plen || !ip46PrefixContains(entry.prefix, entry.plen, normalised)) continue;
        if (!found || entry.plen > found.plen) found = entry;
      }
    }
    return (
      found && { prefix: Uint8Array.from(found.prefix), plen: found.plen, statsIndex: found.loadBalance }
    );
  }

  /** Every FIB entry's route counters, by stats index. */
  routeCounters(): LbRouteCounters[] {
    return [...this.fib.values()].map((e) => ({
      statsIndex: e.loadBalance,
      packets: e.packets,
      bytes: e.bytes,
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the state

  private vipView(index: number, v: VipRecord): LbVipView {
    return {
      index,
      prefix: Uint8Array.from(v.prefix),
      plen: v.plen,
      protocol: v.protocol,
      port: v.port,
      type: v.type,
      used: v.used,
      srcIpSticky: v.srcIpSticky,
      dscp: v.dscp,
      srvType: v.srvType,
      targetPort: v.targetPort,
      newFlowsTableLength: v.newFlowsTableLength,
      counters: { ...v.counters },
      asIndexes: v.asSlots.values(),
    };
  }

  /** Every VIP in pool order except the placeholder, deleted ones (not yet freed) included. */
  vips(): LbVipView[] {
    return this.vipPool.entries().flatMap(([index, v]) => (index === 0 ? [] : [this.vipView(index, v)]));
  }

  vip(index: number): LbVipView | undefined {
    const v = index === 0 ? undefined : this.vipPool.at(index);
    return v && this.vipView(index, v);
  }

  /** The VIP's ASes in its pool order, removed ones included. */
  ases(vipIndex: number): LbAsView[] {
    const vip = vipIndex === 0 ? undefined : this.vipPool.at(vipIndex);
    if (!vip) return [];
    const buckets = this.bucketCountsOf(vip);
    return vip.asSlots.values().flatMap((asIndex) => {
      const as = this.asPool.at(asIndex);
      if (!as) return [];
      return [
        {
          index: asIndex,
          vipIndex,
          address: Uint8Array.from(as.address),
          used: as.used,
          flags: as.used ? LB_AS_FLAGS_USED : 0,
          weight: as.weight,
          lastUsed: as.lastUsed,
          buckets: buckets.get(asIndex) ?? 0,
          flows: this.flows(asIndex),
          dpo: this.fib.get(as.fibKey)?.loadBalance ?? 0,
        },
      ];
    });
  }

  /** Bucket → AS pool index (0 = no AS), a copy. */
  newFlowTable(vipIndex: number): Uint32Array {
    const vip = vipIndex === 0 ? undefined : this.vipPool.at(vipIndex);
    return vip ? Uint32Array.from(this.tableOf(vip)) : new Uint32Array(0);
  }

  /** pool_elts(lbm->vips), the placeholder included (what `show lb` prints). */
  get vipPoolSize(): number {
    return this.vipPool.size;
  }

  /** ASes in the pool, without the placeholder. */
  get asCount(): number {
    return this.asPool.size - 1;
  }

  /** The worker's sticky table, if a packet has made it; for `show lb`. */
  get stickyTable(): StickyTable | undefined {
    return this.sticky;
  }

  /** Sticky entries naming the AS (VPP's as_refcount). */
  flows(asIndex: number): number {
    return this.sticky?.flows(asIndex) ?? 0;
  }

  // ---------------------------------------------------------------------------------------------
  // The data path's hooks

  /** Adds to one of the VIP's counters (for a data path that makes its own decisions). */
  countPacket(vipIndex: number, counter: LbVipCounter, packets = 1): void {
    const vip = vipIndex === 0 ? undefined : this.vipPool.at(vipIndex);
    if (!vip) throw new RangeError(`no VIP with index ${vipIndex}`);
    vip.counters[counter] += packets;
    this.onCount.emit({ kind: 'vip', vipIndex, counter, total: vip.counters[counter] });
  }

  /**
   * A packet of `bytes` (IP header included) looked up to the VIP's route: ip4-lookup counts it in
   * `/net/route/to` before the lb node sees it, so it counts whatever the lb node then decides.
   */
  countRoute(vipIndex: number, bytes: number): void {
    const vip = vipIndex === 0 ? undefined : this.vipPool.at(vipIndex);
    const entry = vip?.fibKey === undefined ? undefined : this.fib.get(vip.fibKey);
    if (!entry) throw new RangeError(`no VIP route for VIP index ${vipIndex}`);
    entry.packets++;
    entry.bytes += bytes;
    this.onCount.emit({
      kind: 'route',
      statsIndex: entry.loadBalance,
      packets: entry.packets,
      bytes: entry.bytes,
    });
  }

  /**
   * The VIP a packet to dst/protocol/port belongs to, as the FIB and the per-port filter find it:
   * longest in-use prefix containing dst, then its all-port VIP or its VIP for (protocol, port).
   */
  lookupVip(dst: Ip46, protocol: number, port: number): number | undefined {
    let best: { plen: number; prefix: Ip46 } | undefined;
    for (const [index, v] of this.vipPool.entries()) {
      if (index === 0 || !v.used || v.plen > 128) continue;
      if (!ip46PrefixContains(v.prefix, v.plen, dst)) continue;
      if (!best || v.plen > best.plen) best = { plen: v.plen, prefix: v.prefix };
    }
    if (!best) return undefined;
    const { plen, prefix } = best;
    return (
      this.findVipWhere(prefix, plen, (v) => v.port === 0) ??
      this.findVipWhere(prefix, plen, (v) => v.protocol === protocol && v.port === port)
    );
  }

  private workerStickyTable(): StickyTable {
    const buckets = this.conf.stickyBucketsPerCore;
    if (!this.sticky || this.sticky.buckets !== buckets) {
      // VPP drops and rebuilds the table (and its flow references) when the bucket count changed.
      if (buckets === 0)
        throw new LbSimulatedCrash(
          'sticky_buckets_per_core 0 passes is_pow2(): the worker dies allocating it',
        );
      this.sticky = new StickyTable(buckets, this.conf.flowTimeout);
    }
    this.sticky.timeout = this.conf.flowTimeout;
    return this.sticky;
  }

  /** One packet of a flow with this hash arriving at the VIP: sticky table, then the new-flow table. */
  forwardHash(vipIndex: number, hash: number): LbPacketResult {
    const vip = vipIndex === 0 ? undefined : this.vipPool.at(vipIndex);
    if (!vip?.used) throw new RangeError(`no VIP in use with index ${vipIndex}`);
    const decision = decidePacket(
      this.workerStickyTable(),
      this.tableOf(vip),
      hash,
      vipIndex,
      lbTimeNow(this.uptime()),
    );
    vip.counters[decision.counter]++;
    this.onCount.emit({
      kind: 'vip',
      vipIndex,
      counter: decision.counter,
      total: vip.counters[decision.counter],
    });
    return {
      asIndex: decision.as,
      address: decision.as === 0 ? undefined : this.asPool.at(decision.as)?.address,
      counter: decision.counter,
    };
  }

  /** forwardHash with VPP's flow hash of the 5-tuple (ports left out on src_ip_sticky VIPs). */
  forwardFlow(vipIndex: number, flow: FlowTuple, hashFunction?: FlowHashFunction): LbPacketResult {
    const vip = vipIndex === 0 ? undefined : this.vipPool.at(vipIndex);
    if (!vip?.used) throw new RangeError(`no VIP in use with index ${vipIndex}`);
    const hash = flowHash(flow, { srcIpSticky: vip.srcIpSticky, ...(hashFunction && { hashFunction }) });
    return this.forwardHash(vipIndex, hash);
  }
}
