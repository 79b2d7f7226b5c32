// `show announcements`: what this node announces over BGP through BIRD (docs/fleet.md), BIRD's
// state first, then one line per frontend with whether its address is announced and why.

import type { Announcements } from '../../api/index.js';
import { fields, table } from '../table.js';
import { ageSince, formatTimestamp } from '../time-format.js';
import { orDash, type RenderContext } from './context.js';

function momentWithAge(at: Date | undefined, ctx: RenderContext): string {
  return at ? `${formatTimestamp(at)} (${ageSince(at, ctx.now)} ago)` : '-';
}

export function renderAnnouncements(a: Announcements, ctx: RenderContext): string[] {
  const { style } = ctx;
  if (!a.enabled) return ['announcements are off: the configuration has no maglev.announce'];
  const bird =
    a.birdOk === undefined ? style.warn('not asked yet') : a.birdOk ? style.ok('ok') : style.error('failing');
  const lines = fields(style, [
    ['bird', bird],
    ['bird-socket', a.birdSocket],
    ['include-file', a.includeFile],
    ['protocols', `${a.protocol}4 ${a.protocol}6`],
    ['applied', momentWithAge(a.appliedTime, ctx)],
    ...(a.lastError === ''
      ? []
      : ([
          ['last-error', `${a.lastErrorKind}: ${a.lastError}`],
          ['last-error-at', momentWithAge(a.lastErrorTime, ctx)],
        ] as [string, string][])),
  ]);
  if (a.frontends.length === 0) return [...lines, '', 'no frontends'];
  const rows = a.frontends.map((f) => [
    f.frontend,
    f.address,
    f.announced ? style.ok('announced') : f.reason === 'off' ? style.dim('off') : style.warn('withdrawn'),
    f.reason === 'up' ? 'up and programmed in VPP' : reasonText(f.reason, f.announced),
  ]);
  return [...lines, '', ...table(style, ['FRONTEND', 'ADDRESS', 'ROUTE', 'WHY'], rows)];
}

function reasonText(reason: string, announced: boolean): string {
  const own: Record<string, string> = {
    off: 'announce: false',
    'frontend-down': 'frontend not up',
    'not-programmed': 'VPP does not hold it (yet)',
    stopping: 'maglevd is stopping',
  };
  const text = own[reason] ?? orDash(reason);
  return announced ? `${text}; another frontend on the address holds the route` : text;
}
