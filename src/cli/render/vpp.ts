// `show vpp info`, `show vpp lb state`, `show vpp lb counters` and the summary of
// `sync vpp lb state`.

import type { SyncVPPLBStateResponse, VPPInfo, VPPLBCounters, VPPLBState } from '../../api/index.js';
import { byteRate, packetRate } from '../../dataplane/rate-text.js';
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

const SOURCE_NAMES: Readonly<Record<string, string>> = {
  'stats-segment': 'from the stats segment',
  cli: 'from the CLI (no stats socket: no route counters)',
};

/**
 * The four lb counters per VIP, then the rates since maglevd's previous poll: packets the lb node
 * handled (PKTS/S) and bytes routed to the VIP's address (BYTES/S, stats segment only; VIPs on
 * one address share it). A total line sums the rates of the VIPs that have them.
 */
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
    v.packetsPerSecond === undefined ? '-' : packetRate(v.packetsPerSecond),
    v.routeBytesPerSecond === undefined ? '-' : byteRate(v.routeBytesPerSecond),
  ]);
  const footer = [
    `snapshot ${c.updatedAt ? `${ageSince(c.updatedAt, ctx.now)} old` : 'time unknown'}`,
    ...(c.source ? [SOURCE_NAMES[c.source] ?? `from ${c.source}`] : []),
    ...(c.rateIntervalSeconds !== undefined ? [`rates over ${c.rateIntervalSeconds.toFixed(1)}s`] : []),
  ];
  const lines = table(
    ctx.style,
    ['FRONTEND', 'PREFIX', 'SERVICE', 'FIRST', 'NEXT', 'UNTRACKED', 'NO-SERVER', 'PKTS/S', 'BYTES/S'],
    rows,
    { right: [3, 4, 5, 6, 7, 8] },
  );
  const rated = c.vips.filter((v) => v.packetsPerSecond !== undefined);
  if (rated.length > 0) {
    const pps = rated.reduce((sum, v) => sum + (v.packetsPerSecond ?? 0), 0);
    // Bytes are per address: count each route once.
    const byAddress = new Map(c.vips.map((v) => [v.prefix, v.routeBytesPerSecond]));
    const bps = [...byAddress.values()].filter((b) => b !== undefined);
    const total =
      `total ${packetRate(pps)} packets/s` +
      (bps.length > 0 ? `, ${byteRate(bps.reduce((a, b) => a + b, 0))}` : '');
    lines.push(total);
  }
  lines.push(ctx.style.dim(footer.join(', ')));
  return lines;
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
