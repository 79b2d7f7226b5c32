// A fleet of two LB nodes behind one router, with real BIRD 2 in network namespaces (root;
// Debian bird2). The router runs examples/bird/router.conf; each node runs
// examples/bird/lb-node.conf (with its lb1.conf/lb2.conf), maglevd and `vppsim --forward` with
// the VIP on its loopback; three backends live in a namespace of their own that both nodes
// reach. docs/fleet.md describes the topology and records the withdraw times this test prints.
//
//   rtr ── 10.255.61.0/30 ── lb1 ── 10.255.63.0/30 ──┐
//    │                                                be (10.255.65.11-13:8080)
//    └─── 10.255.62.0/30 ── lb2 ── 10.255.64.0/30 ──┘
//   VIP 10.255.66.100:8080 on lb1's and lb2's lo; clients on rtr's lo (10.255.67.1, .2)
//
// The router's kernel route to the VIP is read whenever `ip monitor route` reports a change,
// so every wait is on an event and every time is measured from the cause to the route change.

import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { birdCommands, renderIncludeFile } from '../../src/announce/index.js';
import { systemClock } from '../../src/clock/index.js';
import { startBird, type RunningBird } from '../helpers/bird.js';
import { repoRoot, runProgram, type RunningProgram } from '../helpers/daemon-process.js';
import { NetnsJanitor, ip, sysctl } from '../helpers/netns.js';
import { needsRoot } from '../helpers/requirements.js';
import { asPredictor } from '../helpers/vppsim-forward.js';

const EXAMPLES = join(repoRoot, 'examples', 'bird');
const PEER = fileURLToPath(new URL('./fleet-peer.ts', import.meta.url));
const VIP = '10.255.66.100';
const PORT = 8080;
const BACKENDS = ['10.255.65.11', '10.255.65.12', '10.255.65.13'];
const NODES = {
  lb1: { router: '10.255.61.1', self: '10.255.61.2', toBackends: '10.255.63.1', backendsSide: '10.255.63.2' },
  lb2: { router: '10.255.62.1', self: '10.255.62.2', toBackends: '10.255.64.1', backendsSide: '10.255.64.2' },
} as const;
type NodeName = keyof typeof NODES;
const CLIENT_ECMP = '10.255.67.1';
const CLIENT_PINNED = '10.255.67.2';
const INTERVAL_MS = 500;
const FALL = 3;
/** The issue's bound: a node whose backends all fail is withdrawn within fall × interval + 2 s. */
const WITHDRAW_BOUND_MS = FALL * INTERVAL_MS + 2000;

function maglevYaml(dir: string): string {
  return `maglev:
  announce:
    bird:
      socket: ${dir}/bird.ctl
      include-file: ${dir}/maglev-vips.conf
      protocol: maglev_vips
      route-attributes: 'bgp_community.add((65000,100));'
  vpp:
    lb:
      ipv4-src-address: 10.255.66.1
      ipv6-src-address: fd00:255:66::1
      sync-interval: 1h
      startup-min-delay: 0s
      startup-max-delay: 0s
  healthchecks:
    tcp: {type: tcp, port: ${PORT}, interval: ${INTERVAL_MS}ms, timeout: 400ms, rise: 2, fall: ${FALL}}
  backends:
${BACKENDS.map((a, i) => `    be${i + 1}: {address: ${a}, healthcheck: tcp}`).join('\n')}
  frontends:
    web:
      address: ${VIP}
      port: ${PORT}
      pools:
        - name: main
          backends: {be1: {}, be2: {}, be3: {}}
`;
}

/** A peer process in a namespace: one JSON command per line, answered by id. */
class Peer {
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: Record<string, unknown>) => void>();
  constructor(readonly child: ReturnType<typeof spawn>) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const answer = JSON.parse(text) as Record<string, unknown>;
      this.waiting.get(Number(answer['id']))?.(answer);
    });
  }
  async call(op: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    const answer = new Promise<Record<string, unknown>>((resolve) => this.waiting.set(id, resolve));
    this.child.stdin!.write(JSON.stringify({ id, op, ...args }) + '\n');
    const a = await answer;
    if (a['error'] !== undefined) throw new Error(`${op}: ${JSON.stringify(a['error'])}`);
    return a;
  }
}

/** The router's kernel route to the VIP: its next hops, re-read on every `ip monitor route` event. */
class RouteWatch {
  private waiters: { pred: (hops: string[]) => boolean; resolve: (at: number) => void }[] = [];
  constructor(
    readonly netns: string,
    janitor: NetnsJanitor,
  ) {
    const child = spawn('ip', ['-n', netns, 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
    janitor.track(child);
    createInterface({ input: child.stdout }).on('line', () => this.changed(performance.now()));
  }

  /** The gateways of the kernel's route to the VIP (empty: no route). */
  hops(): string[] {
    const routes = JSON.parse(ip('-j', '-n', this.netns, 'route', 'show', `${VIP}/32`)) as {
      gateway?: string;
      nexthops?: { gateway: string }[];
    }[];
    const route = routes[0];
    if (!route) return [];
    return (route.nexthops?.map((h) => h.gateway) ?? [route.gateway ?? '']).sort();
  }

  /** Resolves with the monotonic time of the event after which `pred` first held (now, if it holds). */
  until(pred: (hops: string[]) => boolean): Promise<number> {
    if (pred(this.hops())) return Promise.resolve(performance.now());
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  private changed(at: number): void {
    if (this.waiters.length === 0) return;
    const hops = this.hops();
    const ready = this.waiters.filter((w) => w.pred(hops));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(at);
  }
}

const both = (hops: string[]) => hops.length === 2;
const only = (node: NodeName) => (hops: string[]) => hops.length === 1 && hops[0] === NODES[node].self;

describe(
  'a fleet: two LB nodes announce one VIP to a router over BGP (BIRD), ECMP across them',
  { skip: needsRoot('network namespaces and BIRD') },
  () => {
    const janitor = new NetnsJanitor();
    let dir = '';
    const ns = { rtr: '', lb1: '', lb2: '', be: '' };
    const birds: RunningBird[] = [];
    const vppsims = new Map<NodeName, RunningProgram>();
    const maglevds = new Map<NodeName, RunningProgram>();
    let client: Peer;
    let routes: RouteWatch;
    const figures: string[] = [];

    const nodeDir = (node: NodeName) => join(dir, node);

    const startMaglevd = (node: NodeName): RunningProgram => {
      const d = nodeDir(node);
      const program = runProgram(
        'src/bin/maglevd.ts',
        [
          '--config',
          join(d, 'maglev.yaml'),
          '--vpp-api-addr',
          join(d, 'api.sock'),
          '--vpp-stats-addr',
          join(d, 'stats.sock'),
          '--grpc-addr',
          '',
          '--metrics-addr',
          '',
        ],
        {},
        { netns: ns[node] },
      );
      janitor.track(program.child);
      maglevds.set(node, program);
      return program;
    };

    /** A maglevd of this node has announced the VIP (its 'announce' line with one route). */
    const announced = (program: RunningProgram) =>
      program.waitFor((l) => l.msg === 'announce' && l['routes'] === 1, 60_000, 'the VIP announced');

    /** Every backend is up in this maglevd and a sync after that put them all in VPP. */
    const allBackendsInVpp = async (program: RunningProgram) => {
      const ups = await Promise.all(
        BACKENDS.map((_, i) =>
          program.waitFor(
            (l) => l.msg === 'backend-transition' && l['backend'] === `be${i + 1}` && l['to'] === 'up',
          ),
        ),
      );
      const last = Math.max(...ups.map((l) => program.lines.indexOf(l)));
      await program.waitFor((l) => l.msg === 'lb-sync' && program.lines.indexOf(l) > last);
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'maglev-fleet-'));
      for (const name of ['rtr', 'lb1', 'lb2', 'be'] as const) ns[name] = janitor.add(`fleet-${name}`);
      const link = (a: string, aIf: string, b: string, bIf: string) =>
        ip('link', 'add', aIf, 'netns', a, 'type', 'veth', 'peer', 'name', bIf, 'netns', b);
      link(ns.rtr, 'r-lb1', ns.lb1, 'lb1-r');
      link(ns.rtr, 'r-lb2', ns.lb2, 'lb2-r');
      link(ns.lb1, 'lb1-be', ns.be, 'be-lb1');
      link(ns.lb2, 'lb2-be', ns.be, 'be-lb2');
      const batch = (netns: string, lines: string[]) =>
        execFileSync('ip', ['-n', netns, '-batch', '-'], { input: lines.join('\n') + '\n' });
      batch(ns.rtr, [
        `addr add ${NODES.lb1.router}/30 dev r-lb1`,
        `addr add ${NODES.lb2.router}/30 dev r-lb2`,
        `addr add ${CLIENT_ECMP}/32 dev lo`,
        `addr add ${CLIENT_PINNED}/32 dev lo`,
        'link set r-lb1 up',
        'link set r-lb2 up',
        // The pinned client reaches the VIP through one chosen node (tables 101 and 102).
        `route add ${VIP}/32 via ${NODES.lb1.self} table 101`,
        `route add ${VIP}/32 via ${NODES.lb2.self} table 102`,
      ]);
      // ECMP by the 5-tuple, so flows of one client spread over both nodes.
      sysctl(ns.rtr, 'net.ipv4.fib_multipath_hash_policy', '1');
      for (const node of ['lb1', 'lb2'] as const) {
        const n = NODES[node];
        batch(ns[node], [
          `addr add ${n.self}/30 dev ${node}-r`,
          `addr add ${n.toBackends}/30 dev ${node}-be`,
          `addr add ${VIP}/32 dev lo`,
          `link set ${node}-r up`,
          `link set ${node}-be up`,
          `route add 10.255.65.0/24 via ${n.backendsSide}`,
          `route add 10.255.67.0/24 via ${n.router}`,
        ]);
      }
      batch(ns.be, [
        `addr add ${NODES.lb1.backendsSide}/30 dev be-lb1`,
        `addr add ${NODES.lb2.backendsSide}/30 dev be-lb2`,
        ...BACKENDS.map((a) => `addr add ${a}/32 dev lo`),
        'link set be-lb1 up',
        'link set be-lb2 up',
      ]);
      routes = new RouteWatch(ns.rtr, janitor);

      // BIRD: the example files, with /etc/bird/ pointing at each node's directory.
      await mkdir(join(dir, 'rtr'));
      await writeFile(join(dir, 'rtr', 'bird.conf'), await readFile(join(EXAMPLES, 'router.conf'), 'utf8'));
      const nodeConf = await readFile(join(EXAMPLES, 'lb-node.conf'), 'utf8');
      for (const node of ['lb1', 'lb2'] as const) {
        const d = nodeDir(node);
        await mkdir(d);
        await writeFile(join(d, 'bird.conf'), nodeConf.replaceAll('/etc/bird/', `${d}/`));
        await writeFile(
          join(d, 'lb-node-local.conf'),
          await readFile(join(EXAMPLES, `${node}.conf`), 'utf8'),
        );
        await writeFile(
          join(d, 'maglev-vips.conf'),
          renderIncludeFile({ protocol: 'maglev_vips', routeAttributes: '' }, []),
        );
        await writeFile(join(d, 'maglev.yaml'), maglevYaml(d));
      }
      const birdIn = (name: 'rtr' | NodeName) =>
        startBird(janitor, ns[name], {
          config: join(dir, name, 'bird.conf'),
          socket: join(dir, name, 'bird.ctl'),
          pidFile: join(dir, name, 'bird.pid'),
        });
      birds.push(...(await Promise.all([birdIn('rtr'), birdIn('lb1'), birdIn('lb2')])));

      const backends = new Peer(
        spawn('ip', ['netns', 'exec', ns.be, process.execPath, '--import', 'tsx', PEER], {
          cwd: repoRoot,
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      );
      janitor.track(backends.child);
      client = new Peer(
        spawn('ip', ['netns', 'exec', ns.rtr, process.execPath, '--import', 'tsx', PEER], {
          cwd: repoRoot,
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      );
      janitor.track(client.child);
      await backends.call('serve', { hosts: BACKENDS, port: PORT });

      await Promise.all(
        (['lb1', 'lb2'] as const).map(async (node) => {
          const vppsim = runProgram(
            'src/bin/vppsim.ts',
            ['--forward', '--api-socket', join(nodeDir(node), 'api.sock')],
            {},
            { netns: ns[node] },
          );
          janitor.track(vppsim.child);
          vppsims.set(node, vppsim);
          await vppsim.waitFor((l) => l.msg === 'vppsim-ready', 60_000, 'vppsim-ready');
          await announced(startMaglevd(node));
        }),
      );
    });

    after(async () => {
      client?.child.stdin?.end();
      await janitor.cleanup();
      await rm(dir, { recursive: true, force: true });
      if (figures.length > 0)
        process.stdout.write(
          `# fleet figures (${new Date().toISOString()}):\n${figures.map((f) => `#   ${f}\n`).join('')}`,
        );
    });

    test('the router holds the VIP with both nodes as ECMP next hops, in BIRD and in the kernel', async () => {
      await routes.until(both);
      assert.deepEqual(routes.hops(), [NODES.lb1.self, NODES.lb2.self]);
      const [reply] = await birdCommands(
        { socketPath: birds[0]!.socket, clock: systemClock, timeoutMs: 5000 },
        [`show route for ${VIP} export kernel4`],
      );
      const text = reply?.lines.map((l) => l.text).join('\n') ?? '';
      assert.match(text, new RegExp(`${VIP.replaceAll('.', '\\.')}/32\\s+unicast`));
      assert.match(text, /via 10\.255\.61\.2 on r-lb1 weight 1/);
      assert.match(text, /via 10\.255\.62\.2 on r-lb2 weight 1/);
    });

    test('one 5-tuple reaches the same backend through either node; ECMP uses both nodes', async () => {
      for (const program of maglevds.values()) await allBackendsInVpp(program);
      const predict = asPredictor({
        ases: BACKENDS.map((address) => ({ address, weight: 100 })),
        vip: VIP,
        port: PORT,
      });
      const through = async (node: NodeName, sourcePort: number) => {
        const table = node === 'lb1' ? '101' : '102';
        ip('-n', ns.rtr, 'rule', 'add', 'from', CLIENT_PINNED, 'lookup', table, 'priority', '100');
        try {
          const line = String(
            (await client.call('connect', { host: VIP, port: PORT, source: CLIENT_PINNED, sourcePort }))[
              'line'
            ],
          );
          const [backend, proxiedFrom] = line.split(' ');
          assert.equal(proxiedFrom, NODES[node].toBackends, `the connection went through ${node}`);
          return backend;
        } finally {
          ip('-n', ns.rtr, 'rule', 'del', 'priority', '100');
        }
      };
      const landed = new Set<string>();
      for (let sourcePort = 40001; sourcePort <= 40012; sourcePort++) {
        const expected = predict({ address: CLIENT_PINNED, port: sourcePort }) ?? 'no backend';
        assert.equal(await through('lb1', sourcePort), expected);
        assert.equal(await through('lb2', sourcePort), expected);
        landed.add(expected);
      }
      assert.equal(landed.size, BACKENDS.length, 'the ports chosen reach every backend');

      const nodes = new Set<string>();
      for (let sourcePort = 41001; sourcePort <= 41032; sourcePort++) {
        const line = String(
          (await client.call('connect', { host: VIP, port: PORT, source: CLIENT_ECMP, sourcePort }))['line'],
        );
        const [backend, proxiedFrom] = line.split(' ');
        assert.equal(backend, predict({ address: CLIENT_ECMP, port: sourcePort }));
        nodes.add(proxiedFrom ?? '');
      }
      assert.deepEqual([...nodes].sort(), [NODES.lb1.toBackends, NODES.lb2.toBackends]);
    });

    test(`a node whose backends all fail is withdrawn within fall × interval + 2 s (${WITHDRAW_BOUND_MS} ms), and returns`, async () => {
      const lb1 = maglevds.get('lb1')!;
      const cut = performance.now();
      ip('-n', ns.lb1, 'route', 'replace', 'unreachable', '10.255.65.0/24');
      const gone = await routes.until(only('lb2'));
      const ms = Math.round(gone - cut);
      figures.push(
        `every backend of lb1 unreachable → withdrawn in ${ms} ms (bound ${WITHDRAW_BOUND_MS} ms)`,
      );
      assert.ok(ms <= WITHDRAW_BOUND_MS, `withdrawn after ${ms} ms, bound ${WITHDRAW_BOUND_MS} ms`);
      await lb1.waitFor((l) => l.msg === 'announce' && l['routes'] === 0);

      const healed = performance.now();
      ip('-n', ns.lb1, 'route', 'replace', '10.255.65.0/24', 'via', NODES.lb1.backendsSide);
      const back = await routes.until(both);
      figures.push(
        `lb1's backends reachable again → announced in ${Math.round(back - healed)} ms (rise 2 × ${INTERVAL_MS} ms)`,
      );
    });

    test('stopping maglevd withdraws the node before it exits; a new maglevd announces again', async () => {
      const lb1 = maglevds.get('lb1')!;
      const stop = performance.now();
      lb1.kill('SIGTERM');
      const gone = await routes.until(only('lb2'));
      assert.equal(await lb1.exited, 0);
      figures.push(`SIGTERM to lb1's maglevd → withdrawn in ${Math.round(gone - stop)} ms`);
      const events = lb1.lines.map((l) => l.msg);
      const withdrawn = lb1.lines.findIndex((l) => l.msg === 'announce' && l['routes'] === 0);
      assert.ok(withdrawn >= 0 && withdrawn < events.indexOf('stopped'), 'the withdraw comes before stopped');

      const restart = performance.now();
      await announced(startMaglevd('lb1'));
      const back = await routes.until(both);
      figures.push(
        `lb1's maglevd started → announced in ${Math.round(back - restart)} ms (process start included)`,
      );
    });

    test('kill -9 leaves the route in place; the stop hook (maglevd --withdraw-all) withdraws it', async () => {
      const lb1 = maglevds.get('lb1')!;
      lb1.kill('SIGKILL');
      await lb1.exited;
      assert.deepEqual(routes.hops(), [NODES.lb1.self, NODES.lb2.self], 'nothing withdrew it yet');
      const hook = performance.now();
      const withdraw = runProgram(
        'src/bin/maglevd.ts',
        ['--withdraw-all', '--config', join(nodeDir('lb1'), 'maglev.yaml')],
        {},
        { netns: ns.lb1 },
      );
      janitor.track(withdraw.child);
      const gone = await routes.until(only('lb2'));
      assert.equal(await withdraw.exited, 0);
      figures.push(
        `kill -9, then maglevd --withdraw-all → withdrawn in ${Math.round(gone - hook)} ms (process start included)`,
      );
      const include = await readFile(join(nodeDir('lb1'), 'maglev-vips.conf'), 'utf8');
      assert.doesNotMatch(include, /route /);
    });

    test('VPP going away withdraws the node', async () => {
      await announced(startMaglevd('lb1'));
      await routes.until(both);
      const vppsim = vppsims.get('lb2')!;
      const lost = performance.now();
      vppsim.kill('SIGKILL');
      const gone = await routes.until(only('lb1'));
      figures.push(`lb2's VPP (vppsim) killed → withdrawn in ${Math.round(gone - lost)} ms`);
    });
  },
);
