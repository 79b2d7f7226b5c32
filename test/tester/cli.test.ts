// maglevt as a program: --once and --json against loopback HTTP servers that name themselves
// in X-IPng-Frontend, each serving a VIP address of a temp maglev.yaml directly.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProbeRecord } from '../../src/tester/index.js';
import { closedPort, startTcpServer, type TcpTestServer } from '../helpers/index.js';
import { NamedBackend, configYaml, maglevtProcess } from './fixtures.js';
import { TempDir } from '../helpers/temp-dir.js';

interface Summary {
  ok: boolean;
  vips: ProbeRecord[];
  skipped: { name: string; reason: string }[];
}

describe('maglevt --once / --json', () => {
  let dir: TempDir;
  let a: NamedBackend;
  let b: NamedBackend;
  let ssh: TcpTestServer;
  let lb1: string;
  let lb2: string;
  let broken: string;
  let deadPort: number;

  before(async () => {
    dir = await TempDir.create();
    a = await new NamedBackend('nginx-a', '127.0.0.31').start();
    b = await new NamedBackend('nginx-b', '127.0.0.32').start();
    ssh = await startTcpServer({ host: '127.0.0.33' });
    deadPort = await closedPort('127.0.0.34');
    lb1 = await dir.write(
      'lb1.yaml',
      configYaml([
        { name: 'web-a', address: a.host, port: a.port, backends: { a1: '192.0.2.11' } },
        { name: 'web-b', address: b.host, port: b.port, backends: { b1: '192.0.2.12' } },
        {
          name: 'ssh',
          address: ssh.host,
          port: ssh.port,
          backends: { s1: '192.0.2.13' },
          check: { type: 'tcp', port: 22 },
        },
      ]),
    );
    // The same web-a VIP under another name, and a UDP VIP that is not probed.
    lb2 = await dir.write(
      'lb2.yaml',
      configYaml([
        { name: 'www', address: a.host, port: a.port, backends: { a2: '192.0.2.21' } },
        {
          name: 'dns',
          address: '127.0.0.35',
          port: 53,
          protocol: 'udp',
          backends: { d1: '192.0.2.22' },
          check: { type: 'icmp' },
        },
      ]),
    );
    broken = await dir.write(
      'dead.yaml',
      configYaml([{ name: 'gone', address: '127.0.0.34', port: deadPort, backends: { g1: '192.0.2.31' } }]),
    );
  });

  after(async () => {
    await Promise.all([a.stop(), b.stop(), ssh.close()]);
    await dir.dispose();
  });

  test('--once --json: one probe per VIP across merged configs, a JSON summary, exit 0', async () => {
    const before = { a: a.requests, b: b.requests };
    const run = await maglevtProcess(['--config', `${lb1},${lb2}`, '--once', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as Summary;
    assert.equal(summary.ok, true);
    assert.deepEqual(
      summary.vips.map((v) => [v.vip, v.kind, v.status, v.header, v.ok]),
      [
        ['web-a', 'http', '204', 'nginx-a', true],
        ['web-b', 'http', '204', 'nginx-b', true],
        ['ssh', 'tcp', 'open', null, true],
      ],
    );
    assert.equal(summary.vips[0]?.address, '127.0.0.31');
    assert.equal(summary.vips[0]?.port, a.port);
    assert.ok(summary.vips.every((v) => v.latency_ms > 0 && v.error === null));
    assert.deepEqual(
      summary.skipped.map((s) => s.name),
      ['dns'],
    );
    // web-a is in both files but probed once.
    assert.equal(a.requests - before.a, 1);
    assert.equal(b.requests - before.b, 1);
  });

  test('--once: a table, and exit 1 when a VIP fails', async () => {
    const ok = await maglevtProcess(['--config', lb1, '--once']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^VIP +ADDRESS +KIND +STATUS +LATENCY +X-IPng-Frontend$/m);
    assert.match(ok.stdout, /^web-a +127\.0\.0\.31:\d+ +http +204 +[\d.]+m?s +nginx-a$/m);
    assert.match(ok.stdout, /^ssh +127\.0\.0\.33:\d+ +tcp +open /m);

    const bad = await maglevtProcess(['--config', `${lb1},${broken}`, '--once', '--json']);
    assert.equal(bad.code, 1, bad.stderr);
    const summary = JSON.parse(bad.stdout) as Summary;
    assert.equal(summary.ok, false);
    const gone = summary.vips.find((v) => v.vip === 'gone');
    assert.equal(gone?.status, 'refused');
    assert.deepEqual(gone?.error?.kind, 'net-err');
  });

  test('--filter narrows the VIPs; an HTTP error status fails the VIP', async () => {
    b.behaviour = { status: 503 };
    try {
      const run = await maglevtProcess(['--config', lb1, '--filter', '^web-b$', '--once', '--json']);
      assert.equal(run.code, 1, run.stderr);
      const summary = JSON.parse(run.stdout) as Summary;
      assert.deepEqual(
        summary.vips.map((v) => [v.vip, v.status, v.http_status, v.header, v.error?.kind]),
        [['web-b', '503', 503, 'nginx-b', 'http-err']],
      );
    } finally {
      b.behaviour = {};
    }
  });

  test('--json --duration: a JSON line per probe, a fresh connection each, then exit 0', async () => {
    const before = b.requests;
    const run = await maglevtProcess([
      '--config',
      lb1,
      '--filter',
      '^web',
      '--json',
      '--interval',
      '50ms',
      '--duration',
      '1500ms',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as ProbeRecord);
    const forB = records.filter((r) => r.vip === 'web-b');
    assert.ok(forB.length >= 3, `only ${forB.length} probes of web-b in 1.5s`);
    assert.ok(records.every((r) => r.ok && r.kind === 'http' && /^\d{4}-\d\d-\d\dT/.test(r.time)));
    assert.deepEqual(new Set(records.map((r) => r.header)), new Set(['nginx-a', 'nginx-b']));
    assert.equal(b.requests - before, forB.length);
  });

  test('--json stops cleanly on SIGINT', async () => {
    let sent = false;
    const run = await maglevtProcess(['--config', lb1, '--json', '--interval', '50ms'], {}, (text, child) => {
      if (!sent && text.split('\n').length > 4) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(sent);
    // Every line is whole: nothing was cut off mid-write.
    for (const line of run.stdout.trim().split('\n')) JSON.parse(line);
  });

  test('a broken config: every problem with file:line:col, exit 2', async () => {
    const bad = await dir.write(
      'bad.yaml',
      'maglev:\n  frontends:\n    web: { address: not-an-ip, port: 80 }\n',
    );
    const run = await maglevtProcess(['--config', bad, '--once']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /bad\.yaml:3:\d+: /);
    assert.equal(run.stdout, '');
    const missing = await maglevtProcess(['--config', `${dir.path}/nope.yaml`, '--once']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml:1:1: cannot read config file/);
  });

  test('no VIPs, no terminal, bad flags: exit 2 with a reason', async () => {
    const none = await maglevtProcess(['--config', lb1, '--filter', '^nothing', '--once']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no VIPs to probe matching --filter/);
    const tui = await maglevtProcess(['--config', lb1]);
    assert.equal(tui.code, 2);
    assert.match(tui.stderr, /needs a terminal; use --once or --json/);
    const flag = await maglevtProcess(['--interval', 'soon']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--interval/);
    const version = await maglevtProcess(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^maglevt \d+\.\d+\.\d+ \(commit /);
  });
});
