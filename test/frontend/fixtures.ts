// The dashboard server under test: a real gRPC maglevd stand-in (the API tests' FakeBackend
// behind the real API server) on 127.0.0.1:0, the real dashboard on 127.0.0.1:0 with a FakeClock,
// and readers for its SSE stream and broker that wait for events instead of sleeping.

import { startApiServer, type ApiServer } from '../../src/api/index.js';
import { FakeClock } from '../../src/clock/index.js';
import {
  startFrontend,
  type FrontendOptions,
  type RunningFrontend,
  type SseEvent,
} from '../../src/frontend/index.js';
import type { LogRecord } from '../../src/log/index.js';
import { FakeBackend } from '../helpers/fake-backend.js';
import { broadcastOnlyLoggerKeepingLogs } from '../helpers/logger.js';

/** Generous: a loaded 2-core machine. Only a failure guard, never a timed assertion. */
export const WAIT_MS = 20_000;

export interface FakeMaglevd {
  fake: FakeBackend;
  server: ApiServer;
  target: string;
  close(): Promise<void>;
}

export async function startFakeMaglevd(address = '127.0.0.1:0'): Promise<FakeMaglevd> {
  const fake = new FakeBackend();
  const server = await startApiServer({ backend: fake, address, logger: fake.logger });
  return { fake, server, target: server.target, close: () => server.shutdown(1000) };
}

export interface Dashboard {
  fe: RunningFrontend;
  clock: FakeClock;
  base: string;
  logs: LogRecord[];
  close(): Promise<void>;
}

export async function startDashboard(
  opts: Partial<FrontendOptions> & { servers: string[] },
): Promise<Dashboard> {
  const clock = new FakeClock(Date.UTC(2026, 3, 15, 12, 0, 0));
  const { logger, logs } = broadcastOnlyLoggerKeepingLogs();
  const fe = await startFrontend({ listen: '127.0.0.1:0', logger, clock, random: () => 0.5, ...opts });
  return { fe, clock, base: `http://127.0.0.1:${fe.port}`, logs, close: () => fe.close() };
}

/** Resolves with the first broker event (from now on) that matches. */
export function nextBrokerEvent(
  fe: RunningFrontend,
  pred: (e: SseEvent, data: Record<string, unknown>) => boolean,
  what = 'broker event',
): Promise<{ event: SseEvent; data: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}`));
    }, WAIT_MS);
    const { unsubscribe } = fe.broker.subscribe((event) => {
      const data = JSON.parse(event.data) as Record<string, unknown>;
      if (!pred(event, data)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve({ event, data });
    }, undefined);
  });
}

/** Polls a condition on every broker event (and once now); for state that events change. */
export function until(fe: RunningFrontend, cond: () => boolean, what: string): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}`));
    }, WAIT_MS);
    const { unsubscribe } = fe.broker.subscribe(() => {
      if (!cond()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }, undefined);
  });
}

export interface ParsedSse {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/** Reads an SSE response block by block. */
export class SseReader {
  readonly blocks: ParsedSse[] = [];
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private waiters: (() => void)[] = [];
  ended = false;

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.reader = response.body!.getReader();
    void this.pump();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    return new SseReader(response, abort);
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) break;
        this.buffer += this.decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, cut);
          this.buffer = this.buffer.slice(cut + 2);
          const parsed: ParsedSse = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) parsed.comment = line.slice(1).trim();
            else {
              const colon = line.indexOf(':');
              const key = line.slice(0, colon) as keyof ParsedSse;
              parsed[key] = line.slice(colon + 1).replace(/^ /, '');
            }
          }
          this.blocks.push(parsed);
        }
        this.wake();
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first block (already read or future) at index >= from that matches. */
  async find(pred: (b: ParsedSse) => boolean, what: string, from = 0): Promise<ParsedSse> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const hit = this.blocks.slice(from).find(pred);
      if (hit) return hit;
      if (this.ended) throw new Error(`stream ended before ${what}; got ${JSON.stringify(this.blocks)}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.blocks)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server ends the stream. */
  async closed(): Promise<void> {
    await this.find(() => false, 'end').catch((err: Error) => {
      if (!this.ended) throw err;
    });
  }

  close(): void {
    this.abort.abort();
  }
}

export const basic = (user: string, password: string): string =>
  'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
