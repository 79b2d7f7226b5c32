// One WatchEvents subscriber: its filter, and a write path that never lets a slow reader slow
// maglevd down. Events are written while grpc-js accepts them; once call.write() reports
// backpressure they wait in a bounded queue until 'drain'; when the queue passes its bound the
// subscriber is cut off with RESOURCE_EXHAUSTED (its client can reconnect and resync).
// A subscriber that asks for probe summaries gets its probe heartbeats coalesced (probe-summary.ts)
// instead of two debug log records per probe.

import { status, type ServerWritableStream } from '@grpc/grpc-js';
import type { Clock } from '../clock/index.js';
import { InvalidArgumentError } from '../errors.js';
import { isLogLevel, type LogLevel, type LogRecord } from '../log/index.js';
import type { ApiEvent, MaglevApiBackend } from './backend.js';
import { announcementEvent, apiEvent, frontendEvent, logEvent, probeSummariesEvent } from './convert.js';
import type { Event, WatchRequest } from './gen/maglev.js';
import { ProbeCoalescer } from './probe-summary.js';

/** The log records a probe summary stands for: a summarising subscriber does not get them. */
const PROBE_RECORDS: ReadonlySet<string> = new Set(['probe-start', 'probe-done']);

export interface WatchFilter {
  log: boolean;
  logLevel: LogLevel;
  backend: boolean;
  frontend: boolean;
  /** Empty: every backend. */
  backendNames: ReadonlySet<string>;
  /** Empty: every frontend. */
  frontendNames: ReadonlySet<string>;
  /** Above 0: probe heartbeats coalesced to one batch per this many ms (and no probe log records). */
  probeSummaryMs: number;
  /** Announcement changes and BIRD's state; only when asked for (not part of "all"). */
  announcement: boolean;
}

/** The request as a filter; none of log/backend/frontend set means all three. */
export function watchFilter(req: WatchRequest): WatchFilter {
  const level = req.logLevel === '' ? 'info' : req.logLevel.toLowerCase();
  if (!isLogLevel(level))
    throw new InvalidArgumentError(`log_level "${req.logLevel}" is not one of debug, info, warn, error`);
  const all = !req.log && !req.backend && !req.frontend && !req.announcement;
  return {
    log: all || req.log,
    logLevel: level,
    backend: all || req.backend,
    frontend: all || req.frontend,
    backendNames: new Set(req.backendNames),
    frontendNames: new Set(req.frontendNames),
    probeSummaryMs: all || req.backend ? req.probeSummaryMs : 0,
    announcement: req.announcement,
  };
}

/** Whether a probe of `backend` belongs in this subscriber's summaries. */
function probePasses(f: WatchFilter, backend: string): boolean {
  return f.backendNames.size === 0 || f.backendNames.has(backend);
}

/** Frontend states and panics follow the frontend filter; transitions and checker faults the backend one. */
export function eventPasses(f: WatchFilter, e: ApiEvent): boolean {
  if (e.type === 'announcement') {
    if (!f.announcement) return false;
    // BIRD's own events name no frontend and always pass.
    return e.change.type === 'bird' || f.frontendNames.size === 0 || f.frontendNames.has(e.change.frontend);
  }
  if (e.type === 'frontend-state' || e.type === 'panic')
    return f.frontend && (f.frontendNames.size === 0 || f.frontendNames.has(e.frontend));
  if (!f.backend) return false;
  if (f.backendNames.size > 0 && !f.backendNames.has(e.backend)) return false;
  if (f.frontendNames.size > 0 && (e.frontend === undefined || !f.frontendNames.has(e.frontend)))
    return false;
  return true;
}

export interface WatchSessionHooks {
  /** Called once when the subscriber is cut off for falling behind. */
  onOverflow(session: WatchSession, queued: number): void;
  /** Called once when the session ends for any reason. */
  onClose(session: WatchSession): void;
}

export class WatchSession {
  private readonly queue: Event[] = [];
  private blocked = false;
  private closed = false;
  private readonly unsubscribers: (() => void)[] = [];
  private probes: ProbeCoalescer | undefined;
  readonly peer: string;

  constructor(
    private readonly call: ServerWritableStream<WatchRequest, Event>,
    readonly filter: WatchFilter,
    private readonly queueLimit: number,
    private readonly hooks: WatchSessionHooks,
  ) {
    this.peer = call.getPeer();
    const finish = () => this.close();
    call.on('cancelled', finish);
    call.on('close', finish);
    call.on('finish', finish);
  }

  /** Replays frontend states (from == to), then follows events and logs as the filter asks. */
  start(backend: MaglevApiBackend, clock: Clock): void {
    const now = clock.now();
    if (this.filter.frontend) {
      for (const f of backend.frontends()) {
        const at = f.stateSince ?? now;
        const replay: ApiEvent = { type: 'frontend-state', frontend: f.name, from: f.state, to: f.state, at };
        if (eventPasses(this.filter, replay)) this.send(frontendEvent(replay));
      }
    }
    if (this.filter.announcement) this.replayAnnouncements(backend, now);
    if (this.closed) return;
    const f = this.filter;
    if (f.probeSummaryMs > 0) {
      const probes = new ProbeCoalescer(clock, f.probeSummaryMs, (batch) =>
        this.send(probeSummariesEvent(batch)),
      );
      this.probes = probes;
      this.unsubscribers.push(
        backend.subscribeProbes((name, result) => {
          if (probePasses(f, name)) probes.probeDone(name, result);
        }),
        () => probes.stop(),
      );
    }
    if (f.backend || f.frontend || f.announcement) {
      this.unsubscribers.push(
        backend.subscribe((e) => {
          if (!eventPasses(f, e)) return;
          // The probes that led to a transition go first; the transition itself is never held back.
          if (e.type === 'backend-transition') this.probes?.flush();
          this.send(apiEvent(e));
        }),
      );
    }
    if (f.log) {
      const summarised = f.probeSummaryMs > 0;
      this.unsubscribers.push(
        backend.subscribeLogs(f.logLevel, (r: LogRecord) => {
          if (summarised && PROBE_RECORDS.has(r.event)) return;
          this.send(logEvent(r));
        }),
      );
    }
  }

  /** BIRD's state, then each announcing frontend's current announcement. */
  private replayAnnouncements(backend: MaglevApiBackend, now: number): void {
    const snap = backend.announcements?.();
    if (!snap) return;
    if (snap.birdOk !== undefined)
      this.send(
        announcementEvent({
          type: 'bird',
          ok: snap.birdOk,
          error: snap.birdOk ? undefined : snap.lastError,
          at: now,
        }),
      );
    for (const f of snap.frontends) {
      if (f.reason === 'off') continue;
      const replay: ApiEvent = {
        type: 'announcement',
        change: {
          type: 'announcement',
          frontend: f.frontend,
          address: f.address,
          announced: f.announced,
          reason: f.reason,
          at: now,
        },
      };
      if (eventPasses(this.filter, replay)) this.send(announcementEvent(replay.change));
    }
  }

  /** Events waiting for the client to read (0 while it keeps up). */
  queued(): number {
    return this.queue.length;
  }

  isClosed(): boolean {
    return this.closed;
  }

  send(event: Event): void {
    if (this.closed) return;
    if (this.blocked) {
      this.queue.push(event);
      if (this.queue.length > this.queueLimit) this.overflow();
      return;
    }
    if (!this.call.write(event)) this.waitForDrain();
  }

  /** Ends the stream with a status (shutdown); queued events are dropped. */
  end(code: status, details: string): void {
    if (this.closed) return;
    this.close();
    this.call.emit('error', { code, details });
  }

  private waitForDrain(): void {
    this.blocked = true;
    this.call.once('drain', () => this.flush());
  }

  private flush(): void {
    while (!this.closed && this.queue.length > 0) {
      const next = this.queue.shift() as Event;
      if (!this.call.write(next)) {
        this.waitForDrain();
        return;
      }
    }
    this.blocked = false;
  }

  private overflow(): void {
    const queued = this.queue.length;
    this.close();
    this.hooks.onOverflow(this, queued);
    // Status goes out after what grpc-js already buffered, so a client that resumes reading
    // sees the events it had, then the reason it lost the rest.
    this.call.emit('error', {
      code: status.RESOURCE_EXHAUSTED,
      details: `event subscriber too slow: more than ${this.queueLimit} events queued; reconnect and resync`,
    });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    for (const u of this.unsubscribers.splice(0)) u();
    this.hooks.onClose(this);
  }
}
