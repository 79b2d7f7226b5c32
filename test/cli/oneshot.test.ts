// One-shot maglevc against a live API server (real grpc-js on 127.0.0.1:0, the API tests'
// FakeBackend, a scripted VPP): every command of the tree, its output and exit code; usage
// errors (2), server errors (1) and an unreachable server (1).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stripAnsi } from '../../src/cli/index.js';
import { closedPort } from '../helpers/index.js';
import { maglevc, startCliFixture, startInProcess, type CliFixture, type CliRun } from './fixtures.js';

process.env.TZ = 'UTC';

function ok(r: CliRun): string {
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

describe('maglevc one-shot: show', () => {
  let fx: CliFixture;
  let run: (line: string) => Promise<CliRun>;
  before(async () => {
    fx = await startCliFixture();
    run = (line) => maglevc(['--server', fx.target, ...line.split(' ')]);
  });
  after(() => fx.close());

  test('show version: maglevc version and whether the server answers', async () => {
    const out = ok(await run('show version'));
    assert.match(out, /^maglevc \d+\.\d+\.\d+ \(commit \S+, (run from source|built .+)\)\n/);
    assert.match(out, new RegExp(`server ${fx.target}: reachable\\n$`));
  });

  test('show frontends', async () => {
    const lines = ok(await run('show frontends'))
      .trimEnd()
      .split('\n');
    assert.deepEqual(lines[0]?.split(/\s+/), [
      'FRONTEND',
      'ADDRESS',
      'SERVICE',
      'STATE',
      'SINCE',
      'ACTIVE',
      'SERVING',
      'DESCRIPTION',
    ]);
    assert.match(
      lines[1] ?? '',
      /^web-v4\s+198\.51\.100\.1\s+tcp\/80\s+up\s+\S+\s+primary\s+1\/3\s+IPng website$/,
    );
    assert.match(lines[2] ?? '', /^web-v6\s+2001:db8:1::1\s+any\s+unknown\s+-\s+-\s+0\/1$/);
  });

  test('show frontend web-v4: pools with configured and effective weights, buckets, flags', async () => {
    const out = ok(await run('show frontend web-v4'));
    assert.match(out, /^frontend\s+web-v4$/m);
    assert.match(out, /^address\s+198\.51\.100\.1 tcp\/80$/m);
    assert.match(out, /^src-ip-sticky\s+no$/m);
    assert.match(out, /^flush-on-down\s+yes$/m);
    assert.match(out, /^pool primary \(active\)$/m);
    assert.match(out, /^ {2}BACKEND\s+ADDRESS\s+STATE\s+WEIGHT\s+EFFECTIVE\s+BUCKETS\s+FLUSH\s+SINCE$/m);
    assert.match(out, /^ {2}nginx0-ams\s+192\.0\.2\.10\s+up\s+100\s+100\s+512\s+no\s+\S+$/m);
    assert.match(out, /^ {2}nginx0-fra\s+192\.0\.2\.11\s+down\s+50\s+0\s+0\s+yes\s+\S+$/m);
    assert.match(out, /^pool fallback$/m);
    assert.match(out, /^ {2}nginx0-zrh\s+192\.0\.2\.12\s+up\s+100\s+0\s+0\s+no\s+-$/m);
  });

  test('sh fr web-v6 (prefixes)', async () => {
    const out = ok(await run('sh fr web-v6'));
    assert.match(out, /^address\s+2001:db8:1::1 any$/m);
    assert.match(out, /^src-ip-sticky\s+yes$/m);
  });

  test('show backends, and sh ba nginx0 as a prefix filter', async () => {
    const all = ok(await run('show backends'))
      .trimEnd()
      .split('\n');
    assert.equal(all.length, 5);
    assert.match(all[2] ?? '', /^nginx0-fra\s+192\.0\.2\.11\s+down\s+0\/4\s+\S+\s+L4CON\s+http\s+web-v4$/);
    const some = ok(await run('sh ba nginx0'))
      .trimEnd()
      .split('\n');
    assert.deepEqual(
      some.slice(1).map((l) => l.split(' ')[0]),
      ['nginx0-ams', 'nginx0-fra', 'nginx0-zrh'],
    );
  });

  test('show backend nginx0-fra (and sh ba nginx0-fra): detail with transition history', async () => {
    for (const line of ['show backend nginx0-fra', 'sh ba nginx0-fra']) {
      const out = ok(await run(line));
      assert.match(out, /^state\s+down for \S+$/m);
      assert.match(out, /^health\s+0\/4 \(up at 2, rise 2, fall 3\)$/m);
      assert.match(out, /^transitions \(newest first\)$/m);
      assert.match(out, /^ {2}2026-04-15 12:00:05\s+\S+\s+up -> down\s+L4CON\s+connect ECONNREFUSED$/m);
      assert.match(out, /^ {2}2026-04-15 12:00:00\s+\S+\s+unknown -> up\s+L7OK\s+status 200$/m);
    }
  });

  test('show healthchecks and show healthcheck http', async () => {
    assert.match(
      ok(await run('show healthchecks')),
      /^http\s+http\s+80\s+2s\s+500ms\s+10s\s+1\.5s\s+2\s+3\s+3$/m,
    );
    const one = ok(await run('show healthcheck http'));
    assert.match(one, /^path\s+\/healthz$/m);
    assert.match(one, /^response-code\s+200-299$/m);
    assert.match(one, /^backends\s+nginx0-ams, nginx0-fra, nginx6$/m);
  });

  test('show vpp info / lb state / lb counters', async () => {
    const info = ok(await run('show vpp info'));
    assert.match(info, /^version\s+24\.10\.0-release$/m);
    assert.match(info, /^vpp-pid\s+4242$/m);
    assert.match(info, /^vpp-boottime\s+2026-04-15 11:00:00 \(\S+ ago\)$/m);
    assert.match(info, /^lb-api\s+1\.2\.0$/m);
    const state = ok(await run('sh vpp lb st'));
    assert.match(
      state,
      /^vip 198\.51\.100\.1\/32 tcp\/80 web-v4 {2}encap gre4 {2}flow-table 1024 {2}src-ip-sticky no {2}index 0$/m,
    );
    assert.match(state, /^ {2}192\.0\.2\.10\s+nginx0-ams\s+100\s+1024\s+1024\s+yes$/m);
    const counters = ok(await run('show vpp lb counters'));
    assert.match(
      counters,
      /^web-v4\s+198\.51\.100\.1\/32\s+tcp\/80\s+1234\s+987654321000\s+0\s+7\s+1\.5k\s+1\.3 MB\/s$/m,
    );
    assert.match(counters, /^total 1\.5k packets\/s, 1\.3 MB\/s$/m);
    assert.match(counters, /from the stats segment, rates over 5\.0s$/m);
  });

  test('help lists every command', async () => {
    const out = ok(await run('help'));
    assert.match(
      out,
      /^set frontend <frontend> pool <pool> backend <backend> weight <0-100> \[flush\] \[dry-run\]$/m,
    );
    assert.match(
      out,
      /^watch events \[num <n>\] \[log \[level <level>\]\] \[backend\] \[frontend\] \[announcement\]$/m,
    );
  });

  test('quit and exit do nothing in one-shot mode', async () => {
    assert.equal(ok(await run('quit')), '');
    assert.equal(ok(await run('exit')), '');
  });

  test('--json prints the API message', async () => {
    const list = JSON.parse(ok(await run('--json show backends nginx0-a'))) as {
      name: string;
      state: string;
    }[];
    assert.deepEqual(
      list.map((b) => [b.name, b.state]),
      [['nginx0-ams', 'up']],
    );
    const counters = JSON.parse(ok(await run('--json show vpp lb counters'))) as {
      vips: { nextPackets: string }[];
    };
    assert.equal(counters.vips[0]?.nextPackets, '987654321000', 'uint64 as a string, as protojson');
  });

  test('colour: off when not a terminal, on with --color, off again with --color=false', async () => {
    const ESC = '\x1b[';
    assert.ok(!ok(await run('show backends')).includes(ESC));
    const coloured = ok(await run('--color show backends'));
    for (const painted of [`${ESC}32mup${ESC}39m`, `${ESC}31mdown${ESC}39m`, `${ESC}33munknown${ESC}39m`]) {
      assert.ok(coloured.includes(painted), JSON.stringify(painted));
    }
    assert.equal(stripAnsi(coloured), ok(await run('show backends')));
    assert.ok(!ok(await maglevc(['--server', fx.target, '--color=false', 'show', 'backends'])).includes(ESC));
  });
});

describe('maglevc one-shot: actions and config', () => {
  let fx: CliFixture;
  let run: (line: string) => Promise<CliRun>;
  before(async () => {
    fx = await startCliFixture();
    run = (line) => maglevc(['--server', fx.target, ...line.split(' ')]);
  });
  after(() => fx.close());

  test('set backend pause / resume / disable / enable', async () => {
    assert.equal(ok(await run('set backend nginx0-ams pause')), 'backend nginx0-ams is paused\n');
    assert.equal(ok(await run('set ba nginx0-ams res')), 'backend nginx0-ams is unknown\n');
    assert.equal(
      ok(await run('set backend nginx0-ams disable')),
      'backend nginx0-ams is disabled [disabled]\n',
    );
    assert.equal(ok(await run('set backend nginx0-ams enable')), 'backend nginx0-ams is unknown\n');
    assert.deepEqual(fx.fake.calls, [
      'pause nginx0-ams',
      'resume nginx0-ams',
      'disable nginx0-ams',
      'enable nginx0-ams',
    ]);
  });

  test('a refused action: the server message, exit 1', async () => {
    const r = await run('set backend nginx6 resume');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'maglevc: backend "nginx6" is not paused\n');
    assert.equal(r.stdout, '');
  });

  test('set frontend ... weight N [flush]: the frontend as it is now', async () => {
    const out = ok(await run('set frontend web-v4 pool primary backend nginx0-fra weight 20 flush'));
    assert.match(out, /^ {2}nginx0-fra\s+192\.0\.2\.11\s+down\s+20\s+0\s+/m);
    assert.equal(
      ok(await run('set fr web-v4 po primary ba nginx0-fra we 30')).includes('frontend       web-v4'),
      true,
    );
    assert.deepEqual(fx.fake.calls.slice(-2), [
      'weight web-v4/primary/nginx0-fra=20 flush',
      'weight web-v4/primary/nginx0-fra=30',
    ]);
  });

  test('sync vpp lb state, for every VIP or one frontend', async () => {
    assert.equal(
      ok(await run('sync vpp lb state')),
      'synced every VIP: 0 VIPs added, 0 removed, 1 AS added, 0 removed, 2 weights updated\n',
    );
    assert.match(ok(await run('sync vpp lb state frontend web-v6')), /^synced frontend web-v6: /);
    assert.deepEqual(fx.synced, [undefined, 'web-v6']);
    const r = await run('sync vpp lb state frontend nope');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'maglevc: frontend "nope" not found\n');
  });

  test('config check and reload: verdict, problems, exit code', async () => {
    fx.fake.checkResult = {
      ok: true,
      warnings: ['frontend web: flow-table-length 1024 is below 100 x 3 backends'],
    };
    assert.equal(
      ok(await run('config check')),
      'configuration is valid\n  warning: frontend web: flow-table-length 1024 is below 100 x 3 backends\n',
    );
    assert.equal(ok(await run('config reload')), 'configuration reloaded\n');
    fx.fake.reloadResult = { ok: false, parseError: 'maglev.yaml:4:7: unknown key "helthchecks"' };
    const r = await run('config reload');
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      'configuration not reloaded; the running one stays in force\n  parse error: maglev.yaml:4:7: unknown key "helthchecks"\n',
    );
    fx.fake.checkResult = { ok: false, semanticError: 'a\nb' };
    const c = await run('config check');
    assert.equal(c.code, 1);
    assert.equal(c.stdout, 'configuration is invalid\n  semantic error: a\n  semantic error: b\n');
  });
});

describe('maglevc one-shot: dry runs', () => {
  let fx: CliFixture;
  let run: (line: string) => Promise<CliRun>;
  before(async () => {
    fx = await startCliFixture();
    run = (line) => maglevc(['--server', fx.target, ...line.split(' ')]);
  });
  after(() => fx.close());

  const PREVIEW = [
    'backend nginx0-ams: up -> disabled (disabled by operator)',
    'frontend web-v4: up -> down',
    '',
    'VPP: 1 operation, in this order',
    '  OP         VIP              SERVICE  FRONTEND  DETAIL',
    '  as-weight  198.51.100.1/32  tcp/80   web-v4    192.0.2.10 weight 0 flush',
    '',
    'vip 198.51.100.1/32 tcp/80 web-v4: 1024 of 1024 buckets move (100.0%)',
    '  ADDRESS     BACKEND     WEIGHT    BUCKETS',
    '  192.0.2.10  nginx0-ams  100 -> 0  1024 -> 0',
  ];

  test('each changing command previews instead of acting: the option word and --dry-run', async () => {
    const lines = [
      'set backend nginx0-ams disable dry-run',
      'set backend nginx0-ams pause --dry-run',
      'set ba nginx0-ams res dry',
      'set backend nginx0-ams enable dry-run',
      'set frontend web-v4 pool primary backend nginx0-fra weight 20 flush dry-run',
      'sync vpp lb state frontend web-v6 dry-run',
    ];
    for (const line of lines) {
      const out = ok(await run(line));
      const shown = line
        .replace(/ (dry-run|--dry-run|dry)$/, '')
        .replace('set ba nginx0-ams res', 'set backend nginx0-ams resume');
      assert.equal(out, [`dry run: '${shown}' was not run`, ...PREVIEW, ''].join('\n'), line);
    }
    assert.deepEqual(fx.fake.calls, [
      'preview {"kind":"backend-action","action":"disable","backend":"nginx0-ams"}',
      'preview {"kind":"backend-action","action":"pause","backend":"nginx0-ams"}',
      'preview {"kind":"backend-action","action":"resume","backend":"nginx0-ams"}',
      'preview {"kind":"backend-action","action":"enable","backend":"nginx0-ams"}',
      'preview {"kind":"set-weight","input":{"frontend":"web-v4","pool":"primary","backend":"nginx0-fra","weight":20,"flush":true}}',
      'preview {"kind":"sync","frontend":"web-v6"}',
    ]);
    assert.deepEqual(fx.synced, [], 'nothing was synced');
  });

  test('--json prints the preview message; the usual refusals come through unchanged', async () => {
    const json = JSON.parse(ok(await run('--json set backend nginx0-ams disable --dry-run'))) as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(json).sort(), ['backends', 'frontends', 'vips', 'vppOps', 'vppRead']);
    const unknown = await run('set backend nope disable dry-run');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'maglevc: backend "nope" not found\n');
    const bad = await run('set frontend web-v4 pool primary backend nginx0-fra weight 101 dry-run');
    assert.equal(bad.code, 2, 'a weight out of range is refused before anything is sent');
    assert.match(bad.stderr, /<0-100> must be a whole number 0\.\.100/);
    const notChanging = await run('show backends --dry-run');
    assert.equal(notChanging.code, 2);
    assert.equal(
      notChanging.stderr,
      "maglevc: --dry-run: 'show backends' changes nothing, so there is nothing to preview\nTry 'maglevc help'.\n",
    );
  });

  test('config reload dry-run is the check of the file on disk, with what a reload would change', async () => {
    fx.fake.checkResult = { ok: true, warnings: [], preview: fx.fake.previewResult };
    const before = fx.fake.calls.length;
    const out = ok(await run('config reload --dry-run'));
    assert.equal(
      out,
      [
        "dry run: 'config reload' was not run",
        'configuration is valid',
        '',
        'reloading it would change:',
        ...PREVIEW,
        '',
      ].join('\n'),
    );
    assert.deepEqual(fx.fake.calls.slice(before), ['check']);
  });

  test('config check <file> sends the candidate, named by its path; an unreadable file is exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maglevc-candidate-'));
    try {
      const file = join(dir, 'next.yaml');
      writeFileSync(file, 'maglev: {}\n');
      fx.fake.checkResult = {
        ok: true,
        warnings: [],
        preview: { ...fx.fake.previewResult, notes: ['a note'] },
      };
      const out = ok(await run(`config check ${file}`));
      assert.match(out, new RegExp(`^configuration is valid\n\nreloading to ${file} would change:\n`));
      assert.match(out, /\nnote: a note\n$/);
      assert.equal(fx.fake.calls.at(-1), `check ${file} (11 bytes)`);
      const missing = await run(`config check ${join(dir, 'nope.yaml')}`);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^maglevc: cannot read .*nope\.yaml: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('maglevc one-shot: watch events', () => {
  let fx: CliFixture;
  before(async () => {
    fx = await startCliFixture();
  });
  after(() => fx.close());

  test('num 2: the two frontend replays, then exit 0', async () => {
    const out = ok(await maglevc(['--server', fx.target, 'watch', 'events', 'num', '2']));
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} frontend web-v4 is up$/);
    assert.match(lines[1] ?? '', /^\d\d:\d\d:\d\d\.\d{3} frontend web-v6 is unknown$/);
  });

  test('backend events only, readable, until num', async () => {
    const subscribed = fx.nextSubscriber();
    const run = startInProcess(['--server', fx.target, 'watch', 'events', 'backend', 'num', '1']);
    const emit = await subscribed;
    emit({
      type: 'backend-transition',
      frontend: 'web-v4',
      backend: 'nginx0-ams',
      address: '192.0.2.10',
      transition: {
        from: 'up',
        to: 'down',
        at: Date.UTC(2026, 3, 15, 13, 0, 0, 250),
        code: 'L7STS',
        detail: 'status 503',
      },
    });
    const r = await run.done;
    assert.equal(
      ok(r),
      '13:00:00.250 backend nginx0-ams 192.0.2.10 (frontend web-v4) up -> down [L7STS] status 503\n',
    );
  });

  test('--json: one compact protojson object per line', async () => {
    const out = ok(
      await maglevc(['--server', fx.target, '--json', 'watch', 'events', 'frontend', 'num', '2']),
    );
    const events = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { frontend: { frontend: string; from: string; to: string } });
    assert.deepEqual(
      events.map((e) => [e.frontend.frontend, e.frontend.from, e.frontend.to]),
      [
        ['web-v4', 'up', 'up'],
        ['web-v6', 'unknown', 'unknown'],
      ],
    );
  });

  test('log records at the chosen level', async () => {
    const subscribed = fx.nextLogSubscriber();
    const run = startInProcess([
      '--server',
      fx.target,
      'watch',
      'events',
      'log',
      'level',
      'warn',
      'num',
      '1',
    ]);
    await subscribed;
    fx.fake.logger.info('probe-done', { backend: 'nginx6' });
    fx.fake.logger.warn('vpp-disconnect', { reason: 'socket closed', retry: 2 });
    const out = ok(await run.done);
    assert.match(out, /^\d\d:\d\d:\d\d\.\d{3} log warn {2}vpp-disconnect reason="socket closed" retry=2\n$/);
  });

  test('Ctrl-C ends an open-ended watch with exit 0', async () => {
    const run = startInProcess(['--server', fx.target, 'watch', 'events']);
    await run.waitFor('frontend web-v6 is unknown\n');
    run.interrupt();
    const r = await run.done;
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });
});

describe('maglevc one-shot: errors', () => {
  let fx: CliFixture;
  let run: (line: string) => Promise<CliRun>;
  before(async () => {
    fx = await startCliFixture();
    run = (line) => maglevc(['--server', fx.target, ...line.split(' ')]);
  });
  after(() => fx.close());

  test('unknown backend, frontend, health check: exit 1 with the server message', async () => {
    for (const [line, msg] of [
      ['show backend foo', 'backend "foo" not found'],
      ['show frontend foo', 'frontend "foo" not found'],
      ['show healthcheck foo', 'health check "foo" not found'],
      ['set backend foo pause', 'backend "foo" not found'],
    ] as const) {
      const r = await run(line);
      assert.equal(r.code, 1, line);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^maglevc: ${msg.replace(/"/g, '"?')}\\n$`), line);
    }
  });

  test('a prefix filter that matches nothing: exit 1', async () => {
    const r = await run('show backends zzz');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'maglevc: no backend name starts with "zzz"\n');
  });

  test('VPP integration off: exit 1 with why', async () => {
    const saved = fx.fake.vppBackend;
    fx.fake.vppBackend = undefined;
    try {
      const r = await run('show vpp info');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^maglevc: VPP integration is not connected/);
    } finally {
      fx.fake.vppBackend = saved;
    }
  });

  test('usage errors: exit 2, a targeted message, no RPC', async () => {
    const before = fx.fake.calls.length;
    for (const [line, msg] of [
      [
        'show foo',
        "unknown word 'foo' after 'show': expected one of version, frontends, frontend, backends, backend, healthchecks, healthcheck, announcements, vpp",
      ],
      [
        'set frontend web-v4 pool primary backend nginx6 weight 101',
        "bad value '101' after 'set frontend web-v4 pool primary backend nginx6 weight': <0-100> must be a whole number 0..100",
      ],
      [
        'set backend nginx6',
        "incomplete command 'set backend nginx6': expected one of pause, resume, enable, disable",
      ],
      ['s v l s', "ambiguous word 's': could be show, sync"],
    ] as const) {
      const r = await run(line);
      assert.equal(r.code, 2, line);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `maglevc: ${msg}\nTry 'maglevc help'.\n`);
    }
    assert.equal(fx.fake.calls.length, before);
    const bad = await maglevc(['--server', fx.target, '--frobnicate']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^maglevc: unknown option '--frobnicate'\nTry 'maglevc --help'\.\n$/);
  });

  test('unreachable server: exit 1 and a clear message', async () => {
    const port = await closedPort();
    const r = await maglevc(['--server', `127.0.0.1:${port}`, 'show', 'backends']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `maglevc: cannot reach maglevd at 127.0.0.1:${port}: connection refused\n`);
    const v = await maglevc(['--server', `127.0.0.1:${port}`, 'show', 'version']);
    assert.equal(v.code, 0, 'show version still reports the client version');
    assert.match(
      v.stdout,
      new RegExp(
        `server 127\\.0\\.0\\.1:${port}: cannot reach maglevd at 127\\.0\\.0\\.1:${port}: connection refused`,
      ),
    );
    const w = await maglevc(['--server', `127.0.0.1:${port}`, 'watch', 'events']);
    assert.equal(w.code, 1);
    assert.equal(w.stderr, `maglevc: cannot reach maglevd at 127.0.0.1:${port}: connection refused\n`);
  });

  test('commands piped on stdin run one after the other; the worst exit code wins', async () => {
    const script = '# a comment\nshow frontends\n\nshow backend nope\nsh ba nginx0-a\n';
    const r = await startInProcess(['--server', fx.target], {}, script).done;
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^web-v4 /m);
    assert.match(r.stdout, /^error: backend "nope" not found$/m);
    assert.match(r.stdout, /^nginx0-ams\s+192\.0\.2\.10\s+up/m, 'the line after the failure still ran');
    assert.doesNotMatch(r.stdout, /maglev> /, 'no prompt when stdin is not a terminal');
    const bad = await startInProcess(['--server', fx.target], {}, 'show frontends\nshow nope\n').done;
    assert.equal(bad.code, 2);
  });

  test('MAGLEV_SERVER names the server when --server is absent', async () => {
    const r = await maglevc(['show', 'frontends'], { MAGLEV_SERVER: fx.target });
    assert.match(ok(r), /^web-v4 /m);
  });
});
