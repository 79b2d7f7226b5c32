// The vppsim binary as a child process (node --import tsx src/bin/vppsim.ts): flags, the
// vppsim-ready line, the API socket with the vpp-wire client, the text CLI socket, SIGKILL then a
// restart on the same (stale) socket path, SIGTERM exiting 0 and removing its sockets, and a
// request that would kill VPP killing the simulator.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram, type RunningProgram } from '../helpers/daemon-process.js';
import {
  ROUTE_TO,
  SYS_BOOTTIME,
  StatsSegment,
  VppClient,
  getNumber,
  ipRouteStatsIndex,
  lbAddVip,
  toApiAddress,
  toApiPrefix,
} from '../../src/vpp/index.js';
import { CLI_PROMPT, parseVppsimArgs } from '../../src/vppsim/index.js';
import { versionLine } from '../../src/version.js';

const SCRIPT = 'src/bin/vppsim.ts';
let dir = '';
const running = new Set<RunningProgram>();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vppsim-bin-'));
});
after(async () => {
  for (const p of running) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

function start(args: string[]): RunningProgram {
  const p = runProgram(SCRIPT, args);
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Sends commands over the text CLI socket; resolves with each command's output. */
async function cliSession(path: string, commands: string[]): Promise<string[]> {
  const socket = createConnection(path);
  socket.setEncoding('utf8');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {}); // surfaces as 'close'; a failed session fails its assertions
  let buffer = '';
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (const w of waiters.splice(0)) w();
  });
  const untilPrompt = async (): Promise<string> => {
    while (!buffer.endsWith(CLI_PROMPT)) await new Promise<void>((resolve) => waiters.push(resolve));
    const out = buffer.slice(0, -CLI_PROMPT.length);
    buffer = '';
    return out;
  };
  try {
    await untilPrompt();
    const outputs: string[] = [];
    for (const c of commands) {
      socket.write(c + '\n');
      outputs.push(await untilPrompt());
    }
    // `quit` makes the server hang up; wait for that so no unread bytes are left to reset.
    socket.write('quit\n');
    await closed;
    return outputs;
  } finally {
    socket.destroy();
  }
}

describe('flags', () => {
  test('parse: defaults, choices and required options', () => {
    assert.deepEqual(parseVppsimArgs(['--api-socket', '/tmp/x.sock']), {
      kind: 'run',
      options: { apiSocket: '/tmp/x.sock', lbApi: '1.2', cliSocket: undefined, logLevel: 'info' },
    });
    assert.deepEqual(
      parseVppsimArgs(['--api-socket', 'a', '--lb-api', '1.1', '--cli-socket', 'c', '--log-level', 'debug']),
      { kind: 'run', options: { apiSocket: 'a', lbApi: '1.1', cliSocket: 'c', logLevel: 'debug' } },
    );
    assert.deepEqual(parseVppsimArgs(['--api-socket', 'a', '--stats-socket', 's']), {
      kind: 'run',
      options: { apiSocket: 'a', lbApi: '1.2', cliSocket: undefined, statsSocket: 's', logLevel: 'info' },
    });
    assert.equal(parseVppsimArgs(['--api-socket', 'a', '--stats-socket', '']).kind, 'usage-error');
    assert.equal(parseVppsimArgs([]).kind, 'usage-error');
    assert.equal(parseVppsimArgs(['--api-socket', 'a', '--lb-api', '1.3']).kind, 'usage-error');
    assert.equal(parseVppsimArgs(['--api-socket', 'a', '--log-level', 'loud']).kind, 'usage-error');
    assert.equal(parseVppsimArgs(['--api-socket', 'a', 'extra']).kind, 'usage-error');
    assert.equal(parseVppsimArgs(['--version']).kind, 'version');
    const help = parseVppsimArgs(['--help']);
    assert.equal(help.kind, 'help');
    assert.match(
      help.kind === 'help' ? help.text : '',
      /--api-socket <path>[\s\S]*--lb-api[\s\S]*--cli-socket/,
    );
  });

  test('--version, --help and a usage error from the binary', { timeout: 120_000 }, async () => {
    const version = start(['--version']);
    assert.equal(await version.exited, 0);
    assert.deepEqual(
      version.lines.map((l) => l['text']),
      [versionLine('vppsim')],
    );
    const help = start(['--help']);
    assert.equal(await help.exited, 0);
    assert.ok(help.lines.some((l) => String(l['text']).includes('--api-socket')));
    const bad = start(['--lb-api', '2.0']);
    assert.equal(await bad.exited, 2);
    assert.match(bad.stderr.join('\n'), /vppsim: .*Try 'vppsim --help'/s);
  });
});

describe('running', () => {
  test(
    'ready line, API and CLI sockets; SIGKILL, restart on the stale path, SIGTERM exits 0',
    { timeout: 180_000 },
    async () => {
      const api = join(dir, 'api.sock');
      const cli = join(dir, 'cli.sock');
      const args = ['--api-socket', api, '--cli-socket', cli, '--lb-api', '1.1'];

      const first = start(args);
      const ready = await first.waitFor((l) => l.msg === 'vppsim-ready', 30_000, 'vppsim-ready');
      assert.equal(ready['socket'], api);
      assert.equal(ready['cliSocket'], cli);
      assert.equal(ready['pid'], first.child.pid);
      assert.equal(ready['lbApi'], '1.1');

      const client = await VppClient.connect({ socketPath: api, apiDir: null });
      assert.equal(client.lbGeneration, '1.1');
      const ping = await client.request('control_ping');
      assert.equal(getNumber(ping, 'vpe_pid'), first.child.pid);
      const pfx = { address: toApiAddress('192.0.2.1'), len: 128 }; // the release wants 96 + 32
      await client.request('lb_add_del_vip', {
        pfx,
        protocol: 6,
        port: 80,
        encap: 0,
        new_flows_table_length: 1024,
      });
      await client.request('lb_add_del_as', {
        pfx,
        protocol: 6,
        port: 80,
        as_address: toApiAddress('10.0.0.1'),
      });

      const [vips, unknown] = await cliSession(cli, ['show lb vips verbose', 'show nonsense']);
      assert.match(vips ?? '', /^ ip4-gre4 \[1\] 192\.0\.2\.1\/32\n/);
      assert.match(vips ?? '', /\n {4}10\.0\.0\.1 1024 buckets {3}0 flows {2}dpo:9 used\n/);
      assert.equal(unknown, "unknown input `show nonsense'\n");

      // VPP killed hard: clients see EOF, the socket files stay behind.
      const closed = client.onClose.next();
      first.kill('SIGKILL');
      await first.exited;
      await closed;
      assert.equal(await exists(api), true);

      const second = start(args);
      await second.waitFor((l) => l.msg === 'vppsim-ready', 30_000, 'vppsim-ready after restart');
      const again = await VppClient.connect({ socketPath: api, apiDir: null });
      const ping2 = await again.request('control_ping');
      assert.equal(getNumber(ping2, 'vpe_pid'), second.child.pid);
      assert.notEqual(getNumber(ping2, 'vpe_pid'), getNumber(ping, 'vpe_pid'));
      assert.equal((await again.dump('lb_vip_dump', {})).length, 0, 'a restarted VPP starts empty');
      const [empty] = await cliSession(cli, ['show lb vips']);
      assert.equal(empty, '');
      again.destroy();

      second.kill('SIGTERM');
      assert.equal(await second.exited, 0);
      assert.ok(second.lines.some((l) => l.msg === 'signal' && l['signal'] === 'SIGTERM'));
      assert.equal(await exists(api), false);
      assert.equal(await exists(cli), false);
    },
  );

  test(
    'a request that would kill VPP kills vppsim (exit 1, vppsim-crash logged)',
    { timeout: 120_000 },
    async () => {
      const api = join(dir, 'crash.sock');
      const p = start(['--api-socket', api]);
      await p.waitFor((l) => l.msg === 'vppsim-ready', 30_000, 'vppsim-ready');
      const client = await VppClient.connect({ socketPath: api, apiDir: null });
      const request = client.request('lb_add_del_vip', {
        pfx: toApiPrefix('192.0.2.1/32'),
        protocol: 6,
        port: 80,
        encap: 0,
        new_flows_table_length: 0,
      });
      await assert.rejects(request);
      assert.equal(await p.exited, 1);
      const crash = p.lines.find((l) => l.msg === 'vppsim-crash');
      assert.equal(crash?.['request'], 'lb_add_del_vip');
      client.destroy();
    },
  );

  test(
    'the stats socket: a segment per process; a restarted vppsim hands out a new one',
    { timeout: 180_000 },
    async () => {
      const api = join(dir, 'stats-api.sock');
      const stats = join(dir, 'stats.sock');
      const args = ['--api-socket', api, '--stats-socket', stats];
      const first = start(args);
      const ready = await first.waitFor((l) => l.msg === 'vppsim-ready', 30_000, 'vppsim-ready');
      assert.equal(ready['statsSocket'], stats);
      const client = await VppClient.connect({ socketPath: api, apiDir: null });
      await lbAddVip(client, { prefix: '192.0.2.1/32', protocol: 6, port: 80, encap: 'gre4' });
      const route = await ipRouteStatsIndex(client, '192.0.2.1/32');
      assert.equal(route, 8);
      const old = await StatsSegment.connect(stats);
      const query = { combined: new Map([[ROUTE_TO, [8]]]), scalars: [SYS_BOOTTIME] };
      assert.deepEqual(old.read(query).combined.get(ROUTE_TO)?.get(8), { packets: 0n, bytes: 0n });
      assert.ok(old.names().includes('first session packet'), 'the lb counters exist once a VIP does');

      const closed = client.onClose.next();
      first.kill('SIGKILL');
      await first.exited;
      await closed;
      // The dead VPP's segment stays readable through the descriptor we hold, frozen.
      assert.ok(old.read(query).scalars.get(SYS_BOOTTIME));

      const second = start(args);
      await second.waitFor((l) => l.msg === 'vppsim-ready', 30_000, 'vppsim-ready after restart');
      const fresh = await StatsSegment.connect(stats);
      assert.equal(fresh.names().includes('first session packet'), false, 'a new, empty segment');
      old.close();
      fresh.close();
      second.kill('SIGTERM');
      assert.equal(await second.exited, 0);
      assert.equal(await exists(stats), false);
    },
  );

  test('SIGINT stops it too: exit 0, socket removed', { timeout: 120_000 }, async () => {
    const api = join(dir, 'int.sock');
    const p = start(['--api-socket', api, '--log-level', 'debug']);
    await p.waitFor((l) => l.msg === 'vppsim-ready', 30_000, 'vppsim-ready');
    const client = await VppClient.connect({ socketPath: api, apiDir: null });
    await client.request('control_ping');
    // Debug logging shows each request the simulator handles.
    await p.waitFor((l) => l.msg === 'vppsim-recv', 30_000, 'vppsim-recv');
    client.destroy();
    p.kill('SIGINT');
    assert.equal(await p.exited, 0);
    assert.equal(await exists(api), false);
  });
});
