// The live connection: an EventSource on /view/api/events plus the hydration protocol.
//   - A fresh stream starts with `hello`, a stream that cannot be replayed with `resync`: the
//     page then fetches /view/api/state, holding back events that arrive meanwhile, and applies
//     only those newer than the id the state says it already includes.
//   - A short drop is the browser's business: EventSource reconnects with Last-Event-ID and the
//     server replays what was missed.
//   - A clock-drift watchdog: after a laptop sleeps, the old connection may be a dead half-open
//     socket. Sleep shows as wall-clock time running ahead of the monotonic clock (which stops
//     during suspend), or, in a visible tab, as the 1 s ticker missing many beats. The page then
//     opens a fresh EventSource (passing the last id in the URL, since a new EventSource cannot
//     set the header). Hidden tabs have their timers throttled to a minute: no drift, no alarm.

import type { DashboardStateJson, SseEventType } from '../../frontend/wire.js';
import { fetchState } from './api.js';
import { isAfter } from './model/event-id.js';
import { viewApi } from './paths.js';

export interface LiveHandlers {
  hydrate(d: DashboardStateJson): void;
  event(type: SseEventType, data: unknown): void;
  connection(c: 'connecting' | 'live' | 'reconnecting'): void;
}

const EVENT_TYPES: readonly SseEventType[] = [
  'hello',
  'resync',
  'maglevd-status',
  'snapshot',
  'backend',
  'frontend',
  'log',
  'probes',
  'frontends',
  'backend-info',
  'vpp',
  'traffic',
];

/** Wall time ahead of monotonic time by this much means the machine slept. */
const DRIFT_MS = 5000;
/** A visible tab's 1 s ticker silent this long means the page was frozen or the machine slept. */
const GAP_MS = 15_000;
const REOPEN_MS = 3000;

export function startLive(h: LiveHandlers): { tick(now: number): void } {
  let es: EventSource | undefined;
  let lastId = '';
  let buffer: { type: SseEventType; id: string; data: unknown }[] | undefined = [];
  let generation = 0;
  let lastWall = Date.now();
  let lastMono = performance.now();
  // Throttled timers of a hidden tab are no sign of sleep: measure gaps from when it shows again.
  document.addEventListener('visibilitychange', () => {
    lastWall = Date.now();
    lastMono = performance.now();
  });
  let reopenTimer: number | undefined;

  const deliver = (type: SseEventType, data: unknown) => {
    try {
      h.event(type, data);
    } catch (err) {
      console.warn('dashboard: event not applied', type, err);
    }
  };

  const hydrate = (): void => {
    const mine = ++generation;
    buffer = [];
    fetchState().then(
      (d) => {
        if (mine !== generation) return;
        h.hydrate(d);
        const held = buffer ?? [];
        buffer = undefined;
        for (const e of held) if (isAfter(e.id, d.eventId)) deliver(e.type, e.data);
      },
      () => {
        // The server is reachable enough to stream but not to answer: try again shortly.
        if (mine === generation) window.setTimeout(hydrate, REOPEN_MS);
      },
    );
  };

  const open = (resumeFrom: string): void => {
    es?.close();
    const url = new URL('events', viewApi);
    if (resumeFrom !== '') url.searchParams.set('lastEventId', resumeFrom);
    const source = new EventSource(url);
    es = source;
    source.onopen = () => h.connection('live');
    source.onerror = () => {
      h.connection('reconnecting');
      // CLOSED: the browser gave up (an HTTP error); it retries by itself otherwise.
      if (source.readyState === EventSource.CLOSED && es === source) {
        window.clearTimeout(reopenTimer);
        reopenTimer = window.setTimeout(() => open(lastId), REOPEN_MS);
      }
    };
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (ev: MessageEvent<string>) => {
        if (ev.lastEventId !== '') lastId = ev.lastEventId;
        let data: unknown;
        try {
          data = JSON.parse(ev.data);
        } catch {
          return;
        }
        if (type === 'hello' || type === 'resync') {
          hydrate();
          return;
        }
        if (buffer) buffer.push({ type, id: ev.lastEventId, data });
        else deliver(type, data);
      });
    }
  };

  h.connection('connecting');
  open('');
  return {
    tick(now: number) {
      const mono = performance.now();
      const wallGap = now - lastWall;
      const drift = wallGap - (mono - lastMono);
      lastWall = now;
      lastMono = mono;
      if (drift > DRIFT_MS || (!document.hidden && wallGap > GAP_MS)) open(lastId);
    },
  };
}
