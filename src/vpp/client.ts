// One connection to VPP's binary API: handshake (sockclnt_create as `vpp-maglev`, message table,
// client_index), definitions merged with what VPP serves itself, request/reply matched by context,
// dumps terminated by a control_ping with the same context (docs/vpp-lb.md §The API socket).
// Every call goes through one wrapper (`call`): it logs `vpp-api-send` / `vpp-api-recv` at debug
// with decoded fields, reports each message to the metrics callback, applies the call's timeout
// and turns a negative retval into a VppApiError. Messages we cannot use (unknown id, truncated,
// no definition) are counted and dropped, as VPP itself does.

import { systemClock, type Clock, type TimerHandle } from '../clock/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { compileMessage, type MessageCodec } from './codec.js';
import { loadDefinitions, parseApiJsonList } from './defs/loader.js';
import type { ApiDefinitions } from './defs/registry.js';
import {
  VppApiError,
  VppConnectionError,
  VppCrcMismatchError,
  VppDecodeError,
  VppError,
  VppTimeoutError,
  VppUnsupportedError,
} from './errors.js';
import { detectLbGeneration, type LbGeneration } from './lb-generation.js';
import { toLoggable } from './loggable.js';
import { MessageTable, type MessageTableEntry } from './message-table.js';
import { Signal } from './signal.js';
import { connectUnix, type FramedSocket, type FramedSocketClose } from './transport.js';
import { getString, type VppFields, type VppStruct } from './values.js';

/** Fixed by VPP for the bootstrap (papi and govpp hard-code them too). */
export const SOCKCLNT_CREATE_ID = 15;
export const SOCKCLNT_CREATE_REPLY_ID = 16;
export const DEFAULT_CLIENT_NAME = 'vpp-maglev';
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

export interface VppApiCallEvent {
  readonly msg: string;
  readonly direction: 'send' | 'recv';
  readonly result: 'success' | 'failure';
}

/** Called once per message sent and once per reply (or finished dump, or timeout) received. */
export type VppApiMetrics = (event: VppApiCallEvent) => void;

export interface VppClientOptions {
  readonly socketPath: string;
  /** Shown in VPP's `show api clients`. */
  readonly clientName?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly metrics?: VppApiMetrics;
  readonly requestTimeoutMs?: number;
  /** Base definitions (installed + built-in). Default: loadDefinitions({ apiDir }). */
  readonly definitions?: ApiDefinitions;
  /** Where installed .api.json files live when `definitions` is not given; null skips them. */
  readonly apiDir?: string | null;
  /** Ask VPP for its own definitions (get_api_json) when it has the message. Default true. */
  readonly useVppApiJson?: boolean;
  /** Transport seam for tests; default connects to a unix socket. */
  readonly connect?: (socketPath: string) => Promise<FramedSocket>;
}

export interface CallOptions {
  readonly timeoutMs?: number;
}

export interface VppClientStats {
  sent: number;
  received: number;
  droppedUnknownId: number;
  droppedUndecodable: number;
  droppedUnexpected: number;
}

/** A message that matched no waiting call (events, late replies). */
export interface VppUnsolicited {
  readonly name: string;
  readonly msg: VppStruct;
}

interface Pending {
  readonly request: string;
  timer: TimerHandle;
  /** When the call last heard from VPP (monotonic ms): a dump's replies keep it alive. */
  heardAt: number;
  /** Returns true when the message belonged to this call. */
  accept(name: string, msg: VppStruct): boolean;
  fail(err: Error): void;
}

const CONTEXT_LIMIT = 0xffffffff;
/**
 * The details a dump's debug record carries (with `count` of all, `detailsOmitted` of the rest):
 * at 10 000 ASes one record of every detail was megabytes of JSON, serialised for every debug
 * watcher (the dashboard is one) on every sync, for a list no one reads through.
 */
export const LOGGED_DETAILS = 64;

export class VppClient {
  readonly onClose = new Signal<FramedSocketClose>();
  readonly onUnsolicited = new Signal<VppUnsolicited>();
  readonly stats: VppClientStats = {
    sent: 0,
    received: 0,
    droppedUnknownId: 0,
    droppedUndecodable: 0,
    droppedUnexpected: 0,
  };

  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: VppApiMetrics | undefined;
  private readonly timeoutMs: number;
  private readonly pending = new Map<number, Pending>();
  private readonly codecs = new Map<string, MessageCodec>();
  private nextContext = 1;
  private defs: ApiDefinitions;
  private table: MessageTable = new MessageTable([]);
  private index = 0;
  private generation: LbGeneration | undefined;
  private closing = false;

  private constructor(
    private readonly socket: FramedSocket,
    defs: ApiDefinitions,
    private readonly opts: VppClientOptions,
  ) {
    this.defs = defs;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.metrics = opts.metrics;
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    socket.onMessage.add((payload) => this.onPayload(payload));
    socket.onClose.add((info) => this.onSocketClose(info));
  }

  /** Connects, registers and learns the message table. Rejects if any step fails. */
  static async connect(opts: VppClientOptions): Promise<VppClient> {
    const defs =
      opts.definitions ??
      (await loadDefinitions({ apiDir: opts.apiDir, ...(opts.logger && { logger: opts.logger }) }));
    const socket = await (opts.connect ?? connectUnix)(opts.socketPath);
    const client = new VppClient(socket, defs, opts);
    try {
      await client.handshake();
    } catch (err) {
      socket.destroy();
      throw err;
    }
    return client;
  }

  /** The handle VPP gave us; sent as `client_index` in every request. */
  get clientIndex(): number {
    return this.index;
  }

  get messageTable(): MessageTable {
    return this.table;
  }

  get definitions(): ApiDefinitions {
    return this.defs;
  }

  /** Which lb API this VPP speaks; undefined when the lb plugin is not loaded. */
  get lbGeneration(): LbGeneration | undefined {
    return this.generation;
  }

  get isOpen(): boolean {
    return this.socket.isOpen && !this.closing;
  }

  /** True when VPP has `name` under a CRC we have a definition for. */
  hasMessage(name: string): boolean {
    return this.defs.candidates(name).some((d) => this.table.has(`${name}_${d.crc}`));
  }

  /** Sends `name` and resolves with its reply; rejects with VppApiError on a negative retval. */
  request(name: string, fields: VppFields = {}, opts: CallOptions = {}): Promise<VppStruct> {
    const replyName = this.defs.service(name)?.reply ?? `${name}_reply`;
    return this.call(name, fields, opts, (context, done) => ({
      accept: (n, msg) => {
        if (n !== replyName) return false;
        const retval = retvalOf(msg);
        this.logRecv(replyName, context, msg);
        this.count(replyName, 'recv', retval === undefined || retval >= 0);
        done(retval !== undefined && retval < 0 ? new VppApiError(name, retval) : undefined, msg);
        return true;
      },
      expect: replyName,
    }));
  }

  /** Sends a `_dump` and a control_ping with the same context; resolves with every detail. */
  dump(name: string, fields: VppFields = {}, opts: CallOptions = {}): Promise<VppStruct[]> {
    const detailsName = this.defs.service(name)?.reply ?? name.replace(/_dump$/, '_details');
    const details: VppStruct[] = [];
    return this.call(
      name,
      fields,
      opts,
      (context, done) => ({
        accept: (n, msg) => {
          if (n === detailsName) {
            details.push(msg);
            return true;
          }
          if (n !== 'control_ping_reply') return false;
          if (this.logger.enabled('debug'))
            this.logger.debug('vpp-api-recv-multi', {
              message: detailsName,
              context,
              count: details.length,
              details: details.slice(0, LOGGED_DETAILS).map((d) => toLoggable(d)),
              ...(details.length > LOGGED_DETAILS && { detailsOmitted: details.length - LOGGED_DETAILS }),
            });
          this.count(detailsName, 'recv', true);
          done(undefined, details);
          return true;
        },
        expect: detailsName,
      }),
      true,
    );
  }

  /** Says goodbye (sockclnt_delete) and closes. Never rejects. */
  async close(): Promise<void> {
    if (this.closing) return this.socket.closedPromise();
    if (this.socket.isOpen && this.hasMessage('sockclnt_delete')) {
      try {
        await this.request(
          'sockclnt_delete',
          { index: this.index },
          { timeoutMs: Math.min(this.timeoutMs, 1000) },
        );
      } catch {
        // VPP cleans up on EOF anyway (docs/vpp-lb.md §Liveness, keepalive and disconnect).
      }
    }
    this.closing = true;
    this.socket.end();
    const closed = this.socket.closedPromise();
    const timer = this.clock.setTimeout(() => this.socket.destroy(), 1000);
    await closed;
    timer.cancel();
  }

  /** Drops the connection at once (pending calls fail). */
  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  // -------------------------------------------------------------------------------------------

  private async handshake(): Promise<void> {
    const reply = await this.request('sockclnt_create', {
      name: this.opts.clientName ?? DEFAULT_CLIENT_NAME,
    });
    const response = retvalOf(reply) ?? 0;
    if (response < 0) throw new VppApiError('sockclnt_create', response);
    const index = reply['index'];
    if (typeof index !== 'number')
      throw new VppDecodeError('sockclnt_create_reply: no index', 'sockclnt_create_reply');
    this.index = index;
    this.table = MessageTable.fromCreateReply(reply);
    this.codecs.clear();
    if ((this.opts.useVppApiJson ?? true) && this.hasMessage('get_api_json')) await this.loadVppDefinitions();
    this.generation = detectLbGeneration(this.table);
  }

  private async loadVppDefinitions(): Promise<void> {
    try {
      const reply = await this.request('get_api_json');
      const files = parseApiJsonList(
        getString(reply, 'json', 'get_api_json_reply'),
        'vpp:get_api_json',
        this.logger,
      );
      if (files.length === 0) return;
      this.defs = this.defs.withFirst(files);
      this.codecs.clear();
    } catch (err) {
      if (!(err instanceof VppError)) throw err;
      this.logger.warn('vpp-api-json-unavailable', { error: err.message });
    }
  }

  /** The codec for a message we send: the definition whose CRC VPP lists. */
  private codecFor(name: string): { codec: MessageCodec; id: number } {
    const cached = this.codecs.get(name);
    if (cached) {
      const id = name === 'sockclnt_create' ? SOCKCLNT_CREATE_ID : this.table.id(cached.nameCrc);
      if (id !== undefined) return { codec: cached, id };
    }
    const candidates = this.defs.candidates(name);
    if (candidates.length === 0) throw new VppUnsupportedError(name, 'no definition for this message');
    if (name === 'sockclnt_create') {
      // Sent before we have a table: id 15, with the definition VPP has had for years.
      const def = candidates.find((c) => c.crc === '455fb9c4') ?? candidates[0];
      if (!def) throw new VppUnsupportedError(name, 'no definition for this message');
      const codec = compileMessage(def, this.defs);
      this.codecs.set(name, codec);
      return { codec, id: SOCKCLNT_CREATE_ID };
    }
    for (const def of candidates) {
      const id = this.table.id(`${name}_${def.crc}`);
      if (id === undefined) continue;
      const codec = compileMessage(def, this.defs);
      this.codecs.set(name, codec);
      return { codec, id };
    }
    const vppCrcs = this.table.crcsOf(name);
    if (vppCrcs.length > 0) throw new VppCrcMismatchError(name, vppCrcs[0] ?? '', candidates[0]?.crc ?? '');
    throw new VppUnsupportedError(name, 'not in VPP’s message table (plugin not loaded, or an older VPP)');
  }

  /** The codec for a message we receive, by the table entry its id names. */
  private codecForEntry(entry: MessageTableEntry): MessageCodec | undefined {
    const def = this.defs.message(entry.name, entry.crc);
    return def ? compileMessage(def, this.defs) : undefined;
  }

  private allocateContext(): number {
    for (;;) {
      const c = this.nextContext;
      this.nextContext = c >= CONTEXT_LIMIT ? 1 : c + 1;
      if (!this.pending.has(c)) return c;
    }
  }

  private count(msg: string, direction: 'send' | 'recv', ok: boolean): void {
    this.metrics?.({ msg, direction, result: ok ? 'success' : 'failure' });
  }

  private logRecv(name: string, context: number, msg: VppStruct): void {
    if (!this.logger.enabled('debug')) return;
    const retval = retvalOf(msg);
    this.logger.debug('vpp-api-recv', {
      message: name,
      context,
      ...(retval !== undefined && { retval }),
      fields: toLoggable(msg),
    });
  }

  /** The one wrapper every call passes through. */
  private call<T>(
    name: string,
    fields: VppFields,
    opts: CallOptions,
    makeHandler: (
      context: number,
      done: (err: Error | undefined, value: T) => void,
    ) => { accept: Pending['accept']; expect: string },
    isDump = false,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.socket.isOpen || (this.closing && name !== 'sockclnt_delete')) {
        this.count(name, 'send', false);
        reject(new VppConnectionError(`${name}: not connected to VPP`));
        return;
      }
      let frames: Buffer[];
      const context = this.allocateContext();
      try {
        const { codec, id } = this.codecFor(name);
        const full: VppFields = {
          ...fields,
          _vl_msg_id: id,
          ...(codec.hasField('client_index') && { client_index: this.index }),
          ...(codec.hasField('context') && { context }),
        };
        frames = [codec.encode(full)];
        if (isDump) {
          const ping = this.codecFor('control_ping');
          frames.push(ping.codec.encode({ _vl_msg_id: ping.id, client_index: this.index, context }));
        }
      } catch (err) {
        this.count(name, 'send', false);
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }

      const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
      const finish = (err: Error | undefined, value?: T): void => {
        const p = this.pending.get(context);
        if (p) {
          p.timer.cancel();
          this.pending.delete(context);
        }
        if (err) reject(err);
        else resolve(value as T);
      };
      const handler = makeHandler(context, (err, value) => finish(err, value));
      // The timeout counts from the last message of the call, not from the request: a dump of
      // 10 000 ASes that keeps arriving is alive, however long a loaded machine takes to read it.
      // And the verdict waits for one turn of the event loop: when a busy process gets the CPU
      // back, timers run before the socket is read, and a reply already waiting there would
      // otherwise lose to a timeout it beat (bench/scale saw keepalive pings fail that way).
      const expire = (socketRead = false): void => {
        const p = this.pending.get(context);
        if (!p) return;
        const quietMs = this.clock.monotonic() - p.heardAt;
        if (quietMs < timeoutMs) {
          p.timer = this.clock.setTimeout(expire, timeoutMs - quietMs);
          return;
        }
        if (!socketRead) {
          setImmediate(() => expire(true));
          return;
        }
        this.count(handler.expect, 'recv', false);
        this.logger.warn('vpp-api-timeout', { message: name, context, timeoutMs });
        finish(new VppTimeoutError(name, timeoutMs));
      };
      this.pending.set(context, {
        request: name,
        timer: this.clock.setTimeout(expire, timeoutMs),
        heardAt: this.clock.monotonic(),
        accept: handler.accept,
        fail: (err) => finish(err),
      });

      if (this.logger.enabled('debug'))
        this.logger.debug(isDump ? 'vpp-api-send-multi' : 'vpp-api-send', {
          message: name,
          context,
          fields: toLoggable(fields),
        });
      for (const frame of frames) {
        this.socket.send(frame);
        this.stats.sent++;
      }
      this.count(name, 'send', true);
      if (isDump) this.count('control_ping', 'send', true);
    });
  }

  private onPayload(payload: Buffer): void {
    this.stats.received++;
    if (payload.length < 2) {
      this.drop('undecodable', { reason: 'shorter than a message id', bytes: payload.length });
      return;
    }
    const id = payload.readUInt16BE(0);
    const entry: MessageTableEntry | undefined =
      this.table.size === 0 && id === SOCKCLNT_CREATE_REPLY_ID
        ? { id, name: 'sockclnt_create_reply', crc: '35166268', nameCrc: 'sockclnt_create_reply_35166268' }
        : this.table.byId(id);
    if (!entry) {
      this.drop('unknownId', { id });
      return;
    }
    let msg: VppStruct;
    try {
      const codec = this.codecForEntry(entry);
      if (!codec) {
        this.drop('undecodable', {
          message: entry.name,
          reason: 'no definition with this CRC',
          crc: entry.crc,
        });
        return;
      }
      msg = codec.decode(payload);
    } catch (err) {
      if (!(err instanceof VppError)) throw err;
      this.drop('undecodable', { message: entry.name, reason: err.message });
      return;
    }
    if (entry.name === 'memclnt_keepalive') {
      this.answerKeepalive(msg);
      return;
    }
    const context = msg['context'];
    const pending = typeof context === 'number' ? this.pending.get(context) : undefined;
    if (pending?.accept(entry.name, msg)) {
      pending.heardAt = this.clock.monotonic();
      return;
    }
    this.stats.droppedUnexpected++;
    this.logger.debug('vpp-api-unsolicited', {
      message: entry.name,
      context: typeof context === 'number' ? context : null,
    });
    this.onUnsolicited.emit({ name: entry.name, msg });
  }

  /** VPP only pings shared-memory clients, but answer anyway (docs/vpp-lb.md §Liveness). */
  private answerKeepalive(msg: VppStruct): void {
    try {
      const { codec, id } = this.codecFor('memclnt_keepalive_reply');
      this.socket.send(codec.encode({ _vl_msg_id: id, context: msg['context'] ?? 0, retval: 0 }));
    } catch {
      // Without the reply in VPP's table there is nothing sensible to send.
    }
  }

  private drop(kind: 'unknownId' | 'undecodable', attrs: Record<string, unknown>): void {
    if (kind === 'unknownId') this.stats.droppedUnknownId++;
    else this.stats.droppedUndecodable++;
    this.logger.debug('vpp-api-drop', { kind, ...attrs });
  }

  private onSocketClose(info: FramedSocketClose): void {
    const err = new VppConnectionError(
      `connection to VPP closed${info.error ? `: ${info.error.message}` : ''}`,
    );
    for (const p of [...this.pending.values()]) p.fail(err);
    this.pending.clear();
    this.onClose.emit(info);
  }
}

/** `retval`, or `response` for the sockclnt replies; undefined for messages with neither. */
function retvalOf(msg: VppStruct): number | undefined {
  const r = msg['retval'] ?? msg['response'];
  return typeof r === 'number' ? r : undefined;
}
