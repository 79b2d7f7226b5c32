import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_CONFIG, DEFAULTS, parseTesterArgs, type TesterOptions } from '../../src/tester/index.js';

function run(argv: string[], env: NodeJS.ProcessEnv = {}): TesterOptions {
  const r = parseTesterArgs(argv, env);
  assert.equal(r.kind, 'run', JSON.stringify(r));
  return (r as { options: TesterOptions }).options;
}

function usage(argv: string[]): string {
  const r = parseTesterArgs(argv, {});
  assert.equal(r.kind, 'usage-error', JSON.stringify(r));
  return (r as { message: string }).message;
}

describe('maglevt options', () => {
  test('defaults follow the original', () => {
    const o = run([]);
    assert.deepEqual(o.configs, [DEFAULT_CONFIG]);
    assert.equal(o.intervalMs, 100);
    assert.equal(o.timeoutMs, 2_000);
    assert.equal(o.host, undefined);
    assert.equal(o.uri, '/.well-known/ipng/healthz');
    assert.equal(o.header, 'X-IPng-Frontend');
    assert.equal(o.insecure, false);
    assert.equal(o.keepalive, false);
    assert.equal(o.filter, undefined);
    assert.equal(o.once, false);
    assert.equal(o.json, false);
    assert.equal(o.durationMs, undefined);
    assert.equal(DEFAULTS.uri, o.uri);
  });

  test('MAGLEV_CONFIG is the default config file', () => {
    assert.deepEqual(run([], { MAGLEV_CONFIG: '/tmp/x.yaml' }).configs, ['/tmp/x.yaml']);
  });

  test('--config repeats and takes comma-separated lists, in order', () => {
    assert.deepEqual(run(['--config', 'a.yaml,b.yaml', '--config=c.yaml']).configs, [
      'a.yaml',
      'b.yaml',
      'c.yaml',
    ]);
  });

  test('Go-style single-dash flags and =bool forms', () => {
    const o = run([
      '-config',
      'a.yaml',
      '-interval',
      '50ms',
      '-timeout=1s',
      '-insecure=true',
      '-keepalive',
      '-path',
      '/h',
    ]);
    assert.deepEqual(o.configs, ['a.yaml']);
    assert.equal(o.intervalMs, 50);
    assert.equal(o.timeoutMs, 1_000);
    assert.equal(o.insecure, true);
    assert.equal(o.keepalive, true);
    assert.equal(o.uri, '/h');
    assert.equal(run(['--insecure=false']).insecure, false);
    assert.equal(run(['--keepalive', '--keepalive=false']).keepalive, false);
  });

  test('--uri wins over the older --path', () => {
    assert.equal(run(['--path', '/old', '--uri', '/new']).uri, '/new');
  });

  test('the remaining flags', () => {
    const o = run([
      '--host',
      'www.example.net',
      '--header',
      'X-Backend',
      '--filter',
      '^web',
      '--once',
      '--json',
      '--duration',
      '1m30s',
    ]);
    assert.equal(o.host, 'www.example.net');
    assert.equal(o.header, 'X-Backend');
    assert.ok(o.filter?.test('web-v4'));
    assert.equal(o.filter?.test('dns'), false);
    assert.equal(o.once, true);
    assert.equal(o.json, true);
    assert.equal(o.durationMs, 90_000);
  });

  test('bad values are usage errors that say why', () => {
    assert.match(usage(['--interval', 'fast']), /--interval/);
    assert.match(usage(['--interval', '0s']), /more than 0/);
    assert.match(usage(['--timeout', '-1s']), /more than 0/);
    assert.match(usage(['--uri', 'healthz']), /must start with \//);
    assert.match(usage(['--header', 'Bad Header']), /not a header name/);
    assert.match(usage(['--filter', '(']), /--filter/);
    assert.match(usage(['--insecure=maybe']), /true or false/);
    assert.match(usage(['--bogus']), /unknown option/);
    assert.match(usage(['extra']), /too many arguments|excess/i);
    assert.match(usage(['--host', ' ']), /--host/);
  });

  test('--help and --version', () => {
    const h = parseTesterArgs(['--help'], {});
    assert.equal(h.kind, 'help');
    assert.match((h as { text: string }).text, /--keepalive/);
    assert.doesNotMatch((h as { text: string }).text, /--no-keepalive/);
    assert.equal(parseTesterArgs(['-version'], {}).kind, 'version');
  });
});
