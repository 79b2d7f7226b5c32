// `show backends [<prefix>]` and `show backend <name>`: health per backend, and one backend's
// counter and transition history.

import type { BackendInfo } from '../../api/index.js';
import { fields, table } from '../table.js';
import { ageSince, formatTimestamp } from '../time-format.js';
import { orDash, type RenderContext } from './context.js';

function counter(b: BackendInfo): string {
  return `${b.counter}/${b.rise + b.fall - 1}`;
}

function nameWithFlag(b: BackendInfo): string {
  return b.enabled ? b.name : `${b.name} [disabled]`;
}

/** The state, marked while the checker cannot judge the backend (docs/safety.md). */
function stateCell(b: BackendInfo, ctx: RenderContext): string {
  const state = ctx.style.state(b.state);
  return b.checkerFault ? `${state} ${ctx.style.warn(`[checker fault: ${b.checkerFault.reason}]`)}` : state;
}

export function renderBackendList(list: readonly BackendInfo[], ctx: RenderContext): string[] {
  if (list.length === 0) return ['no backends'];
  const rows = list.map((b) => [
    nameWithFlag(b),
    b.address,
    stateCell(b, ctx),
    counter(b),
    ageSince(b.transitions[0]?.time, ctx.now),
    orDash(b.transitions[0]?.code),
    orDash(b.healthcheck),
    b.frontends.join(',') || '-',
  ]);
  return table(
    ctx.style,
    ['BACKEND', 'ADDRESS', 'STATE', 'HEALTH', 'SINCE', 'LAST', 'HEALTHCHECK', 'FRONTENDS'],
    rows,
  );
}

export function renderBackend(b: BackendInfo, ctx: RenderContext): string[] {
  const last = b.transitions[0]?.time;
  const lines = fields(ctx.style, [
    ['backend', b.name],
    ['address', b.address],
    ['state', last ? `${ctx.style.state(b.state)} for ${ageSince(last, ctx.now)}` : ctx.style.state(b.state)],
    ['enabled', b.enabled ? 'yes' : 'no'],
    ['healthcheck', b.healthcheck || 'none (always passes)'],
    ['health', `${counter(b)} (up at ${b.rise}, rise ${b.rise}, fall ${b.fall})`],
    ['frontends', b.frontends.join(', ') || '-'],
    ...(b.checkerFault
      ? ([
          [
            'checker fault',
            `${ctx.style.warn(b.checkerFault.reason)} for ${ageSince(b.checkerFault.since, ctx.now)}: ` +
              `${b.checkerFault.detail} (state held)`,
          ],
        ] as const)
      : []),
  ]);
  lines.push('');
  if (b.transitions.length === 0) {
    lines.push(`${ctx.style.label('transitions')}  none yet`);
    return lines;
  }
  lines.push(`${ctx.style.label('transitions')} (newest first)`);
  const rows = b.transitions.map((t) => [
    t.time ? formatTimestamp(t.time) : '-',
    ageSince(t.time, ctx.now),
    `${ctx.style.state(t.from)} -> ${ctx.style.state(t.to)}`,
    t.code,
    t.detail,
  ]);
  lines.push(...table(ctx.style, ['TIME', 'AGE', 'TRANSITION', 'CODE', 'DETAIL'], rows, { indent: '  ' }));
  return lines;
}
