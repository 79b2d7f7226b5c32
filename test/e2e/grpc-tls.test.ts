// gRPC over TLS with the real binaries: maglevd with certificates made at test time (refusing
// bad files at start, rotating good ones on SIGHUP), maglevc and maglevd-frontend with and
// without the right CA and client certificate, and the loopback rule for plaintext: refused off
// loopback, accepted with --grpc-insecure and a warning (inside a network namespace, root).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestPki, type TestCert } from '../helpers/index.js';
import {
  repoRoot,
  runCommand,
  runProgram,
  type LogLine,
  type RunningProgram,
} from '../helpers/daemon-process.js';
import { ip, NetnsJanitor, sweepStaleNamespaces } from '../helpers/netns.js';
import { needsRoot } from '../helpers/requirements.js';
import { TempDir } from '../helpers/temp-dir.js';

const MAGLEVD = 'src/bin/maglevd.ts';
const FRONTEND = 'src/bin/maglevd-frontend.ts';
const MAGLEVC = 'src/bin/maglevc.ts';
/** Generous: the binaries start under tsx on a loaded 2-core machine. */
const WAIT_MS = 60_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** maglevc's real entry point as a child process (in a namespace when given one). */
function maglevc(args: string[], env: NodeJS.ProcessEnv = {}, netns?: string): Promise<Run> {
  const node = [process.execPath, '--import', 'tsx', MAGLEVC, ...args];
  const [command, ...commandArgs] = netns === undefined ? node : ['ip', 'netns', 'exec', netns, ...node];
  return new Promise((resolve) => {
    execFile(
      command as string,
      commandArgs,
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: '', MAGLEV_SERVER: '', ...env }, timeout: WAIT_MS },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const CONFIG = `maglev:
  backends:
    web1:
      address: 127.0.0.1
  frontends:
    site:
      address: 192.0.2.1
      port: 80
      pools:
        - name: primary
          backends:
            web1: {}
`;

const daemonFlags = (config: string) => [
  '--config',
  config,
  '--vpp-api-addr',
  '',
  '--metrics-addr',
  '127.0.0.1:0',
];

/** Runs maglevd until it exits by itself (a refusal at start), and returns what it said. */
async function refusedStart(args: string[], env: NodeJS.ProcessEnv = {}) {
  const p = runProgram(MAGLEVD, args, env);
  const code = await p.exited;
  const listening = p.lines.filter((l) =>
    ['metrics-listening', 'grpc-listen', 'grpc-listening'].includes(l.msg ?? ''),
  );
  return { code, stderr: p.stderr.join('\n'), listening };
}

const isMsg = (msg: string) => (l: LogLine) => l.msg === msg;

void describe('maglevd refuses to start, exit 2, with nothing listening', () => {
  let pki: TestPki;
  let dir: string;
  let config: string;
  let cert: TestCert;
  let other: TestCert;

  before(async () => {
    pki = await TestPki.create();
    dir = pki.dir; // removed with the certificates
    config = join(dir, 'maglev.yaml');
    await writeFile(config, CONFIG);
    cert = await pki.issue(['127.0.0.1']);
    other = await pki.issue(['127.0.0.1']);
  });
  after(async () => {
    await pki?.dispose();
  });

  void test('a bad certificate, key or client CA file, named on stderr', async () => {
    const base = [...daemonFlags(config), '--grpc-addr', '127.0.0.1:0'];
    const missing = join(dir, 'missing.crt');
    const notPem = join(dir, 'not-pem.crt');
    await writeFile(notPem, 'hello\n');
    const [noFile, wrongKey, badCa, fromEnv] = await Promise.all([
      refusedStart([...base, '--grpc-tls-cert', missing, '--grpc-tls-key', cert.keyPath]),
      refusedStart([...base, '--grpc-tls-cert', cert.certPath, '--grpc-tls-key', other.keyPath]),
      refusedStart([
        ...base,
        '--grpc-tls-cert',
        cert.certPath,
        '--grpc-tls-key',
        cert.keyPath,
        '--grpc-tls-client-ca',
        notPem,
      ]),
      refusedStart(base, { MAGLEV_GRPC_TLS_CERT: cert.certPath, MAGLEV_GRPC_TLS_KEY: notPem }),
    ]);
    assert.deepEqual(noFile, {
      code: 2,
      stderr: `maglevd: --grpc-tls-cert ${missing}: cannot read: no such file`,
      listening: [],
    });
    assert.deepEqual(wrongKey, {
      code: 2,
      stderr: `maglevd: --grpc-tls-key ${other.keyPath}: is not the key of the certificate in ${cert.certPath}`,
      listening: [],
    });
    assert.deepEqual(badCa, {
      code: 2,
      stderr: `maglevd: --grpc-tls-client-ca ${notPem}: holds no PEM certificate`,
      listening: [],
    });
    assert.deepEqual(fromEnv, {
      code: 2,
      stderr: `maglevd: --grpc-tls-key ${notPem}: holds no PEM private key`,
      listening: [],
    });
  });

  void test('plaintext on a non-loopback address without --grpc-insecure', async () => {
    const [wildcard, viaEnv] = await Promise.all([
      refusedStart([...daemonFlags(config), '--grpc-addr', '0.0.0.0:0']),
      refusedStart(daemonFlags(config), { MAGLEV_GRPC_ADDR: ':9090' }),
    ]);
    assert.equal(wildcard.code, 2);
    assert.equal(
      wildcard.stderr,
      'maglevd: --grpc-addr 0.0.0.0:0 is not a loopback address, and gRPC without TLS would let anyone ' +
        'who reaches it drive the load balancer: give --grpc-tls-cert and --grpc-tls-key, or ' +
        "--grpc-insecure to serve plaintext anyway\nTry 'maglevd --help'.",
    );
    assert.deepEqual(wildcard.listening, []);
    assert.equal(viaEnv.code, 2);
    assert.match(viaEnv.stderr, /^maglevd: --grpc-addr :9090 is not a loopback address/);
  });
});

const asRoot = { skip: needsRoot('a network namespace with a non-loopback address') };

void describe('plaintext off loopback with --grpc-insecure (in a network namespace)', asRoot, () => {
  const janitor = new NetnsJanitor();
  let dir: TempDir;
  let daemon: RunningProgram | undefined;

  before(async () => {
    sweepStaleNamespaces();
    dir = await TempDir.create('maglevd-insecure-');
  });
  after(async () => {
    daemon?.kill('SIGKILL');
    await daemon?.exited;
    await janitor.cleanup();
    await dir?.dispose();
  });

  void test('is served, with a warning in the log, and maglevc reaches it', async () => {
    const ns = janitor.add('tls');
    // Not loopback by the rule (10/8), though on lo: nothing outside the namespace reaches it.
    ip('-n', ns, 'addr', 'add', '10.255.13.1/32', 'dev', 'lo');
    const config = await dir.write('maglev.yaml', CONFIG);
    daemon = runCommand('ip', [
      'netns',
      'exec',
      ns,
      process.execPath,
      '--import',
      'tsx',
      MAGLEVD,
      ...daemonFlags(config),
      '--grpc-addr',
      '10.255.13.1:0',
      '--grpc-insecure',
    ]);
    const warning = await daemon.waitFor(isMsg('grpc-insecure'), WAIT_MS, 'grpc-insecure');
    assert.equal(warning.level, 'warn');
    assert.equal(warning.address, '10.255.13.1:0');
    const listening = await daemon.waitFor(isMsg('grpc-listening'), WAIT_MS, 'grpc-listening');
    assert.equal(listening.security, 'plaintext');
    const shown = await maglevc(
      ['--server', `10.255.13.1:${String(listening.port)}`, '--json', 'show', 'frontends'],
      {},
      ns,
    );
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /"site"/);
    daemon.kill('SIGTERM');
    assert.equal(await daemon.exited, 0);
  });
});

void describe('a maglevd serving mTLS, with maglevc and the dashboard', () => {
  let pki: TestPki;
  let strangers: TestPki;
  let dir: string;
  let daemon: RunningProgram;
  let port: number;
  let live: { cert: string; key: string };
  let client: TestCert;
  let stranger: TestCert;
  let tlsFlags: string[];

  before(async () => {
    pki = await TestPki.create();
    strangers = await TestPki.create();
    dir = pki.dir; // removed with the certificates
    const config = join(dir, 'maglev.yaml');
    await writeFile(config, CONFIG);
    const server = await pki.issue(['127.0.0.1']);
    // maglevd reads copies that the rotation test then overwrites.
    live = { cert: join(dir, 'grpc.crt'), key: join(dir, 'grpc.key') };
    await copyFile(server.certPath, live.cert);
    await copyFile(server.keyPath, live.key);
    client = await pki.issueClient('maglevc');
    stranger = await strangers.issueClient('maglevc');
    tlsFlags = ['--tls-ca', pki.caCertPath, '--tls-cert', client.certPath, '--tls-key', client.keyPath];
    daemon = runProgram(MAGLEVD, [
      ...daemonFlags(config),
      '--grpc-addr',
      '127.0.0.1:0',
      '--grpc-tls-cert',
      live.cert,
      '--grpc-tls-key',
      live.key,
      '--grpc-tls-client-ca',
      pki.caCertPath,
    ]);
    const listening = await daemon.waitFor(isMsg('grpc-listening'), WAIT_MS, 'grpc-listening');
    assert.equal(listening.security, 'mtls');
    port = Number(listening.port);
  });

  after(async () => {
    if (daemon) {
      daemon.kill('SIGTERM');
      await daemon.exited;
    }
    await Promise.all([pki?.dispose(), strangers?.dispose()]);
  });

  void test('maglevd logs the certificate it serves', async () => {
    const tls = await daemon.waitFor(isMsg('grpc-tls'), WAIT_MS, 'grpc-tls');
    assert.equal(tls.issuer, 'CN=vpp-maglev test CA');
    assert.deepEqual(tls.clientCas, ['CN=vpp-maglev test CA']);
    assert.match(String(tls.fingerprint), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  void test('maglevc with the CA and its certificate, from flags or the environment', async () => {
    const server = `127.0.0.1:${port}`;
    const byFlags = await maglevc(['--server', server, ...tlsFlags, 'show', 'frontends']);
    assert.equal(byFlags.stderr, '');
    assert.equal(byFlags.code, 0);
    assert.match(byFlags.stdout, /^site +192\.0\.2\.1 +tcp\/80 +up /m);
    const byEnv = await maglevc(['show', 'frontends'], {
      MAGLEV_SERVER: server,
      MAGLEV_TLS_CA: pki.caCertPath,
      MAGLEV_TLS_CERT: client.certPath,
      MAGLEV_TLS_KEY: client.keyPath,
    });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.match(byEnv.stdout, /^site +192\.0\.2\.1 +tcp\/80 +up /m);
  });

  void test('maglevc with a wrong CA, no certificate, or a stranger certificate: what it prints', async () => {
    const server = `127.0.0.1:${port}`;
    const cannot = `maglevc: cannot reach maglevd at ${server}: `;
    const [wrongCa, noCert, foreign, missing] = await Promise.all([
      maglevc([
        '--server',
        server,
        '--tls-ca',
        strangers.caCertPath,
        '--tls-cert',
        client.certPath,
        '--tls-key',
        client.keyPath,
        'show',
        'frontends',
      ]),
      maglevc(['--server', server, '--tls-ca', pki.caCertPath, 'show', 'frontends']),
      maglevc([
        '--server',
        server,
        '--tls-ca',
        pki.caCertPath,
        '--tls-cert',
        stranger.certPath,
        '--tls-key',
        stranger.keyPath,
        'show',
        'frontends',
      ]),
      maglevc(['--server', server, '--tls-ca', join(dir, 'nope.crt'), 'show', 'frontends']),
    ]);
    // With a client CA, maglevd sends it along as its chain's root: a root this client does not trust.
    assert.deepEqual(wrongCa, {
      code: 1,
      stdout: '',
      stderr: `${cannot}maglevd's certificate is not trusted (self-signed certificate in certificate chain): check --tls-ca\n`,
    });
    assert.deepEqual(noCert, {
      code: 1,
      stdout: '',
      stderr: `${cannot}maglevd asks for a client certificate: give --tls-cert and --tls-key\n`,
    });
    assert.deepEqual(foreign, {
      code: 1,
      stdout: '',
      stderr: `${cannot}maglevd closed the connection during the TLS handshake: it may not accept this client certificate\n`,
    });
    assert.deepEqual(missing, {
      code: 2,
      stdout: '',
      stderr: `maglevc: --tls-ca ${join(dir, 'nope.crt')}: cannot read: no such file\n`,
    });
  });

  void test("the dashboard's client: the fleet's settings, and one server's own", async () => {
    const good = `127.0.0.1:${port}`;
    // The same maglevd under a second name (grpc-js's ipv4: scheme), with its own, wrong, CA.
    const wrongCa = `ipv4:127.0.0.1:${port}`;
    const dash = runProgram(FRONTEND, [
      '--listen',
      '127.0.0.1:0',
      ...tlsFlags,
      '--server',
      `${good},${wrongCa};tls-ca=${strangers.caCertPath}`,
    ]);
    try {
      const listening = await dash.waitFor(isMsg('frontend-listening'), WAIT_MS, 'frontend-listening');
      await dash.waitFor((l) => l.msg === 'maglevd-reachable' && l.maglevd === good, WAIT_MS, 'reachable');
      await dash.waitFor(
        (l) => l.msg === 'maglevd-watch-ended' && l.maglevd === wrongCa,
        WAIT_MS,
        'the second entry failing',
      );
      const base = `http://127.0.0.1:${String(listening.port)}`;
      const maglevds = (await (await fetch(`${base}/view/api/maglevds`)).json()) as {
        name: string;
        reachable: boolean;
        error: string | null;
      }[];
      assert.deepEqual(
        maglevds.map((m) => [m.name, m.reachable]),
        [
          [good, true],
          [wrongCa, false],
        ],
      );
      assert.match(maglevds[1]?.error ?? '', /maglevd's certificate is not trusted .*check --tls-ca/);
      const state = (await (await fetch(`${base}/view/api/state/${encodeURIComponent(good)}`)).json()) as {
        frontends: { name: string }[];
      };
      assert.deepEqual(
        state.frontends.map((f) => f.name),
        ['site'],
      );
    } finally {
      dash.kill('SIGTERM');
      await dash.exited;
    }
  });

  void test('SIGHUP rotates the files; a bad file on SIGHUP is logged and changes nothing', async () => {
    const server = `127.0.0.1:${port}`;
    const rotated = await pki.issue(['127.0.0.1']);
    await copyFile(rotated.certPath, live.cert);
    await copyFile(rotated.keyPath, live.key);
    const reloads = () => daemon.lines.filter(isMsg('grpc-tls-reload')).length;
    const before = reloads();
    daemon.kill('SIGHUP');
    const reload = await daemon.waitFor(
      (l) => l.msg === 'grpc-tls-reload' && reloads() > before,
      WAIT_MS,
      'grpc-tls-reload',
    );
    const { X509Certificate } = await import('node:crypto');
    assert.equal(reload.fingerprint, new X509Certificate(rotated.cert).fingerprint256);
    assert.equal((await maglevc(['--server', server, ...tlsFlags, 'show', 'frontends'])).code, 0);
    // Still mTLS after the reload: asking for a client certificate is not part of the files.
    const noCert = await maglevc(['--server', server, '--tls-ca', pki.caCertPath, 'show', 'frontends']);
    assert.match(noCert.stderr, /maglevd asks for a client certificate/);

    await writeFile(live.cert, 'half-written\n');
    daemon.kill('SIGHUP');
    const failed = await daemon.waitFor(isMsg('grpc-tls-reload-failed'), WAIT_MS, 'grpc-tls-reload-failed');
    assert.equal(failed.level, 'error');
    assert.equal(failed.error, `--grpc-tls-cert ${live.cert}: holds no PEM certificate`);
    const still = await maglevc(['--server', server, ...tlsFlags, 'show', 'frontends']);
    assert.equal(still.code, 0, still.stderr);
  });
});
