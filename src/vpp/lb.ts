// Typed calls for VPP's lb plugin, in our own terms ('192.0.2.1/32', 'gre4', weights), over any
// client that can request and dump. The two wire generations differ in ways callers must never see
// (docs/vpp-lb.md §Release quirks, §Master specifics), so every difference lives here, behind
// `api.lbGeneration`:
//   1.1 (releases ≤ v26.06): IPv4 VIP prefixes go out as 96 + len and come back that way; the encap
//       enum goes out byte-swapped; vip dumps report protocol 0, the internal VIP type as encap and
//       table length 0 (we take those from `show lb vips verbose`); there are no weights.
//   1.2 (master ≥ 2026-05): fixed handlers, lb_conf_get, weights (lb_add_del_as_v2,
//       lb_as_set_weight) and lb_as_v2_dump with bucket counts.
// Safety rails on both: new_flows_table_length is always an explicit power of two (0 crashes VPP),
// dumps are never filtered by prefix (IPv4 filters never match) — we dump all and filter here.

import { formatIp, formatIpPrefix, ipBits, parseIp, parseIpPrefix } from '../net/ip-address.js';
import {
  fromApiAddress,
  fromApiPrefixRaw,
  ip4Bytes,
  ip6Bytes,
  ipFromWire,
  outgoingPrefix,
  toApiAddress,
} from './address.js';
import type { CallOptions } from './client.js';
import { VppDecodeError, VppEncodeError, VppUnsupportedError } from './errors.js';
import { parseShowLbVipsVerbose, type CliLbVip } from './lb-cli.js';
import type { LbGeneration } from './lb-generation.js';
import { getBytes, getNumber, getStruct, type VppFields, type VppStruct } from './values.js';

/** What the lb calls need from a client (VppClient satisfies it). */
export interface LbApi {
  readonly lbGeneration: LbGeneration | undefined;
  hasMessage(name: string): boolean;
  request(name: string, fields?: VppFields, opts?: CallOptions): Promise<VppStruct>;
  dump(name: string, fields?: VppFields, opts?: CallOptions): Promise<VppStruct[]>;
}

export type LbEncap = 'gre4' | 'gre6' | 'l3dsr' | 'nat4' | 'nat6';

/** lb_encap_type values. */
const ENCAP_VALUE: Readonly<Record<LbEncap, number>> = { gre4: 0, gre6: 1, l3dsr: 2, nat4: 3, nat6: 4 };
const ENCAP_BY_VALUE: readonly LbEncap[] = ['gre4', 'gre6', 'l3dsr', 'nat4', 'nat6'];
/** lb_vip_type values → encap (the release's vip details report these). */
const ENCAP_BY_VIP_TYPE: readonly LbEncap[] = ['gre6', 'gre4', 'gre6', 'gre4', 'l3dsr', 'nat4', 'nat6'];

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
/** What VPP uses for an all-port VIP (port 0). */
export const PROTO_ANY = 255;
export const DEFAULT_FLOW_TABLE_LENGTH = 1024;
export const DEFAULT_AS_WEIGHT = 100;
/** lb_conf's "leave as is" for sticky buckets and flow timeout. */
const KEEP = 0xffffffff;
const AS_FLAG_USED = 0x1;

/** A VIP's identity in VPP: prefix (canonical CIDR), protocol (6, 17, 255 for all-port) and port. */
export interface LbVipKey {
  readonly prefix: string;
  readonly protocol: number;
  readonly port: number;
}

export interface LbVipSpec extends LbVipKey {
  readonly encap: LbEncap;
  readonly srcIpSticky?: boolean;
  /** Power of two; default 1024. Never 0 on the wire. */
  readonly flowTableLength?: number;
  /** L3DSR only. */
  readonly dscp?: number;
}

export interface LbAs {
  readonly address: string;
  /** 0..100 on 1.2; undefined on 1.1 (no weights: every AS counts as 100). */
  readonly weight?: number;
  /** flags & 1: false once deleted, until VPP garbage-collects the AS (≥ 10 s). */
  readonly inUse: boolean;
  readonly flags: number;
  /** VPP uptime seconds stamped at the last add/remove. */
  readonly inUseSince: number;
  /** New-flow table buckets pointing at this AS (1.2 dump; 1.1 from the CLI when available). */
  readonly buckets?: number;
}

export interface LbVip extends LbVipKey {
  readonly encap: LbEncap | undefined;
  /** Only the CLI reports it; undefined when unknown. */
  readonly srcIpSticky?: boolean;
  /** undefined when VPP did not report it reliably. */
  readonly flowTableLength?: number;
  /** The VIP's pool index (stats counters), from the CLI. */
  readonly index?: number;
  readonly ases: readonly LbAs[];
}

export interface LbConf {
  readonly ip4SrcAddress: string;
  readonly ip6SrcAddress: string;
  readonly stickyBucketsPerCore: number;
  /** Seconds. */
  readonly flowTimeout: number;
}

export interface LbConfInput {
  /** Default 255.255.255.255, VPP's own start-up value (lb_conf always sets both addresses). */
  readonly ip4SrcAddress?: string;
  /** Default ffff:…:ffff, VPP's own start-up value. */
  readonly ip6SrcAddress?: string;
  /** Power of two; undefined leaves VPP's value. */
  readonly stickyBucketsPerCore?: number;
  /** Seconds; undefined leaves VPP's value. */
  readonly flowTimeout?: number;
}

/** The generation, or a clear error when VPP has no lb plugin. */
export function lbGenerationOf(api: LbApi): LbGeneration {
  const g = api.lbGeneration;
  if (!g) throw new VppUnsupportedError('lb', 'the lb plugin is not loaded in this VPP');
  return g;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 0x80000000 && (n & (n - 1)) === 0;
}

function checkTableLength(n: number | undefined): number {
  const v = n ?? DEFAULT_FLOW_TABLE_LENGTH;
  if (!isPowerOfTwo(v))
    throw new VppEncodeError(
      `flow table length must be a power of two ≥ 1 (VPP dies on 0), got ${v}`,
      'lb_add_del_vip',
    );
  return v;
}

function checkWeight(weight: number, msg: string): number {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100)
    throw new VppEncodeError(`AS weight must be 0..100, got ${weight}`, msg);
  return weight;
}

/** The VIP prefix as the handlers of this generation want it (release: IPv4 length + 96). */
function vipPrefixFields(prefix: string, gen: LbGeneration): VppFields {
  const p = outgoingPrefix(prefix);
  const len = gen === '1.1' && p.address.family === 4 ? 96 + p.length : p.length;
  return { address: toApiAddress(p.address), len };
}

/** The encap enum as this generation's handler reads it (release: compared without ntohl). */
function encapWire(encap: LbEncap, gen: LbGeneration): number {
  const v = ENCAP_VALUE[encap];
  return gen === '1.1' ? (v << 24) >>> 0 : v;
}

function vipSelector(key: LbVipKey, gen: LbGeneration): VppFields {
  const protocol = key.port === 0 ? PROTO_ANY : key.protocol;
  return { pfx: vipPrefixFields(key.prefix, gen), protocol, port: key.port };
}

/** lb_conf: source addresses for GRE and, optionally, sticky table size and flow timeout. */
export async function lbConf(api: LbApi, conf: LbConfInput): Promise<void> {
  lbGenerationOf(api);
  const sticky = conf.stickyBucketsPerCore;
  if (sticky !== undefined && !isPowerOfTwo(sticky))
    throw new VppEncodeError(`sticky buckets per core must be a power of two ≥ 1, got ${sticky}`, 'lb_conf');
  await api.request('lb_conf', {
    ip4_src_address: ip4Bytes(conf.ip4SrcAddress ?? '255.255.255.255'),
    ip6_src_address: ip6Bytes(conf.ip6SrcAddress ?? 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
    sticky_buckets_per_core: sticky ?? KEEP,
    flow_timeout: conf.flowTimeout ?? KEEP,
  });
}

/** lb_conf_get (1.2 only). */
export async function lbConfGet(api: LbApi): Promise<LbConf> {
  lbGenerationOf(api);
  if (!api.hasMessage('lb_conf_get'))
    throw new VppUnsupportedError(
      'lb_conf_get',
      'this VPP’s lb plugin (1.1) cannot report its configuration',
    );
  const r = await api.request('lb_conf_get');
  return {
    ip4SrcAddress: formatIp(ipFromWire(getBytes(r, 'ip4_src_address', 'lb_conf_get_reply'))),
    ip6SrcAddress: formatIp(ipFromWire(getBytes(r, 'ip6_src_address', 'lb_conf_get_reply'))),
    stickyBucketsPerCore: getNumber(r, 'sticky_buckets_per_core', 'lb_conf_get_reply'),
    flowTimeout: getNumber(r, 'flow_timeout', 'lb_conf_get_reply'),
  };
}

async function addDelVip(api: LbApi, spec: LbVipSpec, isDel: boolean): Promise<void> {
  const gen = lbGenerationOf(api);
  const v2 = api.hasMessage('lb_add_del_vip_v2');
  if (!v2 && spec.srcIpSticky)
    throw new VppUnsupportedError('lb_add_del_vip', 'this VPP has no src_ip_sticky VIPs');
  const fields: VppFields = {
    ...vipSelector(spec, gen),
    encap: encapWire(spec.encap, gen),
    dscp: spec.dscp ?? 0,
    type: 0, // CLUSTERIP: the only service type that survives both generations' missing ntohl.
    target_port: 0,
    node_port: 0,
    new_flows_table_length: checkTableLength(spec.flowTableLength),
    is_del: isDel,
    ...(v2 && { src_ip_sticky: spec.srcIpSticky ?? false }),
  };
  await api.request(v2 ? 'lb_add_del_vip_v2' : 'lb_add_del_vip', fields);
}

/** Creates a VIP. */
export function lbAddVip(api: LbApi, spec: LbVipSpec): Promise<void> {
  return addDelVip(api, spec, false);
}

/** Deletes a VIP (VPP removes its ASes itself). */
export function lbDelVip(api: LbApi, key: LbVipKey & { readonly encap?: LbEncap }): Promise<void> {
  return addDelVip(api, { ...key, encap: key.encap ?? 'gre4' }, true);
}

export interface LbAsInput {
  readonly address: string;
  /** 0..100, default 100. On 1.1 there are no weights: weight > 0 is accepted as "present". */
  readonly weight?: number;
  /** Evict the AS's old sticky entries (master honours it on add too). */
  readonly flush?: boolean;
}

/** Adds an AS to a VIP. */
export async function lbAddAs(api: LbApi, vip: LbVipKey, as: LbAsInput): Promise<void> {
  const gen = lbGenerationOf(api);
  const weight = checkWeight(as.weight ?? DEFAULT_AS_WEIGHT, 'lb_add_del_as');
  const base = {
    ...vipSelector(vip, gen),
    as_address: toApiAddress(as.address),
    is_del: false,
    is_flush: as.flush ?? false,
  };
  if (api.hasMessage('lb_add_del_as_v2')) {
    await api.request('lb_add_del_as_v2', { ...base, weight });
    return;
  }
  if (weight === 0)
    throw new VppUnsupportedError(
      'lb_add_del_as',
      'this VPP has no AS weights: remove the AS instead of weight 0',
    );
  await api.request('lb_add_del_as', base);
}

/** Removes an AS from a VIP (lazily in VPP: it stays in dumps with inUse false until GC). */
export async function lbDelAs(
  api: LbApi,
  vip: LbVipKey,
  address: string,
  opts: { flush?: boolean } = {},
): Promise<void> {
  const gen = lbGenerationOf(api);
  const fields: VppFields = {
    ...vipSelector(vip, gen),
    as_address: toApiAddress(address),
    is_del: true,
    is_flush: opts.flush ?? false,
  };
  if (api.hasMessage('lb_add_del_as_v2')) await api.request('lb_add_del_as_v2', { ...fields, weight: 0 });
  else await api.request('lb_add_del_as', fields);
}

/** Changes an AS's weight (1.2 only); weight 0 drains, flush also evicts its sticky flows. */
export async function lbSetAsWeight(
  api: LbApi,
  vip: LbVipKey,
  address: string,
  weight: number,
  opts: { flush?: boolean } = {},
): Promise<void> {
  const gen = lbGenerationOf(api);
  if (!api.hasMessage('lb_as_set_weight'))
    throw new VppUnsupportedError('lb_as_set_weight', 'this VPP’s lb plugin (1.1) has no AS weights');
  await api.request('lb_as_set_weight', {
    ...vipSelector(vip, gen),
    as_address: toApiAddress(address),
    weight: checkWeight(weight, 'lb_as_set_weight'),
    is_flush: opts.flush ?? false,
  });
}

/** A VIP prefix as dumped, with the release's 96 + len undone. */
function dumpedPrefix(pfx: VppStruct, gen: LbGeneration, msg: string): string {
  const raw = fromApiPrefixRaw(pfx);
  const family = raw.address.family;
  const len = gen === '1.1' && family === 4 && raw.length >= 96 ? raw.length - 96 : raw.length;
  if (len > ipBits(family))
    throw new VppDecodeError(`${msg}: prefix length ${raw.length} is impossible`, msg);
  return formatIpPrefix({ address: raw.address, length: len });
}

function dumpedVipKey(vip: VppStruct, gen: LbGeneration, msg: string): LbVipKey {
  return {
    prefix: dumpedPrefix(getStruct(vip, 'pfx', msg), gen, msg),
    // The release writes (u8)htonl(protocol): always 0. lbState fills it in from the CLI.
    protocol: getNumber(vip, 'protocol', msg),
    port: getNumber(vip, 'port', msg),
  };
}

/** lb_vip_dump: every VIP (VPP ignores the filter fields), without ASes. */
export async function lbVipDump(api: LbApi): Promise<LbVip[]> {
  const gen = lbGenerationOf(api);
  const details = await api.dump('lb_vip_dump', { protocol: PROTO_ANY });
  return details.map((d) => {
    const msg = 'lb_vip_details';
    const key = dumpedVipKey(getStruct(d, 'vip', msg), gen, msg);
    const encapRaw = getNumber(d, 'encap', msg);
    const table = getNumber(d, 'flow_table_length', msg);
    const encap = gen === '1.1' ? ENCAP_BY_VIP_TYPE[encapRaw] : ENCAP_BY_VALUE[encapRaw];
    return {
      ...key,
      encap,
      // u16 on the wire: 65536 and up read as 0 on 1.2; always 0 on 1.1.
      ...(gen === '1.2' && table !== 0 && { flowTableLength: table }),
      ases: [],
    };
  });
}

/** One AS as dumped, with the VIP it belongs to. */
export interface LbAsDumpEntry {
  readonly vip: LbVipKey;
  readonly as: LbAs;
}

/** lb_as_v2_dump (1.2) or lb_as_dump (1.1): every AS of every VIP (never filtered by prefix). */
export async function lbAsDump(api: LbApi): Promise<LbAsDumpEntry[]> {
  const gen = lbGenerationOf(api);
  const v2 = api.hasMessage('lb_as_v2_dump');
  const msg = v2 ? 'lb_as_v2_details' : 'lb_as_details';
  // An all-zero prefix is the only filter that returns everything
  // (docs/vpp-lb.md §Rules both generations share).
  const details = await api.dump(v2 ? 'lb_as_v2_dump' : 'lb_as_dump', {});
  return details.map((d) => {
    const flags = getNumber(d, 'flags', msg);
    return {
      vip: dumpedVipKey(getStruct(d, 'vip', msg), gen, msg),
      as: {
        address: fromApiAddress(getStruct(d, 'app_srv', msg)),
        ...(v2 && { weight: getNumber(d, 'weight', msg), buckets: getNumber(d, 'num_buckets', msg) }),
        inUse: (flags & AS_FLAG_USED) !== 0,
        flags,
        inUseSince: getNumber(d, 'in_use_since', msg),
      },
    };
  });
}

/** Runs a debug CLI command through cli_inband and returns its text. */
export async function cliInband(api: LbApi, cmd: string): Promise<string> {
  const r = await api.request('cli_inband', { cmd });
  const reply = r['reply'];
  if (typeof reply !== 'string')
    throw new VppDecodeError('cli_inband_reply: no reply text', 'cli_inband_reply');
  return reply;
}

export interface LbStateOptions {
  /** Also parse `show lb vips verbose` for index, src_ip_sticky and the release's blind spots. Default true. */
  readonly useCli?: boolean;
}

export interface LbState {
  readonly generation: LbGeneration;
  readonly vips: readonly LbVip[];
  /** The CLI blocks as parsed (undefined when the CLI was not used or failed). */
  readonly cli?: readonly CliLbVip[];
}

const keyString = (k: LbVipKey): string => `${k.prefix}|${k.protocol}|${k.port}`;
const prefixPort = (k: { prefix: string; port: number }): string => `${k.prefix}|${k.port}`;

/** A CLI address in our spelling (VPP never dots an IPv4-mapped tail); unreadable text stays as is. */
function cliAddress(text: string): string {
  const parsed = parseIp(text);
  return parsed.ok ? formatIp(parsed.ip) : text;
}

function cliProtocol(c: CliLbVip): number {
  return c.protocol ?? PROTO_ANY;
}

function canonicalCliPrefix(c: CliLbVip): string | undefined {
  const parsed = parseIpPrefix(c.prefix);
  return parsed.ok ? formatIpPrefix(parsed.prefix) : undefined;
}

/**
 * Everything VPP's lb plugin holds, in our shapes: VIP dump + AS dump (all, filtered here) + the
 * CLI for what the API does not say. On 1.1 the protocol and table length come from the CLI, and
 * removed-but-not-yet-collected VIPs (which 1.1 still dumps) are left out when the CLI says so.
 */
export async function lbState(api: LbApi, opts: LbStateOptions = {}): Promise<LbState> {
  const generation = lbGenerationOf(api);
  // All three at once: VPP answers them in order anyway, and this saves two round trips.
  const useCli = (opts.useCli ?? true) && api.hasMessage('cli_inband');
  const [vips, ases, cliText] = await Promise.all([
    lbVipDump(api),
    lbAsDump(api),
    useCli ? cliInband(api, 'show lb vips verbose').catch(() => undefined) : undefined,
  ]);
  let cli: CliLbVip[] | undefined;
  if (cliText !== undefined) {
    try {
      cli = parseShowLbVipsVerbose(cliText);
    } catch {
      cli = undefined;
    }
  }

  // Pair each dumped VIP with its CLI block. Both list VIPs in pool order, so on 1.1 — where
  // several VIPs on one prefix and port are indistinguishable in the dump — the k-th dumped VIP of
  // a (prefix, port) is the k-th CLI block of it.
  const cliLive = (cli ?? []).filter((c) => !c.removed || generation === '1.1');
  const cliByPrefixPort = new Map<string, CliLbVip[]>();
  for (const c of cliLive) {
    const prefix = canonicalCliPrefix(c);
    if (!prefix) continue;
    const k = prefixPort({ prefix, port: c.port ?? 0 });
    cliByPrefixPort.set(k, [...(cliByPrefixPort.get(k) ?? []), c]);
  }
  const paired: { vip: LbVip; cli: CliLbVip | undefined }[] = [];
  for (const v of vips) {
    const candidates = cliByPrefixPort.get(prefixPort(v)) ?? [];
    const i = generation === '1.2' ? candidates.findIndex((c) => cliProtocol(c) === v.protocol) : 0;
    const c = i >= 0 ? candidates[i] : undefined;
    if (c) candidates.splice(i, 1);
    if (generation === '1.1' && c?.removed) continue;
    const protocol =
      generation === '1.1' ? (c ? cliProtocol(c) : v.port === 0 ? PROTO_ANY : v.protocol) : v.protocol;
    const flowTableLength = c?.newSize ?? v.flowTableLength;
    paired.push({
      vip: {
        ...v,
        protocol,
        ...(c && { srcIpSticky: c.srcIpSticky, index: c.index }),
        ...(flowTableLength !== undefined && { flowTableLength }),
      },
      cli: c,
    });
  }

  const out: { vip: LbVip; ases: LbAs[] }[] = paired.map((p) => ({ vip: p.vip, ases: [] }));
  if (generation === '1.2') {
    const byKey = new Map(out.map((o) => [keyString(o.vip), o]));
    for (const e of ases) byKey.get(keyString(e.vip))?.ases.push(e.as);
  } else {
    // 1.1 AS details carry protocol 0: match on (prefix, port); among VIPs sharing those, hand
    // each address's details out in VIP order to the VIPs whose CLI block lists that address.
    const pending = new Map<string, LbAsDumpEntry[]>();
    for (const e of ases) {
      const k = `${prefixPort(e.vip)}|${e.as.address}`;
      pending.set(k, [...(pending.get(k) ?? []), e]);
    }
    out.forEach((o, i) => {
      const c = paired[i]?.cli;
      const wanted = c ? c.ases.map((a) => cliAddress(a.address)) : undefined;
      for (const [k, list] of pending) {
        if (!k.startsWith(`${prefixPort(o.vip)}|`)) continue;
        const address = k.slice(prefixPort(o.vip).length + 1);
        if (wanted && !wanted.includes(address)) continue;
        const e = list.shift();
        if (!e) continue;
        const buckets = c?.ases.find((a) => cliAddress(a.address) === address)?.buckets;
        o.ases.push({ ...e.as, ...(buckets !== undefined && { buckets }) });
      }
    });
  }
  return {
    generation,
    vips: out.map((o) => ({ ...o.vip, ases: o.ases })),
    ...(cli && { cli }),
  };
}
