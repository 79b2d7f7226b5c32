// A stand-in for BIRD's control socket, for the replies a real BIRD will not give on demand
// (refusals, silence, a hang-up, garbage). It speaks the same line protocol on a real unix
// socket: the welcome, then one scripted reply per command. Each command is recorded with the
// include file's text at that moment, so a test sees what BIRD would have read.

import { readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { Arrivals } from './arrivals.js';

/** A reply's wire text, or a misbehaviour: `hang` never answers, `close` hangs up. */
export type FakeBirdAnswer = string | { readonly act: 'hang' | 'close' };

export const HANG: FakeBirdAnswer = { act: 'hang' };
export const HANG_UP: FakeBirdAnswer = { act: 'close' };

export const RECONFIGURED = '0002-Reading configuration from /etc/bird/bird.conf\n0003 Reconfigured\n';
export const STATUS = '1000-BIRD 2.0.12\n1011-Router ID is 192.0.2.1\n0013 Daemon is up and running\n';

export interface FakeBirdCommand {
  readonly command: string;
  /** The include file as it was when the command arrived (undefined: missing). */
  readonly include: string | undefined;
}

export class FakeBird {
  readonly commands = new Arrivals<FakeBirdCommand>();
  /** Answers to use, in order; when empty, `fallback` answers. */
  readonly script: FakeBirdAnswer[] = [];
  fallback: (command: string) => FakeBirdAnswer = (command) =>
    command === 'configure' ? RECONFIGURED : command === 'show status' ? STATUS : '9001 syntax error\n';
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly socketPath: string,
    private readonly includeFile: string,
  ) {}

  static async start(socketPath: string, includeFile: string): Promise<FakeBird> {
    await rm(socketPath, { force: true });
    const server = net.createServer();
    const bird = new FakeBird(server, socketPath, includeFile);
    server.on('connection', (socket) => bird.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    return bird;
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    socket.write('0001 BIRD 2.0.12 ready.\n');
    let buffered = '';
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const command = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        void this.answer(socket, command);
      }
    });
  }

  private async answer(socket: net.Socket, command: string): Promise<void> {
    const include = await readFile(this.includeFile, 'utf8').catch(() => undefined);
    const answer = this.script.shift() ?? this.fallback(command);
    this.commands.push({ command, include });
    if (typeof answer === 'string') socket.write(answer);
    else if (answer.act === 'close') socket.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
