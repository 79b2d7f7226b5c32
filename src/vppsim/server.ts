// vppsim's API socket: a unix stream socket that speaks VPP's binary API the way VPP does —
// sockclnt_create with a realistic message table, client_index checked on every request (a wrong
// one gets no reply, as in VPP), control_ping with vpe_pid, show_version, get_api_json serving the
// definitions of the chosen lb generation, cli_inband dispatched to pluggable text handlers,
// sockclnt_delete answered with 1 and then the socket closed. Unknown ids and truncated messages are
// dropped silently and counted. Handlers for plugin messages (the lb model) are registered by name:
// a handler returns the reply's fields, an array of details for a dump, or undefined for no reply.
// Handlers are synchronous on purpose: VPP handles one client's messages in order on its main
// thread, which is what makes the dump + control_ping pattern work.

import type { Server, Socket } from 'node:net';
import { closeUnixSocket, listenUnixSocket } from './unix-socket.js';
import { systemRandom, type Random } from '../clock/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import {
  ApiDefinitions,
  FramedSocket,
  VppDecodeError,
  builtinApiFilesFor,
  compileMessage,
  toLoggable,
  vnetErrorCode,
  type LbGeneration,
  type MessageCodec,
  type SourcedApiFile,
  type VppFields,
  type VppStruct,
} from '../vpp/index.js';
import { SimMessageTable, type SimModule } from './message-table.js';

export type SimReply = VppFields | readonly VppFields[] | undefined;

export interface SimHandlerContext {
  /** The request's message name. */
  readonly name: string;
  readonly context: number;
  readonly session: SimSession;
  readonly server: VppSimServer;
}

/** Returns the reply fields (context/retval filled in if left out), details for a dump, or undefined. */
export type SimHandler = (msg: VppStruct, ctx: SimHandlerContext) => SimReply;

/** Returns the CLI output for a command it knows, undefined otherwise. */
export type SimCliHandler = (cmd: string) => string | undefined;

export interface VppSimServerOptions {
  readonly socketPath: string;
  /** Which lb API generation to present (which lb messages appear in the table). Default 1.2. */
  readonly lbGeneration?: LbGeneration;
  /** First id of the lb plugin's messages; default chosen at random per server. */
  readonly lbMsgIdBase?: number;
  /** vpe_pid in control_ping_reply; default random. A restart is simulated by a new server with a new pid. */
  readonly pid?: number;
  readonly version?: string;
  readonly buildDate?: string;
  readonly buildDirectory?: string;
  readonly random?: Random;
  readonly logger?: Logger;
}

export interface VppSimStats {
  connections: number;
  messages: number;
  droppedUnknownId: number;
  droppedTruncated: number;
  droppedBadClientIndex: number;
  droppedWhilePaused: number;
  unhandled: number;
  handlerErrors: number;
}

const VLIB_BASE = 30;
const VPE_BASE = 845;
const IP_BASE = 900;
const LB_BASE_RANGE = [89, 89 + 640] as const;
const UNIMPLEMENTED = vnetErrorCode('UNIMPLEMENTED');
const UNSPECIFIED = vnetErrorCode('UNSPECIFIED');

/** One connected client. */
export class SimSession {
  /** The registration handle (bit 31 set, as VPP does); 0 until sockclnt_create. */
  clientIndex = 0;
  clientName = '';

  constructor(
    readonly id: number,
    readonly framed: FramedSocket,
    private readonly server: VppSimServer,
  ) {}

  get registered(): boolean {
    return this.clientIndex !== 0;
  }

  /** Sends any message in the table (replies, details, events). */
  send(name: string, fields: VppFields): boolean {
    return this.framed.send(this.server.encode(name, fields));
  }

  /** Closes after pending writes. */
  end(): void {
    this.framed.end();
  }
}

export class VppSimServer {
  readonly stats: VppSimStats = {
    connections: 0,
    messages: 0,
    droppedUnknownId: 0,
    droppedTruncated: 0,
    droppedBadClientIndex: 0,
    droppedWhilePaused: 0,
    unhandled: 0,
    handlerErrors: 0,
  };
  readonly lbGeneration: LbGeneration;
  readonly pid: number;
  readonly lbMsgIdBase: number;
  readonly table: SimMessageTable;
  readonly definitions: ApiDefinitions;
  readonly apiFiles: readonly SourcedApiFile[];

  private readonly handlers = new Map<string, SimHandler>();
  private readonly cliHandlers: SimCliHandler[] = [];
  private readonly sessions = new Set<SimSession>();
  private readonly codecs = new Map<string, MessageCodec>();
  private readonly random: Random;
  private readonly logger: Logger;
  private server: Server | undefined;
  private nextSession = 1;
  private nextRegistration = 1;
  private paused = false;

  constructor(private readonly opts: VppSimServerOptions) {
    this.random = opts.random ?? systemRandom;
    this.logger = opts.logger ?? silentLogger;
    this.lbGeneration = opts.lbGeneration ?? '1.2';
    this.pid = opts.pid ?? 1000 + Math.floor(this.random() * 60000);
    this.lbMsgIdBase =
      opts.lbMsgIdBase ??
      LB_BASE_RANGE[0] + Math.floor(this.random() * (LB_BASE_RANGE[1] - LB_BASE_RANGE[0]));
    this.apiFiles = builtinApiFilesFor(this.lbGeneration).map((b) => ({
      source: `vppsim:${b.path}`,
      file: b.file,
    }));
    this.definitions = new ApiDefinitions(this.apiFiles);
    const byModule = (suffix: string): SourcedApiFile => {
      const f = this.apiFiles.find((a) => a.source.endsWith(suffix));
      if (!f) throw new Error(`vppsim: no ${suffix}`);
      return f;
    };
    const modules: SimModule[] = [
      { module: 'memclnt', file: byModule('/memclnt.api.json') },
      { module: 'vlib', file: byModule('/vlib.api.json'), base: VLIB_BASE },
      { module: 'lb', file: byModule('/lb.api.json'), base: this.lbMsgIdBase },
      { module: 'vpe', file: byModule('/vpe.api.json'), base: VPE_BASE },
      { module: 'ip', file: byModule('/ip.api.json'), base: IP_BASE },
    ];
    this.table = new SimMessageTable(modules);
    this.installBuiltins();
  }

  get socketPath(): string {
    return this.opts.socketPath;
  }

  /** Connected sessions (registered or not). */
  get clients(): readonly SimSession[] {
    return [...this.sessions];
  }

  /** Handles `name` (replacing any earlier or built-in handler). Returns an unregister function. */
  registerHandler(name: string, handler: SimHandler): () => void {
    if (!this.table.entryByName(name)) throw new Error(`vppsim: ${name} is not in this VPP's message table`);
    this.handlers.set(name, handler);
    return () => {
      if (this.handlers.get(name) === handler) this.handlers.delete(name);
    };
  }

  /** Adds a CLI handler; the first one that returns text answers the command. */
  registerCli(handler: SimCliHandler): () => void {
    this.cliHandlers.push(handler);
    return () => {
      const i = this.cliHandlers.indexOf(handler);
      if (i >= 0) this.cliHandlers.splice(i, 1);
    };
  }

  /** Runs a CLI command as cli_inband would. */
  runCli(cmd: string): string {
    const trimmed = cmd.trim();
    for (const h of this.cliHandlers) {
      const out = h(trimmed);
      if (out !== undefined) return out;
    }
    return `unknown input \`${trimmed}'\n`;
  }

  /** While paused the simulator reads and drops everything: a hung VPP. */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  async start(): Promise<void> {
    this.server = await listenUnixSocket(this.opts.socketPath, (socket) => this.accept(socket));
    this.logger.info('vppsim-listen', {
      socket: this.opts.socketPath,
      pid: this.pid,
      lbGeneration: this.lbGeneration,
    });
  }

  /** Disconnects every client at once (the VPP process died), but keeps listening. */
  dropClients(): void {
    for (const s of this.sessions) s.framed.destroy();
  }

  /** Stops listening, disconnects everyone, removes the socket file. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = [...this.sessions].map((s) => s.framed.closedPromise());
    this.dropClients();
    await Promise.all([closeUnixSocket(server, this.opts.socketPath), ...closed]);
  }

  /** Encodes a message of this VPP's table, id included. */
  encode(name: string, fields: VppFields): Buffer {
    const entry = this.table.entryByName(name);
    if (!entry) throw new Error(`vppsim: ${name} is not in the message table`);
    return this.codec(name).encode({ ...fields, _vl_msg_id: entry.id });
  }

  // -------------------------------------------------------------------------------------------

  private codec(name: string): MessageCodec {
    let c = this.codecs.get(name);
    if (!c) {
      const entry = this.table.entryByName(name);
      const def = entry && this.definitions.message(name, entry.crc);
      if (!def) throw new Error(`vppsim: no definition for ${name}`);
      c = compileMessage(def, this.definitions);
      this.codecs.set(name, c);
    }
    return c;
  }

  private accept(socket: Socket): void {
    const session = new SimSession(this.nextSession++, new FramedSocket(socket), this);
    this.sessions.add(session);
    this.stats.connections++;
    session.framed.onMessage.add((payload) => this.onPayload(session, payload));
    session.framed.onClose.add(() => this.sessions.delete(session));
  }

  private onPayload(session: SimSession, payload: Buffer): void {
    this.stats.messages++;
    if (this.paused) {
      this.stats.droppedWhilePaused++;
      return;
    }
    if (payload.length < 2) {
      this.stats.droppedTruncated++;
      return;
    }
    const entry = this.table.entryById(payload.readUInt16BE(0));
    if (!entry) {
      this.stats.droppedUnknownId++;
      this.logger.debug('vppsim-drop', { reason: 'unknown id', id: payload.readUInt16BE(0) });
      return;
    }
    let msg: VppStruct;
    try {
      const codec = this.codec(entry.name);
      // VPP drops anything shorter than the message's size ("Truncated message ... dropped").
      if (payload.length < codec.minSize) throw new VppDecodeError(`${entry.name}: truncated`, entry.name);
      msg = codec.decode(payload);
    } catch (err) {
      if (!(err instanceof VppDecodeError)) throw err;
      this.stats.droppedTruncated++;
      this.logger.debug('vppsim-drop', { reason: 'truncated', message: entry.name, bytes: payload.length });
      return;
    }
    const clientIndex = msg['client_index'];
    if (
      entry.name !== 'sockclnt_create' &&
      (!session.registered || (clientIndex !== undefined && clientIndex !== session.clientIndex))
    ) {
      // VPP finds the reply queue through client_index: a wrong one means no reply at all.
      this.stats.droppedBadClientIndex++;
      this.logger.debug('vppsim-drop', {
        reason: 'bad client_index',
        message: entry.name,
        clientIndex: clientIndex ?? null,
      });
      return;
    }
    this.dispatch(session, entry.name, msg);
  }

  private dispatch(session: SimSession, name: string, msg: VppStruct): void {
    const context = typeof msg['context'] === 'number' ? msg['context'] : 0;
    const service = this.definitions.service(name);
    const handler = this.handlers.get(name);
    if (this.logger.enabled('debug'))
      this.logger.debug('vppsim-recv', { message: name, context, fields: toLoggable(msg) });
    let reply: SimReply;
    if (!handler) {
      this.stats.unhandled++;
      reply = service && !service.stream ? { retval: UNIMPLEMENTED } : service?.stream ? [] : undefined;
    } else {
      try {
        reply = handler(msg, { name, context, session, server: this });
      } catch (err) {
        this.stats.handlerErrors++;
        this.logger.error('vppsim-handler-error', { message: name, error: (err as Error).message });
        reply = service && !service.stream ? { retval: UNSPECIFIED } : service?.stream ? [] : undefined;
      }
    }
    if (reply === undefined || !service) return;
    const list: readonly VppFields[] = Array.isArray(reply) ? reply : [reply as VppFields];
    for (const fields of list) {
      const codec = this.codec(service.reply);
      session.send(service.reply, {
        ...(codec.hasField('retval') && { retval: 0 }),
        ...fields,
        ...(codec.hasField('context') && { context }),
      });
    }
  }

  private installBuiltins(): void {
    this.handlers.set('sockclnt_create', (msg, { session }) => {
      session.clientIndex = (0x80000000 | this.nextRegistration++) >>> 0;
      session.clientName = typeof msg['name'] === 'string' ? msg['name'] : '';
      const table = this.table.shuffled(this.random).map((e) => ({ index: e.id, name: e.nameCrc }));
      this.logger.debug('vppsim-client', { name: session.clientName, clientIndex: session.clientIndex });
      return { response: 0, index: session.clientIndex, count: table.length, message_table: table };
    });
    this.handlers.set('sockclnt_delete', (msg, { session }) => {
      if (msg['index'] !== session.clientIndex) return { response: -1 };
      // Reply first, then hang up: VPP frees the registration and closes the socket.
      setImmediate(() => session.end());
      return { response: 1 };
    });
    this.handlers.set('control_ping', (_msg, { session }) => ({
      client_index: session.clientIndex,
      vpe_pid: this.pid,
    }));
    // VPP posts keepalive replies to its shared-memory queue, never to a socket client.
    this.handlers.set('memclnt_keepalive', () => undefined);
    this.handlers.set('show_version', () => ({
      program: 'vpe',
      version: this.version,
      build_date: this.opts.buildDate ?? 'Thu Jan  1 00:00:00 UTC 2026',
      build_directory: this.opts.buildDirectory ?? '/vppsim',
    }));
    this.handlers.set('get_api_json', () => ({ json: JSON.stringify(this.apiFiles.map((f) => f.file)) }));
    this.handlers.set('get_first_msg_id', (msg) => {
      const name = typeof msg['name'] === 'string' ? msg['name'] : '';
      const module = name.replace(/_[0-9a-f]{8}$/, '');
      const file = this.apiFiles.find((f) => f.source.endsWith(`/${module}.api.json`));
      const base = this.table.moduleBase.get(module);
      const crc = file?.file.vl_api_version?.replace(/^0x/, '');
      if (base === undefined || (crc !== undefined && name !== `${module}_${crc}`)) return { retval: -1 };
      return { first_msg_id: base };
    });
    this.handlers.set('cli_inband', (msg) => ({
      reply: this.runCli(typeof msg['cmd'] === 'string' ? msg['cmd'] : ''),
    }));
    this.registerCli((cmd) =>
      /^sh(ow?)?\s+ver(s(i(on?)?)?)?$/.test(cmd)
        ? `vpp v${this.version} built by vppsim on localhost at ${this.opts.buildDate ?? '2026-01-01T00:00:00'}\n`
        : undefined,
    );
  }

  private get version(): string {
    return this.opts.version ?? `26.10-rc0~vppsim-lb${this.lbGeneration}`;
  }
}
