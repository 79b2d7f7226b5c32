// The one reactive state tree of the page (solid-js/store) and the functions that feed it.
// Fresh states are merged with reconcile, keyed by name, so rows keep their DOM and unchanged
// values do not flash; events go through the reducers in model/reducers.ts.

import { createSignal } from 'solid-js';
import { createStore, produce, reconcile, unwrap } from 'solid-js/store';
import type { DashboardStateJson, SseEventType, SsePayloads } from '../../frontend/wire.js';
import * as r from './model/reducers.js';
import { emptyState, type Connection } from './model/state.js';

const [state, setState] = createStore(emptyState());
export { state };

/** Wall-clock time, ticking once a second: every live age on the page reads it. */
const [now, setNow] = createSignal(Date.now());
export { now };
export function tick(t: number): void {
  setNow(t);
}

export function setConnection(c: Connection): void {
  setState('connection', c);
}

export function hydrateFrom(d: DashboardStateJson): void {
  const t = Date.now();
  setState('version', d.version);
  setState('adminEnabled', d.admin);
  setState(
    'order',
    d.maglevds.map((m) => m.status.name),
  );
  const names = new Set(d.maglevds.map((m) => m.status.name));
  for (const m of d.maglevds) {
    const view = r.viewFromState(m, state.maglevds[m.status.name], t);
    setState('maglevds', m.status.name, reconcile(view, { key: 'name', merge: true }));
  }
  for (const gone of Object.keys(state.maglevds)) {
    if (!names.has(gone))
      setState(
        'maglevds',
        produce((ms) => delete ms[gone]),
      );
  }
}

export function applyEvent<T extends SseEventType>(type: T, data: SsePayloads[T]): void {
  const t = Date.now();
  const entry = r.describe(type, data);
  switch (type) {
    case 'snapshot': {
      const s = data as SsePayloads['snapshot'];
      const name = s.status.name;
      if (!state.order.includes(name)) setState('order', (o) => [...o, name]);
      const view = r.viewFromState(s, state.maglevds[name], t);
      setState('maglevds', name, reconcile(view, { key: 'name', merge: true }));
      break;
    }
    case 'maglevd-status':
      setState(produce((st) => r.applyStatus(st, data as SsePayloads['maglevd-status'])));
      break;
    case 'backend':
      setState(produce((st) => r.applyBackendTransition(st, data as SsePayloads['backend'], t)));
      break;
    case 'frontend':
      setState(produce((st) => r.applyFrontendState(st, data as SsePayloads['frontend'])));
      break;
    case 'checker-fault':
      setState(produce((st) => r.applyCheckerFault(st, data as SsePayloads['checker-fault'])));
      break;
    case 'frontends':
      setState(produce((st) => r.applyFrontends(st, data as SsePayloads['frontends'], t)));
      break;
    case 'backend-info':
      setState(produce((st) => r.applyBackendInfo(st, data as SsePayloads['backend-info'])));
      break;
    case 'vpp': {
      const e = data as SsePayloads['vpp'];
      const name = e.maglevd;
      if (state.maglevds[name]) {
        setState('maglevds', name, 'vpp', reconcile(e.vpp, { key: 'prefix', merge: true }));
        if (e.vpp.lbState) setState('maglevds', name, 'lbStateAt', t);
      }
      break;
    }
    case 'traffic': {
      const e = data as SsePayloads['traffic'];
      const m = state.maglevds[e.maglevd];
      // Computed from plain data, then merged: unchanged points keep their identity.
      if (m)
        setState(
          'maglevds',
          e.maglevd,
          'traffic',
          reconcile(r.nextTraffic(unwrap(m.traffic), e.sample), { key: 'frontend', merge: true }),
        );
      break;
    }
    case 'log':
      setState(produce((st) => r.applyLog(st, data as SsePayloads['log'], t)));
      break;
    case 'probes':
      setState(produce((st) => r.applyProbes(st, data as SsePayloads['probes'])));
      break;
    default:
      break;
  }
  if (entry) setState(produce((st) => r.pushLog(st, entry)));
}

/** An entry for the event log that comes from the page itself (admin actions). */
export function logLocal(maglevd: string, level: string, msg: string, text: string): void {
  setState(produce((st) => r.pushLog(st, { at: Date.now(), maglevd, kind: 'admin', level, msg, text })));
}

export function clearLog(): void {
  setState('log', []);
}
