// The typed client against real servers on loopback: every RPC of maglev.Maglev through its
// promise method, failures as RpcErrors with stable codes, the deadline (the client's default,
// its option, and one call's own), and the WatchEvents stream.

import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { DEFAULT_DEADLINE_MS, MaglevApiClient, MaglevService, type Event } from '../../src/api/index.js';
import { RpcError, type ErrorCode } from '../../src/errors.js';
import { startFixture, type Fixture } from '../helpers/api-server.js';

/** Resolves with the RpcError p rejects with. */
async function failure(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RpcError, `not an RpcError: ${String(err)}`);
    return err;
  }
  assert.fail('the call succeeded');
}

async function expectCode(p: Promise<unknown>, code: ErrorCode, message?: string | RegExp): Promise<void> {
  const e = await failure(p);
  assert.equal(e.code, code, e.message);
  if (typeof message === 'string') assert.equal(e.message, message);
  else if (message) assert.match(e.message, message);
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const address = s.address();
  assert.ok(address && typeof address === 'object');
  s.close();
  await once(s, 'close');
  return address.port;
}

/** A maglev.Maglev server that takes every call and never answers; it records what was called. */
async function startSilentServer(): Promise<{
  target: string;
  called: Set<string>;
  /** Emits each method's name as its call arrives. */
  arrivals: EventEmitter;
  stop(): void;
}> {
  const called = new Set<string>();
  const arrivals = new EventEmitter();
  const handlers: UntypedServiceImplementation = {};
  for (const method of Object.keys(MaglevService)) {
    handlers[method] = (call: ServerUnaryCall<unknown, unknown>) => {
      // The deadline the client sent (Infinity for none): proof that it sent one.
      called.add(`${method}:${call.getDeadline() === Infinity ? 'none' : 'deadline'}`);
      arrivals.emit(method);
    };
  }
  const server = new Server();
  server.addService(MaglevService, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { target: `127.0.0.1:${port}`, called, arrivals, stop: () => server.forceShutdown() };
}

void describe('MaglevApiClient against maglevd', () => {
  let fx: Fixture;
  let client: MaglevApiClient;
  before(async () => {
    fx = await startFixture();
    client = new MaglevApiClient(fx.server.target);
  });
  after(async () => {
    client.close();
    await fx.close();
  });

  void test('reads: lists, names and single items', async () => {
    assert.deepEqual(await client.frontendNames(), ['web-v4', 'web-v6']);
    assert.deepEqual(
      (await client.listFrontends()).map((f) => f.name),
      ['web-v4', 'web-v6'],
    );
    assert.equal((await client.getFrontend('web-v6')).name, 'web-v6');
    assert.deepEqual(await client.backendNames(), ['nginx0-ams', 'nginx0-fra', 'nginx0-zrh', 'nginx6']);
    assert.equal((await client.listBackends()).length, 4);
    assert.equal((await client.getBackend('nginx6')).address, '2001:db8::10');
    assert.deepEqual(await client.healthCheckNames(), ['http']);
    assert.equal((await client.listHealthChecks())[0]?.name, 'http');
    assert.equal((await client.getHealthCheck('http')).type, 'http');
    await client.ping();
    assert.equal((await client.checkConfig()).ok, true);
  });

  void test('writes: the four backend actions, the weight, a reload', async () => {
    assert.equal((await client.pauseBackend('nginx6')).state, 'paused');
    assert.equal((await client.resumeBackend('nginx6')).state, 'unknown');
    assert.equal((await client.disableBackend('nginx6')).enabled, false);
    assert.equal((await client.backendAction('enable', 'nginx6')).enabled, true);
    const f = await client.setWeight({
      frontend: 'web-v4',
      pool: 'primary',
      backend: 'nginx0-ams',
      weight: 40,
      flush: true,
    });
    assert.equal(f.name, 'web-v4');
    assert.ok(fx.fake.calls.includes('weight web-v4/primary/nginx0-ams=40 flush'));
    await client.reloadConfig();
    assert.ok(fx.fake.calls.includes('reload'));
  });

  void test("maglevd's refusals come back with their codes and its own message", async () => {
    await expectCode(client.getBackend('ghost'), 'not-found', 'backend "ghost" not found');
    await expectCode(client.backendAction('pause', 'ghost'), 'not-found');
    await expectCode(client.getFrontend(''), 'invalid-argument', 'frontend name is required');
    await expectCode(
      client.setWeight({
        frontend: 'web-v4',
        pool: 'primary',
        backend: 'nginx0-ams',
        weight: 101,
        flush: false,
      }),
      'invalid-argument',
    );
    // No VPP behind the fake: every VPP call is `unavailable` (maglevd answered; VPP is missing).
    const vppCalls = [
      client.vppInfo(),
      client.vppLbState(),
      client.syncVppLbState(),
      client.syncVppLbState('web-v4'),
      client.vppLbCounters(),
    ];
    await Promise.all(
      vppCalls.map((call) => expectCode(call, 'unavailable', 'VPP integration is not connected')),
    );
  });

  void test('WatchEvents: subscribed, events, and done once cancelled', async () => {
    const stream = client.watchEvents({
      log: false,
      logLevel: '',
      backend: true,
      frontend: false,
      backendNames: [],
      frontendNames: [],
      probeSummaryMs: 0,
      announcement: false,
    });
    const events: Event[] = [];
    const first = new Promise<void>((resolve) =>
      stream.on('data', (e) => {
        events.push(e);
        resolve();
      }),
    );
    await new Promise<void>((resolve) => stream.on('metadata', resolve));
    await client.pauseBackend('nginx0-zrh');
    await first;
    assert.equal(events[0]?.event?.$case, 'backend');
    stream.cancel();
    await stream.done;
    await client.resumeBackend('nginx0-zrh');
  });
});

void describe('MaglevApiClient without an answer', () => {
  void test('no maglevd: `unreachable`, for calls and for the event stream', async () => {
    const port = await closedPort();
    const client = new MaglevApiClient(`127.0.0.1:${port}`);
    try {
      const message = `cannot reach maglevd at 127.0.0.1:${port}: connection refused`;
      await expectCode(client.listFrontends(), 'unreachable', message);
      const stream = client.watchEvents();
      const viaListener = new Promise<RpcError>((resolve) => stream.on('error', resolve));
      await expectCode(stream.done, 'unreachable', message);
      assert.equal((await viaListener).code, 'unreachable');
    } finally {
      client.close();
    }
  });

  void test('a hung maglevd: every unary call carries the deadline and fails with `deadline`', async () => {
    const silent = await startSilentServer();
    const client = new MaglevApiClient(silent.target, { deadlineMs: 300 });
    try {
      assert.equal(client.deadlineMs, 300);
      const message = `cannot reach maglevd at ${silent.target}: no answer within 300ms`;
      const calls: Promise<unknown>[] = [
        client.listFrontends(),
        client.getFrontend('a'),
        client.listBackends(),
        client.getBackend('a'),
        client.pauseBackend('a'),
        client.resumeBackend('a'),
        client.enableBackend('a'),
        client.disableBackend('a'),
        client.listHealthChecks(),
        client.getHealthCheck('a'),
        client.setWeight({ frontend: 'a', pool: 'p', backend: 'b', weight: 1, flush: false }),
        client.checkConfig(),
        client.reloadConfig(),
        client.vppInfo(),
        client.vppLbState(),
        client.syncVppLbState(),
        client.vppLbCounters(),
        client.announcements(),
        client.previewChange({ $case: 'pauseBackend', value: { name: 'a' } }),
      ];
      await Promise.all(calls.map((call) => expectCode(call, 'deadline', message)));
      const arrived = once(silent.arrivals, 'watchEvents');
      const stream = client.watchEvents();
      await arrived;
      stream.cancel();
      await stream.done;
      // Every RPC of the service was called: the unary ones with a deadline, the stream without.
      const expected = Object.keys(MaglevService).map(
        (m) => `${m}:${m === 'watchEvents' ? 'none' : 'deadline'}`,
      );
      assert.deepEqual([...silent.called].sort(), expected.sort());
    } finally {
      client.close();
      silent.stop();
    }
  });

  void test("one call's own deadline overrides the client's", async () => {
    const silent = await startSilentServer();
    const client = new MaglevApiClient(silent.target);
    try {
      assert.equal(client.deadlineMs, DEFAULT_DEADLINE_MS);
      await expectCode(
        client.ping(200),
        'deadline',
        `cannot reach maglevd at ${silent.target}: no answer within 200ms`,
      );
    } finally {
      client.close();
      silent.stop();
    }
  });
});
