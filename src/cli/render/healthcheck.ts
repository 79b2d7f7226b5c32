// `show healthchecks` and `show healthcheck <name>`.

import type { HealthCheckInfo } from '../../api/index.js';
import { msFromDuration } from '../../api/index.js';
import { fields, table } from '../table.js';
import { formatDuration } from '../time-format.js';
import { orDash, yesNo, type RenderContext } from './context.js';

type Duration = HealthCheckInfo['interval'];

function dur(d: Duration): string {
  return d ? formatDuration(msFromDuration(d)) : '-';
}

export function renderHealthCheckList(list: readonly HealthCheckInfo[], ctx: RenderContext): string[] {
  if (list.length === 0) return ['no health checks configured'];
  const rows = list.map((h) => [
    h.name,
    h.type,
    orDash(h.port),
    dur(h.interval),
    dur(h.fastInterval),
    dur(h.downInterval),
    dur(h.timeout),
    String(h.rise),
    String(h.fall),
    String(h.backends.length),
  ]);
  return table(
    ctx.style,
    ['HEALTHCHECK', 'TYPE', 'PORT', 'INTERVAL', 'FAST', 'DOWN', 'TIMEOUT', 'RISE', 'FALL', 'BACKENDS'],
    rows,
    { right: [2, 7, 8, 9] },
  );
}

export function renderHealthCheck(h: HealthCheckInfo, ctx: RenderContext): string[] {
  const p = h.params;
  const pairs: [string, string][] = [
    ['healthcheck', h.name],
    ['type', h.type],
    ['port', orDash(h.port)],
    ['interval', dur(h.interval)],
    ['fast-interval', dur(h.fastInterval)],
    ['down-interval', dur(h.downInterval)],
    ['timeout', dur(h.timeout)],
    ['rise', String(h.rise)],
    ['fall', String(h.fall)],
    ['probe-ipv4-src', orDash(h.probeIpv4Src)],
    ['probe-ipv6-src', orDash(h.probeIpv6Src)],
  ];
  if (p && (h.type === 'http' || h.type === 'https')) {
    pairs.push(
      ['path', p.path],
      ['host', p.host || '(backend address)'],
      [
        'response-code',
        p.responseCodeMin === p.responseCodeMax
          ? String(p.responseCodeMin)
          : `${p.responseCodeMin}-${p.responseCodeMax}`,
      ],
      ['response-regexp', orDash(p.responseRegexp)],
    );
  }
  if (p && h.type === 'http') pairs.push(['reset-close', yesNo(p.resetClose)]);
  if (p && (h.type === 'https' || (h.type === 'tcp' && p.ssl))) {
    pairs.push(
      ['server-name', orDash(p.serverName)],
      ['insecure-skip-verify', yesNo(p.insecureSkipVerify)],
      ['tls-session-reuse', yesNo(p.tlsSessionReuse)],
    );
  }
  if (p && h.type === 'tcp') pairs.push(['ssl', yesNo(p.ssl)], ['half-open', yesNo(p.halfOpen)]);
  pairs.push(['backends', h.backends.join(', ') || '-']);
  return fields(ctx.style, pairs);
}
