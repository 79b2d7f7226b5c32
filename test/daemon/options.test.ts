import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULTS, parseDaemonArgs } from '../../src/daemon/options.js';

describe('maglevd options', () => {
  test('defaults', () => {
    const c = parseDaemonArgs([], {});
    assert.equal(c.kind, 'run');
    if (c.kind !== 'run') return;
    assert.deepEqual(c.options, { ...DEFAULTS, reflection: true, grpcInsecure: false });
  });

  test('env vars apply and flags win over them', () => {
    const env = {
      MAGLEV_CONFIG: '/env.yaml',
      MAGLEV_GRPC_ADDR: '[::1]:7000',
      MAGLEV_METRICS_ADDR: '',
      MAGLEV_VPP_API_ADDR: '',
      MAGLEV_VPP_STATS_ADDR: '/s.sock',
      MAGLEV_LOG_LEVEL: 'debug',
    };
    const c = parseDaemonArgs(['--config', '/flag.yaml'], env);
    assert.equal(c.kind, 'run');
    if (c.kind !== 'run') return;
    assert.equal(c.options.config, '/flag.yaml');
    assert.equal(c.options.grpcAddr, '[::1]:7000');
    assert.equal(c.options.metricsAddr, '', 'an empty env value disables metrics');
    assert.equal(c.options.vppApiAddr, '');
    assert.equal(c.options.vppStatsAddr, '/s.sock');
    assert.equal(c.options.logLevel, 'debug');
  });

  test('--reflection takes a boolean', () => {
    for (const [args, want] of [
      [['--reflection=false'], false],
      [['--reflection', 'false'], false],
      [['--reflection'], true],
      [['--reflection=true'], true],
    ] as const) {
      const c = parseDaemonArgs([...args], {});
      assert.equal(c.kind, 'run', args.join(' '));
      if (c.kind === 'run') assert.equal(c.options.reflection, want, args.join(' '));
    }
    assert.equal(parseDaemonArgs(['--reflection=maybe'], {}).kind, 'usage-error');
  });

  test('one-shot modes and usage errors', () => {
    assert.equal(parseDaemonArgs(['--version'], {}).kind, 'version');
    assert.equal(parseDaemonArgs(['--print-schema'], {}).kind, 'print-schema');
    assert.equal(parseDaemonArgs(['--check'], {}).kind, 'check');
    assert.equal(parseDaemonArgs(['--help'], {}).kind, 'help');
    const lvl = parseDaemonArgs(['--log-level', 'chatty'], {});
    assert.equal(lvl.kind, 'usage-error');
    if (lvl.kind === 'usage-error') assert.match(lvl.message, /invalid --log-level "chatty"/);
    assert.equal(parseDaemonArgs(['--nope'], {}).kind, 'usage-error');
    assert.equal(parseDaemonArgs(['stray'], {}).kind, 'usage-error');
  });

  const usageError = (args: string[], env: NodeJS.ProcessEnv = {}): string => {
    const c = parseDaemonArgs(args, env);
    assert.equal(c.kind, 'usage-error', `${args.join(' ')}: ${JSON.stringify(c)}`);
    return c.kind === 'usage-error' ? c.message : '';
  };
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = parseDaemonArgs(args, env);
    if (c.kind !== 'run') assert.fail(`${args.join(' ')}: ${JSON.stringify(c)}`);
    return c.options;
  };

  test('--grpc-tls-*: flags or env, flag wins; a certificate needs its key, a client CA both', () => {
    const tls = ['--grpc-tls-cert', '/c.crt', '--grpc-tls-key', '/c.key'];
    assert.deepEqual(run(tls).grpcTls, { cert: '/c.crt', key: '/c.key' });
    assert.deepEqual(run([...tls, '--grpc-tls-client-ca', '/ca.crt']).grpcTls, {
      cert: '/c.crt',
      key: '/c.key',
      clientCa: '/ca.crt',
    });
    const env = {
      MAGLEV_GRPC_TLS_CERT: '/env.crt',
      MAGLEV_GRPC_TLS_KEY: '/env.key',
      MAGLEV_GRPC_TLS_CLIENT_CA: '/env-ca.crt',
    };
    assert.deepEqual(run([], env).grpcTls, { cert: '/env.crt', key: '/env.key', clientCa: '/env-ca.crt' });
    assert.deepEqual(run(['--grpc-tls-cert', '/flag.crt'], env).grpcTls, {
      cert: '/flag.crt',
      key: '/env.key',
      clientCa: '/env-ca.crt',
    });
    assert.equal(run([], { MAGLEV_GRPC_TLS_CERT: '', MAGLEV_GRPC_TLS_KEY: '' }).grpcTls, undefined);
    assert.match(usageError(['--grpc-tls-cert', '/c.crt']), /--grpc-tls-cert and --grpc-tls-key go together/);
    assert.match(usageError(['--grpc-tls-key', '/c.key']), /go together/);
    assert.match(
      usageError(['--grpc-tls-client-ca', '/ca.crt']),
      /--grpc-tls-client-ca needs --grpc-tls-cert and --grpc-tls-key/,
    );
  });

  test('plaintext gRPC off loopback is refused unless --grpc-insecure; TLS or a local address is fine', () => {
    for (const addr of [':9090', '0.0.0.0:9090', '[::]:9090', '192.0.2.1:9090', 'lb1.example:9090']) {
      const message = usageError(['--grpc-addr', addr]);
      assert.match(
        message,
        new RegExp(`--grpc-addr ${addr.replace(/[[\]]/g, '\\$&')} is not a loopback address`),
      );
      assert.match(message, /--grpc-tls-cert and --grpc-tls-key, or --grpc-insecure/);
      assert.equal(run(['--grpc-addr', addr, '--grpc-insecure']).grpcInsecure, true, addr);
      assert.equal(run(['--grpc-addr', addr], { MAGLEV_GRPC_INSECURE: 'yes' }).grpcInsecure, true, addr);
      const tls = run(['--grpc-addr', addr, '--grpc-tls-cert', '/c', '--grpc-tls-key', '/k']);
      assert.equal(tls.grpcInsecure, false);
    }
    for (const addr of [
      'localhost:9090',
      '127.0.0.1:0',
      '127.1.2.3:9090',
      '[::1]:9090',
      'unix:/run/m.sock',
      '',
    ]) {
      assert.equal(run(['--grpc-addr', addr]).grpcAddr, addr);
    }
    usageError(['--grpc-addr', ':9090', '--grpc-insecure=false'], { MAGLEV_GRPC_INSECURE: 'true' });
    assert.match(usageError([], { MAGLEV_GRPC_INSECURE: 'maybe' }), /invalid MAGLEV_GRPC_INSECURE "maybe"/);
    assert.equal(
      parseDaemonArgs(['--check', '--grpc-addr', ':9090'], {}).kind,
      'check',
      '--check serves nothing',
    );
  });
});
