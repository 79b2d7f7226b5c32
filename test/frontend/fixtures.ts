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

export { SseReader, type ParsedSse } from '../helpers/sse-reader.js';

export const basic = (user: string, password: string): string =>
  'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
