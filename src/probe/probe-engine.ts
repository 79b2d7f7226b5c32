// The probe engine as JavaScript sees it: one native thread per process (native/probe_engine.c)
// that runs tcp, http and their TLS forms off the event loop. This side hands out slots, keeps one run per
// slot, and turns the batches of result records the thread sends into calls on those runs. What
// a record means (a ProbeResult) is engine-probes.ts's business; this file is only the plumbing.
//
// Cost is the point of the engine, so the hot path here allocates nothing per probe: records
// arrive in one reused Int32Array, the next probes go back in another, in one native call per
// batch.

import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { ENGINE_SETUP_STEPS, Record, RECORD_INTS, SCHEDULE_INTS } from '../native/engine-protocol.js';
import { loadNativeAddon, type NativeAddon, type NativeProbeEngine } from '../native/index.js';
import { TLS_SESSION_MAX_AGE_MS } from './tls-sessions.js';

/** TLS for a target with EngineFlag.tls, as the JavaScript probe's startTls() sets it up. */
export interface EngineTls {
  /** The CAs to trust (PEM); undefined: Node's root certificates (tls.rootCertificates). */
  ca: string | undefined;
  /** SNI; undefined: none. */
  serverName: string | undefined;
  /** What the certificate must name: a host name, or an address (IP SAN). */
  verifyName: string;
  /** https: the statuses that pass; a session is kept only from a probe that passed. */
  statusMin: number;
  statusMax: number;
}

/** A target as the engine probes it. */
export interface EngineTarget {
  /** EngineKind. */
  kind: number;
  family: 4 | 6;
  address: string;
  port: number;
  /** Source address to bind; undefined: the kernel's choice. */
  source: string | undefined;
  /** Network namespace; undefined: maglevd's own. */
  netns: string | undefined;
  /** What to write once connected (http); undefined for tcp. */
  request: Buffer | undefined;
  /** The engine's own deadline per probe; 0: none, the caller expires probes itself. */
  timeoutMs: number;
  /** EngineFlag bits. */
  flags: number;
  /** With EngineFlag.tls. */
  tls?: EngineTls;
}

/** One probe's end as the engine reported it (engine-protocol.ts EngineOutcome and friends). */
export interface EngineRecord {
  outcome: number;
  value: number;
  /** For a setup error: the step, named as the addon's syscalls ("bind"). */
  step: (typeof ENGINE_SETUP_STEPS)[number] | undefined;
  durationMs: number;
  lagMs: number;
  /**
   * How long ago the probe ended, when the batch holding this record was handed over: the
   * engine holds results up to batchMs, and what happened is dated when it happened.
   */
  ageMs: number;
  text: string | undefined;
}

/**
 * What a run's records go to. An object with a method rather than a closure: at 10 000 targets
 * each closure is two more objects per target that every record has to reach through, and those
 * reaches miss the CPU's caches (bench/README.md, "The event loop's share of a check").
 */
export interface RecordReceiver {
  /**
   * Called with each probe's record; returns the delay in ms until the next probe of the same
   * target, counted from when this one finished, or undefined to end the run. Must not throw. The
   * record object is reused for the next one: read it during the call, do not keep it.
   */
  onRecord(record: EngineRecord): number | undefined;
}

export interface ProbeEngineOptions {
  /** For tests; default the built addon. */
  addon?: NativeAddon;
  /**
   * How long the engine holds results before waking the event loop, in ms: results are handed
   * over at most this long after their probe ended (each record says how long ago, so what they
   * cause is still dated when the probe ended). Each wake-up of the event loop has a fixed cost
   * that at 1 000 probes a second weighed more than the results it carried (bench/README.md);
   * a verdict a tenth of a second later is nothing next to a fall of several intervals.
   */
  batchMs?: number;
  /**
   * Probes due within one window of this many ms start together, at its beginning: the thread
   * wakes once per window instead of once per probe. A probe starts early (never late) by less
   * than the window and by at most a twentieth of its interval.
   */
  startWindowMs?: number;
  /**
   * How long after its full handshake a TLS session may be offered, on the engine's clock;
   * default TLS_SESSION_MAX_AGE_MS (tls-sessions.ts). For tests.
   */
  sessionMaxAgeMs?: number;
}

const DEFAULT_BATCH_MS = 100;
const DEFAULT_START_WINDOW_MS = 16;
/** Records fetched per native drain() call; more are fetched by calling again. */
const DRAIN_RECORDS = 1024;

/** A target's probes in the engine, from start() until it ends or is stopped. */
export class EngineRun {
  private live = true;

  constructor(
    private readonly engine: ProbeEngine,
    readonly slot: number,
    /** Names this run of the slot: records of a previous owner of the slot are stale. */
    readonly token: number,
    readonly receiver: RecordReceiver,
  ) {}

  get running(): boolean {
    return this.live;
  }

  /** Ends the run: the probe in flight is cancelled and no record is delivered after this. */
  stop(): void {
    if (!this.live) return;
    this.live = false;
    this.engine.release(this);
  }

  /** The caller's deadline for the probe in flight passed (targets with timeoutMs 0). */
  expire(): void {
    if (this.live) this.engine.expire(this);
  }

  /** The engine ended the run (the handler returned undefined). */
  ended(): void {
    this.live = false;
  }
}

export class ProbeEngine {
  private readonly native: NativeProbeEngine;
  private readonly runs: (EngineRun | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private tokens = 0;
  private live = 0;
  private readonly records = new Int32Array(DRAIN_RECORDS * RECORD_INTS);
  private readonly texts: string[] = [];
  /** The one record handed to every handler in turn (no allocation per probe). */
  private readonly record: EngineRecord = {
    outcome: 0,
    value: 0,
    step: undefined,
    durationMs: 0,
    lagMs: 0,
    ageMs: 0,
    text: undefined,
  };
  private pending = new Int32Array(256 * SCHEDULE_INTS);
  private pendingCount = 0;
  private flushQueued = false;
  private draining = false;
  private closed = false;
  /** The engine's TLS contexts by the CAs they trust: one per distinct set, made on first use. */
  private readonly tlsContexts = new Map<string | undefined, number>();

  constructor(opts: ProbeEngineOptions = {}) {
    const addon = opts.addon ?? loadNativeAddon();
    this.native = new addon.ProbeEngine(
      this.onResults,
      opts.batchMs ?? DEFAULT_BATCH_MS,
      opts.startWindowMs ?? DEFAULT_START_WINDOW_MS,
      opts.sessionMaxAgeMs ?? TLS_SESSION_MAX_AGE_MS,
    );
  }

  /** Starts probing target: the first probe after firstDelayMs, the next ones as receiver says. */
  start(target: EngineTarget, firstDelayMs: number, receiver: RecordReceiver): EngineRun {
    if (this.closed) throw new Error('probe engine closed');
    const slot = this.freeSlots.pop() ?? this.runs.length;
    this.tokens = (this.tokens + 1) & 0x7fffffff;
    const run = new EngineRun(this, slot, this.tokens, receiver);
    this.runs[slot] = run;
    this.native.setTarget(
      slot,
      run.token,
      target.kind,
      target.family,
      target.address,
      target.port,
      target.source ?? null,
      target.netns ?? null,
      target.request ?? null,
      target.timeoutMs,
      target.flags,
      target.tls === undefined
        ? null
        : [
            this.tlsContext(target.tls.ca),
            target.tls.serverName ?? null,
            target.tls.verifyName,
            target.tls.statusMin,
            target.tls.statusMax,
          ],
    );
    // Results keep the process alive only while something is being probed, as sockets and
    // timers would.
    if (this.live++ === 0) this.native.ref();
    this.schedule(run, firstDelayMs, -1);
    return run;
  }

  /**
   * The context trusting `ca`, with Node's default ciphers split as Node splits them (TLS 1.3
   * suites apart). Contexts live as long as the engine: there are as many as distinct CA sets.
   */
  private tlsContext(ca: string | undefined): number {
    let context = this.tlsContexts.get(ca);
    if (context === undefined) {
      const ciphers = tls.DEFAULT_CIPHERS.split(':');
      context = this.native.tlsContext(
        ca ?? defaultCaPem(),
        ciphers.filter((c) => !c.startsWith('TLS_')).join(':'),
        ciphers.filter((c) => c.startsWith('TLS_')).join(':'),
      );
      this.tlsContexts.set(ca, context);
    }
    return context;
  }

  /** Stops the thread and closes every socket; for shutdown and tests. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const run of this.runs) run?.ended();
    this.runs.length = 0;
    this.native.close();
  }

  /** @internal EngineRun.stop */
  release(run: EngineRun): void {
    if (this.closed || this.runs[run.slot] !== run) return;
    this.runs[run.slot] = undefined;
    this.native.dropTarget(run.slot);
    this.freeSlots.push(run.slot);
    if (--this.live === 0) this.native.unref();
  }

  /** @internal EngineRun.expire */
  expire(run: EngineRun): void {
    if (!this.closed && this.runs[run.slot] === run) this.native.expire(run.slot, run.token);
  }

  /** The next probe of run: delayMs after probe `afterSeq` finished (-1: the first, from now). */
  private schedule(run: EngineRun, delayMs: number, afterSeq: number): void {
    if (this.pendingCount * SCHEDULE_INTS === this.pending.length) {
      const grown = new Int32Array(this.pending.length * 2);
      grown.set(this.pending);
      this.pending = grown;
    }
    const at = this.pendingCount++ * SCHEDULE_INTS;
    this.pending[at] = run.slot;
    this.pending[at + 1] = run.token;
    this.pending[at + 2] = Math.round(delayMs);
    this.pending[at + 3] = afterSeq;
    // Everything scheduled in one turn of the event loop goes to the engine in one call (a
    // drain sends its own at the end).
    if (!this.flushQueued && !this.draining) {
      this.flushQueued = true;
      queueMicrotask(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    if (this.pendingCount === 0 || this.closed) return;
    this.native.schedule(this.pending, this.pendingCount);
    this.pendingCount = 0;
  };

  /** The engine has results: hand each to its run, send the next probes back in one go. */
  private readonly onResults = (): void => {
    if (this.closed) return;
    let n: number;
    this.draining = true;
    try {
      do {
        this.texts.length = 0;
        n = this.native.drain(this.records, this.texts);
        for (let k = 0; k < n; k++) this.deliver(k * RECORD_INTS);
      } while (n === DRAIN_RECORDS);
    } finally {
      this.draining = false;
    }
    this.flush();
  };

  private deliver(at: number): void {
    const r = this.records;
    const run = this.runs[r[at + Record.slot] as number];
    if (run === undefined || run.token !== r[at + Record.token]) return;
    const textIndex = r[at + Record.text] as number;
    const record = this.record;
    record.outcome = r[at + Record.outcome] as number;
    record.value = r[at + Record.value] as number;
    record.step = ENGINE_SETUP_STEPS[r[at + Record.aux] as number];
    record.durationMs = (r[at + Record.durationUs] as number) / 1000;
    record.lagMs = (r[at + Record.lagUs] as number) / 1000;
    record.ageMs = (r[at + Record.ageUs] as number) / 1000;
    record.text = textIndex >= 0 ? this.texts[textIndex] : undefined;
    const next = run.receiver.onRecord(record);
    if (!run.running || this.runs[run.slot] !== run) return;
    if (next === undefined) {
      run.ended();
      this.release(run);
      // release() only acts on live runs; an ended run still holds its slot until here.
      return;
    }
    this.schedule(run, next, r[at + Record.seq] as number);
  }
}

/**
 * The CAs Node's TLS trusts by default: its bundled root certificates and the file named by
 * NODE_EXTRA_CA_CERTS (which Node, too, reads once and skips when it cannot).
 */
function defaultCaPem(): string {
  const pems = [...tls.rootCertificates];
  const extra = process.env['NODE_EXTRA_CA_CERTS'];
  if (extra !== undefined && extra !== '') {
    try {
      pems.push(readFileSync(extra, 'latin1'));
    } catch {
      // Node warns about it at start-up and goes on without: so do the probes.
    }
  }
  return pems.join('\n');
}

let shared: ProbeEngine | undefined;
let sharedFailure: string | undefined;

/**
 * The process's engine, started on first use; undefined when the addon cannot be loaded (then
 * the probes run on Node's sockets, as before the engine). `unavailableReason` says why.
 */
export function sharedProbeEngine(): ProbeEngine | undefined {
  if (shared !== undefined || sharedFailure !== undefined) return shared;
  try {
    shared = new ProbeEngine();
  } catch (err) {
    sharedFailure = err instanceof Error ? err.message : String(err);
  }
  return shared;
}

/** Why sharedProbeEngine() gave undefined, if it did. */
export function probeEngineUnavailableReason(): string | undefined {
  return sharedFailure;
}
