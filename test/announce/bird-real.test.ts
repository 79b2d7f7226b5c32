// The birdc client and the Announcer against a real BIRD 2 (Debian bird2) in a network namespace
// of its own (root): configure is taken and the routes show up in BIRD; a route attribute BIRD
// cannot parse is refused with BIRD's file:line:col, the accepted file is put back, and BIRD keeps
// the routes it had.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Announcer, birdCommands, renderIncludeFile } from '../../src/announce/index.js';
import { systemClock } from '../../src/clock/index.js';
import { parseConfig, type MaglevConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { startBird, type RunningBird } from '../helpers/bird.js';
import { NetnsJanitor } from '../helpers/netns.js';
import { needsRoot } from '../helpers/requirements.js';

function config(routeAttributes: string): MaglevConfig {
  const r = parseConfig(
    [
      'maglev:',
      `  announce: {bird: {route-attributes: ${JSON.stringify(routeAttributes)}}}`,
      '  backends: {b: {address: 192.0.2.1}, b6: {address: "2001:db8::1"}}',
      '  frontends:',
      '    web: {address: 198.51.100.10, port: 80, pools: [{name: p, backends: {b: {}}}]}',
      '    v6: {address: "2001:db8:100::10", port: 80, pools: [{name: p, backends: {b6: {}}}]}',
    ].join('\n') + '\n',
    't.yaml',
  );
  if (!r.ok) assert.fail(r.errors.map((e) => e.message).join('\n'));
  return r.config;
}

describe('against a real BIRD 2', { skip: needsRoot('a network namespace for BIRD') }, () => {
  const janitor = new NetnsJanitor();
  let dir = '';
  let bird: RunningBird;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'maglev-bird-'));
    const include = join(dir, 'maglev-vips.conf');
    await writeFile(include, renderIncludeFile({ protocol: 'maglev_vips', routeAttributes: '' }, []));
    await writeFile(
      join(dir, 'bird.conf'),
      `router id 192.0.2.254;\ninclude "${include}";\nprotocol device {}\n`,
    );
    bird = await startBird(janitor, janitor.add('bird'), {
      config: join(dir, 'bird.conf'),
      socket: join(dir, 'bird.ctl'),
      pidFile: join(dir, 'bird.pid'),
    });
  });
  after(async () => {
    await janitor.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const showRoutes = async (): Promise<string> => {
    const [reply] = await birdCommands({ socketPath: bird.socket, clock: systemClock, timeoutMs: 5000 }, [
      'show route all',
    ]);
    return reply?.lines.map((l) => l.text).join('\n') ?? '';
  };

  test('taken, then refused: BIRD keeps what it took and the file is put back', async () => {
    let cfg = config('bgp_community.add((65000,100));');
    const announcer = new Announcer({
      bird: { ...cfg.announce!.bird, socket: bird.socket, includeFile: join(dir, 'maglev-vips.conf') },
      source: { config: () => cfg, frontendState: () => 'up', programmed: () => true },
      clock: systemClock,
      logger: silentLogger,
      checkIntervalMs: 0,
      retryInitialMs: 3_600_000,
    });
    announcer.start();
    await announcer.whenIdle();
    assert.equal(announcer.snapshot().birdOk, true, JSON.stringify(announcer.snapshot().lastError));
    const routes = await showRoutes();
    assert.match(routes, /198\.51\.100\.10\/32\s+blackhole \[maglev_vips4 /);
    assert.match(routes, /2001:db8:100::10\/128\s+blackhole \[maglev_vips6 /);
    assert.match(routes, /BGP\.community: \(65000,100\)/);
    const accepted = await readFile(join(dir, 'maglev-vips.conf'), 'utf8');

    cfg = config('no_such_attribute = 1;');
    announcer.reloaded(cfg);
    await announcer.whenIdle();
    const snap = announcer.snapshot();
    assert.equal(snap.birdOk, false);
    assert.equal(snap.lastError?.kind, 'refused');
    assert.match(snap.lastError?.message ?? '', /maglev-vips\.conf:\d+:\d+ /);
    assert.equal(await readFile(join(dir, 'maglev-vips.conf'), 'utf8'), accepted);
    assert.match(await showRoutes(), /198\.51\.100\.10\/32\s+blackhole/);
    await announcer.stop();
    assert.doesNotMatch(await showRoutes(), /198\.51\.100\.10/);
  });
});
