// Why a client could not reach maglevd, from grpc-js's transport messages as they come (recorded
// from grpc-js 1.14 on Node 20): TLS failures name the flag that fixes them. test/api/tls.test.ts
// produces most of these live; these are the ones a loopback test cannot (an expired
// certificate, an alert from another TLS stack) and the plumbing of the message itself.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectFailure } from '../../src/api/connect-failure.js';

const established = (last: string) =>
  `No connection established. Last error: ${last} (2026-01-01T00:00:00.000Z)`;

void describe('connectFailure', () => {
  void test('Node and OpenSSL boilerplate is dropped from the reason', () => {
    assert.equal(
      connectFailure(
        'No connection established. Last error: Error: 80DCC6F8AF7F0000:error:0A00010B:SSL routines:' +
          'ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n.',
        'tls',
      ),
      'maglevd does not serve TLS there (wrong version number): leave out the --tls flags',
    );
    assert.equal(
      connectFailure(established('Error: something new happened'), 'tls'),
      'something new happened',
    );
    assert.equal(connectFailure('No connection established. Last error: ', 'plaintext'), 'no connection');
  });

  void test('certificate problems point at the flag that fixes them', () => {
    const cases: [string, string][] = [
      ['Error: certificate has expired', "maglevd's certificate is not valid now (certificate has expired)"],
      [
        'Error: self-signed certificate',
        "maglevd's certificate is not trusted (self-signed certificate): check --tls-ca",
      ],
      [
        'Error: unable to get local issuer certificate',
        "maglevd's certificate is not trusted (unable to get local issuer certificate): check --tls-ca",
      ],
      [
        "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: IP: 10.0.0.2 is not in the cert's list: 10.0.0.1",
        "maglevd's certificate is for other names (IP: 10.0.0.2 is not in the cert's list: 10.0.0.1): check --tls-server-name",
      ],
      [
        'Error: 80AC0C5C237F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:',
        'maglevd asks for a client certificate: give --tls-cert and --tls-key',
      ],
      [
        'Error: 80AC0C5C237F0000:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:',
        'maglevd refused the client certificate (tlsv1 alert unknown ca)',
      ],
    ];
    for (const [last, want] of cases) assert.equal(connectFailure(established(last), 'mtls'), want, last);
  });

  void test('a connection closed during set-up reads differently by what the client sent', () => {
    const closed = established('Failed to connect');
    assert.equal(
      connectFailure(closed, 'plaintext'),
      'the connection closed during set-up: maglevd may serve TLS there (give --tls-ca)',
    );
    assert.equal(
      connectFailure(closed, 'mtls'),
      'maglevd closed the connection during the TLS handshake: it may not accept this client certificate',
    );
    assert.equal(connectFailure(closed, 'tls'), 'maglevd closed the connection during set-up');
  });

  void test('a reset before the connection was established: a refused certificate when one was sent', () => {
    // maglevd may close on a refused certificate before the client reads its alert: a race.
    const reset = established('Error: read ECONNRESET');
    assert.equal(
      connectFailure(reset, 'mtls'),
      'maglevd closed the connection during the TLS handshake: it may not accept this client certificate',
    );
    assert.equal(connectFailure(reset, 'tls'), 'connection reset');
    assert.equal(connectFailure(reset, 'plaintext'), 'connection reset');
    assert.equal(connectFailure('read ECONNRESET', 'mtls'), 'connection reset');
  });
});
