// /admin/: basic auth (401 without or with wrong credentials, 200 with), a constant-time
// compare, cross-site POSTs refused, and the actions reaching maglevd.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, mock, test } from 'node:test';
import { credentialsChecker, parseBasicAuth } from '../../src/frontend/index.js';
import { SAMPLE_PREVIEW } from '../helpers/fake-backend.js';
import { basic, startDashboard, startFakeMaglevd, type Dashboard, type FakeMaglevd } from './fixtures.js';

const USER = 'operator';
const PASSWORD = 'correct horse battery staple';

describe('basic auth', () => {
  test('parseBasicAuth: user and password split at the first colon; malformed headers give undefined', () => {
    assert.deepEqual(parseBasicAuth(basic('u', 'p:w:d')), { user: 'u', password: 'p:w:d' });
    assert.deepEqual(parseBasicAuth(basic('', '')), { user: '', password: '' });
    assert.equal(parseBasicAuth(undefined), undefined);
    assert.equal(parseBasicAuth('Bearer abc'), undefined);
    assert.equal(parseBasicAuth('Basic ' + Buffer.from('nocolon').toString('base64')), undefined);
  });

  test('the compare hashes to equal-length digests and always runs both timingSafeEqual calls', () => {
    const check = credentialsChecker({ user: USER, password: PASSWORD });
    const spy = mock.method(crypto, 'timingSafeEqual');
    try {
      const cases: [Parameters<typeof check>[0], boolean][] = [
        [{ user: USER, password: PASSWORD }, true],
        [{ user: 'x', password: PASSWORD }, false], // wrong user: the password is still compared
        [{ user: USER, password: 'a much longer password than the real one' }, false],
        [{ user: USER, password: '' }, false],
        [undefined, false], // no header: compared like wrong credentials
      ];
      for (const [given, expected] of cases) {
        spy.mock.resetCalls();
        assert.equal(check(given), expected);
        assert.equal(spy.mock.callCount(), 2, 'user and password are both compared');
        for (const call of spy.mock.calls) {
          const [a, b] = call.arguments as [Buffer, Buffer];
          assert.equal(a.length, 32);
          assert.equal(b.length, 32);
        }
      }
    } finally {
      spy.mock.restore();
    }
  });
});

describe('/admin/ over HTTP', () => {
  let maglevd: FakeMaglevd;
  let dash: Dashboard;
  let m: string;
  const auth = basic(USER, PASSWORD);
  const post = (path: string, headers: Record<string, string> = {}, body = '{}') =>
    fetch(`${dash.base}/admin/api/maglevds/${m}/${path}`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json', ...headers },
      body,
    });

  before(async () => {
    maglevd = await startFakeMaglevd();
    dash = await startDashboard({ servers: [maglevd.target], user: USER, password: PASSWORD });
    m = encodeURIComponent(maglevd.target);
  });
  after(async () => {
    await dash.close();
    await maglevd.close();
  });

  test('401 with a WWW-Authenticate challenge without or with wrong credentials; 200 with', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: basic(USER, 'wrong') },
      { Authorization: basic('root', PASSWORD) },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${dash.base}/admin/`, { headers });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="/);
      await res.arrayBuffer();
    }
    const api = await fetch(`${dash.base}/admin/api/maglevds/${m}/backends/nginx0-ams/pause`, {
      method: 'POST',
    });
    assert.equal(api.status, 401, 'the API is behind the same auth');
    await api.arrayBuffer();
    const ok = await fetch(`${dash.base}/admin/`, { headers: { Authorization: auth } });
    assert.notEqual(ok.status, 401);
    await ok.arrayBuffer();
    // /view/ needs no credentials.
    const view = await fetch(`${dash.base}/view/api/state`);
    assert.equal(view.status, 200);
    await view.arrayBuffer();
  });

  test('cross-site POSTs are refused (Sec-Fetch-Site, Origin); same-origin passes', async () => {
    const host = new URL(dash.base).host;
    const refused: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: 'http://evil.example' },
      { Origin: 'null' },
      { Origin: `http://${host}`, 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of refused) {
      const res = await post('backends/nginx0-ams/pause', headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      const body = (await res.json()) as { ok: boolean; error: string };
      assert.equal(body.ok, false);
      assert.match(body.error, /cross-site/);
    }
    assert.ok(!maglevd.fake.calls.includes('pause nginx0-ams'), 'nothing reached maglevd');
    assert.ok(dash.logs.some((l) => l.event === 'admin-refused'));

    const res = await post('backends/nginx0-ams/pause', {
      'Sec-Fetch-Site': 'same-origin',
      Origin: `http://${host}`,
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { ok: boolean; result: { state: string } };
    assert.equal(body.ok, true);
    assert.equal(body.result.state, 'paused');
    assert.ok(maglevd.fake.calls.includes('pause nginx0-ams'));
    const audit = dash.logs.find((l) => l.event === 'admin-action' && l.attrs.action === 'pause');
    assert.equal(audit?.attrs.user, USER);
  });

  test('only JSON POSTs: a form post is 415, a GET is 405', async () => {
    const form = await post(
      'backends/nginx0-ams/resume',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      'a=b',
    );
    assert.equal(form.status, 415);
    await form.arrayBuffer();
    const get = await fetch(`${dash.base}/admin/api/maglevds/${m}/backends/nginx0-ams/resume`, {
      headers: { Authorization: auth },
    });
    assert.equal(get.status, 405);
    await get.arrayBuffer();
  });

  test('actions: weight (validated, with flush), errors mapped from gRPC statuses', async () => {
    const w = await post(
      'frontends/web-v4/pools/primary/backends/nginx0-fra/weight',
      {},
      '{"weight":25,"flush":true}',
    );
    assert.equal(w.status, 200);
    const wb = (await w.json()) as {
      ok: true;
      result: { pools: { backends: { name: string; weight: number }[] }[] };
    };
    assert.equal(wb.result.pools[0]!.backends.find((b) => b.name === 'nginx0-fra')?.weight, 25);
    assert.ok(maglevd.fake.calls.includes('weight web-v4/primary/nginx0-fra=25 flush'));

    for (const body of ['{"weight":101}', '{"weight":-1}', '{"weight":1.5}', '{}', 'not json']) {
      const bad = await post('frontends/web-v4/pools/primary/backends/nginx0-fra/weight', {}, body);
      assert.equal(bad.status, 400, body);
      await bad.arrayBuffer();
    }
    const missing = await post('backends/nosuch/pause');
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /nosuch/);
    // Resume of a backend that is not paused: FAILED_PRECONDITION → 409.
    const conflict = await post('backends/nginx0-zrh/resume');
    assert.equal(conflict.status, 409);
    await conflict.arrayBuffer();
    // VPP is not there in the fake: UNAVAILABLE → 503.
    const sync = await post('vpp/sync');
    assert.equal(sync.status, 503);
    await sync.arrayBuffer();
    const reload = await post('config/reload');
    assert.equal(reload.status, 200);
    assert.deepEqual(((await reload.json()) as { result: { ok: boolean } }).result.ok, true);
    const unknown = await fetch(`${dash.base}/admin/api/maglevds/nosuch/config/reload`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(unknown.status, 404);
    await unknown.arrayBuffer();
  });

  test("the weight preview: maglevd's dry run as page JSON; validated like the action; not an action", async () => {
    maglevd.fake.previewResult = { ...SAMPLE_PREVIEW, notes: ['a note'] };
    const calls = maglevd.fake.calls.length;
    const logs = dash.logs.length;
    const res = await post(
      'frontends/web-v4/pools/primary/backends/nginx0-fra/weight/preview',
      {},
      '{"weight":25,"flush":true}',
    );
    assert.equal(res.status, 200);
    // The page's JSON: operations as lines, the rest as maglevd said it.
    const { lbApiVersion: _version, ...vip } = SAMPLE_PREVIEW.vips[0]!;
    assert.deepEqual(await res.json(), {
      ok: true,
      result: {
        vppOps: ['as-weight 198.51.100.1/32 tcp/80 192.0.2.10 weight 0 flush'],
        vips: [vip],
        vppRead: true,
        notes: ['a note'],
      },
    });
    assert.deepEqual(maglevd.fake.calls.slice(calls), [
      'preview {"kind":"set-weight","input":{"frontend":"web-v4","pool":"primary","backend":"nginx0-fra","weight":25,"flush":true}}',
    ]);
    assert.ok(!dash.logs.slice(logs).some((l) => l.event === 'admin-action'), 'a preview is not an action');
    const bad = await post(
      'frontends/web-v4/pools/primary/backends/nginx0-fra/weight/preview',
      {},
      '{"weight":101}',
    );
    assert.equal(bad.status, 400);
    await bad.arrayBuffer();
    const unknown = await post(
      'frontends/web-v4/pools/nope/backends/nginx0-fra/weight/preview',
      {},
      '{"weight":1}',
    );
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: string }).error, /nope/);
  });
});

test('without MAGLEV_FRONTEND_USER/_PASSWORD /admin/ does not exist', async () => {
  const maglevd = await startFakeMaglevd();
  const dash = await startDashboard({ servers: [maglevd.target] });
  try {
    const res = await fetch(`${dash.base}/admin/`, { headers: { Authorization: basic('a', 'b') } });
    assert.equal(res.status, 404);
    await res.arrayBuffer();
    const state = (await (await fetch(`${dash.base}/view/api/state`)).json()) as { admin: boolean };
    assert.equal(state.admin, false);
  } finally {
    await dash.close();
    await maglevd.close();
  }
});
