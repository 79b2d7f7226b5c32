// maglevd (the real Daemon, scripted probes) with vppsim over the real API socket and a stand-in
// BIRD control socket (test/helpers/fake-bird.ts): the VIP is announced once its frontend is up
// AND the syncer has programmed it; withdrawn when the frontend goes down, when VPP goes away,
// when a reload opts the frontend out, and first thing on stop. A BIRD that refuses everything
// changes nothing for health checking or VPP programming.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MaglevApiClient, type AnnouncementEvent } from '../../src/api/index.js';
import { FakeBird } from '../helpers/fake-bird.js';
import { Arrivals } from '../helpers/index.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { startSim, simVips, type SimHandle } from '../helpers/vppsim-harness.js';
import {
  FAST_CHECK,
  allUp,
  startDaemon,
  turn,
  vppSection,
  type DaemonRig,
} from '../helpers/vppsim-daemon.js';

const REFUSED =
  '0002-Reading configuration from /etc/bird/bird.conf\n8002 /etc/bird/bird.conf:3:1 syntax error\n';

function yaml(dir: string, opts: { announceWeb?: boolean } = {}): string {
  return `maglev:
  announce:
    bird:
      socket: ${join(dir, 'bird.ctl')}
      include-file: ${join(dir, 'maglev-vips.conf')}
${vppSection()}${FAST_CHECK}  backends:
    a: { address: 10.0.0.1, healthcheck: tcp }
    b: { address: 10.0.0.2, healthcheck: tcp }
  frontends:
    web:
      address: 192.0.2.10
      port: 80
${opts.announceWeb === false ? '      announce: false\n' : ''}      pools: [{ name: p, backends: { a: {} } }]
    dns:
      address: 192.0.2.53
      port: 53
      pools: [{ name: p, backends: { b: {} } }]
`;
}

const routesIn = async (dir: string): Promise<string[]> =>
  [...(await readFile(join(dir, 'maglev-vips.conf'), 'utf8')).matchAll(/route (\S+) blackhole/g)].map(
    (m) => m[1] ?? '',
  );

describe('maglevd announces through BIRD what VPP holds for healthy frontends', () => {
  let rig: DaemonRig | undefined;
  let sim: SimHandle | undefined;
  let bird: FakeBird | undefined;

  /** A temp directory that outlives everything started in it. */
  const inTempDir = (body: (dir: string) => Promise<void>) =>
    withTempDir(async (dir) => {
      try {
        await body(dir);
      } finally {
        await rig?.stop();
        await sim?.sim.close();
        await bird?.close();
        rig = sim = bird = undefined;
      }
    });

  const start = async (dir: string, grpc = false) => {
    bird = await FakeBird.start(join(dir, 'bird.ctl'), join(dir, 'maglev-vips.conf'));
    sim = await startSim({ socketPath: join(dir, 'api.sock') });
    rig = await startDaemon({ dir, yaml: yaml(dir), vppSocket: join(dir, 'api.sock'), grpc });
    return { bird, sim, rig };
  };

  test('up and programmed: announced; down: withdrawn; VPP gone: withdrawn; stop: withdrawn before stopped', () =>
    inTempDir(async (dir) => {
      const { rig } = await start(dir);
      await allUp(rig, ['a', 'b']);
      await rig.logs.waitFor('announce', (a) => a['routes'] === 2);
      assert.deepEqual(await routesIn(dir), ['192.0.2.10/32', '192.0.2.53/32']);
      assert.deepEqual(
        rig.daemon.announcer?.snapshot().frontends.map((f) => [f.frontend, f.announced, f.reason]),
        [
          ['web', true, 'up'],
          ['dns', true, 'up'],
        ],
      );

      const mark = rig.logs.mark();
      await turn(rig, 'down', { a: '10.0.0.1' });
      await rig.logs.waitFor('announce', (a) => a['routes'] === 1, mark);
      assert.deepEqual(await routesIn(dir), ['192.0.2.53/32']);

      const lost = rig.logs.mark();
      await sim?.sim.close();
      sim = undefined;
      await rig.logs.waitFor('announce', (a) => a['routes'] === 0, lost);
      assert.equal(rig.daemon.announcer?.snapshot().frontends[1]?.reason, 'not-programmed');

      sim = await startSim({ socketPath: join(dir, 'api.sock') });
      const back = rig.logs.mark();
      await rig.logs.waitFor('announce', (a) => a['routes'] === 1, back);
      assert.deepEqual(await routesIn(dir), ['192.0.2.53/32']);

      const stopping = rig.logs.mark();
      await rig.stop();
      const withdrawn = await rig.logs.waitFor('announce', (a) => a['routes'] === 0, stopping);
      const stopped = await rig.logs.waitFor('stopped', undefined, stopping);
      assert.ok(rig.logs.records.indexOf(withdrawn) < rig.logs.records.indexOf(stopped));
      assert.deepEqual(await routesIn(dir), []);
    }));

  test('a reload that opts a frontend out withdraws it; a BIRD that refuses changes nothing else', () =>
    inTempDir(async (dir) => {
      const { rig, bird, sim } = await start(dir);
      await allUp(rig, ['a', 'b']);
      await rig.logs.waitFor('announce', (a) => a['routes'] === 2);

      const mark = rig.logs.mark();
      assert.equal((await rig.reload(yaml(dir, { announceWeb: false }))).ok, true);
      await rig.logs.waitFor('announce', (a) => a['routes'] === 1, mark);
      assert.equal(rig.daemon.announcer?.snapshot().frontends[0]?.reason, 'off');

      // From now on BIRD refuses every configuration: errors, never a block.
      bird.fallback = () => REFUSED;
      const refused = rig.logs.mark();
      await turn(rig, 'down', { b: '10.0.0.2' });
      await rig.logs.waitFor('announce-error', (a) => a['kind'] === 'refused', refused);
      assert.deepEqual(await routesIn(dir), ['192.0.2.53/32'], 'the accepted file is restored');
      assert.equal(rig.daemon.announcer?.snapshot().birdOk, false);
      // Health and VPP carry on: b is down in the checker and at weight 0 in VPP.
      assert.equal(rig.daemon.checker.stateOf('b'), 'down');
      assert.equal(simVips(sim.sim).get('192.0.2.53/32 6:53')?.ases.get('10.0.0.2')?.weight, 0);
      await turn(rig, 'up', { b: '10.0.0.2' });
      assert.equal(simVips(sim.sim).get('192.0.2.53/32 6:53')?.ases.get('10.0.0.2')?.weight, 100);
    }));

  test('over gRPC: GetAnnouncements, each FrontendInfo, and WatchEvents announcement events', () =>
    inTempDir(async (dir) => {
      const { rig } = await start(dir, true);
      await allUp(rig, ['a', 'b']);
      await rig.logs.waitFor('announce', (a) => a['routes'] === 2);
      const client = new MaglevApiClient(`127.0.0.1:${String(rig.daemon.grpcPort)}`);
      try {
        const a = await client.announcements();
        assert.equal(a.enabled, true);
        assert.equal(a.birdOk, true);
        assert.equal(a.includeFile, join(dir, 'maglev-vips.conf'));
        assert.deepEqual(
          a.routes.map((r) => [r.prefix, r.frontends]),
          [
            ['192.0.2.10/32', ['web']],
            ['192.0.2.53/32', ['dns']],
          ],
        );
        const frontends = await client.listFrontends();
        assert.deepEqual(
          frontends.map((f) => [f.name, f.announcement?.announced, f.announcement?.reason]),
          [
            ['web', true, 'up'],
            ['dns', true, 'up'],
          ],
        );

        const seen = new Arrivals<AnnouncementEvent>();
        const stream = client.watchEvents({
          log: false,
          logLevel: '',
          backend: false,
          frontend: false,
          backendNames: [],
          frontendNames: ['web'],
          announcement: true,
          probeSummaryMs: 0,
        });
        stream.on('data', (e) => {
          if (e.event?.$case === 'announcement') seen.push(e.event.value);
          else assert.fail(`only announcement events were asked for, got ${e.event?.$case}`);
        });
        // The replay: BIRD's state, then the selected frontend.
        const bird = await seen.next();
        assert.deepEqual([bird.frontend, bird.birdOk], ['', true]);
        const web = await seen.next();
        assert.deepEqual(
          [web.frontend, web.address, web.announced, web.reason],
          ['web', '192.0.2.10', true, 'up'],
        );
        await turn(rig, 'down', { a: '10.0.0.1' });
        const withdrawn = await seen.next();
        assert.deepEqual(
          [withdrawn.frontend, withdrawn.announced, withdrawn.reason],
          ['web', false, 'frontend-down'],
        );
        stream.cancel();
        await stream.done;
      } finally {
        client.close();
      }
    }));
});
