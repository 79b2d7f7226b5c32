// Fuzzing the VPP client (issue #14): a relay between VppConnection and vppsim injects hostile
// bytes into the stream toward the client — random payloads, unknown message ids, truncated
// messages, a pending call's reply with a mangled body (mistyped), replies to nothing, a frame
// announcing more than MAX_FRAME_PAYLOAD (oversized), a frame cut short as VPP hangs up.
// What must hold, for every sequence (seeded; fast-check prints the seed and the smallest one):
//   - nothing crashes and no promise rejection goes unhandled (process-wide traps);
//   - a message the client cannot use is dropped as VPP drops it, and the stream stays usable:
//     a sentinel sent after the injections arrives, and a real call still works;
//   - a stream that cannot be trusted any more (oversized, cut) is dropped, and the connection
//     is re-established on the 5 s retry, after which a real call works;
//   - the call left waiting during the injections ends: a reply, a VppError, never a hang.

import assert from 'node:assert/strict';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { FakeClock } from '../../src/clock/index.js';
import {
  FrameDecoder,
  FRAME_HEADER_SIZE,
  MAX_FRAME_PAYLOAD,
  VppConnection,
  VppError,
  encodeFrame,
  getNumber,
} from '../../src/vpp/index.js';
import { VppSimServer } from '../../src/vppsim/index.js';
import { RecordingLogger } from '../helpers/logger.js';
import { TempDir } from '../helpers/temp-dir.js';

const SEED = 1414;
const RECONNECT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 1_000;

/**
 * Listens on `path`; each client connection gets its own connection to `upstream`. Frames from
 * upstream are passed on whole, so what the test injects lands between two messages.
 */
class Relay {
  private server: net.Server | undefined;
  private current: net.Socket | undefined;
  /** The context of the last request the client sent (offset 6: id u16, client_index u32). */
  lastContext = 0;
  private contextWaiters: ((context: number) => void)[] = [];

  constructor(
    private readonly path: string,
    private readonly upstream: string,
  ) {}

  async start(): Promise<void> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server?.listen(this.path, resolve));
  }

  private accept(client: net.Socket): void {
    const vpp = net.createConnection(this.upstream);
    this.current = client;
    const fromVpp = new FrameDecoder();
    const fromClient = new FrameDecoder();
    vpp.on('data', (chunk: Buffer) => {
      for (const payload of fromVpp.push(chunk)) if (!client.destroyed) client.write(encodeFrame(payload));
    });
    client.on('data', (chunk: Buffer) => {
      for (const payload of fromClient.push(chunk)) {
        if (payload.length >= 10) {
          this.lastContext = payload.readUInt32BE(6);
          for (const w of this.contextWaiters.splice(0)) w(this.lastContext);
        }
        vpp.write(encodeFrame(payload));
      }
    });
    const closeBoth = () => {
      client.destroy();
      vpp.destroy();
    };
    client.on('close', closeBoth);
    vpp.on('close', closeBoth);
    client.on('error', closeBoth);
    vpp.on('error', closeBoth);
  }

  /** Resolves with the context of the next request the client sends. */
  nextRequest(): Promise<number> {
    return new Promise((resolve) => this.contextWaiters.push(resolve));
  }

  /** Raw bytes to the client, after every whole frame relayed so far. */
  inject(bytes: Buffer): void {
    if (this.current && !this.current.destroyed) this.current.write(bytes);
  }

  /** Raw bytes, then the client's side is closed (VPP died in the middle of a write). */
  injectAndHangUp(bytes: Buffer): void {
    this.current?.end(bytes);
  }

  async close(): Promise<void> {
    this.current?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

type Injection =
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'unknownId'; id: number; bytes: Uint8Array }
  | { kind: 'truncated'; name: string; cut: number }
  | { kind: 'mistyped'; name: string; bytes: Uint8Array }
  | { kind: 'toNothing'; name: string; context: number }
  | { kind: 'oversized'; length: number }
  | { kind: 'cutAndHangUp'; cut: number };

/** Replies the client knows; each decodes to something different. */
const REPLIES = ['control_ping_reply', 'show_version_reply', 'cli_inband_reply', 'lb_conf_reply'];

const injection: fc.Arbitrary<Injection> = fc.oneof(
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 80 }) }),
  fc.record({
    kind: fc.constant('unknownId' as const),
    id: fc.integer({ min: 0x7000, max: 0xffff }),
    bytes: fc.uint8Array({ maxLength: 40 }),
  }),
  fc.record({ kind: fc.constant('truncated' as const), name: fc.constantFrom(...REPLIES), cut: fc.nat() }),
  fc.record({
    kind: fc.constant('mistyped' as const),
    name: fc.constantFrom(...REPLIES),
    bytes: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.record({
    kind: fc.constant('toNothing' as const),
    name: fc.constantFrom(...REPLIES),
    context: fc.integer({ min: 1, max: 0xffffffff }),
  }),
  fc.record({
    kind: fc.constant('oversized' as const),
    length: fc.integer({ min: MAX_FRAME_PAYLOAD + 1, max: 0xffffffff }),
  }),
  fc.record({ kind: fc.constant('cutAndHangUp' as const), cut: fc.nat() }),
);

let dir: TempDir;
let sim: VppSimServer;
let relay: Relay;
const clock = new FakeClock();
const logger = new RecordingLogger();
let conn: VppConnection;
const unhandled: unknown[] = [];
const trap = (err: unknown): void => void unhandled.push(err);

before(async () => {
  process.on('unhandledRejection', trap);
  process.on('uncaughtException', trap);
  dir = await TempDir.create('maglev-vpp-fuzz-');
  sim = new VppSimServer({ socketPath: join(dir.path, 'vpp.sock'), pid: 4242 });
  await sim.start();
  // A call held without a reply, so the injections can answer it (or mangle its answer).
  sim.registerHandler('cli_inband', () => undefined);
  relay = new Relay(join(dir.path, 'relay.sock'), join(dir.path, 'vpp.sock'));
  await relay.start();
  conn = new VppConnection({
    socketPath: join(dir.path, 'relay.sock'),
    clock,
    logger,
    apiDir: null,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    reconnectDelayMs: RECONNECT_MS,
    // No periodic ping: the clock is advanced only to end the held call or to reconnect.
    pingIntervalMs: 1e12,
  });
  const up = conn.onConnect.next();
  conn.start();
  await up;
});

after(async () => {
  await conn.stop();
  await relay.close();
  await sim.close();
  await dir.dispose();
  process.off('unhandledRejection', trap);
  process.off('uncaughtException', trap);
});

/** The bytes of one injection; `context` is the held call's. */
function bytesOf(i: Injection, context: number): Buffer {
  switch (i.kind) {
    case 'random':
      return encodeFrame(i.bytes);
    case 'unknownId': {
      const payload = Buffer.concat([Buffer.alloc(2), i.bytes]);
      payload.writeUInt16BE(i.id, 0);
      return encodeFrame(payload);
    }
    case 'truncated': {
      const whole = sim.encode(i.name, { context });
      return encodeFrame(whole.subarray(0, i.cut % whole.length));
    }
    case 'mistyped': {
      // The held call's context with the id of some reply and a body of random bytes.
      const head = sim.encode(i.name, { context }).subarray(0, 6);
      const ctx = Buffer.alloc(4);
      ctx.writeUInt32BE(context, 0);
      return encodeFrame(Buffer.concat([head.subarray(0, 2), ctx, i.bytes]));
    }
    case 'toNothing':
      return encodeFrame(sim.encode(i.name, { context: i.context === context ? context + 1 : i.context }));
    case 'oversized': {
      const header = Buffer.alloc(FRAME_HEADER_SIZE);
      header.writeUInt32BE(i.length, 8);
      return header;
    }
    case 'cutAndHangUp': {
      const whole = encodeFrame(sim.encode('control_ping_reply', { context }));
      return whole.subarray(0, 1 + (i.cut % (whole.length - 1)));
    }
  }
}

const SENTINEL_PID = 0x5e17;

void test('VppConnection survives hostile replies: dropped, or disconnected and re-established', async () => {
  const outcomes = new Set<string>();
  await fc.assert(
    fc.asyncProperty(fc.array(injection, { minLength: 1, maxLength: 6 }), async (injections) => {
      const client = conn.client;
      assert.ok(client, 'connected at the start of every run');
      const requested = relay.nextRequest();
      const held = client.request('cli_inband', { cmd: 'held' }).then(
        () => 'replied',
        (err: unknown) => err,
      );
      const context = await requested;

      const disconnected = conn.onDisconnect.next();
      let hungUp = false;
      for (const i of injections) {
        if (i.kind === 'cutAndHangUp') {
          relay.injectAndHangUp(bytesOf(i, context));
          hungUp = true;
          break;
        }
        relay.inject(bytesOf(i, context));
      }
      let sentinel: Promise<unknown> = new Promise(() => {});
      if (!hungUp) {
        sentinel = new Promise<void>((resolve) => {
          const off = client.onUnsolicited.add((m) => {
            if (m.name === 'control_ping_reply' && m.msg['vpe_pid'] === SENTINEL_PID) {
              off();
              resolve();
            }
          });
        });
        relay.inject(encodeFrame(sim.encode('control_ping_reply', { context: 0, vpe_pid: SENTINEL_PID })));
      }
      const how = await Promise.race([sentinel.then(() => 'in sync'), disconnected.then(() => 'dropped')]);
      outcomes.add(how);
      // Whole frames the client cannot use are dropped one by one; a frame that cannot be a
      // message (oversized) or a stream that ends inside one leaves nothing to trust.
      const breaksStream = injections.some((i) => i.kind === 'oversized' || i.kind === 'cutAndHangUp');
      assert.equal(how, breaksStream ? 'dropped' : 'in sync');
      if (how === 'in sync') {
        // The held call is still waiting (nothing answered it properly): its timeout ends it.
        await clock.advance(REQUEST_TIMEOUT_MS);
      } else {
        const up = conn.onConnect.next();
        await clock.advance(RECONNECT_MS);
        await up;
      }
      const ended = await held;
      assert.ok(
        ended === 'replied' || ended instanceof VppError,
        `the held call ended with ${String(ended)}`,
      );
      const now = conn.client;
      assert.ok(now, 'connected again');
      assert.equal(getNumber(await now.request('control_ping'), 'retval'), 0);
      assert.deepEqual(unhandled, []);
    }),
    { seed: SEED, numRuns: 80 },
  );
  // Both paths were taken: messages dropped in a live stream, and streams dropped and re-made.
  assert.deepEqual([...outcomes].sort(), ['dropped', 'in sync']);
  assert.deepEqual(unhandled, []);
});
