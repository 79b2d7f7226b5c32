// maglevd-frontend as a program: flags and environment (pure parsing), --version/--help, usage
// errors, and the running binary: listening, SIGHUP ignored, SIGTERM exits 0.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { parseFrontendArgs } from '../../src/frontend/index.js';
import { repoRoot, runProgram } from '../helpers/daemon-process.js';

const BIN = 'src/bin/maglevd-frontend.ts';

describe('parseFrontendArgs', () => {
  test('defaults', () => {
    assert.deepEqual(parseFrontendArgs([], {}), {
      kind: 'run',
      options: {
        servers: [{ address: 'localhost:9090', tls: { kind: 'plaintext' } }],
        listen: ':8080',
        logLevel: 'info',
        user: undefined,
        password: undefined,
      },
    });
  });

  test('flags win over the environment; --server takes a comma-separated list', () => {
    const env = {
      MAGLEV_FRONTEND_SERVER: 'a:9090',
      MAGLEV_FRONTEND_LISTEN: '127.0.0.1:8000',
      MAGLEV_FRONTEND_LOG_LEVEL: 'debug',
    };
    const fromEnv = parseFrontendArgs([], env);
    assert.equal(fromEnv.kind, 'run');
    assert.deepEqual(fromEnv.kind === 'run' && fromEnv.options, {
      servers: [{ address: 'a:9090', tls: { kind: 'plaintext' } }],
      listen: '127.0.0.1:8000',
      logLevel: 'debug',
      user: undefined,
      password: undefined,
    });
    const flags = parseFrontendArgs(
      ['--server', 'lb1:9090, lb2:9090,', '--listen', ':9999', '--log-level', 'warn'],
      env,
    );
    assert.deepEqual(
      flags.kind === 'run' && [
        flags.options.servers.map((s) => s.address),
        flags.options.listen,
        flags.options.logLevel,
      ],
      [['lb1:9090', 'lb2:9090'], ':9999', 'warn'],
    );
  });

  test('admin credentials come from the environment only, both or neither', () => {
    const both = parseFrontendArgs([], { MAGLEV_FRONTEND_USER: 'u', MAGLEV_FRONTEND_PASSWORD: 'p' });
    assert.deepEqual(both.kind === 'run' && [both.options.user, both.options.password], ['u', 'p']);
    const half = parseFrontendArgs([], { MAGLEV_FRONTEND_USER: 'u' });
    assert.equal(half.kind, 'usage-error');
    assert.match(half.kind === 'usage-error' ? half.message : '', /MAGLEV_FRONTEND_PASSWORD/);
    assert.equal(parseFrontendArgs(['--password', 'x'], {}).kind, 'usage-error', 'no password flag');
  });

  test('usage errors', () => {
    assert.equal(parseFrontendArgs(['--log-level', 'loud'], {}).kind, 'usage-error');
    assert.equal(parseFrontendArgs(['--server', ' , '], {}).kind, 'usage-error');
    assert.equal(parseFrontendArgs(['extra'], {}).kind, 'usage-error');
    assert.equal(parseFrontendArgs(['--version'], {}).kind, 'version');
    const help = parseFrontendArgs(['--help'], {});
    assert.equal(help.kind, 'help');
    assert.match(help.kind === 'help' ? help.text : '', /MAGLEV_FRONTEND_USER/);
  });
});

describe('the maglevd-frontend binary', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  test('--version, --help, usage errors exit 2', () => {
    const v = run(['--version']);
    assert.equal(v.status, 0);
    assert.match(v.stdout, /^maglevd-frontend \d+\.\d+\.\d+ \(commit \S+, /);
    const h = run(['--help']);
    assert.equal(h.status, 0);
    assert.match(h.stdout, /--server <addr\[,addr\.\.\.\]>/);
    assert.match(h.stdout, /--listen <addr>/);
    const bad = run(['--bogus']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option '--bogus'/);
    const listen = run(['--listen', 'nonsense', '--server', '127.0.0.1:1']);
    assert.equal(listen.status, 2);
    assert.match(listen.stderr, /invalid listen address "nonsense"/);
  });

  test('a TLS file that cannot be read: exit 2 naming the server, the flag and the file', () => {
    const r = run([
      '--server',
      '127.0.0.1:1,127.0.0.2:1;tls-ca=/nonexistent/ca.crt',
      '--listen',
      '127.0.0.1:0',
    ]);
    assert.equal(r.status, 2);
    assert.equal(
      r.stderr,
      'maglevd-frontend: 127.0.0.2:1: --tls-ca /nonexistent/ca.crt: cannot read: no such file\n',
    );
  });

  test('serves, ignores SIGHUP, exits 0 on SIGTERM', async () => {
    const p = runProgram(BIN, ['--server', '127.0.0.1:1'], { MAGLEV_FRONTEND_LISTEN: '127.0.0.1:0' });
    try {
      const listening = await p.waitFor((l) => l.msg === 'frontend-listening', 20_000, 'frontend-listening');
      const base = `http://127.0.0.1:${String(listening.port)}`;
      assert.equal(await (await fetch(`${base}/healthz`)).text(), 'ok\n');
      p.kill('SIGHUP');
      await p.waitFor((l) => l.msg === 'signal' && l.signal === 'SIGHUP', 20_000, 'SIGHUP logged');
      assert.equal((await fetch(`${base}/healthz`)).status, 200, 'still serving after SIGHUP');
      // The unreachable maglevd shows up as such.
      const maglevds = (await (await fetch(`${base}/view/api/maglevds`)).json()) as { reachable: boolean }[];
      assert.equal(maglevds[0]?.reachable, false);
      p.kill('SIGTERM');
      assert.equal(await p.exited, 0);
      assert.ok(p.lines.some((l) => l.msg === 'frontend-stopped'));
    } finally {
      p.kill('SIGKILL');
    }
  });
});
