// maglevc end to end: a real maglevd child process (temp config, a loopback HTTP backend that
// passes and a closed port that fails, no VPP) and the real maglevc entry point, one-shot and in
// a terminal.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closedPort } from '../helpers/index.js';
import { repoRoot, runProgram, type LogLine, type RunningProgram } from '../helpers/daemon-process.js';
import { MAGLEVC_BIN, maglevcProcess, WAIT_MS, type CliRun } from './fixtures.js';
import { shellQuote, TmuxSession } from '../helpers/tmux.js';

function configYaml(port: number, deadPort: number): string {
  return `maglev:
  healthchecks:
    web:
      type: http
      port: ${port}
      interval: 200ms
      timeout: 1s
      rise: 1
      fall: 1
      params:
        path: /healthz
    dead:
      type: tcp
      port: ${deadPort}
      interval: 200ms
      timeout: 1s
      rise: 1
      fall: 1
  backends:
    web1:
      address: 127.0.0.1
      healthcheck: web
    gone1:
      address: 127.0.0.2
      healthcheck: dead
  frontends:
    site:
      description: e2e site
      address: 192.0.2.1
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends:
            web1: {}
            gone1: { weight: 40 }
`;
}

const transition = (backend: string, to: string) => (l: LogLine) =>
  l.msg === 'backend-transition' && l.backend === backend && l.to === to;

function ok(r: CliRun): string {
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

describe('maglevc against a real maglevd', () => {
  let dir: string;
  let backendServer: http.Server;
  let daemon: RunningProgram;
  let server: string;
  const run = (line: string) => maglevcProcess(['--server', server, ...line.split(' ')]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maglevc-e2e-'));
    backendServer = http.createServer((req, res) =>
      res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok'),
    );
    await new Promise<void>((r) => backendServer.listen(0, '127.0.0.1', r));
    const port = (backendServer.address() as { port: number }).port;
    const file = join(dir, 'maglev.yaml');
    writeFileSync(file, configYaml(port, await closedPort('127.0.0.2')));
    daemon = runProgram('src/bin/maglevd.ts', [
      '--config',
      file,
      '--vpp-api-addr',
      '',
      '--metrics-addr',
      '',
      '--grpc-addr',
      '127.0.0.1:0',
    ]);
    const listening = await daemon.waitFor((l) => l.msg === 'grpc-listening', WAIT_MS, 'grpc-listening');
    server = `127.0.0.1:${String(listening.port)}`;
    await daemon.waitFor(transition('web1', 'up'), WAIT_MS, 'web1 up');
    await daemon.waitFor(transition('gone1', 'down'), WAIT_MS, 'gone1 down');
  });

  after(async () => {
    if (daemon) {
      daemon.kill('SIGTERM');
      await daemon.exited;
    }
    backendServer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('show backends / backend / frontend / healthchecks', async () => {
    const list = ok(await run('show backends'));
    assert.match(list, /^web1\s+127\.0\.0\.1\s+up\s+1\/1\s+\S+\s+L7OK\s+web\s+site$/m);
    assert.match(list, /^gone1\s+127\.0\.0\.2\s+down\s+0\/1\s+\S+\s+L4CON\s+dead\s+site$/m);

    const one = ok(await run('sh ba gone1'));
    assert.match(one, /^ {2}\S+ \S+\s+\S+\s+unknown -> down\s+L4CON\s+.*ECONNREFUSED/m);

    const site = ok(await run('show frontend site'));
    assert.match(site, /^description\s+e2e site$/m);
    assert.match(site, /^pool primary \(active\)$/m);
    assert.match(site, /^ {2}web1\s+127\.0\.0\.1\s+up\s+100\s+100\s+1024\s+no\s/m);
    assert.match(site, /^ {2}gone1\s+127\.0\.0\.2\s+down\s+40\s+0\s+0\s+yes\s/m);

    assert.match(
      ok(await run('show healthchecks')),
      /^dead\s+tcp\s+\d+\s+200ms\s+200ms\s+200ms\s+1s\s+1\s+1\s+1$/m,
    );
  });

  test('watch events follows a pause made by another maglevc; resume brings the backend back', async () => {
    let paused: Promise<CliRun> | undefined;
    const watch = await maglevcProcess(
      ['--server', server, 'watch', 'events', 'frontend', 'backend', 'num', '3'],
      {},
      (out) => {
        // The replayed frontend state shows the subscription is live: act now.
        if (!paused && out.includes('frontend site is up')) paused = run('set backend web1 pause');
      },
    );
    assert.ok(paused, 'the watch saw the frontend replay');
    assert.equal(ok(await paused), 'backend web1 is paused\n');
    const lines = ok(watch).trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^\S+ frontend site is up$/);
    assert.deepEqual(
      lines
        .slice(1)
        .map((l) => l.replace(/^\S+ /, ''))
        .sort(),
      [
        'backend web1 127.0.0.1 (frontend site) up -> paused [paused] paused by operator',
        'frontend site up -> down',
      ],
    );

    assert.equal(ok(await run('set backend web1 resume')), 'backend web1 is unknown\n');
    await daemon.waitFor(
      (l) => transition('web1', 'up')(l) && l.from === 'unknown',
      WAIT_MS,
      'web1 up again',
    );
    assert.match(ok(await run('show frontends')), /^site\s+192\.0\.2\.1\s+tcp\/80\s+up\s/m);
  });

  test('VPP off, unknown names, usage errors: exit codes', async () => {
    const vpp = await run('show vpp info');
    assert.equal(vpp.code, 1);
    assert.match(vpp.stderr, /^maglevc: .*VPP.*\n$/);
    const nope = await run('show backend nope');
    assert.equal(nope.code, 1);
    assert.equal(nope.stderr, 'maglevc: backend "nope" not found\n');
    const usage = await run('show nope');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^maglevc: unknown word 'nope' after 'show'/);
  });

  test('--version, --help, and an unreachable server from the real entry point', async () => {
    const v = await maglevcProcess(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^maglevc \d+\.\d+\.\d+ \(commit \S+, (run from source|built \S+)\)\n$/);
    const h = await maglevcProcess(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /--server <host:port>[\s\S]*MAGLEV_SERVER[\s\S]*--color/);
    const port = await closedPort();
    const down = await maglevcProcess(['show', 'frontends'], { MAGLEV_SERVER: `127.0.0.1:${port}` });
    assert.equal(down.code, 1);
    assert.equal(down.stderr, `maglevc: cannot reach maglevd at 127.0.0.1:${port}: connection refused\n`);
    assert.equal(down.stdout, '');
  });

  test('SIGINT (Ctrl-C) ends a one-shot watch with exit 0', async () => {
    let sent = false;
    const r = await maglevcProcess(['--server', server, 'watch', 'events', 'frontend'], {}, (out, child) => {
      if (!sent && out.includes('frontend site is')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(sent);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });

  test('config check reads the file on disk; dry runs change nothing (VPP off: buckets only)', async () => {
    assert.equal(
      ok(await run('config check')),
      'configuration is valid\nreloading it would change nothing\n',
    );
    const out = ok(await run('set backend web1 disable --dry-run'));
    assert.match(
      out,
      /^dry run: 'set backend web1 disable' was not run\nbackend web1: up -> disabled \(disabled by operator\)\nfrontend site: up -> down\n\nVPP: no operations\n/,
    );
    assert.match(out, /^vip 192\.0\.2\.1\/32 tcp\/80 site: 1024 of 1024 buckets move \(100\.0%\)$/m);
    assert.match(out, /^ {2}127\.0\.0\.1\s+web1\s+100 -> 0\s+1024 -> 0$/m);
    assert.match(out, /\nnote: VPP integration is off: nothing would be sent to VPP\n$/);
    assert.match(ok(await run('show backend web1')), /^state\s+up /m);
  });

  test('the shell completes names the daemon knows', async () => {
    const cmd = `cd ${shellQuote(repoRoot)} && env MAGLEVC_HISTORY= ${shellQuote(process.execPath)} --import tsx ${MAGLEVC_BIN} --server ${server}`;
    const term = await TmuxSession.start(cmd);
    try {
      await term.waitFor(/maglev>\s*$/, 'the prompt');
      await term.type('show backend g');
      await term.keys('Tab');
      await term.waitFor(/maglev> show backend gone1\s*$/, 'gone1 completed');
      await term.keys('Enter');
      await term.waitFor(/^health\s+0\/1 .*\n(?:.*\n)*maglev>\s*$/m, 'the detail');
    } finally {
      await term.kill();
    }
  });
});
