// `show frontends` and `show frontend <name>`: the VIPs, their pools in priority order, and per
// backend the configured and effective weight, state, flush and the buckets Maglev gives it.

import type { FrontendInfo, PoolBackendInfo, PoolInfo } from '../../api/index.js';
import { fields, table } from '../table.js';
import { ageSince } from '../time-format.js';
import { orDash, service, yesNo, type RenderContext } from './context.js';

function stateWithAge(ctx: RenderContext, state: string, since: Date | undefined): string {
  const s = ctx.style.state(state);
  return since ? `${s} for ${ageSince(since, ctx.now)}` : s;
}

function backendCounts(f: FrontendInfo): string {
  const seen = new Map<string, PoolBackendInfo>();
  for (const p of f.pools) for (const b of p.backends) seen.set(b.name, b);
  const serving = [...seen.values()].filter((b) => b.effectiveWeight > 0).length;
  return `${serving}/${seen.size}`;
}

function activePoolName(f: FrontendInfo): string {
  return f.activePool === undefined ? '-' : (f.pools[f.activePool]?.name ?? '-');
}

/** The state, marked while the frontend serves in panic (docs/safety.md). */
function stateCell(f: FrontendInfo, ctx: RenderContext): string {
  const state = ctx.style.state(f.state);
  return f.panic ? `${state} ${ctx.style.warn('[PANIC]')}` : state;
}

export function renderFrontendList(list: readonly FrontendInfo[], ctx: RenderContext): string[] {
  if (list.length === 0) return ['no frontends configured'];
  const rows = list.map((f) => [
    f.name,
    f.address,
    service(f.protocol, f.port),
    stateCell(f, ctx),
    ageSince(f.stateSince, ctx.now),
    activePoolName(f),
    backendCounts(f),
    f.description,
  ]);
  return table(
    ctx.style,
    ['FRONTEND', 'ADDRESS', 'SERVICE', 'STATE', 'SINCE', 'ACTIVE', 'SERVING', 'DESCRIPTION'],
    rows,
  );
}

function backendName(b: PoolBackendInfo): string {
  const name = b.enabled ? b.name : `${b.name} [disabled]`;
  return b.checkerFault ? `${name} [checker fault: ${b.checkerFault}]` : name;
}

/** One table per pool, all with the same column widths so the pools line up under each other. */
function poolTables(f: FrontendInfo, ctx: RenderContext): string[][] {
  const showPredicted = f.pools.some((p) => p.backends.some((b) => b.predictedBuckets !== undefined));
  const showVpp = f.vppBucketsKnown;
  const headers = ['BACKEND', 'ADDRESS', 'STATE', 'WEIGHT', 'EFFECTIVE'];
  if (showPredicted) headers.push('BUCKETS');
  if (showVpp) headers.push('VPP');
  headers.push('FLUSH', 'SINCE');
  const row = (b: PoolBackendInfo) => {
    const cells = [
      backendName(b),
      b.address,
      ctx.style.state(b.state),
      String(b.weight),
      String(b.effectiveWeight),
    ];
    if (showPredicted) cells.push(orDash(b.predictedBuckets));
    if (showVpp) cells.push(orDash(b.vppBuckets));
    cells.push(b.flush ? 'yes' : 'no', ageSince(b.lastTransition, ctx.now));
    return cells;
  };
  const numeric = [3, 4];
  if (showPredicted) numeric.push(5);
  if (showVpp) numeric.push(showPredicted ? 6 : 5);
  const all = table(
    ctx.style,
    headers,
    f.pools.flatMap((p: PoolInfo) => p.backends.map(row)),
    {
      right: numeric,
      indent: '  ',
    },
  );
  const header = all[0] ?? '';
  let next = 1;
  return f.pools.map((p) => {
    const rows = all.slice(next, next + p.backends.length);
    next += p.backends.length;
    return [header, ...rows];
  });
}

export function renderFrontend(f: FrontendInfo, ctx: RenderContext): string[] {
  const lines = fields(ctx.style, [
    ['frontend', f.name],
    ['address', `${f.address} ${service(f.protocol, f.port)}`],
    ...(f.description ? ([['description', f.description]] as const) : []),
    ['state', stateWithAge(ctx, f.state, f.stateSince)],
    ...(f.panic
      ? ([
          [
            'panic',
            `${ctx.style.warn('yes')}: pool ${f.panic.pool} serves on all enabled backends ` +
              `(${f.panic.up}/${f.panic.eligible} up, below ${f.panicThreshold ?? '?'}%)`,
          ],
        ] as const)
      : []),
    ...(f.panicThreshold === undefined ? [] : ([['panic-threshold', `${f.panicThreshold}%`]] as const)),
    ['src-ip-sticky', yesNo(f.srcIpSticky)],
    ['flush-on-down', yesNo(f.flushOnDown)],
    ['flow-table', String(f.flowTableLength)],
  ]);
  const tables = poolTables(f, ctx);
  f.pools.forEach((pool, i) => {
    lines.push('');
    const active = f.activePool === i || pool.active ? ` ${ctx.style.ok('(active)')}` : '';
    lines.push(`${ctx.style.label('pool')} ${ctx.style.bold(pool.name)}${active}`);
    lines.push(...(tables[i] ?? []));
  });
  return lines;
}
