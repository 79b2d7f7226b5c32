// checkConfig (maglevd --check) and loadConfigFile on real files in a temp directory.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkConfig, formatProblem, loadConfigFile } from '../../src/config/index.js';
import { lines } from './fixtures.js';

let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maglev-config-test-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const VALID = lines(
  'maglev:',
  '  healthchecks:',
  '    web: {type: http, port: 80}',
  '    ping: {type: icmp}',
  '  backends:',
  '    b1: {address: 192.0.2.1, healthcheck: web}',
  '  frontends:',
  '    f1: {address: 198.51.100.1, port: 80, pools: [{name: p, backends: {b1: {}}}]}',
);

describe('checkConfig', () => {
  test('exit 0 and a one-line summary for a valid file', async () => {
    const path = await file('ok.yaml', VALID);
    const r = await checkConfig(path);
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.lines, [`${path}: ok (2 healthchecks, 1 backend, 1 frontend)`]);
  });

  test('exit 0 with warnings printed before the summary', async () => {
    const path = await file(
      'warn.yaml',
      lines(
        'maglev:',
        '  backends: {b1: {address: 192.0.2.1}, b2: {address: 192.0.2.2}}',
        '  frontends:',
        '    f1: {address: 198.51.100.1, port: 80, flow-table-length: 128, pools: [{name: p, backends: {b1: {}, b2: {}}}]}',
      ),
    );
    const r = await checkConfig(path);
    assert.equal(r.exitCode, 0);
    assert.equal(r.lines.length, 2);
    assert.match(
      r.lines[0] ?? '',
      new RegExp(`^${path}:4:62: warning: frontends\\.f1\\.flow-table-length: .*Maglev balance degrades`),
    );
    assert.equal(r.lines[1], `${path}: ok (0 healthchecks, 2 backends, 1 frontend, 1 warning)`);
  });

  test('exit 1 for a YAML syntax error', async () => {
    const path = await file('syntax.yaml', lines('maglev:', '  backends: {}', '  backends: {}'));
    const r = await checkConfig(path);
    assert.equal(r.exitCode, 1);
    assert.deepEqual(r.lines, [
      `${path}:3:3: duplicate key 'backends' (map keys must be unique)`,
      `${path}: YAML parse error (1 error)`,
    ]);
  });

  test('exit 2 for semantic errors, every one printed in file order', async () => {
    const path = await file(
      'semantic.yaml',
      lines(
        'maglev:',
        '  backends:',
        '    b1: {address: nope}',
        '    b2: {address: 192.0.2.2, healthcheck: missing}',
      ),
    );
    const r = await checkConfig(path);
    assert.equal(r.exitCode, 2);
    assert.deepEqual(r.lines, [
      `${path}:3:19: backends.b1.address: must be an IPv4 or IPv6 address, got "nope": not an IP literal (names are not resolved)`,
      `${path}:4:43: backends.b2.healthcheck: health check 'missing' is not defined`,
      `${path}: invalid (2 errors)`,
    ]);
  });

  test('exit 2 with the warnings counted in the summary', async () => {
    const path = await file(
      'invalid-warned.yaml',
      lines(
        'maglev:',
        '  backends: {b1: {address: 192.0.2.1}}',
        '  frontends:',
        '    f1: {address: 198.51.100.1, port: 80, announce: true, pools: [{name: p, backends: {b1: {}}}]}',
        '    f2: {address: 198.51.100.1, port: 80, pools: [{name: p, backends: {b1: {}}}]}',
      ),
    );
    const r = await checkConfig(path);
    assert.equal(r.exitCode, 2);
    assert.equal(r.lines.length, 3, r.lines.join('\n'));
    assert.equal(r.lines[2], `${path}: invalid (1 error, 1 warning)`);
  });

  test('a missing file is a parse error (exit 1) at 1:1 naming the errno', async () => {
    const path = join(dir, 'does-not-exist.yaml');
    const r = await checkConfig(path);
    assert.equal(r.exitCode, 1);
    assert.equal(
      r.lines[0],
      `${path}:1:1: cannot read config file (ENOENT: no such file or directory, open '${path}')`,
    );
  });

  test('a directory is a parse error naming EISDIR', async () => {
    const path = join(dir, 'a-directory');
    await mkdir(path);
    const r = await loadConfigFile(path);
    assert.ok(!r.ok);
    assert.equal(r.kind, 'parse');
    assert.match(
      formatProblem(r.errors[0] ?? { file: '', line: 0, col: 0, message: '' }),
      /:1:1: cannot read config file \(EISDIR: illegal operation on a directory, read\)$/,
    );
  });

  test('a symlink loop names ELOOP', async () => {
    const path = join(dir, 'loop.yaml');
    await symlink(path, path);
    const r = await checkConfig(path);
    assert.equal(r.exitCode, 1);
    assert.match(r.lines[0] ?? '', /:1:1: cannot read config file \(ELOOP: /);
  });
});

describe('loadConfigFile', () => {
  test('reads and parses a file, naming it in positions', async () => {
    const path = await file('bad.yaml', lines('maglev:', '  vpp: {lb: {sync-interval: 0s}}'));
    const r = await loadConfigFile(path);
    assert.ok(!r.ok);
    assert.equal(r.kind, 'semantic');
    assert.deepEqual(r.errors, [
      { file: path, line: 2, col: 29, message: 'vpp.lb.sync-interval: must be greater than 0' },
    ]);
  });
});
