import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  VppDefinitionError,
  builtinDefinitions,
  lbApi120,
  loadApiDir,
  loadDefinitions,
  normaliseCrc,
  parseApiJsonList,
  type ApiJsonFile,
  type ApiMessage,
} from '../../src/vpp/index.js';
import { RecordingLogger } from '../helpers/logger.js';
import { withTempDir } from '../helpers/temp-dir.js';

/** lb.api.json with one message's CRC replaced (as a different VPP build would have it). */
function lbWithCrc(name: string, crc: string): ApiJsonFile {
  return {
    ...lbApi120,
    messages: (lbApi120.messages ?? []).map((m): ApiMessage =>
      m[0] === name ? ([...m.slice(0, -1), { crc }] as unknown as ApiMessage) : m,
    ),
  };
}

describe('definitions', () => {
  test('built-in set covers the bootstrap, vpe/vlib and both lb generations', () => {
    const defs = builtinDefinitions();
    for (const [name, crc] of [
      ['sockclnt_create', '455fb9c4'],
      ['sockclnt_create_reply', '35166268'],
      ['sockclnt_delete', '8ac76db6'],
      ['sockclnt_delete_reply', '8f38b1ee'],
      ['control_ping', '51077d14'],
      ['control_ping_reply', 'f6b0b8ca'],
      ['memclnt_keepalive', '51077d14'],
      ['memclnt_keepalive_reply', 'e8d4e804'],
      ['get_api_json', '51077d14'],
      ['get_api_json_reply', 'ea715b59'],
      ['get_first_msg_id', 'ebf79a66'],
      ['show_version_reply', 'c919bde1'],
      ['cli_inband', 'f8377302'],
      ['cli_inband_reply', '05879051'],
      ['lb_as_v2_details', '90064aae'],
    ] as const) {
      assert.equal(defs.message(name)?.crc, crc, name);
    }
    assert.deepEqual(defs.service('lb_as_v2_dump'), { reply: 'lb_as_v2_details', stream: true });
    assert.deepEqual(defs.service('lb_conf'), { reply: 'lb_conf_reply' });
    assert.equal(normaliseCrc('0x0587905'), '00587905');
  });

  test('loading order: VPP itself, then the installed files, then the built-in set', async () => {
    await withTempDir(async (apiDir) => {
      await mkdir(join(apiDir, 'plugins'), { recursive: true });
      await writeFile(
        join(apiDir, 'plugins', 'lb.api.json'),
        JSON.stringify(lbWithCrc('lb_conf', '0x11111111')),
      );
      const fromVpp = parseApiJsonList(JSON.stringify([lbWithCrc('lb_conf', '0x22222222')]));

      const installedOnly = await loadDefinitions({ apiDir });
      assert.equal(installedOnly.message('lb_conf')?.crc, '11111111');
      assert.deepEqual(installedOnly.sources.slice(0, 1), [`${apiDir}/plugins/lb.api.json`]);

      const all = await loadDefinitions({ apiDir, fromVpp });
      assert.equal(all.message('lb_conf')?.crc, '22222222');
      // Every candidate stays available, best first: the client picks the one VPP's table lists.
      assert.deepEqual(
        all.candidates('lb_conf').map((c) => c.crc),
        ['22222222', '11111111', '56cd3261'],
      );
      assert.equal(all.message('lb_conf', '0x56cd3261')?.scope.source, 'builtin:plugins/lb.api.json');

      const withPrepended = installedOnly.withFirst(fromVpp);
      assert.equal(withPrepended.message('lb_conf')?.crc, '22222222');
    });
  });

  test('a missing directory means built-in only; null skips the directory', async () => {
    const defs = await loadDefinitions({ apiDir: '/nonexistent/vpp/api' });
    assert.ok(defs.sources.every((s) => s.startsWith('builtin:')));
    assert.ok((await loadDefinitions({ apiDir: null })).sources.every((s) => s.startsWith('builtin:')));
  });

  test('files are found recursively; broken ones are skipped with a warning', async () => {
    await withTempDir(async (apiDir) => {
      await mkdir(join(apiDir, 'core', 'deep'), { recursive: true });
      await writeFile(join(apiDir, 'core', 'deep', 'x.api.json'), JSON.stringify({ messages: [] }));
      await writeFile(join(apiDir, 'core', 'broken.api.json'), '{ not json');
      await writeFile(
        join(apiDir, 'core', 'nocrc.api.json'),
        JSON.stringify({ messages: [['m', ['u16', '_vl_msg_id']]] }),
      );
      await writeFile(join(apiDir, 'core', 'ignored.json'), '{}');
      const logger = new RecordingLogger();
      const files = await loadApiDir(apiDir, logger);
      assert.deepEqual(
        files.map((f) => f.source),
        [`${apiDir}/core/deep/x.api.json`],
      );
      const warned = logger.named('vpp-api-json-invalid').map((e) => String(e.attrs['source']));
      assert.deepEqual(warned.sort(), [`${apiDir}/core/broken.api.json`, `${apiDir}/core/nocrc.api.json`]);
    });
  });

  test('get_api_json text: an array of modules; garbage is a definition error', () => {
    const files = parseApiJsonList(JSON.stringify([lbApi120, { messages: [] }]));
    assert.deepEqual(
      files.map((f) => f.source),
      ['vpp:get_api_json[0]', 'vpp:get_api_json[1]'],
    );
    assert.throws(() => parseApiJsonList('[{'), VppDefinitionError);
  });
});
