// One session on BIRD's control socket (the thin shell around bird-reply.ts): connect, read the
// welcome, send commands one at a time, collect each reply, hang up. Every step is bounded by
// one deadline on the injected clock, so a BIRD that accepts and never answers cannot hold up
// the announcer, let alone health checking or VPP programming.

import net from 'node:net';
import type { Clock } from '../clock/index.js';
import { BIRD_WELCOME, BirdReplyReader, type BirdReply } from './bird-reply.js';

/** Why no answer came: BIRD is not there, or said something we cannot read. */
export class BirdUnreachableError extends Error {
  constructor(
    readonly socketPath: string,
    readonly detail: string,
  ) {
    super(`BIRD at ${socketPath}: ${detail}`);
    this.name = 'BirdUnreachableError';
  }
}

export interface BirdSessionOptions {
  readonly socketPath: string;
  readonly clock: Clock;
  /** For the whole session: connect, welcome and every reply. */
  readonly timeoutMs: number;
}

/** Sends `commands` in order over one connection and resolves with one reply per command. */
export function birdCommands(opts: BirdSessionOptions, commands: readonly string[]): Promise<BirdReply[]> {
  const { socketPath, clock, timeoutMs } = opts;
  return new Promise((resolve, reject) => {
    const reader = new BirdReplyReader();
    const replies: BirdReply[] = [];
    let welcomed = false;
    let settled = false;
    const socket = net.createConnection({ path: socketPath });
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      socket.destroy();
      if (error) reject(error);
      else resolve(replies);
    };
    const fail = (detail: string): void => finish(new BirdUnreachableError(socketPath, detail));
    const timer = clock.setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    const sendNext = (): void => {
      const next = commands[replies.length];
      if (next === undefined) finish(undefined);
      else socket.write(`${next}\n`);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      let done: BirdReply[];
      try {
        done = reader.push(chunk);
      } catch (err) {
        fail(err instanceof Error ? err.message : String(err));
        return;
      }
      for (const reply of done) {
        if (settled) return;
        if (!welcomed) {
          if (reply.code !== BIRD_WELCOME) {
            fail(`expected the welcome (0001), got ${String(reply.code).padStart(4, '0')}`);
            return;
          }
          welcomed = true;
        } else {
          replies.push(reply);
        }
        sendNext();
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.on('close', () => fail('closed the connection before answering'));
  });
}
