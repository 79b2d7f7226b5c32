// The Debian packages, end to end on this machine (needs root; `npm test` runs it apart from the
// other files because it takes minutes): `npm run package` builds them, lintian finds no error,
// `apt-get install ./*.deb` installs them, and the installed programs work as the units run
// them. There is no systemd PID 1 here, so each unit's ExecStart runs under setpriv with the
// unit's user, groups, capability sets and no_new_privs, and its environment files read as
// root would read them (systemd-analyze verify checks the rest of each unit). maglevd programs
// a vppsim whose API socket belongs to group vpp; an upgrade to a rebuilt package, with the
// restart systemd would do, moves no AS weight; remove keeps the operator's edited conffiles,
// purge removes them; and the test leaves the machine as it found it (packages, the maglevd
// user, the vpp group, the ping sysctl, namespaces), even when it fails.
//
// Two runs of the suite on one machine take turns at the install phase (a flock); the builds
// work in temporary directories of their own.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot, runCommand, type LogLine, type RunningProgram } from '../helpers/daemon-process.js';
import { renderIncludeFile } from '../../src/announce/index.js';
import { startBird } from '../helpers/bird.js';
import { addNetns, deleteNetns, NetnsJanitor, netnsName, sysctl } from '../helpers/netns.js';
import { needsRoot } from '../helpers/requirements.js';
import {
  APT_ENV,
  APT_LOCK_WAIT,
  exists,
  machineLock,
  mustRun,
  packageStatus,
  pingGroupRange,
  run,
  setPingGroupRange,
} from './machine.js';
import {
  execReload,
  execStart,
  execStopPost,
  readUnit,
  serviceEnvironment,
  setprivArgs,
  withUmask,
} from './systemd-unit.js';

const PACKAGES = ['vpp-maglev', 'vpp-maglev-frontend', 'vpp-maglev-sim', 'vpp-maglev-common'];
const MAGLEVD_UNIT = '/lib/systemd/system/maglevd.service';
const FRONTEND_UNIT = '/lib/systemd/system/maglevd-frontend.service';
const NETNS_DROP_IN = '/usr/share/vpp-maglev/maglevd.service.d/netns.conf';
const BIRD_DROP_IN = '/usr/share/vpp-maglev/maglevd.service.d/bird.conf';
const CONFIG = '/etc/vpp-maglev/maglev.yaml';
const DEFAULTS = '/etc/default/maglevd';
const FRONTEND_DEFAULTS = '/etc/default/maglevd-frontend';
const FRONTEND_ADMIN = '/etc/vpp-maglev/frontend-admin';
const VPP_GROUP = 'vpp';
/** Stands in for the transient user of a DynamicUser= unit. */
const NOBODY = { user: 'nobody', group: 'nogroup' };
/** Log waits: generous, the suite runs on a loaded 2-core machine. */
const WAIT_MS = 60_000;
const AS_WRITES = new Set(['lb_add_del_as', 'lb_add_del_as_v2', 'lb_as_set_weight']);
const VIP_WRITES = new Set(['lb_add_del_vip', 'lb_add_del_vip_v2']);

interface MachineState {
  pingGroupRange: string;
  hadUser: boolean;
  hadGroup: boolean;
}

/** The two backends: web1 probed over HTTP, ping1 by ICMP (a ping socket, as the user maglevd). */
function maglevYaml(httpPort: number, weight = 100): string {
  return `# edited by the operator (the package test)
maglev:
  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
      ipv6-src-address: 2001:db8::fe
      startup-min-delay: 1s
      startup-max-delay: 4s
      sync-interval: 1h
  healthchecks:
    web:
      type: http
      port: ${httpPort}
      interval: 200ms
      timeout: 1s
      rise: 1
      fall: 2
      params:
        path: /healthz
    ping:
      type: icmp
      interval: 200ms
      timeout: 1s
      rise: 1
      fall: 2
  backends:
    web1: { address: 127.0.0.1, healthcheck: web }
    ping1: { address: 127.0.0.3, healthcheck: ping }
  frontends:
    web:
      address: 192.0.2.10
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends:
            web1: { weight: ${weight} }
            ping1: {}
`;
}

/** One command on vppsim's text CLI socket, as `vppctl` would send it. */
async function vppctl(socket: string, command: string): Promise<string> {
  const conn = createConnection(socket);
  let buffer = '';
  const prompts = (): number => buffer.split('vpp# ').length - 1;
  const untilPrompt = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (prompts() >= n) resolve();
      };
      conn.on('data', (c: Buffer) => {
        buffer += c.toString();
        check();
      });
      conn.once('error', reject);
      check();
    });
  await untilPrompt(1);
  conn.write(`${command}\n`);
  await untilPrompt(2);
  conn.end('quit\n');
  return buffer.split('vpp# ')[1] ?? '';
}

/** The AS lines of `show lb vips verbose`: address, weight and buckets, per VIP. */
function asLines(verbose: string): string[] {
  return verbose
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /weight:\d+ buckets:\d+/.test(l))
    .map((l) => l.replace(/\s+flows:\d+/, ''));
}

async function getText(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text() };
}

function statusOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(\w+):\s*(.*)$/.exec(line);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

async function gidOf(group: string): Promise<string> {
  return (await mustRun('getent', ['group', group])).stdout.split(':')[2] as string;
}

/** The .deb files with a new version (same contents, as a rebuild would have), via dpkg-deb. */
async function rebuiltWithVersion(debs: string[], dir: string, from: string, to: string): Promise<string[]> {
  const out: string[] = [];
  for (const deb of debs) {
    const tree = join(dir, `${basename(deb, '.deb')}.tree`);
    await mustRun('dpkg-deb', ['-R', deb, tree]);
    const control = join(tree, 'DEBIAN', 'control');
    writeFileSync(
      control,
      readFileSync(control, 'utf8')
        .replace(`Version: ${from}`, `Version: ${to}`)
        .replaceAll(`(= ${from})`, `(= ${to})`),
    );
    const built = join(dir, basename(deb).replace(`_${from}_`, `_${to}_`));
    await mustRun('dpkg-deb', ['-Zgzip', '-z1', '--root-owner-group', '-b', tree, built]);
    rmSync(tree, { recursive: true, force: true });
    out.push(built);
  }
  return out;
}

/** The full sync that ends the warm-up (its reasons may include others merged into it). */
const warmupFinal = (l: LogLine): boolean =>
  l.msg === 'lb-sync' && String(l['reason']).split(',').includes('warmup-final');

function lineIs(msg: string, match: Record<string, unknown> = {}) {
  return (l: LogLine) => l.msg === msg && Object.entries(match).every(([k, v]) => l[k] === v);
}

void describe(
  'Debian packages',
  { timeout: 40 * 60_000, skip: needsRoot('installs Debian packages') },
  () => {
    const work = mkdtempSync(join(tmpdir(), 'vpp-maglev-pkgtest-'));
    const running = new Set<RunningProgram>();
    let lock: { release(): Promise<void> } | undefined;
    let found: MachineState | undefined;
    let debs: string[] = [];
    let version = '';
    let httpServer: http.Server | undefined;
    let httpPort = 0;
    let sim: RunningProgram | undefined;
    let maglevd: RunningProgram | undefined;
    let grpcPort = 0;
    let metricsPort = 0;
    const run_ = join(work, 'run');
    const apiSocket = join(run_, 'api.sock');
    const cliSocket = join(run_, 'cli.sock');
    const netns = netnsName('pkg');
    const birdJanitor = new NetnsJanitor();
    let privateSocket: Server | undefined;

    function start(command: string[], env: Record<string, string>): RunningProgram {
      const program = runCommand(command[0] as string, command.slice(1), { env, cwd: '/' });
      running.add(program);
      void program.exited.then(() => running.delete(program));
      return program;
    }

    /** maglevd as maglevd.service runs it, with the drop-ins given. */
    function startMaglevd(dropIns: string[] = [], overrides: Record<string, string> = {}): RunningProgram {
      const unit = readUnit([MAGLEVD_UNIT, ...dropIns]);
      const env = { ...serviceEnvironment(unit, 'maglevd'), ...overrides };
      return start(['setpriv', ...setprivArgs(unit), '--', ...execStart(unit)], env);
    }

    async function stop(program: RunningProgram | undefined): Promise<number | null> {
      if (!program) return null;
      program.kill('SIGTERM');
      return program.exited;
    }

    async function scrape(): Promise<string> {
      return (await getText(`http://127.0.0.1:${metricsPort}/metrics`)).body;
    }

    before(async () => {
      lock = await machineLock('/run/lock/vpp-maglev-package-test.lock');
      for (const pkg of PACKAGES) {
        assert.equal(
          await packageStatus(pkg),
          undefined,
          `${pkg} is already installed on this machine; this test installs and purges it (apt-get purge ${PACKAGES.join(' ')})`,
        );
      }
      found = {
        pingGroupRange: pingGroupRange(),
        hadUser: await exists('passwd', 'maglevd'),
        hadGroup: await exists('group', VPP_GROUP),
      };
      httpServer = http.createServer((_req, res) => res.writeHead(200).end('ok'));
      httpServer.listen(0, '127.0.0.1');
      await new Promise((resolve) => httpServer?.once('listening', resolve));
      httpPort = (httpServer.address() as AddressInfo).port;
    });

    after(async () => {
      await Promise.all([...running].map((p) => stop(p)));
      httpServer?.close();
      privateSocket?.close();
      deleteNetns(netns);
      await birdJanitor.cleanup();
      const installed = [];
      for (const pkg of PACKAGES) if ((await packageStatus(pkg)) !== undefined) installed.push(pkg);
      if (installed.length > 0)
        await run('apt-get', ['purge', '-y', '-q', ...APT_LOCK_WAIT, ...installed], { env: APT_ENV });
      rmSync(FRONTEND_ADMIN, { force: true });
      rmSync('/etc/systemd/system/maglevd.service.d/netns.conf', { force: true });
      rmSync('/etc/systemd/system/maglevd.service.d/bird.conf', { force: true });
      if (existsSync('/etc/vpp-maglev') && readdirSync('/etc/vpp-maglev').length === 0)
        rmSync('/etc/vpp-maglev', { recursive: true });
      if (found) {
        if (!found.hadUser && (await exists('passwd', 'maglevd'))) await run('userdel', ['maglevd']);
        if (!found.hadUser && (await exists('group', 'maglevd'))) await run('groupdel', ['maglevd']);
        if (!found.hadGroup && (await exists('group', VPP_GROUP))) await run('groupdel', [VPP_GROUP]);
        if (pingGroupRange() !== found.pingGroupRange) setPingGroupRange(found.pingGroupRange);
      }
      rmSync(work, { recursive: true, force: true });
      await lock?.release();
    });

    void test('npm run package builds the packages and prints the path of each .deb last', async () => {
      const out = join(work, 'debs');
      const built = await mustRun('npm', ['run', '--silent', 'package', '--', '--out', out], {
        cwd: repoRoot,
      });
      const made = readdirSync(out).filter((f) => f.endsWith('.deb'));
      const last = built.stdout.trimEnd().split('\n').slice(-made.length);
      assert.deepEqual([...last].sort(), made.map((f) => join(out, f)).sort());
      debs = last;
      version = /_([^_]+)_[^_]+\.deb$/.exec(debs[0] as string)?.[1] ?? '';
      const arch = (await mustRun('dpkg', ['--print-architecture'])).stdout.trim();
      assert.deepEqual(made.sort(), PACKAGES.map((p) => `${p}_${version}_${arch}.deb`).sort());
    });

    void test('lintian reports no errors; the warnings it keeps are explained in docs/operations.md', async () => {
      const result = await run('lintian', ['--no-tag-display-limit', ...debs]);
      const lines = result.stdout.split('\n').filter((l) => /^[EWIPNX]: /.test(l));
      assert.deepEqual(
        lines.filter((l) => l.startsWith('E: ')),
        [],
        'lintian errors',
      );
      const doc = readFileSync(join(repoRoot, 'docs/operations.md'), 'utf8');
      const warnings = new Set(
        lines.filter((l) => l.startsWith('W: ')).map((l) => l.split(' ')[2] as string),
      );
      for (const tag of warnings)
        assert.ok(
          doc.includes(`\`${tag}\``),
          `lintian warning ${tag} is not explained in docs/operations.md`,
        );
    });

    void test('apt-get install ./*.deb installs them: the maglevd user, in group vpp, ping sockets open, the BIRD examples', async () => {
      if (!found?.hadGroup) await mustRun('groupadd', ['--system', VPP_GROUP]);
      const result = await mustRun(
        'apt-get',
        ['install', '-y', '-q', '--no-install-recommends', ...APT_LOCK_WAIT, ...debs],
        {
          env: APT_ENV,
        },
      );
      for (const pkg of PACKAGES) assert.equal(await packageStatus(pkg), 'install ok installed', pkg);
      // Not enabled, so not started: an unconfigured maglevd would empty VPP's lb plugin.
      assert.doesNotMatch(result.stdout + result.stderr, /Created symlink.*maglevd\.service/);
      const groups = (await mustRun('id', ['-nG', 'maglevd'])).stdout.trim().split(' ');
      assert.ok(groups.includes(VPP_GROUP), `maglevd's groups: ${groups.join(' ')}`);
      assert.match(
        (await mustRun('getent', ['passwd', 'maglevd'])).stdout,
        /:\/nonexistent:\/usr\/sbin\/nologin$/m,
      );
      assert.equal(pingGroupRange(), '0 2147483647');
      // docs/fleet.md's BIRD configurations, as the fleet test runs them.
      for (const file of readdirSync(join(repoRoot, 'examples/bird')))
        assert.equal(
          readFileSync(`/usr/share/doc/vpp-maglev-common/examples/${file}`, 'utf8'),
          readFileSync(join(repoRoot, 'examples/bird', file), 'utf8'),
          file,
        );
    });

    void test('systemd-analyze verify is clean for every unit, with and without the netns and bird drop-ins; security rates them OK', async () => {
      const units = ['maglevd.service', 'maglevd-frontend.service'];
      const plain = await run('systemd-analyze', ['verify', ...units]);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(plain.stderr.trim(), '');
      for (const unit of units) {
        const security = await run('systemd-analyze', ['security', '--offline=yes', unit]);
        const level = /Overall exposure level for \S+: ([\d.]+) (\w+)/.exec(security.stdout);
        assert.ok(level, security.stdout.slice(-500) + security.stderr);
        console.log(`${unit}: systemd-analyze security exposure ${level[1]} ${level[2]}`);
        assert.ok(Number(level[1]) <= 2, `${unit} exposure ${level[1]} ${level[2]}`);
      }
      mkdirSync('/etc/systemd/system/maglevd.service.d', { recursive: true });
      writeFileSync('/etc/systemd/system/maglevd.service.d/netns.conf', readFileSync(NETNS_DROP_IN));
      writeFileSync('/etc/systemd/system/maglevd.service.d/bird.conf', readFileSync(BIRD_DROP_IN));
      try {
        const withDropIns = await run('systemd-analyze', ['verify', 'maglevd.service']);
        assert.equal(withDropIns.code, 0, withDropIns.stderr);
        assert.equal(withDropIns.stderr.trim(), '');
      } finally {
        rmSync('/etc/systemd/system/maglevd.service.d', { recursive: true, force: true });
      }
    });

    void test('man -w finds every page', async () => {
      const pages = JSON.parse(readFileSync(join(repoRoot, 'packaging/man/pages.json'), 'utf8')) as {
        name: string;
        section: number;
      }[];
      for (const { name, section } of pages) {
        const found = await run('man', ['-w', String(section), name]);
        assert.equal(found.code, 0, `man -w ${section} ${name}: ${found.stderr}`);
        assert.match(
          found.stdout.trim(),
          new RegExp(`^/usr/share/man/man${section}/${name.replace('.', '\\.')}\\.${section}\\.gz$`),
        );
      }
    });

    void test('/usr/bin/maglevd --check accepts the shipped configuration', async () => {
      const checked = await run('/usr/bin/maglevd', ['--check']);
      assert.equal(checked.code, 0, checked.stderr);
      assert.match(checked.stdout, /maglev\.yaml: ok \(0 healthchecks, 0 backends, 0 frontends\)/);
    });

    void test("the unit's ExecStart, as user maglevd without capabilities, programs a vppsim whose socket belongs to group vpp", async () => {
      // VPP's side, as root: its run directory and a socket for root and group vpp only.
      mkdirSync(run_, { recursive: true });
      chmodSync(work, 0o755);
      chmodSync(run_, 0o755);
      sim = start(
        ['/usr/bin/vppsim', '--api-socket', apiSocket, '--cli-socket', cliSocket, '--log-level', 'debug'],
        { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      );
      await sim.waitFor(lineIs('vppsim-ready'), WAIT_MS, 'vppsim-ready');
      await mustRun('chown', [`root:${VPP_GROUP}`, apiSocket]);
      chmodSync(apiSocket, 0o770);

      // The operator's edits: the configuration and the daemon's settings.
      writeFileSync(CONFIG, maglevYaml(httpPort));
      writeFileSync(
        DEFAULTS,
        `${readFileSync(DEFAULTS, 'utf8')}\n# the package test\nMAGLEV_GRPC_ADDR=127.0.0.1:0\nMAGLEV_METRICS_ADDR=127.0.0.1:0\nMAGLEV_VPP_API_ADDR=${apiSocket}\nMAGLEV_VPP_STATS_ADDR=${join(run_, 'stats.sock')}\n`,
      );
      const checked = await run('/usr/bin/maglevd', ['--check']);
      assert.equal(checked.code, 0, checked.stderr);

      maglevd = startMaglevd();
      const daemon = maglevd;
      grpcPort = Number((await daemon.waitFor(lineIs('grpc-listening'), WAIT_MS, 'grpc-listening'))['port']);
      metricsPort = Number(
        (await daemon.waitFor(lineIs('metrics-listening'), WAIT_MS, 'metrics-listening'))['port'],
      );
      await daemon.waitFor(lineIs('vpp-connect'), WAIT_MS, 'vpp-connect');
      await daemon.waitFor(lineIs('backend-transition', { backend: 'web1', to: 'up' }), WAIT_MS, 'web1 up');
      await daemon.waitFor(
        lineIs('backend-transition', { backend: 'ping1', to: 'up' }),
        WAIT_MS,
        'ping1 up (icmp)',
      );
      await daemon.waitFor(warmupFinal, WAIT_MS, 'the warm-up final sync');

      const status = statusOf(daemon.child.pid as number);
      const uid = (await mustRun('id', ['-u', 'maglevd'])).stdout.trim();
      assert.equal(status['Uid']?.split(/\s+/)[0], uid, 'runs as maglevd');
      assert.ok(status['Groups']?.split(/\s+/).includes(await gidOf(VPP_GROUP)), 'holds group vpp');
      for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) {
        assert.equal(status[set], '0000000000000000', `${set} is empty`);
      }
      assert.equal(status['NoNewPrivs'], '1');

      const vips = await vppctl(cliSocket, 'show lb vips verbose');
      assert.match(vips, /192\.0\.2\.10\/32/);
      assert.equal(asLines(vips).length, 2);
      for (const line of asLines(vips)) assert.match(line, /weight:100 /);
      assert.match(await scrape(), /^maglev_vpp_connected 1$/m);
    });

    void test('maglevc from /usr/bin talks to it', async () => {
      const shown = await mustRun('/usr/bin/maglevc', [
        '--server',
        `127.0.0.1:${grpcPort}`,
        '--no-color',
        'show',
        'frontends',
      ]);
      assert.match(shown.stdout, /web/);
      assert.match(shown.stdout, /up/);
      const state = await mustRun('/usr/bin/maglevc', [
        '--server',
        `127.0.0.1:${grpcPort}`,
        '--json',
        'show',
        'vpp',
        'lb',
        'state',
      ]);
      assert.match(state.stdout, /192\.0\.2\.10/);
      assert.match(state.stdout, /127\.0\.0\.3/);
    });

    void test('ExecReload checks the file first: a broken one never reaches maglevd, a good one is reloaded', async () => {
      const daemon = maglevd as RunningProgram;
      const unit = readUnit([MAGLEVD_UNIT]);
      const env = serviceEnvironment(unit, 'maglevd');
      const reload = async (): Promise<boolean> => {
        for (const command of execReload(unit, daemon.child.pid as number)) {
          const r = await run('setpriv', [...setprivArgs(unit), '--', ...command], { env });
          if (r.code !== 0) return false; // systemd stops at the first failing ExecReload=
        }
        return true;
      };
      const hups = () => daemon.lines.filter(lineIs('signal', { signal: 'SIGHUP' })).length;

      writeFileSync(CONFIG, `${maglevYaml(httpPort)}  oops: [\n`);
      assert.equal(await reload(), false, 'the check fails, so the reload fails');
      assert.equal(hups(), 0, 'and maglevd was never signalled');

      // An operator's own SIGHUP with the broken file: rejected, and the gauge says so.
      daemon.kill('SIGHUP');
      await daemon.waitFor(lineIs('config-reload-parse-error'), WAIT_MS, 'the rejected reload');
      assert.match(await scrape(), /^maglev_config_last_reload_successful 0$/m);

      writeFileSync(CONFIG, maglevYaml(httpPort, 60));
      assert.equal(await reload(), true);
      await daemon.waitFor(lineIs('config-reload'), WAIT_MS, 'config-reload');
      assert.match(await scrape(), /^maglev_config_last_reload_successful 1$/m);
      // One summary line per sync at info (each operation's own line is at debug).
      await daemon.waitFor(
        lineIs('lb-sync', { reason: 'reload', weightsUpdated: 1 }),
        WAIT_MS,
        "the reload's sync",
      );
      assert.ok(
        asLines(await vppctl(cliSocket, 'show lb vips verbose')).some((l) =>
          /127\.0\.0\.1 .*weight:60 /.test(l),
        ),
        'the new weight in VPP',
      );
    });

    void test('apt-get install of a rebuilt package, and the restart systemd does after it, move no AS weight', async () => {
      const before = asLines(await vppctl(cliSocket, 'show lb vips verbose'));
      const next = `${version}+rebuild1`;
      const rebuilt = await rebuiltWithVersion(debs, join(work, 'debs'), version, next);
      const mark = sim?.lines.length ?? 0;

      const t0 = performance.now();
      await mustRun(
        'apt-get',
        ['install', '-y', '-q', '--no-install-recommends', ...APT_LOCK_WAIT, ...rebuilt],
        { env: APT_ENV },
      );
      const tInstalled = performance.now();
      for (const pkg of PACKAGES) assert.equal(await packageStatus(pkg), 'install ok installed', pkg);
      assert.equal((await mustRun('dpkg-query', ['-W', '-f=${Version}', 'vpp-maglev'])).stdout, next);

      // What dh_installsystemd's postinst does on upgrade (restart after upgrade): stop, start.
      assert.equal(await stop(maglevd), 0, 'the old maglevd stops cleanly');
      const tStopped = performance.now();
      maglevd = startMaglevd();
      const daemon = maglevd;
      grpcPort = Number((await daemon.waitFor(lineIs('grpc-listening'), WAIT_MS))['port']);
      metricsPort = Number((await daemon.waitFor(lineIs('metrics-listening'), WAIT_MS))['port']);
      await daemon.waitFor(lineIs('vpp-connect'), WAIT_MS, 'vpp-connect');
      const tConnected = performance.now();
      await daemon.waitFor(warmupFinal, WAIT_MS, 'the warm-up final sync');
      const tFinal = performance.now();

      const requests = (sim?.lines ?? []).slice(mark).filter(lineIs('vppsim-recv'));
      const names = requests.map((l) => String(l['message']));
      assert.deepEqual(
        names.filter((n) => AS_WRITES.has(n)),
        [],
        'no AS was added, removed or re-weighted',
      );
      assert.deepEqual(
        names.filter((n) => VIP_WRITES.has(n)),
        [],
        'no VIP was touched',
      );
      assert.ok(names.includes('lb_vip_dump'), 'the new maglevd did read VPP');
      assert.deepEqual(asLines(await vppctl(cliSocket, 'show lb vips verbose')), before);
      const ms = (a: number, b: number) => Math.round(b - a);
      console.log(
        `upgrade: apt-get install ${ms(t0, tInstalled)} ms; maglevd stop ${ms(tInstalled, tStopped)} ms; ` +
          `start to vpp-connect ${ms(tStopped, tConnected)} ms; to warm-up final sync ${ms(tStopped, tFinal)} ms; ` +
          `VPP requests in between: ${names.length} (${[...new Set(names)].sort().join(', ')})`,
      );
    });

    void test('the frontend unit serves the dashboard as an unprivileged user, with admin credentials from a root-only file', async () => {
      const password = randomBytes(12).toString('hex');
      writeFileSync(FRONTEND_ADMIN, `MAGLEV_FRONTEND_USER=admin\nMAGLEV_FRONTEND_PASSWORD=${password}\n`, {
        mode: 0o600,
      });
      writeFileSync(
        FRONTEND_DEFAULTS,
        `${readFileSync(FRONTEND_DEFAULTS, 'utf8')}\nMAGLEV_FRONTEND_LISTEN=127.0.0.1:0\nMAGLEV_FRONTEND_SERVER=127.0.0.1:${grpcPort}\n`,
      );
      const unit = readUnit([FRONTEND_UNIT]);
      assert.equal(unit.get('Service.DynamicUser')?.at(-1), 'yes');
      // DynamicUser= gives it a transient uid; nobody stands in for it here.
      const frontend = start(
        ['setpriv', ...setprivArgs(unit, NOBODY), '--', ...execStart(unit)],
        serviceEnvironment(unit),
      );
      const port = Number(
        (await frontend.waitFor(lineIs('frontend-listening'), WAIT_MS, 'frontend-listening'))['port'],
      );
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await getText(`${base}/view/`)).status, 200);
      assert.equal((await getText(`${base}/admin/`)).status, 401);
      const auth = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` };
      assert.equal((await getText(`${base}/admin/`, auth)).status, 200);
      // The dashboard's own user cannot read the file its credentials came from.
      const peek = await run('setpriv', [...setprivArgs(unit, NOBODY), '--', 'cat', FRONTEND_ADMIN]);
      assert.notEqual(peek.code, 0);
      assert.equal(await stop(frontend), 0);
    });

    void test('CAP_SYS_ADMIN only with the netns drop-in; a socket maglevd may not use is explained', async () => {
      addNetns(netns);
      sysctl(netns, 'net.ipv4.ping_group_range', '0 2147483647');
      // A VPP socket for root only, as with "unix { gid ... }" left out.
      const closed = join(run_, 'root-only.sock');
      privateSocket = createServer(() => undefined);
      await new Promise<void>((resolve) => privateSocket?.listen(closed, resolve));
      chmodSync(closed, 0o700);
      const config = join(run_, 'netns.yaml');
      writeFileSync(
        config,
        `maglev:
  healthchecker:
    netns: ${netns}
  vpp:
    lb: { ipv4-src-address: 192.0.2.254, ipv6-src-address: 2001:db8::fe }
  healthchecks:
    ping: { type: icmp, interval: 200ms, timeout: 1s, rise: 1, fall: 1 }
  backends:
    inside: { address: 127.0.0.1, healthcheck: ping }
  frontends:
    f: { address: 192.0.2.20, port: 80, pools: [{ name: p, backends: { inside: {} } }] }
`,
      );
      chmodSync(config, 0o644);
      const overrides = {
        MAGLEV_CONFIG: config,
        MAGLEV_GRPC_ADDR: '',
        MAGLEV_METRICS_ADDR: '',
        MAGLEV_VPP_API_ADDR: closed,
      };

      const plain = startMaglevd([], overrides);
      const netnsError = await plain.waitFor(lineIs('netns-error'), WAIT_MS, 'netns-error');
      assert.match(String(netnsError['detail']), /operation not permitted \(needs CAP_SYS_ADMIN\)/);
      const refused = await plain.waitFor(lineIs('vpp-connect-failed'), WAIT_MS, 'vpp-connect-failed');
      assert.match(
        String(refused['error']),
        /permission denied on .*root-only\.sock \(owner root:root, mode 0700\); maglevd runs as user maglevd/,
      );
      assert.equal(await stop(plain), 0);

      const granted = startMaglevd([NETNS_DROP_IN], overrides);
      await granted.waitFor(
        lineIs('backend-transition', { backend: 'inside', to: 'up' }),
        WAIT_MS,
        'the icmp probe inside the namespace',
      );
      assert.equal(
        statusOf(granted.child.pid as number)['CapEff'],
        '0000000000200000',
        'CAP_SYS_ADMIN and nothing else',
      );
      assert.equal(await stop(granted), 0);
    });

    void test("the unit's ExecStopPost withdraws every VIP from BIRD as user maglevd, given the bird drop-in", async () => {
      // BIRD's side as Debian's bird2 sets it up: a directory and a control socket of group
      // bird, the directory writable by the group (docs/operations.md), BIRD reading the file.
      const dir = join(work, 'bird');
      mkdirSync(dir, { recursive: true });
      chmodSync(work, 0o755);
      await mustRun('chown', ['root:bird', dir]);
      chmodSync(dir, 0o770);
      const include = join(dir, 'maglev-vips.conf');
      const settings = { protocol: 'maglev_vips', routeAttributes: '' };
      const vip = { prefix: '192.0.2.10/32', family: 4 as const, frontends: ['web'] };
      writeFileSync(include, renderIncludeFile(settings, [vip]));
      writeFileSync(
        join(dir, 'bird.conf'),
        `router id 192.0.2.254;\ninclude "${include}";\nprotocol device {}\n`,
      );
      const socket = join(dir, 'bird.ctl');
      await startBird(birdJanitor, birdJanitor.add('pkgbird'), {
        config: join(dir, 'bird.conf'),
        socket,
        pidFile: join(dir, 'bird.pid'),
      });
      await mustRun('chown', ['root:bird', socket]);
      chmodSync(socket, 0o660);
      const routes = async () => (await mustRun('birdc', ['-s', socket, 'show', 'route'])).stdout;
      assert.match(await routes(), /192\.0\.2\.10\/32/);

      const config = join(dir, 'maglev.yaml');
      writeFileSync(
        config,
        `maglev:
  announce:
    bird: { socket: ${socket}, include-file: ${include} }
  vpp:
    lb: { ipv4-src-address: 192.0.2.254, ipv6-src-address: 2001:db8::fe }
  backends:
    b: { address: 127.0.0.1 }
  frontends:
    web: { address: 192.0.2.10, port: 80, pools: [{ name: p, backends: { b: {} } }] }
`,
      );
      chmodSync(config, 0o644);
      const stopPost = async (dropIns: string[]) => {
        const unit = readUnit([MAGLEVD_UNIT, ...dropIns]);
        const [hook, ...more] = execStopPost(unit);
        assert.ok(hook !== undefined && more.length === 0, 'one ExecStopPost');
        assert.deepEqual(hook.argv, ['/usr/bin/maglevd', '--withdraw-all']);
        assert.ok(hook.failureIgnored, 'a failed withdraw does not fail the unit');
        const env = { ...serviceEnvironment(unit, 'maglevd'), MAGLEV_CONFIG: config };
        return run('setpriv', [...setprivArgs(unit), '--', ...withUmask(unit, hook.argv)], { env });
      };

      // Without the drop-in maglevd is not in group bird: the hook fails, says why, and BIRD keeps
      // the route (the unit's `-` keeps that failure from failing the unit).
      const denied = await stopPost([]);
      assert.equal(denied.code, 1, denied.stdout);
      assert.match(denied.stderr, /EACCES|permission denied/i);
      assert.match(await routes(), /192\.0\.2\.10\/32/);

      // With it, under the unit's UMask=0077, the route is gone and BIRD can still read the file.
      const withdrawn = await stopPost([BIRD_DROP_IN]);
      assert.equal(withdrawn.code, 0, withdrawn.stderr);
      assert.match(withdrawn.stdout, /withdrew every VIP/);
      assert.doesNotMatch(await routes(), /192\.0\.2\.10\/32/);
      assert.equal(readFileSync(include, 'utf8'), renderIncludeFile(settings, []));
      assert.equal(statSync(include).mode & 0o777, 0o644);
      await birdJanitor.cleanup();
    });

    void test('remove stops nothing it leaves running and keeps the edited conffiles; purge removes them', async () => {
      // systemd's prerm would stop the units; here the test stops what it started.
      assert.equal(await stop(maglevd), 0);
      assert.equal(await stop(sim), 0);
      const edited = readFileSync(CONFIG, 'utf8');
      const editedDefaults = readFileSync(DEFAULTS, 'utf8');

      await mustRun('apt-get', ['remove', '-y', '-q', ...APT_LOCK_WAIT, ...PACKAGES], { env: APT_ENV });
      assert.equal(await packageStatus('vpp-maglev'), 'deinstall ok config-files');
      assert.equal(readFileSync(CONFIG, 'utf8'), edited, 'the edited maglev.yaml is kept');
      assert.equal(readFileSync(DEFAULTS, 'utf8'), editedDefaults, 'the edited /etc/default/maglevd is kept');
      assert.ok(!existsSync('/usr/bin/maglevd'));
      assert.ok(!existsSync('/usr/lib/vpp-maglev'));
      const left = await run('pgrep', ['-f', '/usr/lib/vpp-maglev/']);
      assert.equal(left.stdout.trim(), '', 'no process of the package is left');

      // Packages without conffiles are gone already; the others wait in "config-files" for purge.

      const configFiles = [];

      for (const pkg of PACKAGES) if ((await packageStatus(pkg)) !== undefined) configFiles.push(pkg);

      assert.deepEqual(configFiles.sort(), ['vpp-maglev', 'vpp-maglev-frontend']);

      await mustRun('apt-get', ['purge', '-y', '-q', ...APT_LOCK_WAIT, ...configFiles], { env: APT_ENV });
      for (const pkg of PACKAGES) assert.equal(await packageStatus(pkg), undefined, pkg);
      assert.ok(!existsSync(CONFIG), 'purge removes maglev.yaml');
      assert.ok(!existsSync(DEFAULTS), 'purge removes /etc/default/maglevd');
      assert.ok(!existsSync(FRONTEND_DEFAULTS));
      assert.ok(existsSync(FRONTEND_ADMIN), "the operator's own file is not the package's to remove");
      assert.ok(
        !existsSync('/etc/systemd/system/multi-user.target.wants/maglevd-frontend.service'),
        'the enablement went too',
      );
      // Debian keeps system users after a purge (files may still belong to them); so does this one.
      assert.ok(await exists('passwd', 'maglevd'));
    });
  },
);
