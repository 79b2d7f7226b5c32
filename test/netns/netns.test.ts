// Named namespaces as probes see them: checkNetns, the per-probe identity check, and what the
// addon reports for bad input. Needs root (CI runs as root).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import {
  checkNetns,
  createNativeSocketFactory,
  isValidNetnsName,
  netnsInodeOnDisk,
  SocketSetupError,
} from '../../src/probe/index.js';
import { isNativeError, loadNativeAddon } from '../../src/native/index.js';
import { addNetns, deleteNetns, NetnsJanitor, sweepStaleNamespaces } from '../helpers/netns.js';
import { RecordingLogger } from '../helpers/logger.js';
import { needsRoot } from '../helpers/requirements.js';

const run = promisify(execFile);

function nativeError(fn: () => unknown): { code: string; syscall: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(isNativeError(err), `not a native error: ${String(err)}`);
    return { code: err.code, syscall: err.syscall };
  }
  assert.fail('did not throw');
}

void describe('netns names', () => {
  void test('names are plain file names', () => {
    assert.equal(isValidNetnsName('dataplane'), true);
    for (const bad of ['', '.', '..', 'a/b', '../etc']) assert.equal(isValidNetnsName(bad), false, bad);
  });
});

void describe('netns', { skip: needsRoot('network namespaces') }, () => {
  const janitor = new NetnsJanitor();
  let ns: string;

  before(() => {
    sweepStaleNamespaces();
    ns = janitor.add('chk');
  });
  after(() => janitor.cleanup());

  void test('checkNetns: usable namespace, missing one, bad name; one log line each', () => {
    const log = new RecordingLogger();
    const ok = checkNetns(ns, { logger: log });
    assert.deepEqual(ok, { ok: true, inode: netnsInodeOnDisk(ns) });

    const missing = checkNetns(`${ns}-nope`, { logger: log });
    assert.deepEqual(missing, {
      ok: false,
      code: 'ENOENT',
      detail: `netns "${ns}-nope" not found (no /run/netns/${ns}-nope)`,
    });
    assert.deepEqual(checkNetns('../x', { logger: log }), {
      ok: false,
      code: 'EINVAL',
      detail: 'invalid netns name "../x"',
    });
    assert.deepEqual(
      log.records.map(({ level, event }) => `${level} ${event}`),
      ['debug netns-ok', 'error netns-error', 'error netns-error'],
    );
  });

  void test('re-creating a namespace under the same name changes its identity while a socket holds the old one', () => {
    // Namespace inode numbers are reused once a namespace is freed; a ping socket keeps its
    // namespace alive, so the inode it recorded cannot be handed to the re-created one.
    const name = janitor.add('again');
    const addon = loadNativeAddon();
    const held = addon.openSocket(4, 'tcp', name, null);
    try {
      const first = netnsInodeOnDisk(name);
      assert.equal(held.netnsIno, first);
      deleteNetns(name);
      assert.equal(netnsInodeOnDisk(name), undefined);
      addNetns(name);
      const second = netnsInodeOnDisk(name);
      assert.notEqual(second, first);
      assert.equal(addon.netnsInode(name), second, 'the addon enters the same namespace the stat saw');
    } finally {
      closeSync(held.fd);
    }
  });

  void test('a file that is not a namespace is refused by setns', () => {
    // /run/netns/NAME exists but is a plain file (e.g. a half-created namespace).
    const name = `${ns}-file`;
    writeFileSync(`/run/netns/${name}`, '');
    try {
      const status = checkNetns(name);
      assert.deepEqual(status, {
        ok: false,
        code: 'EINVAL',
        detail: `enter netns "${name}": not a network namespace`,
      });
    } finally {
      rmSync(`/run/netns/${name}`);
    }
  });

  void test('addon errors carry errno names and the failing call', () => {
    const addon = loadNativeAddon();
    assert.deepEqual(
      nativeError(() => addon.openSocket(4, 'tcp', ns, '10.9.9.9')),
      { code: 'EADDRNOTAVAIL', syscall: 'bind' },
    );
    assert.deepEqual(
      nativeError(() => addon.openSocket(6, 'icmp', null, 'not-an-ip')),
      { code: 'EINVAL', syscall: 'bind' },
    );
    const file = openSync('/dev/null', 'r');
    try {
      assert.deepEqual(
        nativeError(() => addon.readErrorQueue(file)),
        { code: 'ENOTSOCK', syscall: 'recvmsg' },
      );
    } finally {
      closeSync(file);
    }
    assert.deepEqual(
      nativeError(() => addon.procFile(null, '/etc/passwd', null)),
      { code: 'EINVAL', syscall: 'open' },
    );
  });

  void test('the socket factory turns them into SocketSetupError with an operator detail', () => {
    const factory = createNativeSocketFactory();
    const attempt = (netns: string, localAddress?: string) => {
      try {
        factory.connectTcp({ host: '127.0.0.1', port: 80, family: 4, netns, localAddress }).destroy();
      } catch (err) {
        assert.ok(err instanceof SocketSetupError);
        return [err.errno, err.message];
      }
      return ['connected'];
    };
    assert.deepEqual(attempt(`${ns}-nope`), [
      'ENOENT',
      `netns "${ns}-nope" not found (no /run/netns/${ns}-nope)`,
    ]);
    assert.deepEqual(attempt(ns, '10.9.9.9'), [
      'EADDRNOTAVAIL',
      `source address 10.9.9.9 is not configured in netns "${ns}"`,
    ]);
    assert.deepEqual(attempt(ns), ['connected']);
  });

  void test('without CAP_SYS_ADMIN: checkNetns says so, and every probe is a checker fault with that cause', async () => {
    const child = fileURLToPath(new URL('../helpers/netns-unprivileged.ts', import.meta.url));
    const { stdout } = await run(
      'setpriv',
      ['--inh-caps=-sys_admin', '--bounding-set=-sys_admin', process.execPath, '--import', 'tsx', child, ns],
      { timeout: 60_000 },
    );
    const got = JSON.parse(stdout) as {
      check: unknown;
      tcp: { code: string; reason?: string; detail: string };
      tcpNode: { code: string; reason?: string; detail: string };
      icmp: { code: string; reason?: string; detail: string };
    };
    const detail = `enter netns "${ns}": operation not permitted (needs CAP_SYS_ADMIN)`;
    const fault = ['checker-fault', 'permission', detail];
    assert.deepEqual(got.check, { ok: false, code: 'EPERM', detail });
    assert.deepEqual([got.tcp.code, got.tcp.reason, got.tcp.detail], fault, 'probe engine');
    assert.deepEqual([got.tcpNode.code, got.tcpNode.reason, got.tcpNode.detail], fault, "Node's sockets");
    assert.deepEqual([got.icmp.code, got.icmp.reason, got.icmp.detail], fault);
  });
});
