// One table of tcp and http scenarios, each run through both ways a probe can go: the probe
// engine (native/probe_engine.c, the default for plain tcp and http) and the JavaScript probes on
// Node's sockets (engine: false). Both must give exactly the expected code and detail, so an
// operator reads the same words whichever ran the probe. Servers are raw TCP on loopback, so
// every byte of the response is the scenario's.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type net from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { after, describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import { createProber, sharedProbeEngine, type ProbeFn } from '../../src/probe/index.js';
import {
  Arrivals,
  closedPort,
  healthcheck,
  probeRequest,
  startTcpServer,
  type HealthCheckOverrides,
  type TcpTestServer,
} from '../helpers/index.js';

/** The request has arrived: answer with `response` (in pieces, when an array) and close. */
function answer(response: string | string[], close: 'end' | 'reset' | 'stay' = 'end') {
  return (socket: net.Socket): void => {
    socket.once('data', () => {
      const pieces = typeof response === 'string' ? [response] : [...response];
      // Pieces go out one per event-loop turn: a slow server, as far as the probe can tell.
      const next = (): void => {
        const piece = pieces.shift();
        if (piece !== undefined) {
          socket.write(Buffer.from(piece, 'latin1'));
          setImmediate(next);
        } else if (close === 'end') socket.end();
        else if (close === 'reset') socket.resetAndDestroy();
      };
      next();
    });
  };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const BIG_HEADER = `X-Pad: ${'a'.repeat(17_000)}\r\n`;

interface Scenario {
  name: string;
  /** What the server does with each connection; undefined: nobody listens (refused). */
  serve: ((socket: net.Socket) => void) | undefined;
  hc?: HealthCheckOverrides;
  /** The loopback address to listen on and probe; default 127.0.0.1. */
  host?: string;
  expect: [code: string, detail: string];
  /** Another outcome that is as right, when the timing of the server's packets decides. */
  or?: [code: string, detail: string];
}

const http = (params: HealthCheckOverrides['params'] = {}): HealthCheckOverrides => ({
  type: 'http',
  params,
});
const tcp = (halfOpen: boolean): HealthCheckOverrides => ({ type: 'tcp', params: { halfOpen } });

const scenarios: Scenario[] = [
  { name: '200', serve: answer(OK), expect: ['L7OK', 'status 200'] },
  {
    name: '503 is outside 200-399',
    serve: answer('HTTP/1.1 503 Service Unavailable\r\n\r\n'),
    expect: ['L7STS', 'status 503 not in 200-399'],
  },
  {
    name: 'a single accepted code',
    serve: answer('HTTP/1.1 204 No Content\r\n\r\n'),
    hc: http({ responseCode: { min: 200, max: 200 } }),
    expect: ['L7STS', 'status 204 not in 200'],
  },
  {
    name: 'HTTP/1.0 without a reason phrase',
    serve: answer('HTTP/1.0 204\r\n\r\n'),
    expect: ['L7OK', 'status 204'],
  },
  { name: 'bare LF line ends', serve: answer('HTTP/1.1 200 OK\nX: y\n\n'), expect: ['L7OK', 'status 200'] },
  {
    name: 'a tab before the reason',
    serve: answer('HTTP/1.1 200\tOK\r\n\r\n'),
    expect: ['L7OK', 'status 200'],
  },
  {
    name: '100 Continue, then 200',
    serve: answer(`HTTP/1.1 100 Continue\r\n\r\n${OK}`),
    expect: ['L7OK', 'status 200'],
  },
  {
    name: '102 and 103, then 503, in separate writes',
    serve: answer([
      'HTTP/1.1 102 Processing\r\n\r\n',
      'HTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n',
      'HTTP/1.1 503 No\r\n\r\n',
    ]),
    expect: ['L7STS', 'status 503 not in 200-399'],
  },
  {
    name: '101 is a final status',
    serve: answer('HTTP/1.1 101 Switching Protocols\r\n\r\n'),
    expect: ['L7STS', 'status 101 not in 200-399'],
  },
  {
    name: 'a slow server: the head a few bytes at a time',
    serve: answer(['HT', 'TP/1.1 2', '00 OK\r', '\nContent-Length: 2\r\n', '\r', '\nok']),
    expect: ['L7OK', 'status 200'],
  },
  {
    name: 'not HTTP',
    serve: answer('this is not http\r\n\r\n'),
    expect: ['L7RSP', 'response status line "this is not http" is not HTTP/1.x'],
  },
  {
    name: 'a long bad status line is cut for the detail',
    serve: answer(`HTTP/2 200 ${'x'.repeat(80)}\r\n\r\n`),
    expect: ['L7RSP', `response status line "HTTP/2 200 ${'x'.repeat(29)}..." is not HTTP/1.x`],
  },
  {
    name: 'a CR inside the status line, quotes and bytes outside ASCII',
    serve: answer('HTTP/1.1 200 "O\rK"\\\xe9\r\n\r\n'),
    expect: ['L7RSP', 'response status line "HTTP/1.1 200 \\"O?K\\"\\\\?" is not HTTP/1.x'],
  },
  {
    name: 'a two-digit status',
    serve: answer('HTTP/1.1 20 OK\r\n\r\n'),
    expect: ['L7RSP', 'response status line "HTTP/1.1 20 OK" is not HTTP/1.x'],
  },
  {
    name: 'closed before any byte',
    serve: answer(''),
    expect: ['L7RSP', 'response empty (connection closed before the status line)'],
  },
  {
    name: 'closed after an interim response',
    serve: answer('HTTP/1.1 100 Continue\r\n\r\n'),
    expect: ['L7RSP', 'response empty (connection closed before the status line)'],
  },
  {
    name: 'half a head, then closed',
    serve: answer('HTTP/1.1 200 OK\r\nContent-'),
    expect: ['L7RSP', 'response truncated (connection closed inside the headers, after 25 bytes)'],
  },
  {
    name: 'reset instead of an answer',
    serve: answer('', 'reset'),
    expect: ['L7RSP', 'response ECONNRESET'],
  },
  {
    // Node's sockets (libuv) take a reset that arrives together with the data as the end of the
    // stream, one that arrives after it as the reset; the engine reads it the same way.
    name: 'reset in the middle of the head',
    serve: answer('HTTP/1.1 200 OK\r\nX-Half', 'reset'),
    expect: ['L7RSP', 'response ECONNRESET'],
    or: ['L7RSP', 'response truncated (connection closed inside the headers, after 23 bytes)'],
  },
  {
    name: 'reset after a whole head: the status counts',
    serve: answer('HTTP/1.1 200 OK\r\n\r\n', 'reset'),
    expect: ['L7OK', 'status 200'],
  },
  {
    name: 'a head over 16 KiB',
    serve: answer(`HTTP/1.1 200 OK\r\n${BIG_HEADER}\r\n`),
    expect: ['L7RSP', 'response headers larger than 16384 bytes'],
  },
  {
    name: 'a head over 16 KiB that never ends',
    serve: answer(`HTTP/1.1 200 OK\r\n${BIG_HEADER}`, 'stay'),
    expect: ['L7RSP', 'response headers larger than 16384 bytes'],
  },
  {
    name: 'a head just under 16 KiB, then a body',
    serve: answer(`HTTP/1.1 200 OK\r\nX-Pad: ${'a'.repeat(16_000)}\r\n\r\n${'b'.repeat(100_000)}`),
    expect: ['L7OK', 'status 200'],
  },
  { name: 'refused', serve: undefined, expect: ['L4CON', 'connect ECONNREFUSED'] },
  { name: 'IPv6', serve: answer(OK), host: '::1', expect: ['L7OK', 'status 200'] },
  {
    name: 'a probe source that is not local',
    serve: answer(OK),
    hc: { probeIpv4Src: '192.0.2.1' },
    expect: [
      'checker-fault',
      "source address 192.0.2.1 is not configured in maglevd's own namespace (bind EADDRNOTAVAIL)",
    ],
  },
  { name: 'tcp, full handshake', serve: () => undefined, hc: tcp(false), expect: ['L4OK', 'connected'] },
  { name: 'tcp, half-open', serve: () => undefined, hc: tcp(true), expect: ['L4OK', 'connected'] },
  {
    name: 'tcp over IPv6',
    serve: () => undefined,
    hc: tcp(true),
    host: '::1',
    expect: ['L4OK', 'connected'],
  },
  { name: 'tcp refused', serve: undefined, hc: tcp(true), expect: ['L4CON', 'connect ECONNREFUSED'] },
];

const paths: [name: string, probe: ProbeFn][] = [
  ['engine', createProber()],
  ['javascript', createProber({ engine: false })],
];

void test('the probe engine is built and used', () => {
  assert.ok(sharedProbeEngine(), 'native/build has the addon with the probe engine');
});

void describe('tcp and http scenarios, engine and JavaScript alike', () => {
  const servers: TcpTestServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  for (const s of scenarios) {
    void test(s.name, async () => {
      const host = s.host ?? '127.0.0.1';
      let port: number;
      if (s.serve === undefined) port = await closedPort(host);
      else {
        const server = await startTcpServer({ host, onConnection: s.serve });
        servers.push(server);
        port = server.port;
      }
      const hc = healthcheck({ type: 'http', ...s.hc, port, params: { ...s.hc?.params } });
      for (const [name, probe] of paths) {
        const r = await probe(probeRequest(hc, host));
        const got: [string, string] = [r.code, r.detail];
        if (s.or === undefined || !isDeepStrictEqual(got, s.or))
          assert.deepEqual(got, s.expect, `${name} path`);
        assert.equal(r.ok, s.expect[0].endsWith('OK'), `${name} path: ok`);
        // A checker fault is named for the layer the probe had reached: here, before connecting.
        const layer = s.expect[0] === 'checker-fault' ? 'L4' : s.expect[0].slice(0, 2);
        assert.equal(r.layer, layer, `${name} path: layer`);
      }
    });
  }
});

void describe('what the backend sees, engine and JavaScript alike', () => {
  void test('the source address is bound', async (t) => {
    const sources = new Arrivals<string | undefined>();
    const server = await startTcpServer({
      onConnection: (socket) => {
        sources.push(socket.remoteAddress);
        answer(OK)(socket);
      },
    });
    t.after(() => server.close());
    const hc = healthcheck({ type: 'http', port: server.port, probeIpv4Src: '127.0.0.2' });
    for (const [name, probe] of paths) {
      assert.equal((await probe(probeRequest(hc))).code, 'L7OK', name);
      assert.equal(await sources.next(), '127.0.0.2', name);
    }
  });

  void test('every http probe is one fresh connection with one request, closed after', async (t) => {
    const server = await startTcpServer({ onConnection: answer(OK) });
    t.after(() => server.close());
    const hc = healthcheck({ type: 'http', port: server.port, params: { path: '/healthz' } });
    for (const [name, probe] of paths) {
      const n = server.connections.count;
      await probe(probeRequest(hc));
      await probe(probeRequest(hc));
      assert.equal(server.connections.count, n + 2, name);
      assert.match((await server.firstBytes.at(n)).toString('latin1'), /^GET \/healthz HTTP\/1\.1\r\n/, name);
      await server.allClosed();
    }
  });

  void test('a half-open tcp probe never reaches the application; a full one does', async (t) => {
    const server = await startTcpServer();
    t.after(() => server.close());
    const engine = createProber();
    const half = healthcheck({ type: 'tcp', port: server.port, params: { halfOpen: true } });
    const full = healthcheck({ type: 'tcp', port: server.port, params: { halfOpen: false } });
    assert.equal((await engine(probeRequest(half))).code, 'L4OK');
    assert.equal((await engine(probeRequest(full))).code, 'L4OK');
    // Connections are accepted in order: the first one the server ever sees is the full one's.
    const first = await server.connections.at(0);
    await server.allClosed();
    assert.equal(server.connections.count, 1);
    assert.equal(first.bytesRead, 0, 'nothing was sent');
  });
});

void describe('timeouts on the injected clock, engine and JavaScript alike', () => {
  /** A prober of the path `name` whose deadlines run on `clock`. */
  const clocked = (name: string, clock: FakeClock): ProbeFn =>
    name === 'engine' ? createProber({ clock }) : createProber({ clock, engine: false });

  void test('a black hole (accepts, reads, never answers) is L7TOUT at the deadline', async (t) => {
    const hole = await startTcpServer();
    t.after(() => hole.close());
    for (const name of ['engine', 'javascript']) {
      const clock = new FakeClock();
      const run = clocked(
        name,
        clock,
      )(probeRequest(healthcheck({ type: 'http', port: hole.port, timeoutMs: 3000 })));
      await hole.firstBytes.next();
      await clock.advance(2999);
      assert.equal(clock.pendingTimers(), 1, `${name}: no result before the deadline`);
      await clock.advance(1);
      const r = await run;
      assert.deepEqual([r.code, r.detail], ['L7TOUT', 'response timeout after 3000ms'], name);
      await hole.allClosed();
    }
  });

  void test('an answer already in the socket at the deadline counts', async (t) => {
    const written: (() => void)[] = [];
    const server = await startTcpServer({
      onConnection: (socket) => socket.once('data', () => socket.write(OK, () => written.shift()?.())),
    });
    t.after(() => server.close());
    for (const name of ['engine', 'javascript']) {
      const clock = new FakeClock();
      const probe = clocked(name, clock);
      const answered = new Promise<void>((resolve) => written.push(resolve));
      const run = probe(probeRequest(healthcheck({ type: 'http', port: server.port })));
      await answered;
      await clock.advance(2000);
      const r = await run;
      assert.deepEqual([r.code, r.detail], ['L7OK', 'status 200'], name);
    }
  });

  void test('an abort while waiting ends the probe at once and closes the connection', async (t) => {
    const hole = await startTcpServer();
    t.after(() => hole.close());
    for (const [name, probe] of paths) {
      const abort = new AbortController();
      const run = probe(
        probeRequest(healthcheck({ type: 'http', port: hole.port }), '127.0.0.1', { signal: abort.signal }),
      );
      await hole.firstBytes.next();
      abort.abort();
      const r = await run;
      assert.deepEqual([r.code, r.detail], ['L4CON', 'aborted'], name);
      await hole.allClosed();
    }
  });
});

/** /proc/net/tcp's state numbers (include/net/tcp_states.h), by the names ss gives them. */
const TCP_STATES = new Map([
  ['01', 'ESTAB'],
  ['02', 'SYN-SENT'],
  ['03', 'SYN-RECV'],
  ['04', 'FIN-WAIT-1'],
  ['05', 'FIN-WAIT-2'],
  ['06', 'TIME-WAIT'],
  ['07', 'CLOSE'],
  ['08', 'CLOSE-WAIT'],
  ['09', 'LAST-ACK'],
  ['0A', 'LISTEN'],
  ['0B', 'CLOSING'],
]);

/**
 * The states of the server's side of the IPv4 connections to `port` (the listener left out), once
 * none is still closing: a connection a FIN ended leaves a TIME-WAIT (the server closed first),
 * one a reset ended leaves nothing. The kernel may finish a close in its softirq thread, after
 * the probe's result, so this looks until it has.
 */
async function settledServerStates(port: number): Promise<string[]> {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let states: string[] = [];
  for (let look = 0; look < 500; look++) {
    states = (await readFile('/proc/net/tcp', 'latin1'))
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(local))
      .map((fields) => TCP_STATES.get(fields[3] ?? '') ?? `state ${fields[3]}`)
      .filter((state) => state !== 'LISTEN');
    if (states.every((state) => state === 'TIME-WAIT')) return states;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`the server's side of port ${port} never settled: ${states.join(', ')}`);
}

void describe('reset-close: how a plain http probe ends its connection, engine and JavaScript alike', () => {
  const servers: TcpTestServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });
  const server = async (onConnection: (socket: net.Socket) => void) => {
    const s = await startTcpServer({ onConnection });
    servers.push(s);
    return s.port;
  };

  void test('a backend that closed its end is reset (no TIME_WAIT left on it); with reset-close: false, a FIN', async () => {
    for (const [name, probe] of paths) {
      for (const resetClose of [true, false]) {
        // It closes inside the head, so both paths see its end before their verdict.
        const port = await server(answer('HTTP/1.1 200'));
        const r = await probe(probeRequest(healthcheck({ type: 'http', port, params: { resetClose } })));
        assert.equal(r.code, 'L7RSP', `${name} path`);
        const states = await settledServerStates(port);
        assert.deepEqual(states, resetClose ? [] : ['TIME-WAIT'], `${name} path, reset-close ${resetClose}`);
      }
    }
  });

  void test('a probe that passed at the backend’s end is reset too (JavaScript, reading a body to its end)', async () => {
    const port = await server(answer('HTTP/1.1 200 OK\r\n\r\nall is ok'));
    const hc = healthcheck({ type: 'http', port, params: { resetClose: true, responseRegexp: 'is ok' } });
    const r = await createProber({ engine: false })(probeRequest(hc));
    assert.deepEqual([r.code, r.detail], ['L7OK', 'status 200']);
    assert.deepEqual(await settledServerStates(port), []);
  });

  void test('a backend that answered but keeps its end open gets a FIN, never a reset', async () => {
    const ends = new Arrivals<string>();
    const port = await server((socket) => {
      socket.once('data', () => socket.write(Buffer.from(OK, 'latin1')));
      socket.once('end', () => ends.push('end'));
      socket.once('error', (err: NodeJS.ErrnoException) => ends.push(err.code ?? err.message));
    });
    const hc = healthcheck({ type: 'http', port, params: { resetClose: true } });
    for (const [name, probe] of paths) {
      assert.equal((await probe(probeRequest(hc))).code, 'L7OK', name);
      assert.equal(await ends.next(), 'end', `${name} path: the backend saw a FIN`);
    }
  });
});
