// loadConfigFileIsolated: loadConfigFile on a worker thread gives the same answers as on the main
// thread (the worker finds load.ts under tsx, and the result survives the structured clone).

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
