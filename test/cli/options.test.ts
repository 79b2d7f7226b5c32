// maglevc's argv: --server with MAGLEV_SERVER fallback, --color[=bool], Go-style single dashes,
// and usage errors.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCliArgs, type CliOptions } from '../../src/cli/index.js';

function run(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  const r = parseCliArgs(argv, env);
  if (r.kind !== 'run') assert.fail(`expected run, got ${JSON.stringify(r)}`);
  return r.options;
}

describe('maglevc options', () => {
  test('defaults: localhost:9090, colour undecided, shell', () => {
    assert.deepEqual(run([]), {
      server: 'localhost:9090',
      tls: { kind: 'plaintext' },
      color: undefined,
      json: false,
      dryRun: false,
      command: [],
    });
  });

  test('--server beats MAGLEV_SERVER, which beats the default', () => {
    assert.equal(run([], { MAGLEV_SERVER: 'lb1:9090' }).server, 'lb1:9090');
    assert.equal(run(['--server', 'lb2:9090'], { MAGLEV_SERVER: 'lb1:9090' }).server, 'lb2:9090');
    assert.equal(run(['--server=[::1]:9090']).server, '[::1]:9090');
    assert.equal(run(['-server', 'lb3:1']).server, 'lb3:1', 'Go-style single dash');
  });

  test('--color forms; the command words are not taken as its value', () => {
    assert.equal(run(['--color', 'show', 'backends']).color, true);
    assert.deepEqual(run(['--color', 'show', 'backends']).command, ['show', 'backends']);
    assert.equal(run(['--color=false', 'show', 'backends']).color, false);
    assert.equal(run(['-color=false', 'show', 'backends']).color, false);
    assert.equal(run(['--color=true']).color, true);
    assert.equal(run(['--no-color']).color, false);
  });

  test('the command words, with options before or after them', () => {
    assert.deepEqual(run(['set', 'backend', 'nginx0-ams', 'pause']).command, [
      'set',
      'backend',
      'nginx0-ams',
      'pause',
    ]);
    const o = run(['watch', 'events', 'num', '3', '--json']);
    assert.equal(o.json, true);
    assert.deepEqual(o.command, ['watch', 'events', 'num', '3']);
  });

  test('--dry-run, before or after the command (Go-style too); without a command it is a usage error', () => {
    assert.equal(run(['set', 'backend', 'a', 'disable', '--dry-run']).dryRun, true);
    assert.deepEqual(run(['-dry-run', 'config', 'reload']).command, ['config', 'reload']);
    assert.deepEqual(parseCliArgs(['--dry-run'], {}), {
      kind: 'usage-error',
      message: '--dry-run needs a command (in the shell, end a command with dry-run)',
    });
  });

  test('usage errors', () => {
    assert.deepEqual(parseCliArgs(['--color=maybe'], {}), {
      kind: 'usage-error',
      message: '--color expects true or false, got "maybe"',
    });
    const unknown = parseCliArgs(['--frobnicate'], {});
    assert.equal(unknown.kind, 'usage-error');
    assert.match(unknown.kind === 'usage-error' ? unknown.message : '', /unknown option '--frobnicate'/);
    assert.equal(parseCliArgs(['--server'], {}).kind, 'usage-error');
  });

  test('--version and --help', () => {
    assert.deepEqual(parseCliArgs(['--version'], {}), { kind: 'version' });
    assert.deepEqual(parseCliArgs(['-version'], {}), { kind: 'version' });
    const help = parseCliArgs(['--help'], {});
    assert.equal(help.kind, 'help');
    assert.match(
      help.kind === 'help' ? help.text : '',
      /Usage: maglevc \[--server host:port\][\s\S]*MAGLEV_SERVER[\s\S]*Examples:/,
    );
  });

  test('TLS: any --tls-* flag turns it on, --tls alone uses the system roots, --tls=false wins', () => {
    const tls = (caFile?: string, certFile?: string, keyFile?: string, serverName?: string) => ({
      kind: 'tls',
      caFile,
      certFile,
      keyFile,
      serverName,
    });
    assert.deepEqual(run(['--tls-ca', '/ca.crt', 'show', 'frontends']).tls, tls('/ca.crt'));
    assert.deepEqual(run(['--tls', 'show', 'frontends']).command, ['show', 'frontends']);
    assert.deepEqual(run(['--tls']).tls, tls());
    assert.deepEqual(
      run(['--tls-server-name', 'lb1.example']).tls,
      tls(undefined, undefined, undefined, 'lb1.example'),
    );
    assert.deepEqual(
      run(['--tls-ca', '/ca', '--tls-cert', '/c.crt', '--tls-key', '/c.key']).tls,
      tls('/ca', '/c.crt', '/c.key'),
    );
    assert.deepEqual(run(['--tls-ca', '/ca', '--tls=false']).tls, { kind: 'plaintext' });
    assert.deepEqual(run(['--no-tls'], { MAGLEV_TLS_CA: '/ca' }).tls, { kind: 'plaintext' });
  });

  test('TLS from MAGLEV_TLS_*, flags winning', () => {
    const env = {
      MAGLEV_TLS_CA: '/env-ca',
      MAGLEV_TLS_CERT: '/env.crt',
      MAGLEV_TLS_KEY: '/env.key',
      MAGLEV_TLS_SERVER_NAME: 'env.example',
    };
    assert.deepEqual(run([], env).tls, {
      kind: 'tls',
      caFile: '/env-ca',
      certFile: '/env.crt',
      keyFile: '/env.key',
      serverName: 'env.example',
    });
    assert.deepEqual(run(['--tls-ca', '/flag-ca', '--tls-server-name', 'flag.example'], env).tls, {
      kind: 'tls',
      caFile: '/flag-ca',
      certFile: '/env.crt',
      keyFile: '/env.key',
      serverName: 'flag.example',
    });
    assert.deepEqual(run([], { MAGLEV_TLS: 'true' }).tls.kind, 'tls');
    assert.deepEqual(run(['--tls-ca', '/ca'], { MAGLEV_TLS: 'false' }).tls.kind, 'plaintext');
  });

  test('TLS usage errors', () => {
    assert.deepEqual(parseCliArgs(['--tls-cert', '/c.crt'], {}), {
      kind: 'usage-error',
      message: '--tls-cert and --tls-key go together: give both or neither',
    });
    assert.equal(parseCliArgs(['--tls-key', '/c.key'], {}).kind, 'usage-error');
    assert.deepEqual(parseCliArgs([], { MAGLEV_TLS: 'sure' }), {
      kind: 'usage-error',
      message: 'MAGLEV_TLS expects true or false, got "sure"',
    });
    assert.equal(parseCliArgs(['--tls=perhaps'], {}).kind, 'usage-error');
  });
});
