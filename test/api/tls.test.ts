// gRPC over TLS in-process: maglevd's API server with certificates made at test time, and the
// one typed client (what maglevc and the dashboard use) with every way it can be right or wrong:
// the CA, the server name, a plaintext/TLS mismatch, mTLS with no client certificate or one from
// another CA, and the rotation of the server's files on reload. Also the files' own checks.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import {
  loadChannelSecurity,
  MaglevApiClient,
  ServerTls,
  TlsFileError,
  type ChannelSecurity,
  type ServerTlsFiles,
} from '../../src/api/index.js';
import { RpcError } from '../../src/errors.js';
import { TestPki, type TestCert } from '../helpers/index.js';
import { startFixture, type Fixture } from '../helpers/api-server.js';

/** Resolves with the RpcError p rejects with. */
async function failure(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RpcError, `not an RpcError: ${String(err)}`);
    return err;
  }
  assert.fail('the call succeeded');
}

/** One call on a fresh client (its own connection), then closed. */
async function namesWith(target: string, security: ChannelSecurity): Promise<string[]> {
  const client = new MaglevApiClient(target, { security, deadlineMs: 10_000 });
  try {
    return await client.frontendNames();
  } finally {
    client.close();
  }
}

async function refusedWith(target: string, security: ChannelSecurity): Promise<RpcError> {
  return failure(namesWith(target, security));
}

const tls = (ca?: string, client?: TestCert, serverName?: string): ChannelSecurity => ({
  kind: 'tls',
  ca: ca === undefined ? undefined : Buffer.from(ca),
  cert: client === undefined ? undefined : Buffer.from(client.cert),
  key: client === undefined ? undefined : Buffer.from(client.key),
  serverName,
});

/** The certificate a fresh TLS connection to 127.0.0.1:port is shown. */
async function peerCertificate(port: number): Promise<PeerCertificate> {
  const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
  try {
    await once(socket, 'secureConnect');
    return socket.getPeerCertificate();
  } finally {
    socket.destroy();
  }
}

void describe('gRPC over TLS', () => {
  let pki: TestPki;
  let otherPki: TestPki;
  let serverCert: TestCert;
  let clientCert: TestCert;
  let strangerCert: TestCert;
  let tlsFx: Fixture;
  let mtlsFx: Fixture;
  let plainFx: Fixture;

  before(async () => {
    pki = await TestPki.create();
    otherPki = await TestPki.create();
    serverCert = await pki.issue(['maglevd.test', '127.0.0.1']);
    clientCert = await pki.issueClient('dashboard');
    strangerCert = await otherPki.issueClient('stranger');
    const files: ServerTlsFiles = { cert: serverCert.certPath, key: serverCert.keyPath };
    tlsFx = await startFixture({ tls: await ServerTls.load(files) });
    mtlsFx = await startFixture({ tls: await ServerTls.load({ ...files, clientCa: pki.caCertPath }) });
    plainFx = await startFixture();
  });

  after(async () => {
    await Promise.all([tlsFx?.close(), mtlsFx?.close(), plainFx?.close()]);
    await Promise.all([pki?.dispose(), otherPki?.dispose()]);
  });

  void test('a client trusting the CA calls maglevd over TLS; the server logs that it serves TLS', async () => {
    assert.deepEqual(await namesWith(tlsFx.server.target, tls(pki.caCert)), ['web-v4', 'web-v6']);
    const listen = tlsFx.serverLogs.find((r) => r.event === 'grpc-listen');
    assert.equal(listen?.attrs['security'], 'tls');
    assert.equal(mtlsFx.serverLogs.find((r) => r.event === 'grpc-listen')?.attrs['security'], 'mtls');
    assert.equal(plainFx.serverLogs.find((r) => r.event === 'grpc-listen')?.attrs['security'], 'plaintext');
    assert.ok(
      !plainFx.serverLogs.some((r) => r.event === 'grpc-insecure'),
      'loopback plaintext is no warning',
    );
  });

  void test('--tls-server-name: the name checked when the certificate is not for the dialled host', async () => {
    const byName = `localhost:${tlsFx.server.port}`; // the certificate names maglevd.test and 127.0.0.1
    const wrong = await refusedWith(byName, tls(pki.caCert));
    assert.equal(wrong.code, 'unreachable');
    assert.equal(
      wrong.message,
      `cannot reach maglevd at ${byName}: maglevd's certificate is for other names ` +
        `(Host: localhost is not in the cert's altnames: DNS:maglevd.test, IP Address:127.0.0.1): ` +
        'check --tls-server-name',
    );
    assert.deepEqual(await namesWith(byName, tls(pki.caCert, undefined, 'maglevd.test')), [
      'web-v4',
      'web-v6',
    ]);
  });

  void test('a wrong CA (or the system roots) fails with a message that points at --tls-ca', async () => {
    const target = tlsFx.server.target;
    const wrong = await refusedWith(target, tls(otherPki.caCert));
    assert.equal(wrong.code, 'unreachable');
    assert.equal(
      wrong.message,
      `cannot reach maglevd at ${target}: maglevd's certificate is not trusted ` +
        '(unable to verify the first certificate): check --tls-ca',
    );
    assert.equal((await refusedWith(target, tls())).message, wrong.message);
  });

  void test('plaintext against TLS, and TLS against plaintext, say which side to change', async () => {
    const toTls = await refusedWith(tlsFx.server.target, { kind: 'plaintext' });
    assert.equal(
      toTls.message,
      `cannot reach maglevd at ${tlsFx.server.target}: the connection closed during set-up: ` +
        'maglevd may serve TLS there (give --tls-ca)',
    );
    const toPlain = await refusedWith(plainFx.server.target, tls(pki.caCert));
    assert.equal(
      toPlain.message,
      `cannot reach maglevd at ${plainFx.server.target}: maglevd does not serve TLS there ` +
        '(wrong version number): leave out the --tls flags',
    );
  });

  void test('mTLS: a client certificate from the CA gets in, also for WatchEvents', async () => {
    const target = mtlsFx.server.target;
    assert.deepEqual(await namesWith(target, tls(pki.caCert, clientCert)), ['web-v4', 'web-v6']);
    const client = new MaglevApiClient(target, { security: tls(pki.caCert, clientCert) });
    try {
      assert.equal(client.security, 'mtls');
      const stream = client.watchEvents();
      const first = new Promise<unknown>((resolve) => stream.on('data', resolve));
      await first; // the frontends' current states come first
      stream.cancel();
      await stream.done;
    } finally {
      client.close();
    }
  });

  void test('mTLS: no client certificate, or one from another CA, is refused', async () => {
    const target = mtlsFx.server.target;
    const none = await refusedWith(target, tls(pki.caCert));
    assert.equal(none.code, 'unreachable');
    assert.equal(
      none.message,
      `cannot reach maglevd at ${target}: maglevd asks for a client certificate: give --tls-cert and --tls-key`,
    );
    const stranger = await refusedWith(target, tls(pki.caCert, strangerCert));
    assert.equal(stranger.code, 'unreachable');
    assert.equal(
      stranger.message,
      `cannot reach maglevd at ${target}: maglevd closed the connection during the TLS handshake: ` +
        'it may not accept this client certificate',
    );
    // A server certificate of the right CA is no client certificate either (extendedKeyUsage).
    await refusedWith(target, tls(pki.caCert, serverCert));
  });
});

void describe('ServerTls.reload (certificate rotation)', () => {
  let pki: TestPki;
  let nextPki: TestPki;
  let fx: Fixture;
  let files: ServerTlsFiles;
  let serverTls: ServerTls;

  before(async () => {
    pki = await TestPki.create();
    nextPki = await TestPki.create();
    const first = await pki.issue(['127.0.0.1']);
    // The server reads its own copies, which the test then overwrites as a rotation would.
    files = { cert: join(pki.dir, 'live.crt'), key: join(pki.dir, 'live.key') };
    await copyFile(first.certPath, files.cert);
    await copyFile(first.keyPath, files.key);
    serverTls = await ServerTls.load(files);
    fx = await startFixture({ tls: serverTls });
  });

  after(async () => {
    await fx?.close();
    await Promise.all([pki?.dispose(), nextPki?.dispose()]);
  });

  void test('new handshakes get the new files; a bad file on reload changes nothing', async () => {
    const tlsOf = (ca: string): ChannelSecurity => ({ kind: 'tls', ca: Buffer.from(ca) });
    const port = fx.server.port;
    const before = await peerCertificate(port);
    assert.deepEqual(await namesWith(fx.server.target, tlsOf(pki.caCert)), ['web-v4', 'web-v6']);

    const rotated = await nextPki.issue(['127.0.0.1']);
    await copyFile(rotated.certPath, files.cert);
    await copyFile(rotated.keyPath, files.key);
    const summary = await serverTls.reload();
    assert.equal(summary.cert.issuer, 'CN=vpp-maglev test CA');
    const after = await peerCertificate(port);
    assert.notEqual(after.fingerprint256, before.fingerprint256);
    assert.equal(after.fingerprint256, summary.cert.fingerprint);
    assert.deepEqual(await namesWith(fx.server.target, tlsOf(nextPki.caCert)), ['web-v4', 'web-v6']);

    // A half-written rotation: the new key does not belong to the certificate on disk.
    const stray = await nextPki.issue(['127.0.0.1']);
    await copyFile(stray.keyPath, files.key);
    await assert.rejects(serverTls.reload(), (err: unknown) => {
      assert.ok(err instanceof TlsFileError);
      assert.equal(
        err.message,
        `--grpc-tls-key ${files.key}: is not the key of the certificate in ${files.cert}`,
      );
      return true;
    });
    assert.equal(
      (await peerCertificate(port)).fingerprint256,
      after.fingerprint256,
      'still the rotated files',
    );
    assert.equal(serverTls.summary().cert.fingerprint, after.fingerprint256);
  });
});

void describe('TLS files are checked at load, with the flag and file named', () => {
  let pki: TestPki;
  let good: TestCert;
  let other: TestCert;

  before(async () => {
    pki = await TestPki.create();
    good = await pki.issue(['127.0.0.1']);
    other = await pki.issue(['127.0.0.1']);
  });
  after(() => pki?.dispose());

  const refused = async (files: ServerTlsFiles, message: string) => {
    await assert.rejects(ServerTls.load(files), (err: unknown) => {
      assert.ok(err instanceof TlsFileError, String(err));
      assert.equal(err.message, message);
      return true;
    });
  };

  void test('a missing file, a file of the wrong kind, a key of another certificate', async () => {
    const missing = join(pki.dir, 'nope.crt');
    await refused(
      { cert: missing, key: good.keyPath },
      `--grpc-tls-cert ${missing}: cannot read: no such file`,
    );
    await refused(
      { cert: good.keyPath, key: good.keyPath },
      `--grpc-tls-cert ${good.keyPath}: holds no PEM certificate`,
    );
    await refused(
      { cert: good.certPath, key: good.certPath },
      `--grpc-tls-key ${good.certPath}: holds no PEM private key`,
    );
    await refused(
      { cert: good.certPath, key: other.keyPath },
      `--grpc-tls-key ${other.keyPath}: is not the key of the certificate in ${good.certPath}`,
    );
    await refused(
      { cert: good.certPath, key: good.keyPath, clientCa: pki.dir },
      `--grpc-tls-client-ca ${pki.dir}: cannot read: is a directory`,
    );
    const garbled = join(pki.dir, 'garbled.crt');
    await writeFile(garbled, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    await assert.rejects(
      ServerTls.load({ cert: good.certPath, key: good.keyPath, clientCa: garbled }),
      new RegExp(`^TlsFileError: --grpc-tls-client-ca ${garbled}: the certificate does not parse`),
    );
  });

  void test('an encrypted key is refused: nobody is there to type its passphrase', async () => {
    const encrypted = await pki.encryptedKey(good);
    await refused(
      { cert: good.certPath, key: encrypted },
      `--grpc-tls-key ${encrypted}: is an encrypted private key; give an unencrypted one`,
    );
  });

  void test('the clients read their files the same way, under their own flag names', async () => {
    const missing = join(pki.dir, 'ca-nope.crt');
    await assert.rejects(loadChannelSecurity({ kind: 'tls', caFile: missing }), {
      name: 'TlsFileError',
      message: `--tls-ca ${missing}: cannot read: no such file`,
    });
    await assert.rejects(
      loadChannelSecurity({ kind: 'tls', certFile: good.certPath, keyFile: other.keyPath }),
      { message: `--tls-key ${other.keyPath}: is not the key of the certificate in ${good.certPath}` },
    );
    const loaded = await loadChannelSecurity({
      kind: 'tls',
      caFile: pki.caCertPath,
      certFile: good.certPath,
      keyFile: good.keyPath,
      serverName: 'x',
    });
    assert.equal(loaded.kind, 'tls');
    assert.equal(loaded.kind === 'tls' && loaded.ca?.toString(), pki.caCert);
    assert.deepEqual(await loadChannelSecurity({ kind: 'plaintext' }), { kind: 'plaintext' });
  });
});
