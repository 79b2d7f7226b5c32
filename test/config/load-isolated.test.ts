// loadConfigFileIsolated: loadConfigFile on a worker thread gives the same answers as on the main
// thread (the worker finds load.ts under tsx, and the result survives the structured clone); a
// worker that throws, or ends without a result, rejects instead of leaving the start-up waiting.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { loadConfigFile, loadConfigFileIsolated } from '../../src/config/index.js';
import { BASE_LINES, lines } from './fixtures.js';

let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maglev-config-isolated-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a valid file: the same config as on the main thread, maps and all', async () => {
  const path = join(dir, 'valid.yaml');
  await writeFile(path, lines(...BASE_LINES));
  const isolated = await loadConfigFileIsolated(path);
  assert.equal(isolated.ok, true);
  assert.deepEqual(isolated, await loadConfigFile(path));
  if (isolated.ok) assert.deepEqual([...isolated.config.backends.keys()], ['b1', 'b2', 'b6']);
});

test('an invalid file and a missing one: the same problems as on the main thread', async () => {
  const path = join(dir, 'invalid.yaml');
  await writeFile(path, lines(...BASE_LINES, '    f2: {address: nowhere}'));
  const invalid = await loadConfigFileIsolated(path);
  assert.equal(invalid.ok, false);
  assert.deepEqual(invalid, await loadConfigFile(path));

  const missing = join(dir, 'missing.yaml');
  const gone = await loadConfigFileIsolated(missing);
  assert.deepEqual(gone, await loadConfigFile(missing));
  assert.equal(gone.ok, false);
});

test('a worker whose load throws rejects with its error', async () => {
  const module = join(dir, 'throws.mjs');
  await writeFile(
    module,
    "export async function loadConfigFile() { throw new RangeError('no such luck'); }\n",
  );
  await assert.rejects(loadConfigFileIsolated(join(dir, 'any.yaml'), pathToFileURL(module).href), {
    name: 'RangeError',
    message: 'no such luck',
  });
});

test('a worker that ends without a result rejects with its exit code', async () => {
  const module = join(dir, 'exits.mjs');
  await writeFile(module, 'export async function loadConfigFile() { process.exit(7); }\n');
  await assert.rejects(loadConfigFileIsolated(join(dir, 'any.yaml'), pathToFileURL(module).href), {
    message: 'config worker exited with code 7 without a result',
  });
});

test('a worker that answers and then exits with an error code resolves with its answer', async () => {
  const module = join(dir, 'answers-then-exits.mjs');
  await writeFile(
    module,
    "export async function loadConfigFile() { setImmediate(() => process.exit(3)); return { ok: false, kind: 'parse', errors: [] }; }\n",
  );
  assert.deepEqual(await loadConfigFileIsolated(join(dir, 'any.yaml'), pathToFileURL(module).href), {
    ok: false,
    kind: 'parse',
    errors: [],
  });
});
