// Certificates made at test time with the openssl CLI: a CA, certificates it issues for given
// names, and self-signed ones. Everything lives in one temp dir that dispose() removes; the PEM
// text is also kept in memory, so most tests never touch the files.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCert {
  /** PEM private key and certificate. */
  key: string;
  cert: string;
  keyPath: string;
  certPath: string;
}

/** subjectAltName entries for names: IP literals become IP:, everything else DNS:. */
function sanList(names: readonly string[]): string {
  return names.map((n) => (isIP(n) !== 0 ? `IP:${n}` : `DNS:${n}`)).join(',');
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export class TestPki {
  private serial = 0;

  private constructor(
    readonly dir: string,
    /** The CA's certificate (PEM): what a client passes as `ca` to trust issued certificates. */
    readonly caCert: string,
    readonly caCertPath: string,
    private readonly caKeyPath: string,
  ) {}

  /** A fresh CA in a fresh temp dir. */
  static async create(): Promise<TestPki> {
    const dir = await mkdtemp(join(tmpdir(), 'vpp-maglev-pki-'));
    const keyPath = join(dir, 'ca.key');
    const certPath = join(dir, 'ca.crt');
    await run('openssl', [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=vpp-maglev test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return new TestPki(dir, await readFile(certPath, 'utf8'), certPath, keyPath);
  }

  /**
   * A server certificate for names (DNS names and IP literals), signed by this CA. `days` -1
   * makes one that expired a day ago (its notAfter is before its notBefore, which is now).
   */
  issue(names: readonly string[], days = 2): Promise<TestCert> {
    return this.sign(names, 'serverAuth', days);
  }

  /** A client certificate (for mTLS) with common name `name`, signed by this CA. */
  issueClient(name: string): Promise<TestCert> {
    return this.sign([name], 'clientAuth');
  }

  private async sign(
    names: readonly string[],
    usage: 'serverAuth' | 'clientAuth',
    days = 2,
  ): Promise<TestCert> {
    const base = join(this.dir, `issued-${++this.serial}`);
    const keyPath = `${base}.key`;
    const certPath = `${base}.crt`;
    const extPath = `${base}.ext`;
    await writeFile(
      extPath,
      `subjectAltName=${sanList(names)}\nbasicConstraints=CA:FALSE\n` +
        `keyUsage=critical,digitalSignature\nextendedKeyUsage=${usage}\n`,
    );
    await run('openssl', [
      'req',
      ...EC_KEY,
      '-keyout',
      keyPath,
      '-out',
      `${base}.csr`,
      '-subj',
      `/CN=${names[0] ?? 'test'}`,
    ]);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      this.caCertPath,
      '-CAkey',
      this.caKeyPath,
      '-set_serial',
      String(1000 + this.serial),
      '-days',
      String(days),
      '-extfile',
      extPath,
      '-out',
      certPath,
    ]);
    return this.load(keyPath, certPath);
  }

  /** A self-signed certificate for names, trusted by nobody. */
  async selfSigned(names: readonly string[]): Promise<TestCert> {
    const base = join(this.dir, `self-${++this.serial}`);
    const keyPath = `${base}.key`;
    const certPath = `${base}.crt`;
    await run('openssl', [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      `/CN=${names[0] ?? 'test'}`,
      '-addext',
      `subjectAltName=${sanList(names)}`,
    ]);
    return this.load(keyPath, certPath);
  }

  /** cert's private key encrypted with a passphrase (what a daemon cannot use unattended). */
  async encryptedKey(cert: TestCert): Promise<string> {
    const path = join(this.dir, `encrypted-${++this.serial}.key`);
    await run('openssl', ['pkey', '-in', cert.keyPath, '-aes256', '-passout', 'pass:secret', '-out', path]);
    return path;
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async load(keyPath: string, certPath: string): Promise<TestCert> {
    const [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
    return { key, cert, keyPath, certPath };
  }
}
