// `show vpp info`, `show vpp lb state`, `show vpp lb counters` and the summary of
// `sync vpp lb state`.

import type { SyncVPPLBStateResponse, VPPInfo, VPPLBCounters, VPPLBState } from '../../api/index.js';
import { fields, table } from '../table.js';
import { ageSince, formatTimestamp } from '../time-format.js';
import { orDash, service, yesNo, type RenderContext } from './context.js';

function momentWithAge(at: Date | undefined, ctx: RenderContext): string {
  return at ? `${formatTimestamp(at)} (${ageSince(at, ctx.now)} ago)` : '-';
}

export function renderVppInfo(v: VPPInfo, ctx: RenderContext): string[] {
  return fields(ctx.style, [
    ['version', orDash(v.version)],
    ['build-date', orDash(v.buildDate)],
    ['build-dir', orDash(v.buildDirectory)],
    ['vpp-pid', v.pid ? String(v.pid) : '-'],
    ['vpp-boottime', momentWithAge(v.bootTime, ctx)],
    ['connected', momentWithAge(v.connectTime, ctx)],
    ['lb-api', orDash(v.lbApiVersion)],
    ['api-socket', orDash(v.apiSocket)],
    ['stats-socket', orDash(v.statsSocket)],
  ]);
}

export function renderVppLbState(s: VPPLBState, ctx: RenderContext): string[] {
  const conf = s.conf;
  const lines = fields(ctx.style, [
    ['ipv4-src-address', orDash(conf?.ipv4SrcAddress)],
    ['ipv6-src-address', orDash(conf?.ipv6SrcAddress)],
    ['sticky-buckets-per-core', conf ? String(conf.stickyBucketsPerCore) : '-'],
    ['flow-timeout', conf ? `${conf.flowTimeout}s` : '-'],
    ['read', momentWithAge(s.readAt, ctx)],
  ]);
  if (s.vips.length === 0) {
    lines.push('', 'no VIPs in VPP');
    return lines;
  }
  for (const vip of s.vips) {
    lines.push('');
    const who = vip.frontend ? ctx.style.bold(vip.frontend) : ctx.style.warn('(not managed by maglevd)');
    lines.push(
      `${ctx.style.label('vip')} ${vip.prefix} ${service(vip.protocol, vip.port)} ${who}  ` +
        `encap ${vip.encap}  flow-table ${vip.flowTableLength}  src-ip-sticky ${yesNo(vip.srcIpSticky)}` +
        (vip.index !== undefined ? `  index ${vip.index}` : ''),
    );
    if (vip.ases.length === 0) {
      lines.push('  no application servers');
      continue;
    }
    const rows = vip.ases.map((a) => [
      a.address,
      orDash(a.backend),
      String(a.weight),
      orDash(a.buckets),
      orDash(a.predictedBuckets),
      yesNo(a.inUse),
    ]);
    lines.push(
      ...table(ctx.style, ['ADDRESS', 'BACKEND', 'WEIGHT', 'BUCKETS', 'PREDICTED', 'IN-USE'], rows, {
        indent: '  ',
        right: [2, 3, 4],
      }),
    );
  }
  return lines;
}

export function renderVppLbCounters(c: VPPLBCounters, ctx: RenderContext): string[] {
  if (c.vips.length === 0) return ['no VIP counters'];
  const rows = c.vips.map((v) => [
    orDash(v.frontend),
    v.prefix,
    service(v.protocol, v.port),
    v.firstPackets.toString(),
    v.nextPackets.toString(),
    v.untrackedPackets.toString(),
    v.noServerPackets.toString(),
  ]);
  return [
    ...table(ctx.style, ['FRONTEND', 'PREFIX', 'SERVICE', 'FIRST', 'NEXT', 'UNTRACKED', 'NO-SERVER'], rows, {
      right: [3, 4, 5, 6],
    }),
    `${ctx.style.dim(`snapshot ${c.updatedAt ? `${ageSince(c.updatedAt, ctx.now)} old` : 'time unknown'}`)}`,
  ];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderSyncSummary(r: SyncVPPLBStateResponse, frontend: string | undefined): string[] {
  const scope = frontend ? `frontend ${frontend}` : 'every VIP';
  const changes = [
    `${plural(r.vipsAdded, 'VIP')} added`,
    `${r.vipsRemoved} removed`,
    `${plural(r.asesAdded, 'AS')} added`,
    `${r.asesRemoved} removed`,
    `${plural(r.weightsUpdated, 'weight')} updated`,
  ];
  return [`synced ${scope}: ${changes.join(', ')}`];
}
