// The addon says which probe engine protocol it was built for, and a build that does not match
// this code (a stale native/build after an upgrade: `npm run build` compiles only TypeScript) is
// refused when it loads, with the fix named, instead of having its results misread.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ENGINE_PROTOCOL_VERSION, RECORD_INTS, SCHEDULE_INTS } from '../../src/native/engine-protocol.js';
import { addonProtocolMismatch, loadNativeAddon } from '../../src/native/index.js';

const run = promisify(execFile);
const here = { version: ENGINE_PROTOCOL_VERSION, recordInts: RECORD_INTS, scheduleInts: SCHEDULE_INTS };

void describe('native addon protocol', () => {
  void test('the built addon speaks this code’s probe engine protocol', () => {
    assert.deepEqual({ ...loadNativeAddon().probeEngineProtocol }, here);
    assert.equal(addonProtocolMismatch(here), undefined);
  });

  void test('releaseFreeMemory trims malloc’s arena and says whether any memory went back', () => {
    const addon = loadNativeAddon();
    // Memory freed just before (Buffers below glibc's mmap threshold live in the arena).
    const churned = Array.from({ length: 256 }, () => Buffer.allocUnsafeSlow(32 * 1024)).length;
    assert.equal(churned, 256);
    assert.equal(typeof addon.releaseFreeMemory(), 'boolean');
    assert.equal(typeof addon.releaseFreeMemory(), 'boolean');
  });

  void test('another version, record or schedule width is a mismatch that says both sides', () => {
    const older = addonProtocolMismatch({ ...here, version: here.version - 1, recordInts: RECORD_INTS - 1 });
    assert.match(
      older ?? '',
      new RegExp(`built for probe engine protocol ${here.version - 1} \\(${RECORD_INTS - 1}-int records`),
    );
    assert.match(
      older ?? '',
      new RegExp(`this code needs probe engine protocol ${here.version} \\(${RECORD_INTS}-int records`),
    );
    assert.notEqual(addonProtocolMismatch({ ...here, scheduleInts: SCHEDULE_INTS + 1 }), undefined);
    assert.notEqual(addonProtocolMismatch({ ...here, version: here.version + 1 }), undefined);
    assert.match(addonProtocolMismatch(undefined) ?? '', /predates the protocol check/);
  });

  /** What loading the addon at `path` prints in a fresh process: "loaded", or the refusal. */
  const loadMessage = async (path: string): Promise<string> => {
    const code =
      "import { loadNativeAddon } from './src/native/addon.ts';" +
      'try { loadNativeAddon(); console.log("loaded"); } catch (err) { console.log(err.message); }';
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      env: { ...process.env, MAGLEV_NATIVE_ADDON: path },
    });
    return stdout;
  };

  void test('a stale build is refused at load, naming the rebuild', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maglev-stale-addon-'));
    try {
      // What a build from before the check looks like to JavaScript: an engine, no protocol.
      const stale = join(dir, 'stale.cjs');
      await writeFile(stale, 'module.exports = { ProbeEngine: function ProbeEngine() {} };\n');
      const stdout = await loadMessage(stale);
      assert.match(
        stdout,
        /native addon .*stale\.cjs does not match this code: it predates the protocol check/,
      );
      assert.match(stdout, /rebuild it: "npm run install" \(or "npm ci"\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void test('a build without a function this code calls is refused at load, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maglev-stale-addon-'));
    try {
      // The protocol of today, and every function but one.
      const stale = join(dir, 'stale.cjs');
      const fn = 'function () {}';
      await writeFile(
        stale,
        `module.exports = { probeEngineProtocol: ${JSON.stringify(here)}, ProbeEngine: ${fn}, ` +
          `openSocket: ${fn}, readReplies: ${fn}, readErrorQueue: ${fn}, procFile: ${fn}, netnsInode: ${fn} };\n`,
      );
      const stdout = await loadMessage(stale);
      assert.match(
        stdout,
        /native addon .*stale\.cjs does not match this code: it has no releaseFreeMemory;/,
      );
      assert.match(stdout, /rebuild it: "npm run install" \(or "npm ci"\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
