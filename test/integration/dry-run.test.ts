// Dry runs end to end: maglevc (in-process, real gRPC) against an in-process maglevd programming
// vppsim. Every changing command with --dry-run leaves maglevd and VPP exactly as they were (no lb
// write reaches vppsim) and prints its preview; then the same command, run for real, sends exactly
// the operations the preview listed, and VPP's bucket counts are the preview's "after" column.
// Refusals (unknown names, bad weights, actions that make no sense) are the actions' own.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ChangePreview, MaglevApiClient } from '../../src/api/index.js';
import { maglevc, type CliRun } from '../helpers/maglevc.js';
import { TempDir } from '../helpers/temp-dir.js';
import { LB_WRITES, simVips, startSim, type SimHandle } from '../helpers/vppsim-harness.js';
import { FAST_CHECK, allUp, startDaemon, vppSection, type DaemonRig } from '../helpers/vppsim-daemon.js';

function yaml(webA = 100, withApi = true): string {
  return `maglev:
${vppSection()}${FAST_CHECK}  backends:
    a: { address: 10.0.0.1, healthcheck: tcp }
    b: { address: 10.0.0.2, healthcheck: tcp }
    c: { address: 10.0.0.3, healthcheck: tcp }
  frontends:
    web:
      address: 192.0.2.10
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends:
            a: { weight: ${webA} }
            b: { weight: 50 }
        - name: fallback
          backends:
            c: {}
${
  withApi
    ? `    api:
      address: 192.0.2.20
      protocol: tcp
      port: 443
      pools:
        - name: only
          backends:
            b: {}
            c: {}
`
    : ''
}`;
}

const WEB = '192.0.2.10/32 6:80';

function ok(r: CliRun): string {
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

/** An operation in one spelling, for the preview's vpp_ops and the syncer's lb-sync-op records. */
function opLine(o: {
  op?: unknown;
  frontend?: unknown;
  address?: unknown;
  weight?: unknown;
  flush?: unknown;
}): string {
  const op = String(o.op);
  const parts = [op, typeof o.frontend === 'string' ? o.frontend : ''];
  if (op.startsWith('as-')) parts.push(String(o.address));
  if (op === 'as-add' || op === 'as-weight') parts.push(String(o.weight));
  if (op === 'as-del' || op === 'as-weight') parts.push(o.flush === true ? 'flush' : 'keep');
  return parts.join(' ');
}

void describe('dry runs against vppsim', () => {
  let tmp: TempDir;
  let sim: SimHandle;
  let rig: DaemonRig;
  let client: MaglevApiClient;
  let server: string;

  before(async () => {
    tmp = await TempDir.create();
    sim = await startSim({ socketPath: join(tmp.path, 'api.sock') });
    rig = await startDaemon({ dir: tmp.path, yaml: yaml(), vppSocket: sim.socketPath, grpc: true });
    await allUp(rig, ['a', 'b', 'c']);
    server = `127.0.0.1:${String(rig.daemon.grpcPort)}`;
    client = new MaglevApiClient(server);
  });

  after(async () => {
    client.close();
    await rig.stop();
    await sim.sim.close();
    await tmp.dispose();
  });

  /** What maglevd and VPP hold: states, weights, every VIP's ASes with weights and buckets. */
  async function snapshot(): Promise<unknown> {
    const backends = (await client.listBackends()).map((b) => [b.name, b.state, b.enabled]);
    const frontends = (await client.listFrontends()).map((f) => [
      f.name,
      f.state,
      f.pools.map((p) => p.backends.map((b) => [b.name, b.weight, b.effectiveWeight])),
    ]);
    const vpp = [...simVips(sim.sim)].map(([key, vip]) => [
      key,
      [...vip.ases].filter(([, as]) => as.used).map(([address, as]) => [address, as.weight, as.buckets]),
    ]);
    return { backends, frontends, vpp };
  }

  /** Runs the command with --dry-run: nothing changes anywhere; returns the preview. */
  async function dryRun(line: string): Promise<ChangePreview> {
    const before = await snapshot();
    const mark = sim.recorder.requests.length;
    const text = ok(await maglevc(['--server', server, ...line.split(' '), '--dry-run']));
    assert.match(text, new RegExp(`^dry run: '${line}' was not run\\n`));
    const json = ok(await maglevc(['--server', server, '--json', ...line.split(' '), '--dry-run']));
    await rig.synced();
    assert.deepEqual(await snapshot(), before, `${line} --dry-run changed nothing`);
    assert.deepEqual(sim.recorder.since(mark, LB_WRITES), [], `${line} --dry-run wrote nothing to VPP`);
    // A reload's dry run is CheckConfig: its answer carries the preview.
    const parsed = JSON.parse(json) as Record<string, unknown>;
    return ChangePreview.fromJSON('preview' in parsed ? parsed['preview'] : parsed);
  }

  /** Runs the command for real: VPP gets exactly the previewed operations and buckets. */
  async function runAsPreviewed(line: string, preview: ChangePreview): Promise<void> {
    const mark = rig.logs.mark();
    ok(await maglevc(['--server', server, ...line.split(' ')]));
    await rig.synced();
    const sent = rig.logs.records
      .slice(mark)
      .filter((r) => r.event === 'lb-sync-op')
      .map((r) => opLine(r.attrs));
    assert.deepEqual(sent, preview.vppOps.map(opLine), `${line}: the operations sent`);
    for (const vip of preview.vips) {
      const key = `${vip.prefix} ${vip.protocol === 'tcp' ? 6 : vip.protocol === 'udp' ? 17 : 255}:${vip.port}`;
      const held = simVips(sim.sim).get(key);
      for (const as of vip.ases)
        assert.equal(held?.ases.get(as.address)?.buckets ?? 0, as.bucketsAfter, `${key} ${as.address}`);
    }
  }

  void test('disable: both VIPs of the backend drain it with flush; the buckets are what VPP then has', async () => {
    const p = await dryRun('set backend b disable');
    assert.deepEqual(p.backends, [
      { backend: 'b', from: 'up', to: 'disabled', detail: 'disabled by operator' },
    ]);
    assert.deepEqual(p.vppOps.map(opLine), [
      'as-weight web 10.0.0.2 0 flush',
      'as-weight api 10.0.0.2 0 flush',
    ]);
    assert.equal(p.vppRead, true);
    const web = p.vips.find((v) => v.frontend === 'web');
    assert.deepEqual(
      web?.ases.map((a) => [a.address, a.bucketsBefore, a.bucketsAfter]),
      [
        ['10.0.0.1', 674, 1024],
        ['10.0.0.2', 350, 0],
        ['10.0.0.3', 0, 0],
      ],
    );
    assert.equal(web?.bucketsMoved, 350);
    await runAsPreviewed('set backend b disable', p);
  });

  void test('enable, pause and resume: their transitions, and only the operations they cause', async () => {
    const enable = await dryRun('set backend b enable');
    assert.deepEqual(enable.backends, [
      { backend: 'b', from: 'disabled', to: 'unknown', detail: 'enabled by operator' },
    ]);
    assert.deepEqual(enable.vppOps, [], 'unknown is weight 0 too: nothing to send yet');
    const up = rig.logs.mark();
    ok(await maglevc(['--server', server, 'set', 'backend', 'b', 'enable']));
    await rig.logs.waitFor('backend-transition', (a) => a['backend'] === 'b' && a['to'] === 'up', up);
    await rig.synced();

    const pause = await dryRun('set backend a pause');
    assert.deepEqual(pause.vppOps.map(opLine), ['as-weight web 10.0.0.1 0 keep']);
    await runAsPreviewed('set backend a pause', pause);
    const resume = await dryRun('set backend a resume');
    assert.deepEqual(resume.backends, [
      { backend: 'a', from: 'paused', to: 'unknown', detail: 'resumed by operator' },
    ]);
    const back = rig.logs.mark();
    ok(await maglevc(['--server', server, 'set', 'backend', 'a', 'resume']));
    await rig.logs.waitFor('backend-transition', (a) => a['backend'] === 'a' && a['to'] === 'up', back);
    await rig.synced();
  });

  void test('a weight with flush, and a sync that repairs what changed behind our back', async () => {
    const p = await dryRun('set frontend web pool primary backend b weight 20 flush');
    assert.deepEqual(p.vppOps.map(opLine), ['as-weight web 10.0.0.2 20 flush']);
    assert.equal(p.vips.length, 1);
    await runAsPreviewed('set frontend web pool primary backend b weight 20 flush', p);

    const vip = simVips(sim.sim).get(WEB);
    assert.ok(vip);
    sim.sim.lb.setAsWeight(
      vip.index,
      new Uint8Array([...new Array<number>(12).fill(0), 10, 0, 0, 1]),
      7,
      false,
    );
    const sync = await dryRun('sync vpp lb state');
    assert.deepEqual(sync.vppOps.map(opLine), ['as-weight web 10.0.0.1 100 keep']);
    await runAsPreviewed('sync vpp lb state', sync);
  });

  void test('config reload --dry-run and config check <file>: what a reload would do; running config untouched', async () => {
    await writeFile(rig.configPath, yaml(30, false));
    const p = await dryRun('config reload');
    // The stale VIP goes first (its ASes with flush; no frontend wants it), then web: the raise
    // before the lowering.
    assert.deepEqual(p.vppOps.map(opLine), [
      'as-del  10.0.0.2 flush',
      'as-del  10.0.0.3 flush',
      'vip-del ',
      'as-weight web 10.0.0.2 50 keep',
      'as-weight web 10.0.0.1 30 keep',
    ]);
    assert.deepEqual(p.frontends, [{ frontend: 'api', from: 'up', to: '' }]);
    assert.deepEqual(
      p.vips.map((v) => v.frontend),
      ['web', 'api'],
    );
    assert.ok((p.vips[0]?.bucketsMoved ?? 0) > 0, 'web: a 100 -> 30 and b 20 -> 50 move buckets');
    assert.equal(p.vips[1]?.bucketsMoved, 1024, 'api: the VIP goes, every bucket with it');

    const candidate = join(tmp.path, 'candidate.yaml');
    await writeFile(candidate, yaml(100, false));
    const checked = ok(await maglevc(['--server', server, 'config', 'check', candidate]));
    assert.match(
      checked,
      new RegExp(`^configuration is valid\\n\\nreloading to ${candidate} would change:\\n`),
    );
    assert.match(checked, /^frontend api: up -> gone$/m);

    await runAsPreviewed('config reload', p);
  });

  void test('refusals are the actions’ own, and change nothing', async () => {
    const before = await snapshot();
    const mark = sim.recorder.requests.length;
    const unknown = await maglevc(['--server', server, 'set', 'backend', 'nope', 'disable', '--dry-run']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'maglevc: backend "nope" not found\n');
    const weight = await maglevc([
      '--server',
      server,
      ...'set frontend web pool primary backend b weight 101'.split(' '),
      '--dry-run',
    ]);
    assert.equal(weight.code, 2);
    assert.match(weight.stderr, /^maglevc: .*0-100/);
    const pool = await maglevc([
      '--server',
      server,
      ...'set frontend web pool nope backend b weight 1'.split(' '),
      '--dry-run',
    ]);
    assert.equal(pool.code, 1);
    assert.equal(pool.stderr, 'maglevc: pool of frontend "web" "nope" not found\n');
    ok(await maglevc(['--server', server, 'set', 'backend', 'c', 'disable']));
    await rig.synced();
    const paused = await maglevc(['--server', server, 'set', 'backend', 'c', 'pause', '--dry-run']);
    assert.equal(paused.code, 1);
    assert.equal(paused.stderr, 'maglevc: backend "c" is disabled: enable it before you pause it\n');
    const sync = await maglevc([
      '--server',
      server,
      'sync',
      'vpp',
      'lb',
      'state',
      'frontend',
      'nope',
      '--dry-run',
    ]);
    assert.equal(sync.code, 1);
    assert.equal(sync.stderr, 'maglevc: frontend "nope" not found\n');
    assert.notDeepEqual(await snapshot(), before, 'the real disable did change things');
    const writes = sim.recorder.since(mark, LB_WRITES).map((r) => r.fields['as_address']);
    assert.ok(writes.length > 0, 'the real disable wrote to VPP');
    assert.deepEqual(new Set(writes), new Set(['10.0.0.3']), 'only the real disable wrote to VPP');
  });
});
