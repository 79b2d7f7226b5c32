// Error codes and gRPC statuses, both ways: what a thrown error answers with (by its code, never
// its class name or message), and what a client makes of a ServiceError (a code and one line an
// operator can act on: maglevd's message as it is, or "cannot reach maglevd at ...").

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { rpcErrorOf, statusOf, toServiceError } from '../../src/api/index.js';
import {
  AbortedError,
  ERROR_CODES,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  RpcError,
  UnavailableError,
  type ErrorCode,
} from '../../src/errors.js';

function serviceError(code: status, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
}

const server = 'localhost:9090';

void describe('thrown error → gRPC status', () => {
  void test('each coded error answers with the status its code names, and its own message', () => {
    const cases: [Error, status][] = [
      [new NotFoundError('backend', 'x'), status.NOT_FOUND],
      [new InvalidArgumentError('backend name is required'), status.INVALID_ARGUMENT],
      [new FailedPreconditionError('backend "x" is disabled'), status.FAILED_PRECONDITION],
      [new UnavailableError('VPP integration is not connected'), status.UNAVAILABLE],
      [new AbortedError('VPP refused lb_as_add_del'), status.ABORTED],
    ];
    for (const [err, code] of cases) {
      assert.deepEqual(statusOf(err), { code, details: err.message, internal: false }, err.message);
    }
    assert.equal(new NotFoundError('backend', 'x').message, 'backend "x" not found');
  });

  void test('a class name or a code-like field is not a code: such throws are bugs (INTERNAL)', () => {
    const named = Object.assign(new Error('gone'), { name: 'NotFoundError' });
    assert.deepEqual(statusOf(named), { code: status.INTERNAL, details: 'gone', internal: true });
    const coded = Object.assign(new Error('no such file'), { code: 'not-found' });
    assert.equal(statusOf(coded).code, status.INTERNAL);
    assert.deepEqual(statusOf('weird'), { code: status.INTERNAL, details: 'weird', internal: true });
  });

  void test('toServiceError carries the status and the message', () => {
    const e = toServiceError(new NotFoundError('frontend', 'web'));
    assert.equal(e.code, status.NOT_FOUND);
    assert.equal(e.details, 'frontend "web" not found');
    assert.equal(e.message, 'frontend "web" not found');
  });

  void test('every code has a status, and a client reads that status back as the same code', () => {
    for (const code of ERROR_CODES) {
      const s = statusOf(new RpcError(code, 'm', status.UNKNOWN, 'UNKNOWN'));
      assert.equal(s.internal, false, code);
      const back = rpcErrorOf(serviceError(s.code, 'm'), server, 5000);
      // Only a transport failure's message makes UNAVAILABLE "unreachable" (below).
      const want: ErrorCode = code === 'unreachable' ? 'unavailable' : code;
      assert.equal(back.code, want, `${code} → ${status[s.code]} → ${back.code}`);
      assert.equal(back.status, s.code);
      assert.equal(back.statusName, status[s.code]);
    }
  });
});

void describe('ServiceError → client error', () => {
  void test("maglevd's message without gRPC boilerplate, with the code of its status", () => {
    const cases: [status, string, ErrorCode][] = [
      [status.NOT_FOUND, 'backend "foo" not found', 'not-found'],
      [status.UNAVAILABLE, 'VPP integration is not connected', 'unavailable'],
      [status.INVALID_ARGUMENT, 'weight 500 is outside 0..100', 'invalid-argument'],
      [status.FAILED_PRECONDITION, 'backend "foo" is disabled', 'failed-precondition'],
    ];
    for (const [s, details, code] of cases) {
      const e = rpcErrorOf(serviceError(s, details), server, 5000);
      assert.ok(e instanceof RpcError);
      assert.deepEqual(
        { code: e.code, message: e.message, status: e.status, statusName: e.statusName },
        { code, message: details, status: s, statusName: status[s] },
      );
    }
  });

  void test('transport failures are "unreachable" and name the server and the reason', () => {
    const cases: [string, string][] = [
      [
        'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9090. Resolution note: ',
        'connection refused',
      ],
      ['Name resolution failed for target dns:nosuch.invalid:9090', 'name does not resolve'],
      [
        'No connection established. Last error: Error: connect EHOSTUNREACH 192.0.2.1:9090',
        'no route to host',
      ],
      ['Connection dropped', 'connection reset'],
    ];
    for (const [details, reason] of cases) {
      const e = rpcErrorOf(serviceError(status.UNAVAILABLE, details), server, 5000);
      assert.equal(e.code, 'unreachable', details);
      assert.equal(e.status, status.UNAVAILABLE);
      assert.equal(e.message, `cannot reach maglevd at localhost:9090: ${reason}`);
    }
  });

  void test('a deadline names the server and the time it had', () => {
    const late = serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded after 5.001s');
    const e = rpcErrorOf(late, server, 5000);
    assert.equal(e.code, 'deadline');
    assert.equal(e.message, 'cannot reach maglevd at localhost:9090: no answer within 5s');
    assert.equal(
      rpcErrorOf(late, server, 250).message,
      'cannot reach maglevd at localhost:9090: no answer within 250ms',
    );
  });

  void test('an older maglevd, an empty message, and errors that were no call', () => {
    const old = rpcErrorOf(
      serviceError(status.UNIMPLEMENTED, 'The server does not implement the method /maglev.Maglev/X'),
      server,
      5000,
    );
    assert.equal(old.code, 'unimplemented');
    assert.match(
      old.message,
      /^maglevd at localhost:9090 does not implement this call \(older version\?\): /,
    );
    assert.equal(rpcErrorOf(serviceError(status.INTERNAL, ''), server, 5000).message, 'gRPC status INTERNAL');
    const same = new RpcError('not-found', 'x', status.NOT_FOUND, 'NOT_FOUND');
    assert.equal(rpcErrorOf(same, server, 5000), same);
    assert.equal(RpcError.from(same), same);
    const bug = rpcErrorOf(new TypeError('boom'), server, 5000);
    assert.equal(bug.code, 'unknown');
    assert.equal(bug.message, 'boom');
    assert.equal(bug.statusName, 'UNKNOWN');
    assert.equal(RpcError.from('odd').message, 'odd');
  });
});
