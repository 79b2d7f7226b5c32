// maglevd's side of gRPC over TLS: its certificate and key, and optionally the CA that client
// certificates must chain to (mTLS). The files are read and checked before the server binds;
// reload() re-reads them so a rotated certificate takes effect without a restart (SIGHUP does
// it). A reload that finds a bad file changes nothing: the server keeps serving the old ones.
//
// grpc-js binds with ServerCredentials and, when they announce new context options to their
// watchers, calls setSecureContext on its TLS server: new handshakes use the new files,
// connections already open keep theirs. Whether a client certificate is asked for is fixed at
// bind time (it is a server option, not part of the context), which matches the flags: they do
// not change on reload, only the files' contents do.

import type { SecureContextOptions } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';
import { certSummary, readCertificates, readKeyPair, type CertSummary } from './tls-files.js';

/** The files, as the flags name them. */
export interface ServerTlsFiles {
  /** --grpc-tls-cert: the server's certificate, or its chain with the leaf first. */
  cert: string;
  /** --grpc-tls-key: its private key. */
  key: string;
  /** --grpc-tls-client-ca: when set, every client must present a certificate this CA issued. */
  clientCa?: string | undefined;
}

/** What the files held, for logs: the server certificate and the client CAs. */
export interface ServerTlsSummary {
  cert: CertSummary;
  clientCas: CertSummary[];
}

interface Material {
  context: SecureContextOptions;
  summary: ServerTlsSummary;
}

async function readMaterial(files: ServerTlsFiles): Promise<Material> {
  const [pair, clientCa] = await Promise.all([
    readKeyPair('--grpc-tls-cert', files.cert, '--grpc-tls-key', files.key),
    files.clientCa === undefined ? undefined : readCertificates('--grpc-tls-client-ca', files.clientCa),
  ]);
  const leaf = pair.cert.certs[0];
  if (leaf === undefined) throw new Error('unreachable: readCertificates returns at least one');
  return {
    context: {
      cert: pair.cert.pem,
      key: pair.key,
      ...(clientCa !== undefined && { ca: clientCa.pem }),
    },
    summary: { cert: certSummary(leaf), clientCas: clientCa?.certs.map(certSummary) ?? [] },
  };
}

/** ServerCredentials whose context options can be replaced while bound. */
class ReplaceableServerCredentials extends ServerCredentials {
  constructor(requireClientCert: boolean, context: SecureContextOptions) {
    // rejectUnauthorized: a client without a certificate from the CA fails the handshake.
    super({ requestCert: requireClientCert, rejectUnauthorized: requireClientCert }, context);
  }

  replace(context: SecureContextOptions): void {
    this.updateSecureContextOptions(context);
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

export class ServerTls {
  private constructor(
    readonly files: ServerTlsFiles,
    readonly credentials: ServerCredentials & { replace(context: SecureContextOptions): void },
    private current: ServerTlsSummary,
  ) {}

  /** Reads and checks the files; throws TlsFileError naming the flag and file at fault. */
  static async load(files: ServerTlsFiles): Promise<ServerTls> {
    const material = await readMaterial(files);
    const credentials = new ReplaceableServerCredentials(files.clientCa !== undefined, material.context);
    return new ServerTls(files, credentials, material.summary);
  }

  /** Clients must present a certificate (--grpc-tls-client-ca is set). */
  get mutual(): boolean {
    return this.files.clientCa !== undefined;
  }

  summary(): ServerTlsSummary {
    return this.current;
  }

  /**
   * Re-reads the files and hands them to the bound server for the next handshakes. Throws
   * TlsFileError, and keeps the old files in use, when any of them is bad.
   */
  async reload(): Promise<ServerTlsSummary> {
    const material = await readMaterial(this.files);
    this.credentials.replace(material.context);
    this.current = material.summary;
    return material.summary;
  }
}
