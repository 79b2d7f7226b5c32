// A real server on 127.0.0.1:0 in front of a FakeBackend, a real generated client, and small
// helpers to await unary calls and stream events without sleeping.

import assert from 'node:assert/strict';
import {
  credentials,
  Metadata,
  type CallOptions,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { MaglevClient, startApiServer, type ApiServer, type ApiServerOptions } from '../../src/api/index.js';
import type { LogRecord } from '../../src/log/index.js';
import { FakeBackend } from './fake-backend.js';
import { broadcastOnlyLoggerKeepingLogs } from './logger.js';

/** Generous: tests must pass on a loaded 2-core machine. */
export const WAIT_MS = 20_000;

export interface Fixture {
  fake: FakeBackend;
  /** What the server itself logged (kept apart from the fake's log stream). */
  serverLogs: LogRecord[];
  server: ApiServer;
  client: MaglevClient;
  /** A client on its own HTTP/2 connection (a paused stream must not share a window). */
  newClient(): MaglevClient;
  close(): Promise<void>;
}

export async function startFixture(opts: Partial<ApiServerOptions> = {}): Promise<Fixture> {
  const fake = new FakeBackend();
  const { logger, logs: serverLogs } = broadcastOnlyLoggerKeepingLogs();
  const server = await startApiServer({ backend: fake, address: '127.0.0.1:0', logger, ...opts });
  const clients: MaglevClient[] = [];
  const newClient = () => {
    const c = new MaglevClient(server.target, credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    fake,
    serverLogs,
    server,
    client,
    newClient,
    async close() {
      for (const c of clients) c.close();
      await server.shutdown(2000);
    },
  };
}

type UnaryFn<Req, Res> = (
  req: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (err: ServiceError | null, res: Res) => void,
) => ClientUnaryCall;

/** Calls a unary method of a generated client: `rpc(client.getFrontend.bind(client), {...})`. */
export function rpc<Req, Res>(fn: UnaryFn<Req, Res>, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn(req, new Metadata(), { deadline: Date.now() + WAIT_MS }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

/** Asserts that a call fails with a status code (and optionally a detail matching re). */
export async function expectStatus(p: Promise<unknown>, code: number, re?: RegExp): Promise<ServiceError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `expected status ${code}, call succeeded`);
  const e = caught as ServiceError;
  assert.equal(e.code, code, `expected status ${code}, got ${e.code}: ${e.details}`);
  if (re) assert.match(e.details, re);
  return e;
}

/** Collects stream messages; `next(n)` resolves once n have arrived in total. */
export class StreamReader<T> {
  readonly items: T[] = [];
  error: ServiceError | undefined;
  ended = false;
  private waiters: (() => boolean)[] = [];

  constructor(readonly stream: ClientReadableStream<T>) {
    stream.on('data', (m: T) => {
      this.items.push(m);
      this.wake();
    });
    stream.on('error', (e: ServiceError) => {
      this.error = e;
      this.wake();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Resolves when at least n messages arrived; rejects if the stream ends first. */
  async next(n: number): Promise<T[]> {
    await this.until(() => this.items.length >= n, `${n} messages (have ${this.items.length})`);
    return this.items.slice(0, n);
  }

  /** Resolves with the status error the stream ended with. */
  async status(): Promise<ServiceError> {
    await this.until(() => this.error !== undefined, 'an error status');
    return this.error as ServiceError;
  }

  /** Resolves when the server has sent response headers (the subscription is live). */
  static async started<T>(stream: ClientReadableStream<T>): Promise<StreamReader<T>> {
    const started = new Promise<void>((resolve, reject) => {
      stream.once('metadata', () => resolve());
      stream.once('error', reject);
    });
    const reader = new StreamReader(stream);
    await started;
    return reader;
  }

  /** Resolves once cond() holds (checked on every message); rejects if the stream ends first. */
  until(cond: () => boolean, what: string): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
      const check = () => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
          return true;
        }
        if (this.error || this.ended) {
          clearTimeout(timer);
          reject(new Error(`stream ended (${this.error?.details ?? 'ok'}) before ${what}`));
          return true;
        }
        return false;
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    this.waiters = this.waiters.filter((check) => !check());
  }
}
