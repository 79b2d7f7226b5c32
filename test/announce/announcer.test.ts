// The Announcer against a stand-in control socket (test/helpers/fake-bird.ts) and a real include
// file in a temp directory, on a FakeClock: what it writes, when it asks BIRD, what it does with
// each kind of failure, and what it reports.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Announcer, type AnnounceEvent, type AnnouncerOptions } from '../../src/announce/index.js';
import { FakeClock } from '../../src/clock/index.js';
import { parseConfig, type MaglevConfig } from '../../src/config/index.js';
import type { FrontendState } from '../../src/health/index.js';
import { silentLogger } from '../../src/log/index.js';
import { FakeBird, HANG, HANG_UP, RECONFIGURED } from '../helpers/fake-bird.js';

function config(): MaglevConfig {
  const r = parseConfig(
    [
      'maglev:',
      '  announce: {bird: {protocol: vips}}',
      '  backends: {b: {address: 192.0.2.1}}',
      '  frontends:',
      '    web: {address: 198.51.100.10, port: 80, pools: [{name: p, backends: {b: {}}}]}',
      '    dns: {address: 198.51.100.53, port: 53, pools: [{name: p, backends: {b: {}}}]}',
    ].join('\n') + '\n',
    't.yaml',
  );
  if (!r.ok) assert.fail(r.errors.map((e) => e.message).join('\n'));
  return r.config;
}

const routesIn = (text: string | undefined): string[] =>
  [...(text ?? '').matchAll(/route (\S+) blackhole/g)].map((m) => m[1] ?? '');

describe('Announcer', () => {
  let dir = '';
  let bird: FakeBird;
  let clock: FakeClock;
  let announcer: Announcer;
  let includeFile = '';
  const states = new Map<string, FrontendState>();
  const programmed = new Set<string>();
  let events: AnnounceEvent[] = [];

  const make = (extra: Partial<AnnouncerOptions> = {}) => {
    const cfg = config();
    const bird0 = cfg.announce?.bird;
    assert.ok(bird0);
    announcer = new Announcer({
      bird: { ...bird0, socket: join(dir, 'bird.ctl'), includeFile },
      source: {
        config: () => cfg,
        frontendState: (name) => states.get(name),
        programmed: (name) => programmed.has(name),
      },
      clock,
      logger: silentLogger,
      ...extra,
    });
    announcer.events.add((e) => events.push(e));
    return announcer;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'announcer-'));
    includeFile = join(dir, 'maglev-vips.conf');
    bird = await FakeBird.start(join(dir, 'bird.ctl'), includeFile);
    clock = new FakeClock();
    states.clear();
    programmed.clear();
    events = [];
  });
  afterEach(async () => {
    await announcer.stop();
    await bird.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('start replaces a stale file with an empty one and configures', async () => {
    await writeFile(includeFile, 'protocol static vips4 { ipv4; route 203.0.113.1/32 blackhole; }\n');
    make().start();
    const first = await bird.commands.next();
    assert.equal(first.command, 'configure');
    assert.deepEqual(routesIn(first.include), []);
    assert.match(first.include ?? '', /protocol static vips4 \{\n {2}ipv4;\n\}/);
    await announcer.whenIdle();
    const snap = announcer.snapshot();
    assert.equal(snap.birdOk, true);
    assert.deepEqual(
      snap.frontends.map((f) => [f.frontend, f.announced, f.reason]),
      [
        ['web', false, 'frontend-down'],
        ['dns', false, 'frontend-down'],
      ],
    );
    assert.deepEqual(events, [{ type: 'bird', ok: true, error: undefined, at: clock.now() }]);
  });

  test('up and programmed announces; down withdraws; each with one event', async () => {
    make().start();
    await bird.commands.next();
    await announcer.whenIdle();
    states.set('web', 'up');
    announcer.update();
    await announcer.whenIdle();
    assert.equal(bird.commands.count, 1, 'up but not programmed: nothing to tell BIRD');
    programmed.add('web');
    announcer.update();
    assert.deepEqual(routesIn((await bird.commands.next()).include), ['198.51.100.10/32']);
    await announcer.whenIdle();
    assert.deepEqual(await readFile(includeFile, 'utf8').then(routesIn), ['198.51.100.10/32']);
    assert.deepEqual(announcer.snapshot().routes, [
      { prefix: '198.51.100.10/32', family: 4, frontends: ['web'] },
    ]);
    states.set('web', 'down');
    announcer.update();
    assert.deepEqual(routesIn((await bird.commands.next()).include), []);
    await announcer.whenIdle();
    assert.deepEqual(
      events
        .filter((e) => e.type === 'announcement')
        .map((e) => e.type === 'announcement' && [e.frontend, e.announced, e.reason]),
      [
        ['web', true, 'up'],
        ['web', false, 'frontend-down'],
      ],
    );
  });

  test('a refused configuration restores the file, reports, and retries with backoff', async () => {
    make().start();
    await bird.commands.next();
    await announcer.whenIdle();
    const accepted = await readFile(includeFile, 'utf8');
    bird.script.push(
      '0002-Reading configuration from /etc/bird/bird.conf\n8002 /etc/bird/maglev-vips.conf:5:40 syntax error, unexpected CF_SYM_UNDEFINED\n',
      '0002-Reading configuration from /etc/bird/bird.conf\n8002 /etc/bird/maglev-vips.conf:5:40 syntax error, unexpected CF_SYM_UNDEFINED\n',
    );
    states.set('web', 'up');
    programmed.add('web');
    announcer.update();
    assert.deepEqual(routesIn((await bird.commands.next()).include), ['198.51.100.10/32']);
    await announcer.whenIdle();
    assert.equal(await readFile(includeFile, 'utf8'), accepted, 'the last accepted file is back');
    const snap = announcer.snapshot();
    assert.equal(snap.birdOk, false);
    assert.equal(snap.lastError?.kind, 'refused');
    assert.equal(
      snap.lastError?.message,
      '/etc/bird/maglev-vips.conf:5:40 syntax error, unexpected CF_SYM_UNDEFINED',
    );
    assert.equal(snap.frontends[0]?.announced, false);
    // Retries after 1 s, then 2 s; the second retry is taken.
    await clock.advance(999);
    assert.equal(bird.commands.count, 2);
    await clock.advance(1);
    await bird.commands.at(2);
    await announcer.whenIdle();
    await clock.advance(1999);
    assert.equal(bird.commands.count, 3);
    await clock.advance(1);
    await bird.commands.at(3);
    await announcer.whenIdle();
    assert.equal(announcer.snapshot().birdOk, true);
    assert.equal(announcer.snapshot().frontends[0]?.announced, true);
    assert.deepEqual(
      events.filter((e) => e.type === 'bird').map((e) => e.type === 'bird' && [e.ok, e.error?.kind]),
      [
        [true, undefined],
        [false, 'refused'],
        [true, undefined],
      ],
    );
  });

  test('BIRD gone: the wanted file stays, unreachable is reported, the retry configures when it is back', async () => {
    make().start();
    await bird.commands.next();
    await announcer.whenIdle();
    await bird.close();
    states.set('web', 'up');
    programmed.add('web');
    announcer.update();
    await announcer.whenIdle();
    assert.deepEqual(await readFile(includeFile, 'utf8').then(routesIn), ['198.51.100.10/32']);
    assert.equal(announcer.snapshot().lastError?.kind, 'unreachable');
    assert.match(announcer.snapshot().lastError?.message ?? '', /bird\.ctl: (ECONNREFUSED|ENOENT)/);
    bird = await FakeBird.start(join(dir, 'bird.ctl'), includeFile);
    await clock.advance(1000);
    assert.deepEqual(routesIn((await bird.commands.next()).include), ['198.51.100.10/32']);
    await announcer.whenIdle();
    assert.equal(announcer.snapshot().birdOk, true);
  });

  test('a BIRD that never answers times out on the clock; a hang-up and garbage are unreachable too', async () => {
    make({ timeoutMs: 2000 }).start();
    bird.script.push(HANG);
    await bird.commands.next();
    await clock.advance(1999);
    assert.equal(announcer.snapshot().birdOk, undefined);
    await clock.advance(1);
    await announcer.whenIdle();
    assert.equal(
      announcer.snapshot().lastError?.message,
      `BIRD at ${join(dir, 'bird.ctl')}: no answer within 2000 ms`,
    );
    bird.script.push(HANG_UP);
    await clock.advance(1000);
    await bird.commands.next();
    await announcer.whenIdle();
    assert.match(announcer.snapshot().lastError?.message ?? '', /closed the connection before answering/);
    bird.script.push('hello there\n');
    await clock.advance(2000);
    await bird.commands.next();
    await announcer.whenIdle();
    assert.match(announcer.snapshot().lastError?.message ?? '', /not a reply/);
  });

  test('an include file that cannot be written is a write error; BIRD is not asked', async () => {
    includeFile = join(dir, 'missing-dir', 'maglev-vips.conf');
    make().start();
    await announcer.whenIdle();
    assert.equal(bird.commands.count, 0);
    assert.equal(announcer.snapshot().lastError?.kind, 'write');
    assert.match(announcer.snapshot().lastError?.message ?? '', /cannot write .*: ENOENT/);
  });

  test('while all is well BIRD is asked for its status; a failed check re-configures', async () => {
    make({ checkIntervalMs: 30_000 }).start();
    await bird.commands.next();
    await announcer.whenIdle();
    await clock.advance(30_000);
    assert.equal((await bird.commands.next()).command, 'show status');
    await announcer.whenIdle();
    assert.equal(announcer.snapshot().birdOk, true);
    bird.script.push(HANG_UP);
    await clock.advance(30_000);
    assert.equal((await bird.commands.next()).command, 'show status');
    await announcer.whenIdle();
    assert.equal(announcer.snapshot().birdOk, false);
    await clock.advance(1000);
    assert.equal((await bird.commands.next()).command, 'configure');
  });

  test('stop withdraws everything once, without retrying', async () => {
    make().start();
    states.set('web', 'up');
    programmed.add('web');
    await bird.commands.next();
    await announcer.whenIdle();
    if (announcer.snapshot().routes.length === 0) {
      announcer.update();
      await bird.commands.next();
      await announcer.whenIdle();
    }
    assert.equal(announcer.snapshot().routes.length, 1);
    bird.script.push(RECONFIGURED);
    await announcer.stop();
    const last = bird.commands.all[bird.commands.count - 1];
    assert.equal(last?.command, 'configure');
    assert.deepEqual(routesIn(last?.include), []);
    assert.equal(announcer.snapshot().frontends[0]?.reason, 'stopping');
    await bird.close();
    announcer.update();
    await clock.advance(60_000);
    assert.equal(clock.pendingTimers(), 0);
  });
});
