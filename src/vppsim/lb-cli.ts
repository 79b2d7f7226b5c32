// The lb plugin's debug CLI output (src/plugins/lb/cli.c, lb.c format_lb_*): `show lb`,
// `show lb vips` and `show lb vips verbose`, character for character, in both generations' AS-line
// formats (docs/vpp-lb.md §show lb vips verbose). Clients parse this text for the VIP pool index and
// src_ip_sticky, so spacing matters — including VPP's own oddities (the NAT line has no newline,
// removed ASes get two spaces, each VIP block is followed by an empty line).

import { formatIp, formatIpv6Hex } from '../net/ip-address.js';
import { formatIp46, formatIp46Prefix } from './lb-address.js';
import type { LbAsView, LbPlugin, LbVipView } from './lb-plugin.js';
import { LB_VIP_COUNTERS, LbSrvType, LbVipType, VIP_TYPE_NAMES } from './lb-types.js';

function swap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

function isNat(type: LbVipType): boolean {
  return type === LbVipType.IP4_NAT4 || type === LbVipType.IP6_NAT6;
}

/** format_lb_vip: one line per VIP (`show lb vips`). */
export function formatVipShort(vip: LbVipView): string {
  let s =
    `${VIP_TYPE_NAMES[vip.type]} ${formatIp46Prefix(vip.prefix, vip.plen)} ` +
    `new_size:${vip.newFlowsTableLength} #as:${vip.asIndexes.length}${vip.used ? '' : ' removed'}`;
  if (vip.port !== 0) s += `  protocol:${vip.protocol} port:${vip.port} `;
  if (vip.type === LbVipType.IP4_L3DSR) s += `  dscp:${vip.dscp}`;
  else if (isNat(vip.type))
    // VPP prints ntohs() of the host-order port here, so the port comes out byte-swapped.
    s +=
      ` type:${vip.srvType === LbSrvType.CLUSTERIP ? 'clusterip' : 'nodeport'}` +
      ` port:${swap16(vip.port)} target_port:${vip.targetPort}`;
  return s;
}

function formatAsLine(lb: LbPlugin, as: LbAsView): string {
  const state = as.used ? 'used' : ' removed';
  if (lb.generation === '1.2')
    return `    ${formatIp46(as.address)} weight:${as.weight} buckets:${as.buckets} flows:${as.flows} dpo:${as.dpo} ${state}\n`;
  return `    ${formatIp46(as.address)} ${as.buckets} buckets   ${as.flows} flows  dpo:${as.dpo} ${state}\n`;
}

/** format_lb_vip_detailed: one block per VIP (`show lb vips verbose`). */
export function formatVipDetailed(lb: LbPlugin, vip: LbVipView): string {
  let s =
    ` ${VIP_TYPE_NAMES[vip.type]} [${vip.index}] ${formatIp46Prefix(vip.prefix, vip.plen)}` +
    `${vip.srcIpSticky ? ' src_ip_sticky' : ''}${vip.used ? '' : ' removed'}\n` +
    `  new_size:${vip.newFlowsTableLength}\n`;
  if (vip.port !== 0) s += `  protocol:${vip.protocol} port:${vip.port}\n`;
  if (vip.type === LbVipType.IP4_L3DSR) s += `  dscp:${vip.dscp}\n`;
  else if (isNat(vip.type))
    s +=
      `  type:${vip.srvType === LbSrvType.CLUSTERIP ? 'clusterip' : 'nodeport'}` +
      ` port:${swap16(vip.port)} target_port:${vip.targetPort}`;
  s += '  counters:\n';
  for (const name of LB_VIP_COUNTERS) s += `    ${name}: ${vip.counters[name]}\n`;
  const ases = lb.ases(vip.index);
  s += `  #as:${ases.length}\n`;
  for (const as of ases) s += formatAsLine(lb, as);
  return s;
}

/**
 * `show lb vips [verbose]`: every VIP but the placeholder (deleted ones too, marked ` removed`).
 * VPP prints each with "%U\n": a verbose block (which ends in a newline) gets an empty line after
 * it, a short line just its newline.
 */
export function showLbVips(lb: LbPlugin, verbose: boolean): string {
  return lb
    .vips()
    .map((vip) => (verbose ? formatVipDetailed(lb, vip) : formatVipShort(vip)) + '\n')
    .join('');
}

/** `show lb`: format_lb_main. */
export function showLb(lb: LbPlugin): string {
  const conf = lb.config;
  let s =
    `lb_main ip4-src-address: ${formatIp({ family: 4, bytes: conf.ip4SrcAddress })} \n` +
    ` ip6-src-address: ${formatIpv6Hex(conf.ip6SrcAddress)} \n` +
    ` #vips: ${lb.vipPoolSize}\n` +
    ` #ass: ${lb.asCount}\n`;
  const sticky = lb.stickyTable;
  if (sticky) {
    const now = Math.floor(lb.uptime() + 10000) >>> 0;
    s += `core 0\n  timeout: ${sticky.timeout}s\n  usage: ${sticky.liveEntries(now)} / ${sticky.reportedSize}\n`;
  }
  return s;
}

/** VPP's CLI accepts unique abbreviations of command words. */
function abbreviates(word: string | undefined, full: string, min: number): boolean {
  return word !== undefined && word.length >= min && full.startsWith(word);
}

/** The lb plugin's `show` commands; undefined for anything else (the caller says `unknown input`). */
export function runLbCli(lb: LbPlugin, command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  if (!abbreviates(words[0], 'show', 2) || words[1] !== 'lb') return undefined;
  if (words.length === 2) return showLb(lb);
  if (!abbreviates(words[2], 'vips', 1)) return undefined;
  return showLbVips(lb, words[3] === 'verbose');
}
