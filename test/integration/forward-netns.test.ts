// The vppsim binary with --forward inside a network namespace of its own, on IPv6 addresses that
// are not loopback (::1/128 is an IPv4 prefix to the lb plugin, so loopback alone cannot test
// IPv6): the VIP fd00:255:7::100 and three ASes on the namespace's lo. The test process drives
// vppsim over its API socket (a unix socket path works across namespaces); a peer process in the
// namespace (forward-netns-peer.ts) runs the AS servers and the clients. Every connection must land
// on the AS src/maglev predicts for its IPv6 5-tuple; SIGTERM resets what is open and exits 0.
// Needs root (CI runs as root).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { VppClient, lbAddAs, lbAddVip, lbSetAsWeight, type LbVipKey } from '../../src/vpp/index.js';
import { repoRoot } from '../helpers/daemon-process.js';
import { NetnsJanitor, ip } from '../helpers/netns.js';
import { asPredictor } from '../helpers/vppsim-forward.js';
import { needsRoot } from '../helpers/requirements.js';

const PEER = fileURLToPath(new URL('./forward-netns-peer.ts', import.meta.url));
const VIP = 'fd00:255:7::100';
const ASES = ['fd00:255:7::21', 'fd00:255:7::22', 'fd00:255:7::23'];
const SOURCES = Array.from({ length: 8 }, (_, i) => `fd00:255:7::5${i}`);

type Line = Record<string, unknown>;

/** A child process speaking JSON lines on stdout, waited on by predicate. */
class JsonChild {
  readonly lines: Line[] = [];
  readonly exited: Promise<number | null>;
  private waiters: { pred: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  private nextId = 0;

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        line = { raw: text };
      }
      this.lines.push(line);
      for (const w of this.waiters.filter((x) => x.pred(line))) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(line);
      }
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  waitFor(pred: (l: Line) => boolean): Promise<Line> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  /** Sends a command to the peer and resolves with its answer. */
  async call(op: string, args: Record<string, unknown> = {}): Promise<Line> {
    const id = ++this.nextId;
    this.child.stdin!.write(JSON.stringify({ id, op, ...args }) + '\n');
    const answer = await this.waitFor((l) => l['id'] === id);
    if (answer['error'] !== undefined) throw new Error(`peer ${op}: ${JSON.stringify(answer['error'])}`);
    return answer;
  }
}

function inNamespace(janitor: NetnsJanitor, ns: string, args: string[]): JsonChild {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  janitor.track(child);
  return new JsonChild(child);
}

describe('vppsim --forward in a namespace, IPv6', { skip: needsRoot('a network namespace') }, () => {
  const janitor = new NetnsJanitor();
  let dir = '';
  let ns = '';
  let vppsim: JsonChild;
  let peer: JsonChild;
  let client: VppClient | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vppsim-fwd6-'));
    ns = janitor.add('fwd6');
    for (const address of [VIP, ...ASES, ...SOURCES])
      ip('-n', ns, 'addr', 'add', `${address}/128`, 'dev', 'lo', 'nodad');
  });
  after(async () => {
    client?.destroy();
    peer?.child.stdin?.end();
    await janitor.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('connections land where the Maglev table says; drain keeps, flush resets; SIGTERM exits 0', async () => {
    const socketPath = join(dir, 'api.sock');
    vppsim = inNamespace(janitor, ns, [
      'src/bin/vppsim.ts',
      '--forward',
      '--api-socket',
      socketPath,
      '--log-level',
      'debug',
    ]);
    const ready = await vppsim.waitFor((l) => l['msg'] === 'vppsim-ready');
    assert.equal(ready['forward'], true);
    peer = inNamespace(janitor, ns, [PEER]);
    const port = Number((await peer.call('serve', { hosts: ASES, vipHosts: [VIP] }))['port']);

    client = await VppClient.connect({ socketPath, apiDir: null });
    const vip: LbVipKey = { prefix: `${VIP}/128`, protocol: 6, port };
    await lbAddVip(client, { ...vip, encap: 'gre6' });
    for (const address of ASES) await lbAddAs(client, vip, { address });
    await vppsim.waitFor((l) => l['msg'] === 'vppsim-forward-listen' && l['port'] === port);

    const predict = asPredictor({
      ases: ASES.map((address) => ({ address, weight: 100 })),
      vip: VIP,
      port,
    });
    const landed = new Map<string, number>();
    for (const source of SOURCES) {
      const { results } = (await peer.call('connect', { host: VIP, port, source, count: 8 })) as {
        results: { address: string; port: number; name: string }[];
      };
      for (const r of results) {
        assert.equal(r.address, source);
        assert.equal(r.name, predict(r), `[${r.address}]:${r.port}`);
        landed.set(r.name, (landed.get(r.name) ?? 0) + 1);
      }
    }
    assert.equal(landed.size, 3);

    // Drain one AS with an open connection on it, then flush it.
    const open = await peer.call('open', { host: VIP, port, source: SOURCES[0], name: 'c1' });
    const drained = String(open['as']);
    await lbSetAsWeight(client, vip, drained, 0);
    assert.equal((await peer.call('ask', { name: 'c1', text: 'still' }))['answer'], `${drained}:still`);
    const { results } = (await peer.call('connect', { host: VIP, port, source: SOURCES[1], count: 10 })) as {
      results: { name: string }[];
    };
    assert.ok(results.every((r) => r.name !== drained));
    await lbSetAsWeight(client, vip, drained, 0, { flush: true });
    assert.equal((await peer.call('ended', { name: 'c1' }))['ended'], 'reset');

    // SIGTERM with a connection open: it is reset, vppsim exits 0.
    await peer.call('open', { host: VIP, port, name: 'c2' });
    const c2 = peer.call('ended', { name: 'c2' });
    vppsim.child.kill('SIGTERM');
    assert.equal(await vppsim.exited, 0);
    assert.equal((await c2)['ended'], 'reset');
  });
});
