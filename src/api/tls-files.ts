// The PEM files an operator names for gRPC over TLS (maglevd's --grpc-tls-*, the clients'
// --tls-*), read and checked before anything listens or dials. A wrong path, a key that belongs
// to another certificate or a file of the wrong kind is then one line naming the flag and the
// file, at start, instead of a handshake that fails later with an OpenSSL code.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export class TlsFileError extends Error {
  constructor(
    /** The flag (or per-server key) that named the file, e.g. `--grpc-tls-key`. */
    readonly flag: string,
    readonly file: string,
    reason: string,
  ) {
    super(`${flag} ${file}: ${reason}`);
    this.name = 'TlsFileError';
  }
}

/** What a log line says about a certificate: enough to see that a rotation took. */
export interface CertSummary {
  subject: string;
  issuer: string;
  serial: string;
  /** SHA-256 of the certificate, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
}

export interface CertificateFile {
  /** The file as read: what TLS is given. */
  pem: Buffer;
  /** Every certificate in it, in file order (a chain starts with the leaf). */
  certs: X509Certificate[];
}

export interface KeyPairFiles {
  cert: CertificateFile;
  key: Buffer;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return err instanceof Error ? err.message : String(err);
}

async function read(flag: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new TlsFileError(flag, file, `cannot read: ${readFailure(err)}`);
  }
}

/** A certificate, a chain or a CA bundle: one or more PEM certificates, each of which parses. */
export async function readCertificates(flag: string, file: string): Promise<CertificateFile> {
  const pem = await read(flag, file);
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new TlsFileError(flag, file, 'holds no PEM certificate');
  const certs = blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      const which = blocks.length === 1 ? 'the certificate' : `certificate ${i + 1}`;
      throw new TlsFileError(flag, file, `${which} does not parse (${readFailure(err)})`);
    }
  });
  return { pem, certs };
}

/** An unencrypted PEM private key (maglevd starts unattended: there is nobody to ask for a passphrase). */
export async function readPrivateKey(flag: string, file: string): Promise<Buffer> {
  const pem = await read(flag, file);
  try {
    createPrivateKey(pem);
  } catch {
    // PKCS#8 says so in its label, the traditional OpenSSL format in a header.
    const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(
      pem.toString('latin1'),
    );
    throw new TlsFileError(
      flag,
      file,
      encrypted ? 'is an encrypted private key; give an unencrypted one' : 'holds no PEM private key',
    );
  }
  return pem;
}

/** A certificate (or chain, leaf first) and its private key, checked to belong together. */
export async function readKeyPair(
  certFlag: string,
  certFile: string,
  keyFlag: string,
  keyFile: string,
): Promise<KeyPairFiles> {
  const [cert, key] = await Promise.all([
    readCertificates(certFlag, certFile),
    readPrivateKey(keyFlag, keyFile),
  ]);
  const leaf = cert.certs[0];
  if (leaf !== undefined && !leaf.checkPrivateKey(createPrivateKey(key))) {
    throw new TlsFileError(keyFlag, keyFile, `is not the key of the certificate in ${certFile}`);
  }
  return { cert, key };
}

function isoDate(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

export function certSummary(cert: X509Certificate): CertSummary {
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serial: cert.serialNumber,
    fingerprint: cert.fingerprint256,
    notBefore: isoDate(cert.validFrom),
    notAfter: isoDate(cert.validTo),
  };
}
