// vppsim's API server on its own: the message table it presents and how it treats bad input.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  VppClient,
  builtinDefinitions,
  compileMessage,
  connectUnix,
  getString,
  parseApiJsonList,
} from '../../src/vpp/index.js';
import { MEMCLNT_FIXED_IDS, VppSimServer } from '../../src/vppsim/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

describe('vppsim API server', () => {
  test('memclnt ids are fixed as in VPP; plugin ids start at a base that varies per server', () => {
    const a = new VppSimServer({ socketPath: '/unused-a', random: () => 0.1 });
    const b = new VppSimServer({ socketPath: '/unused-b', random: () => 0.7 });
    for (const [name, id] of Object.entries(MEMCLNT_FIXED_IDS))
      assert.equal(a.table.entryByName(name)?.id, id, name);
    assert.equal(a.table.entryByName('sockclnt_create')?.id, 15);
    assert.equal(a.table.entryByName('control_ping_reply')?.id, 24);
    assert.equal(a.table.entryByName('get_api_json')?.id, 27);
    assert.notEqual(a.lbMsgIdBase, b.lbMsgIdBase);
    assert.equal(a.table.entryByName('lb_conf')?.id, a.lbMsgIdBase);
    // lb messages are consecutive in .api order, 26 of them in 1.2.0.
    const lb = [...Array(26).keys()].map((i) => a.table.entryById(a.lbMsgIdBase + i)?.name);
    assert.ok(lb.every((n) => n?.startsWith('lb_')));
    assert.equal(
      new VppSimServer({ socketPath: '/unused', lbMsgIdBase: 89 }).table.entryByName('lb_conf')?.id,
      89,
    );
  });

  test('the lb generation decides which lb messages exist', () => {
    const v11 = new VppSimServer({ socketPath: '/unused', lbGeneration: '1.1', lbMsgIdBase: 100 });
    const v12 = new VppSimServer({ socketPath: '/unused', lbGeneration: '1.2', lbMsgIdBase: 100 });
    for (const name of [
      'lb_conf_get',
      'lb_add_del_as_v2',
      'lb_as_set_weight',
      'lb_as_v2_dump',
      'lb_as_v2_details',
    ]) {
      assert.equal(v11.table.entryByName(name), undefined, name);
      assert.ok(v12.table.entryByName(name), name);
    }
    assert.ok(v11.table.entryByName('lb_add_del_vip_v2'));
    assert.throws(
      () => v11.registerHandler('lb_as_set_weight', () => ({})),
      /not in this VPP's message table/,
    );
  });

  test('get_api_json serves the definitions of the presented generation; get_first_msg_id finds lb', async () => {
    await withTempDir(async (dir) => {
      const sim = new VppSimServer({
        socketPath: join(dir, 'api.sock'),
        lbGeneration: '1.1',
        lbMsgIdBase: 321,
      });
      await sim.start();
      const client = await VppClient.connect({
        socketPath: sim.socketPath,
        apiDir: null,
        useVppApiJson: false,
      });
      try {
        const json = getString(await client.request('get_api_json'), 'json');
        const files = parseApiJsonList(json);
        const lb = files.find((f) => f.file.vl_api_version === '0x49e3c1c1');
        assert.ok(lb, 'lb 1.1.0 served');
        assert.ok(!files.some((f) => f.file.vl_api_version === '0xac602d7b'));
        assert.equal(
          (await client.request('get_first_msg_id', { name: 'lb_49e3c1c1' }))['first_msg_id'],
          321,
        );
        await assert.rejects(client.request('get_first_msg_id', { name: 'lb_ac602d7b' }), /UNSPECIFIED/);
      } finally {
        client.destroy();
        await sim.close();
      }
    });
  });

  test('a request with someone else’s client_index gets no reply; the table comes in hash order', async () => {
    await withTempDir(async (dir) => {
      const sim = new VppSimServer({ socketPath: join(dir, 'api.sock') });
      await sim.start();
      const defs = builtinDefinitions();
      const enc = (name: string, fields: Record<string, number | string>) =>
        compileMessage(defs.message(name)!, defs).encode(fields);
      const dec = (name: string, b: Buffer) => compileMessage(defs.message(name)!, defs).decode(b);
      const raw = await connectUnix(sim.socketPath);
      try {
        const created = raw.onMessage.next();
        raw.send(enc('sockclnt_create', { _vl_msg_id: 15, context: 1, name: 'raw' }));
        const reply = dec('sockclnt_create_reply', await created);
        assert.equal(reply['context'], 1);
        assert.equal(reply['client_index'], 0); // VPP does not fill it
        const index = reply['index'] as number;
        assert.equal(index, 0x80000001);
        const ids = (reply['message_table'] as { index: number }[]).map((e) => e.index);
        assert.notDeepEqual(
          ids,
          [...ids].sort((x, y) => x - y),
        );

        raw.send(enc('control_ping', { _vl_msg_id: 23, client_index: 0x80000007, context: 2 }));
        const pong = raw.onMessage.next();
        raw.send(enc('control_ping', { _vl_msg_id: 23, client_index: index, context: 3 }));
        assert.equal(dec('control_ping_reply', await pong)['context'], 3);
        assert.equal(sim.stats.droppedBadClientIndex, 1);

        // sockclnt_delete: response 1, then VPP hangs up.
        const bye = raw.onMessage.next();
        const closed = raw.onClose.next();
        raw.send(enc('sockclnt_delete', { _vl_msg_id: 17, client_index: index, context: 4, index }));
        assert.equal(dec('sockclnt_delete_reply', await bye)['response'], 1);
        await closed;
      } finally {
        raw.destroy();
        await sim.close();
      }
    });
  });
});
