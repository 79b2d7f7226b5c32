// `watch events`: one event per line, either readable (time, kind, what changed) or compact
// JSON (protojson field names, one object per line) for scripts.

import { Event } from '../../api/index.js';
import { formatClock } from '../time-format.js';
import type { Style } from '../style.js';

function attrText(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

function levelColour(style: Style, level: string): string {
  const padded = level.padEnd(5);
  if (level === 'error') return style.error(padded);
  if (level === 'warn') return style.warn(padded);
  if (level === 'debug') return style.dim(padded);
  return padded;
}

function clock(at: Date | undefined): string {
  return at ? formatClock(at) : '--:--:--.---';
}

export function renderEventLine(e: Event, style: Style): string {
  const ev = e.event;
  if (!ev) return `${clock(undefined)} (empty event)`;
  switch (ev.$case) {
    case 'frontend': {
      const f = ev.value;
      const change =
        f.from === f.to ? `is ${style.state(f.to)}` : `${style.state(f.from)} -> ${style.state(f.to)}`;
      return `${clock(f.time)} ${style.label('frontend')} ${f.frontend} ${change}`;
    }
    case 'backend': {
      const b = ev.value;
      const t = b.transition;
      const where = b.frontend ? ` (frontend ${b.frontend})` : '';
      const change = t
        ? `${style.state(t.from)} -> ${style.state(t.to)} [${t.code}]${t.detail ? ` ${t.detail}` : ''}`
        : '';
      return `${clock(t?.time)} ${style.label('backend')} ${b.backend} ${b.address}${where} ${change}`.trimEnd();
    }
    case 'checkerFault': {
      const c = ev.value;
      const where = c.frontend ? ` (frontend ${c.frontend})` : '';
      const what = c.active
        ? `${style.warn('checker fault')} [${c.reason}] ${c.detail}; state held`
        : `checker fault [${c.reason}] cleared${c.detail ? `: ${c.detail}` : ''}`;
      return `${clock(c.time)} ${style.label('backend')} ${c.backend} ${c.address}${where} ${what}`;
    }
    case 'panic': {
      const p = ev.value;
      const what = p.active
        ? `${style.warn('PANIC')}: pool ${p.pool} serves on all enabled backends (${p.up}/${p.eligible} up, threshold ${p.threshold}%)`
        : `panic over (pool ${p.pool})`;
      return `${clock(p.time)} ${style.label('frontend')} ${p.frontend} ${what}`;
    }
    case 'announcement': {
      const a = ev.value;
      if (a.frontend === '') {
        const news = a.birdOk
          ? style.ok('BIRD ok')
          : `${style.error('BIRD failing')} ${a.errorKind}: ${a.error}`;
        return `${clock(a.time)} ${style.label('announce')} ${news}`;
      }
      const route = a.announced ? style.ok('announced') : style.warn('withdrawn');
      return `${clock(a.time)} ${style.label('announce')} ${a.frontend} ${a.address} ${route} (${a.reason})`;
    }
    case 'log': {
      const l = ev.value;
      const attrs = Object.entries(l.attrs ?? {})
        .map(([k, v]) => `${k}=${attrText(v)}`)
        .join(' ');
      return `${clock(l.time)} ${style.label('log')} ${levelColour(style, l.level)} ${l.msg}${attrs ? ` ${attrs}` : ''}`;
    }
    case 'probes': {
      const list = ev.value.probes;
      const last = list.reduce<Date | undefined>(
        (t, p) => (t && p.time && t > p.time ? t : p.time),
        undefined,
      );
      const each = list.map((p) => `${p.backend}=${p.ok ? 'ok' : p.code}${p.count > 1 ? `x${p.count}` : ''}`);
      return `${clock(last)} ${style.label('probes')} ${each.join(' ')}`;
    }
  }
}

export function renderEventJson(e: Event): string {
  return JSON.stringify(Event.toJSON(e));
}
