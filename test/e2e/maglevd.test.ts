// The maglevd binary end to end: a temp config, real HTTP backends on loopback, the JSON log
// stream, SIGHUP with a good and a bad file, and SIGTERM.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot, runProgram, type LogLine } from '../helpers/daemon-process.js';
import { needsRoot } from '../helpers/requirements.js';

const MAGLEVD = 'src/bin/maglevd.ts';
const daemonFlags = ['--vpp-api-addr', '', '--metrics-addr', '127.0.0.1:0', '--grpc-addr', '127.0.0.1:0'];

function configYaml(port: number, closedPort: number, extraBackend: boolean): string {
  return `maglev:
  healthchecks:
    web:
      type: http
      port: ${port}
      interval: 100ms
      timeout: 1s
      rise: 1
      fall: 1
      params:
        path: /healthz
    dead:
      type: tcp
      port: ${closedPort}
      interval: 100ms
      timeout: 1s
      rise: 1
      fall: 1
  backends:
    web1:
      address: 127.0.0.1
      healthcheck: web
${
  extraBackend
    ? `    gone1:
      address: 127.0.0.2
      healthcheck: dead
`
    : ''
}  frontends:
    site:
      address: 192.0.2.1
      port: 80
      pools:
        - name: primary
          backends:
            web1: {}
${extraBackend ? '            gone1: {}\n' : ''}`;
}

const isTransition = (backend: string, to: string) => (l: LogLine) =>
  l.msg === 'backend-transition' && l.backend === backend && l.to === to;

describe('maglevd binary', () => {
  let dir: string;
  let server: http.Server;
  let port: number;
  let closedPort: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maglevd-e2e-'));
    server = http.createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    // A port that was just free: bind, read the number, close.
    const tmp = http.createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.2', r));
    closedPort = (tmp.address() as AddressInfo).port;
    await new Promise<void>((r) => tmp.close(() => r()));
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--version, --help, usage errors and --check exit codes', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', MAGLEVD, ...args], { cwd: repoRoot, encoding: 'utf8' });
    const v = run(['--version']);
    assert.equal(v.status, 0);
    assert.match(v.stdout, /^maglevd \d+\.\d+\.\d+ \(commit \S+, (built \S+|run from source)\)/);
    const h = run(['--help']);
    assert.equal(h.status, 0);
    assert.match(h.stdout, /--config <file>/);
    assert.match(h.stdout, /MAGLEV_GRPC_ADDR/);
    const bad = run(['--bogus']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option '--bogus'/);

    const good = join(dir, 'check-good.yaml');
    writeFileSync(good, configYaml(port, closedPort, false));
    assert.equal(run(['--check', '--config', good]).status, 0);
    const parse = join(dir, 'check-parse.yaml');
    writeFileSync(parse, 'maglev:\n  backends: [\n');
    const p = run(['--check', '--config', parse]);
    assert.equal(p.status, 1);
    assert.match(p.stderr, /check-parse\.yaml:\d+:\d+: /);
    const semantic = join(dir, 'check-semantic.yaml');
    writeFileSync(semantic, configYaml(port, closedPort, false).replace('web1: {}', 'nosuch: {}'));
    const s = run(['--check', '--config', semantic]);
    assert.equal(s.status, 2);
    assert.match(s.stderr, /check-semantic\.yaml:\d+:\d+: .*nosuch/);
    const env = spawnSync(process.execPath, ['--import', 'tsx', MAGLEVD, '--check'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, MAGLEV_CONFIG: semantic },
    });
    assert.equal(env.status, 2, 'MAGLEV_CONFIG is honoured');
  });

  test('probes, reloads on SIGHUP (good and bad files) and stops on SIGTERM', async () => {
    const file = join(dir, 'maglev.yaml');
    writeFileSync(file, configYaml(port, closedPort, false));
    const d = runProgram(MAGLEVD, ['--config', file, '--log-level', 'debug', ...daemonFlags]);
    try {
      const starting = await d.waitFor((l) => l.msg === 'starting', 20_000, 'starting');
      assert.equal(typeof starting.version, 'string');
      assert.equal(typeof starting.commit, 'string');
      const up = await d.waitFor(isTransition('web1', 'up'), 20_000, 'web1 up');
      assert.equal(up.from, 'unknown');
      assert.equal(up.code, 'L7OK');
      assert.equal(up.level, 'info');
      await d.waitFor((l) => l.msg === 'probe-done' && l.backend === 'web1', 20_000, 'probe-done at debug');

      // The metrics endpoint and the gRPC API listen on the ports the daemon logged.
      const metricsAt = await d.waitFor((l) => l.msg === 'metrics-listening', 20_000, 'metrics-listening');
      const scrape = await fetch(`http://127.0.0.1:${String(metricsAt.port)}/metrics`);
      assert.equal(scrape.status, 200);
      assert.match(await scrape.text(), /maglev_backend_state\{backend="web1"\} 1/);
      const grpcAt = await d.waitFor((l) => l.msg === 'grpc-listening', 20_000, 'grpc-listening');
      assert.ok(Number(grpcAt.port) > 0);

      // A good reload adds a backend whose port is closed: it goes down, web1 keeps its state.
      writeFileSync(file, configYaml(port, closedPort, true));
      d.kill('SIGHUP');
      await d.waitFor((l) => l.msg === 'config-reload', 20_000, 'config-reload');
      const down = await d.waitFor(isTransition('gone1', 'down'), 20_000, 'gone1 down');
      assert.equal(down.code, 'L4CON');
      assert.match(String(down.detail), /ECONNREFUSED/);
      assert.equal(d.lines.filter(isTransition('web1', 'up')).length, 1, 'web1 was not restarted');

      // A bad file is refused with its errors and the running config stays.
      writeFileSync(file, configYaml(port, closedPort, true).replace('port: 80', 'port: 99999'));
      d.kill('SIGHUP');
      const refused = await d.waitFor(
        (l) => l.msg === 'config-reload-semantic-error',
        20_000,
        'reload refused',
      );
      assert.match(JSON.stringify(refused.errors), /maglev\.yaml:\d+:\d+: /);
      const seen = d.lines.length;
      await d.waitFor(
        (l) => d.lines.indexOf(l) > seen && l.msg === 'probe-done' && l.backend === 'gone1',
        20_000,
        'probing continues after a refused reload',
      );

      d.kill('SIGTERM');
      assert.equal(await d.exited, 0);
      assert.ok(d.lines.some((l) => l.msg === 'stopped'));
    } finally {
      d.kill('SIGKILL');
    }
  });

  const asRoot = { skip: needsRoot('the test closes net.ipv4.ping_group_range for maglevd to widen') };
  test(
    'icmp backends: maglevd opens ping sockets (widening ping_group_range as root) and sees 127.0.0.1 and ::1 up',
    asRoot,
    async () => {
      const sysctl = '/proc/sys/net/ipv4/ping_group_range';
      const saved = readFileSync(sysctl, 'utf8');
      const file = join(dir, 'icmp.yaml');
      writeFileSync(
        file,
        `maglev:
  healthchecks:
    ping: { type: icmp, interval: 200ms, timeout: 1s, rise: 1, fall: 1 }
  backends:
    lo4: { address: 127.0.0.1, healthcheck: ping }
    lo6: { address: '::1', healthcheck: ping }
  frontends:
    v4: { address: 192.0.2.1, port: 80, pools: [{ name: p, backends: { lo4: {} } }] }
    v6: { address: 2001:db8::1, port: 80, pools: [{ name: p, backends: { lo6: {} } }] }
`,
      );
      writeFileSync(sysctl, '1\t0\n');
      const d = runProgram(MAGLEVD, ['--config', file, ...daemonFlags]);
      try {
        await d.waitFor((l) => l.msg === 'ping-group-range-widened', 20_000, 'ping-group-range-widened');
        for (const backend of ['lo4', 'lo6']) {
          const up = await d.waitFor(isTransition(backend, 'up'), 20_000, `${backend} up`);
          assert.equal(up.code, 'L4OK');
        }
        d.kill('SIGTERM');
        assert.equal(await d.exited, 0);
      } finally {
        d.kill('SIGKILL');
        writeFileSync(sysctl, saved);
      }
    },
  );
});
