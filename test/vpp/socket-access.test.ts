// What an operator reads when maglevd cannot reach VPP's API socket: the socket's owner, group
// and mode, maglevd's own user and groups, and the fix. The real ENOENT goes through connectUnix.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { connectUnix } from '../../src/vpp/transport.js';
import { explainSocketAccess, type SocketAccessFacts } from '../../src/vpp/socket-access.js';

const USERS = new Map([
  [0, 'root'],
  [998, 'maglevd'],
]);
const GROUPS = new Map([
  [0, 'root'],
  [997, 'vpp'],
  [998, 'maglevd'],
]);

function facts(socket: SocketAccessFacts['socket']): SocketAccessFacts {
  return {
    socket,
    uid: 998,
    gids: [998],
    userName: (id) => USERS.get(id),
    groupName: (id) => GROUPS.get(id),
  };
}

const SOCK = '/run/vpp/api.sock';

void describe('explainSocketAccess', () => {
  void test('EACCES on a group-writable socket: join its group', () => {
    assert.equal(
      explainSocketAccess(SOCK, 'EACCES', facts({ uid: 0, gid: 997, mode: 0o140770 })),
      'permission denied on /run/vpp/api.sock (owner root:vpp, mode 0770); maglevd runs as user maglevd (998) ' +
        'with groups maglevd (998): add that user to group vpp ("adduser maglevd vpp") and restart maglevd',
    );
  });

  void test('EACCES on a socket only root may use: VPP must name a group first', () => {
    const text = explainSocketAccess(SOCK, 'EACCES', facts({ uid: 0, gid: 0, mode: 0o140700 }));
    assert.match(
      String(text),
      /owner root:root, mode 0700\).*not group-writable: let VPP's "unix \{ gid … \}"/,
    );
  });

  void test('ids without names are shown as numbers', () => {
    const text = explainSocketAccess(SOCK, 'EACCES', {
      ...facts({ uid: 0, gid: 4242, mode: 0o140770 }),
      uid: 1234,
      gids: [1234, 4243],
    });
    assert.match(
      String(text),
      /owner root:4242, mode 0770\); maglevd runs as user 1234 with groups 1234, 4243: /,
    );
    assert.match(String(text), /"adduser 1234 4242"/);
  });

  void test('a directory on the way is closed', () => {
    assert.match(
      String(explainSocketAccess(SOCK, 'EACCES', facts('EACCES'))),
      /^permission denied on the way to \/run\/vpp\/api\.sock \(a directory is closed to maglevd\); maglevd runs as user maglevd \(998\)/,
    );
  });

  void test('no socket, and a socket nobody listens on', () => {
    assert.match(
      String(explainSocketAccess(SOCK, 'ENOENT', facts('ENOENT'))),
      /is VPP running, with "socksvr/,
    );
    assert.match(
      String(explainSocketAccess(SOCK, 'ECONNREFUSED', facts({ uid: 0, gid: 997, mode: 0o140770 }))),
      /nothing listens on \/run\/vpp\/api\.sock/,
    );
    assert.equal(explainSocketAccess(SOCK, 'EMFILE', facts('ENOENT')), undefined);
  });

  void test('connectUnix puts the explanation in its error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maglev-sock-'));
    try {
      await assert.rejects(
        connectUnix(join(dir, 'api.sock')),
        /connect ENOENT .*\(no socket at .*api\.sock: is VPP running/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
