// What a dry run would do (`--dry-run` on every mutating command, and `config check`): the
// state changes, the lb operations in the order maglevd would send them, and per VIP the Maglev
// buckets that would change hands, with each application server's weight and buckets before
// and after.

import type { AsBucketMove, ChangePreview, PlannedLbOp, VipBucketMove } from '../../api/index.js';
import { table } from '../table.js';
import { orDash, service, type RenderContext } from './context.js';

/** Nothing would change at all: no state, no operation, no bucket. */
export function previewIsEmpty(p: ChangePreview): boolean {
  return p.backends.length + p.frontends.length + p.vppOps.length + p.vips.length === 0;
}

export function renderPreview(p: ChangePreview, ctx: RenderContext): string[] {
  const { style } = ctx;
  if (previewIsEmpty(p)) return ['nothing would change'];
  const lines: string[] = [];
  for (const b of p.backends) {
    const change =
      b.from === ''
        ? `new, ${style.state(b.to)}`
        : b.to === ''
          ? `${style.state(b.from)} -> gone`
          : arrow(b.from, b.to, ctx);
    lines.push(`backend ${style.bold(b.backend)}: ${change} (${b.detail})`);
  }
  for (const f of p.frontends) {
    const change =
      f.from === ''
        ? `new, ${style.state(f.to)}`
        : f.to === ''
          ? `${style.state(f.from)} -> gone`
          : arrow(f.from, f.to, ctx);
    lines.push(`frontend ${style.bold(f.frontend)}: ${change}`);
  }
  if (p.backends.length + p.frontends.length === 0) lines.push('no backend or frontend changes state');

  lines.push('');
  if (p.vppOps.length === 0) {
    lines.push(`${style.label('VPP')}: no operations`);
  } else {
    lines.push(
      `${style.label('VPP')}: ${plural(p.vppOps.length, 'operation')}, in this order${p.vppRead ? '' : ' (VPP not read)'}`,
    );
    lines.push(
      ...table(style, ['OP', 'VIP', 'SERVICE', 'FRONTEND', 'DETAIL'], p.vppOps.map(opRow), { indent: '  ' }),
    );
  }
  for (const vip of p.vips) lines.push('', ...renderVip(vip, ctx));
  for (const note of p.notes) lines.push('', `${style.warn('note')}: ${note}`);
  return lines;
}

function arrow(from: string, to: string, ctx: RenderContext): string {
  return `${ctx.style.state(from)} -> ${ctx.style.state(to)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function opRow(op: PlannedLbOp): string[] {
  return [op.op, op.prefix, service(op.protocol, op.port), orDash(op.frontend), opDetail(op)];
}

function opDetail(op: PlannedLbOp): string {
  switch (op.op) {
    case 'vip-add':
      return `encap ${op.encap} flow-table ${op.flowTableLength} src-ip-sticky ${op.srcIpSticky ? 'yes' : 'no'}`;
    case 'vip-del':
      return op.reason;
    case 'as-add':
      return `${op.address} weight ${op.weight}`;
    case 'as-del':
      return `${op.address}${op.flush ? ' flush' : ''}`;
    default:
      return `${op.address} weight ${op.weight}${op.flush ? ' flush' : ''}`;
  }
}

/** The share of a table, e.g. `34.2%`. */
export function share(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

function renderVip(v: VipBucketMove, ctx: RenderContext): string[] {
  const { style } = ctx;
  const who = v.frontend ? style.bold(v.frontend) : style.warn('(not managed by maglevd)');
  const moved = v.recreated
    ? `re-created: all ${v.flowTableLength} buckets and every existing flow move`
    : `${v.bucketsMoved} of ${v.flowTableLength} buckets move (${share(v.bucketsMoved, v.flowTableLength)})`;
  const head = `${style.label('vip')} ${v.prefix} ${service(v.protocol, v.port)} ${who}: ${moved}`;
  if (v.ases.length === 0) return [head];
  const rows = v.ases.map((a) => [
    a.address,
    orDash(a.backend),
    change(weightText(a, 'before'), weightText(a, 'after')),
    change(String(a.bucketsBefore), String(a.bucketsAfter)),
  ]);
  return [head, ...table(style, ['ADDRESS', 'BACKEND', 'WEIGHT', 'BUCKETS'], rows, { indent: '  ' })];
}

function weightText(a: AsBucketMove, side: 'before' | 'after'): string {
  const w = side === 'before' ? a.weightBefore : a.weightAfter;
  return w === undefined ? '-' : String(w);
}

/** `100` when unchanged, `100 -> 50` when not. */
function change(before: string, after: string): string {
  return before === after ? before : `${before} -> ${after}`;
}
