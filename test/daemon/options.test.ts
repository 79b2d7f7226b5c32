import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULTS, parseDaemonArgs } from '../../src/daemon/options.js';

describe('maglevd options', () => {
  test('defaults', () => {
    const c = parseDaemonArgs([], {});
    assert.equal(c.kind, 'run');
    if (c.kind !== 'run') return;
    assert.deepEqual(c.options, { ...DEFAULTS, reflection: true });
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
});
