// gRPC failures as one readable line: server messages as they are, transport failures as
// "cannot reach maglevd at ...".

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { CliError, cliErrorFrom, describeRpcError } from '../../src/cli/index.js';

function err(code: status, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
}

const server = 'localhost:9090';

test('the server message without gRPC boilerplate', () => {
  assert.equal(
    describeRpcError(err(status.NOT_FOUND, 'backend "foo" not found'), server, 5000),
    'backend "foo" not found',
  );
  assert.equal(
    describeRpcError(err(status.UNAVAILABLE, 'VPP integration is not connected'), server, 5000),
    'VPP integration is not connected',
  );
});

test('transport failures name the server and the reason', () => {
  const cases: [status, string, string][] = [
    [
      status.UNAVAILABLE,
      'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9090. Resolution note: ',
      'connection refused',
    ],
    [
      status.UNAVAILABLE,
      'Name resolution failed for target dns:nosuch.invalid:9090',
      'name does not resolve',
    ],
    [
      status.UNAVAILABLE,
      'No connection established. Last error: Error: connect EHOSTUNREACH 192.0.2.1:9090',
      'no route to host',
    ],
    [status.UNAVAILABLE, 'Connection dropped', 'connection reset'],
    [status.DEADLINE_EXCEEDED, 'Deadline exceeded after 5.001s', 'no answer within 5s'],
  ];
  for (const [code, details, reason] of cases) {
    assert.equal(
      describeRpcError(err(code, details), server, 5000),
      `cannot reach maglevd at localhost:9090: ${reason}`,
    );
  }
});

test('cliErrorFrom: exit 1, CliErrors pass through, other errors keep their message', () => {
  const e = cliErrorFrom(err(status.NOT_FOUND, 'frontend "x" not found'), server, 5000);
  assert.ok(e instanceof CliError);
  assert.equal(e.exitCode, 1);
  const usage = new CliError('bad', 2);
  assert.equal(cliErrorFrom(usage, server, 5000), usage);
  assert.equal(cliErrorFrom(new Error('boom'), server, 5000).message, 'boom');
});
