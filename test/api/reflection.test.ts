// Server reflection (v1, v1alpha) from buf's descriptor set, checked by our generated client and
// by an independent client (Debian's python3-grpcio) resolving imports the way grpcurl does, in
// plaintext and over mTLS; plus grpc.health.v1 and the --reflection=false switch.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { credentials, status, type ClientDuplexStream } from '@grpc/grpc-js';
import { DescriptorIndex, ServerTls } from '../../src/api/index.js';
import {
  HealthCheckResponse_ServingStatus,
  HealthClient,
  type HealthCheckResponse,
} from '../../src/api/gen/grpc/health/v1/health.js';
import {
  ServerReflectionClient,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from '../../src/api/gen/grpc/reflection/v1/reflection.js';
import { ServerReflectionClient as ServerReflectionClientV1Alpha } from '../../src/api/gen/grpc/reflection/v1alpha/reflection.js';
import { TestPki } from '../helpers/index.js';
import { T0 } from '../helpers/fake-backend.js';
import { StreamReader, WAIT_MS, rpc, startFixture, type Fixture } from '../helpers/api-server.js';

const PYTHON = '/usr/bin/python3'; // Debian's, where python3-grpcio is installed
const SCRIPT = fileURLToPath(new URL('../interop/reflection_client.py', import.meta.url));

void describe('DescriptorIndex (the committed descriptor set)', () => {
  const index = DescriptorIndex.builtin();

  void test('finds the file of services, methods, messages, fields and imported types', () => {
    assert.equal(index.fileContainingSymbol('maglev.Maglev'), 'maglev.proto');
    assert.equal(index.fileContainingSymbol('maglev.Maglev.WatchEvents'), 'maglev.proto');
    assert.equal(index.fileContainingSymbol('maglev.FrontendInfo'), 'maglev.proto');
    assert.equal(index.fileContainingSymbol('maglev.FrontendInfo.pools'), 'maglev.proto');
    assert.equal(index.fileContainingSymbol('maglev.Event.event'), 'maglev.proto');
    assert.equal(index.fileContainingSymbol('google.protobuf.Timestamp'), 'google/protobuf/timestamp.proto');
    assert.equal(
      index.fileContainingSymbol('google.protobuf.NullValue.NULL_VALUE'),
      'google/protobuf/struct.proto',
    );
    assert.equal(
      index.fileContainingSymbol('grpc.health.v1.HealthCheckResponse.SERVING'),
      'grpc/health/v1/health.proto',
    );
    assert.equal(index.fileContainingSymbol('maglev.Maglev.NoSuchMethod'), undefined);
    assert.equal(index.fileContainingSymbol('maglev.Nope'), undefined);
    assert.equal(index.fileContainingSymbol('nope'), undefined);
  });

  void test('keeps the real file names and dependency lists', () => {
    assert.deepEqual(index.dependencies('maglev.proto').sort(), [
      'google/protobuf/duration.proto',
      'google/protobuf/struct.proto',
      'google/protobuf/timestamp.proto',
    ]);
    const bytes = index.fileBytes('maglev.proto');
    assert.ok(bytes);
    const fd = fromBinary(FileDescriptorProtoSchema, bytes);
    assert.equal(fd.package, 'maglev');
    assert.deepEqual([...fd.dependency].sort(), index.dependencies('maglev.proto').sort());
    assert.ok(fd.service.some((s) => s.name === 'Maglev'));
    assert.deepEqual(index.extensionNumbers('maglev.Event'), []);
    assert.equal(index.extensionNumbers('maglev.Nope'), undefined);
  });
});

type ReflectionStream = ClientDuplexStream<ServerReflectionRequest, ServerReflectionResponse>;

/** Sends one request on an open reflection stream and waits for its answer. */
async function ask(
  reader: StreamReader<ServerReflectionResponse>,
  req: ServerReflectionRequest['messageRequest'],
): Promise<ServerReflectionResponse> {
  const n = reader.items.length + 1;
  (reader.stream as unknown as ReflectionStream).write({ host: 'maglevd', messageRequest: req });
  const got = await reader.next(n);
  return got[n - 1] as ServerReflectionResponse;
}

function fileNames(resp: ServerReflectionResponse): string[] {
  const r = resp.messageResponse;
  assert.equal(r?.$case, 'fileDescriptorResponse');
  if (r?.$case !== 'fileDescriptorResponse') return [];
  return r.value.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b).name);
}

function runPython(
  target: string,
  version: string,
  tlsArgs: string[] = [],
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [SCRIPT, target, version, ...tlsArgs],
      { timeout: WAIT_MS * 3 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
}

void describe('reflection and health on a running server', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx.close();
  });

  void test('v1 over grpc-js: list, symbol with imports once per stream, by file name, errors', async () => {
    const client = new ServerReflectionClient(fx.server.target, credentials.createInsecure());
    const stream = client.serverReflectionInfo();
    const reader = new StreamReader<ServerReflectionResponse>(stream);
    try {
      const list = await ask(reader, { $case: 'listServices', value: '' });
      assert.equal(list.validHost, 'maglevd');
      assert.deepEqual(
        list.messageResponse?.$case === 'listServicesResponse' && list.messageResponse.value.service,
        [
          { name: 'maglev.Maglev' },
          { name: 'grpc.health.v1.Health' },
          { name: 'grpc.reflection.v1.ServerReflection' },
          { name: 'grpc.reflection.v1alpha.ServerReflection' },
        ],
      );

      const sym = await ask(reader, { $case: 'fileContainingSymbol', value: 'maglev.Maglev' });
      const names = fileNames(sym);
      assert.equal(names[0], 'maglev.proto');
      assert.deepEqual(names.slice(1).sort(), [
        'google/protobuf/duration.proto',
        'google/protobuf/struct.proto',
        'google/protobuf/timestamp.proto',
      ]);
      // Same stream: the requested file again, its (already sent) imports not.
      const again = await ask(reader, { $case: 'fileContainingSymbol', value: 'maglev.Maglev.GetBackend' });
      assert.deepEqual(fileNames(again), ['maglev.proto']);
      const ts = await ask(reader, { $case: 'fileByFilename', value: 'google/protobuf/timestamp.proto' });
      assert.deepEqual(fileNames(ts), ['google/protobuf/timestamp.proto']);
      const health = await ask(reader, { $case: 'fileContainingSymbol', value: 'grpc.health.v1.Health' });
      assert.deepEqual(fileNames(health), ['grpc/health/v1/health.proto']);

      const missing = await ask(reader, { $case: 'fileByFilename', value: 'nope.proto' });
      assert.deepEqual(missing.messageResponse, {
        $case: 'errorResponse',
        value: { errorCode: status.NOT_FOUND, errorMessage: 'file "nope.proto" not found' },
      });
      const ext = await ask(reader, {
        $case: 'fileContainingExtension',
        value: { containingType: 'maglev.Event', extensionNumber: 100 },
      });
      assert.equal(ext.messageResponse?.$case, 'errorResponse');
      const nums = await ask(reader, { $case: 'allExtensionNumbersOfType', value: 'maglev.Event' });
      assert.deepEqual(nums.messageResponse, {
        $case: 'allExtensionNumbersResponse',
        value: { baseTypeName: 'maglev.Event', extensionNumber: [] },
      });
      assert.deepEqual(nums.originalRequest?.messageRequest, {
        $case: 'allExtensionNumbersOfType',
        value: 'maglev.Event',
      });
    } finally {
      stream.end();
      client.close();
    }
  });

  void test('v1alpha answers the same way', async () => {
    const client = new ServerReflectionClientV1Alpha(fx.server.target, credentials.createInsecure());
    const stream = client.serverReflectionInfo();
    const reader = new StreamReader<ServerReflectionResponse>(stream);
    try {
      const sym = await ask(reader, { $case: 'fileContainingSymbol', value: 'maglev.TransitionRecord' });
      assert.equal(fileNames(sym)[0], 'maglev.proto');
    } finally {
      stream.end();
      client.close();
    }
  });

  for (const version of ['v1', 'v1alpha']) {
    void test(`an independent client (python3-grpcio, ${version}) resolves the service and its imports`, async () => {
      const out = await runPython(fx.server.target, version);
      assert.ok((out['services'] as string[]).includes('maglev.Maglev'));
      assert.equal(out['root'], 'maglev.proto');
      assert.deepEqual(
        (out['by_filename'] as string[]).sort(),
        ['google/protobuf/duration.proto', 'google/protobuf/struct.proto', 'google/protobuf/timestamp.proto'],
        'every import fetched by file name',
      );
      assert.equal(out['transition_time_type'], 'google.protobuf.Timestamp');
      assert.equal(out['interval_type'], 'google.protobuf.Duration');
      assert.ok((out['methods'] as string[]).includes('WatchEvents'));
      assert.equal((out['methods'] as string[]).length, 20);
      assert.match(out['unknown_symbol'] as string, /^5 /);
      assert.deepEqual(out['frontend_names'], ['web-v4', 'web-v6']);
      assert.equal(out['backend_state'], 'down');
      assert.equal(out['first_transition_seconds'], (T0 + 5000) / 1000);
      assert.equal(out['not_found'], 'NOT_FOUND');
    });
  }

  void test('grpc.health.v1: SERVING for the server and maglev.Maglev, unknown services NOT_FOUND', async () => {
    const client = new HealthClient(fx.server.target, credentials.createInsecure());
    try {
      const all = await rpc<{ service: string }, HealthCheckResponse>(client.check.bind(client), {
        service: '',
      });
      assert.equal(all.status, HealthCheckResponse_ServingStatus.SERVING);
      const maglev = await rpc<{ service: string }, HealthCheckResponse>(client.check.bind(client), {
        service: 'maglev.Maglev',
      });
      assert.equal(maglev.status, HealthCheckResponse_ServingStatus.SERVING);
      await assert.rejects(rpc(client.check.bind(client), { service: 'nope' }), { code: status.NOT_FOUND });
    } finally {
      client.close();
    }
  });
});

void describe('server options', () => {
  void test('reflection=false: reflection is UNIMPLEMENTED, the API still works', async () => {
    const fx = await startFixture({ reflection: false });
    const client = new ServerReflectionClient(fx.server.target, credentials.createInsecure());
    try {
      const stream = client.serverReflectionInfo();
      const reader = new StreamReader<ServerReflectionResponse>(stream);
      stream.write({ host: '', messageRequest: { $case: 'listServices', value: '' } });
      const err = await reader.status();
      assert.equal(err.code, status.UNIMPLEMENTED);
      const list = await rpc(fx.client.listFrontends.bind(fx.client), { namesOnly: true });
      assert.deepEqual(list.names, ['web-v4', 'web-v6']);
    } finally {
      client.close();
      await fx.close();
    }
  });

  void test('shutdown: health watchers see NOT_SERVING, then the server stops within its grace', async () => {
    const fx = await startFixture();
    const client = new HealthClient(fx.server.target, credentials.createInsecure());
    try {
      const watch = new StreamReader(client.watch({ service: 'maglev.Maglev' }));
      assert.equal((await watch.next(1))[0]?.status, HealthCheckResponse_ServingStatus.SERVING);
      // The health Watch stream never ends by itself, so this shutdown has to force it.
      const done = fx.server.shutdown(300);
      assert.equal((await watch.next(2))[1]?.status, HealthCheckResponse_ServingStatus.NOT_SERVING);
      await done;
      await watch.status();
    } finally {
      client.close();
      await fx.close();
    }
  });

  for (const address of ['localhost:0', '[::1]:0']) {
    void test(`binds ${address} and tells clients where to dial`, async () => {
      const fx = await startFixture({ address });
      try {
        assert.ok(fx.server.port > 0);
        assert.equal(fx.server.target, `${address.slice(0, address.lastIndexOf(':'))}:${fx.server.port}`);
        const list = await rpc(fx.client.listFrontends.bind(fx.client), { namesOnly: true });
        assert.deepEqual(list.names, ['web-v4', 'web-v6']);
      } finally {
        await fx.close();
      }
    });
  }
});

void describe('reflection over mTLS, for an independent client', () => {
  let pki: TestPki;
  let fx: Fixture;
  let clientArgs: string[];

  before(async () => {
    pki = await TestPki.create();
    // Only a name, no IP: the client dials 127.0.0.1 and checks the name it is told.
    const server = await pki.issue(['maglevd.test']);
    const client = await pki.issueClient('python');
    const tls = await ServerTls.load({
      cert: server.certPath,
      key: server.keyPath,
      clientCa: pki.caCertPath,
    });
    fx = await startFixture({ tls });
    clientArgs = ['--ca', pki.caCertPath, '--cert', client.certPath, '--key', client.keyPath];
  });
  after(async () => {
    await fx?.close();
    await pki?.dispose();
  });

  void test('python3-grpcio with a client certificate resolves maglev.Maglev and calls it', async () => {
    const out = await runPython(fx.server.target, 'v1', [...clientArgs, '--server-name', 'maglevd.test']);
    assert.ok((out['services'] as string[]).includes('maglev.Maglev'));
    assert.equal(out['root'], 'maglev.proto');
    assert.deepEqual((out['by_filename'] as string[]).sort(), [
      'google/protobuf/duration.proto',
      'google/protobuf/struct.proto',
      'google/protobuf/timestamp.proto',
    ]);
    assert.equal((out['methods'] as string[]).length, 20);
    assert.deepEqual(out['frontend_names'], ['web-v4', 'web-v6']);
    assert.equal(out['not_found'], 'NOT_FOUND');
  });

  void test('python3-grpcio without a client certificate gets nothing', async () => {
    await assert.rejects(
      runPython(fx.server.target, 'v1', ['--ca', pki.caCertPath, '--server-name', 'maglevd.test']),
      /UNAVAILABLE/,
    );
  });
});
