// The dashboard's --server list: per-server TLS keys over the --tls-* defaults, and the usage
// errors an operator sees for a bad entry; plus the flags and variables that set the defaults.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFrontendArgs, parseServerList, type MaglevdServer } from '../../src/frontend/index.js';

function servers(value: string, defaults = {}): MaglevdServer[] {
  const r = parseServerList(value, defaults);
  if ('error' in r) assert.fail(r.error);
  return r.servers;
}

function error(value: string, defaults = {}): string {
  const r = parseServerList(value, defaults);
  assert.ok('error' in r, `expected an error for ${value}`);
  return r.error;
}

const plaintext = { kind: 'plaintext' } as const;

describe('parseServerList', () => {
  test('addresses alone are plaintext; duplicates count once', () => {
    assert.deepEqual(servers('lb1:9090, lb2:9090,,lb1:9090'), [
      { address: 'lb1:9090', tls: plaintext },
      { address: 'lb2:9090', tls: plaintext },
    ]);
    assert.deepEqual(servers('[::1]:9090'), [{ address: '[::1]:9090', tls: plaintext }]);
  });

  test('the --tls-* defaults apply to every server; an entry replaces them key by key', () => {
    const defaults = { tlsCa: '/fleet-ca.crt', tlsCert: '/dash.crt', tlsKey: '/dash.key' };
    assert.deepEqual(
      servers(
        'lb1.ams:9090,lb1.fra:9090;tls-ca=/fra-ca.crt;tls-server-name=lb1.fra.example,127.0.0.1:9090;tls=false',
        defaults,
      ),
      [
        {
          address: 'lb1.ams:9090',
          tls: {
            kind: 'tls',
            caFile: '/fleet-ca.crt',
            certFile: '/dash.crt',
            keyFile: '/dash.key',
            serverName: undefined,
          },
        },
        {
          address: 'lb1.fra:9090',
          tls: {
            kind: 'tls',
            caFile: '/fra-ca.crt',
            certFile: '/dash.crt',
            keyFile: '/dash.key',
            serverName: 'lb1.fra.example',
          },
        },
        { address: '127.0.0.1:9090', tls: plaintext },
      ],
    );
  });

  test('an entry may turn TLS on alone, with its own client certificate', () => {
    assert.deepEqual(servers('a:1;tls=true, b:1; tls-cert=/b.crt ; tls-key=/b.key'), [
      {
        address: 'a:1',
        tls: {
          kind: 'tls',
          caFile: undefined,
          certFile: undefined,
          keyFile: undefined,
          serverName: undefined,
        },
      },
      {
        address: 'b:1',
        tls: { kind: 'tls', caFile: undefined, certFile: '/b.crt', keyFile: '/b.key', serverName: undefined },
      },
    ]);
  });

  test('usage errors name the entry and what is wrong', () => {
    assert.equal(
      error('lb1:9090;tls-sni=x'),
      '--server entry "lb1:9090;tls-sni=x": unknown key "tls-sni" (use tls, tls-ca, tls-cert, tls-key, tls-server-name)',
    );
    assert.match(error('lb1:9090;tls=maybe'), /tls expects true or false, got "maybe"/);
    assert.match(error('lb1:9090;tls-ca'), /tls-ca needs a value/);
    assert.match(error(';tls=true'), /no address before the first ";"/);
    assert.match(
      error('lb1:9090;tls-cert=/own.crt', { tlsCert: '/d.crt', tlsKey: '/d.key' }),
      /tls-cert and tls-key go together/,
    );
    assert.match(error('lb1:9090,lb1:9090;tls=true'), /lists lb1:9090 twice, with different TLS settings/);
    assert.equal(error(' , '), '--server needs at least one address');
  });
});

describe('maglevd-frontend TLS flags', () => {
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = parseFrontendArgs(argv, env);
    if (r.kind !== 'run') assert.fail(JSON.stringify(r));
    return r.options.servers;
  };

  test('flags over MAGLEV_FRONTEND_TLS_* variables, as every server default', () => {
    const env = {
      MAGLEV_FRONTEND_SERVER: 'a:1,b:1;tls=false',
      MAGLEV_FRONTEND_TLS_CA: '/env-ca',
      MAGLEV_FRONTEND_TLS_SERVER_NAME: 'env.example',
    };
    assert.deepEqual(run([], env), [
      {
        address: 'a:1',
        tls: {
          kind: 'tls',
          caFile: '/env-ca',
          certFile: undefined,
          keyFile: undefined,
          serverName: 'env.example',
        },
      },
      { address: 'b:1', tls: plaintext },
    ]);
    assert.deepEqual(run(['--tls-ca', '/flag-ca', '--tls-cert', '/c', '--tls-key', '/k'], env)[0], {
      address: 'a:1',
      tls: { kind: 'tls', caFile: '/flag-ca', certFile: '/c', keyFile: '/k', serverName: 'env.example' },
    });
    assert.equal(run(['--tls=false'], env)[0]?.tls.kind, 'plaintext');
    assert.equal(run(['--server', 'x:1'], { MAGLEV_FRONTEND_TLS: 'on' })[0]?.tls.kind, 'tls');
    assert.equal(parseFrontendArgs([], { MAGLEV_FRONTEND_TLS: 'sometimes' }).kind, 'usage-error');
    assert.equal(parseFrontendArgs(['--tls-key', '/k'], {}).kind, 'usage-error');
  });
});
