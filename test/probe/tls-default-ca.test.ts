// The CAs https and tcp+ssl probes trust by default are Node's: its bundled root certificates and
// the file named by NODE_EXTRA_CA_CERTS, on the probe engine as on Node's TLS. Node reads that
// variable when it starts, so the probes run in a node child started with it.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { okHandler, startHttpsServer, TestPki } from '../helpers/index.js';

void test('NODE_EXTRA_CA_CERTS is trusted on the engine as by Node', async (t) => {
  const pki = await TestPki.create();
  t.after(() => pki.dispose());
  const server = await startHttpsServer(okHandler, await pki.issue(['backend.test']));
  t.after(() => server.close());
  const dir = await mkdtemp(join(tmpdir(), 'vpp-maglev-extra-ca-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = join(dir, 'probe.mts');
  const probeIndex = pathToFileURL(resolve('src/probe/index.ts')).href;
  const helpers = pathToFileURL(resolve('test/helpers/index.ts')).href;
  await writeFile(
    script,
    `import { createProber } from '${probeIndex}';
import { healthcheck, probeRequest } from '${helpers}';
const hc = healthcheck({ type: 'https', port: ${server.port}, params: { serverName: 'backend.test' } });
for (const engine of [undefined, false] as const) {
  const r = await createProber({ engine })(probeRequest(hc));
  console.log(r.code, r.detail);
}
process.exit(0);
`,
  );
  // The server runs in this process: the child must not block its event loop.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: pki.caCertPath },
    encoding: 'utf8',
  });
  assert.deepEqual(stdout.trim().split('\n'), ['L7OK status 200', 'L7OK status 200']);
});
