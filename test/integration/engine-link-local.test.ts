// The probe engine keeps the sockets of passed half-open probes for the next ones, except where a
// probe leaves something on the socket that a disconnect does not undo: a connect to an IPv6
// link-local address (fe80::1%d0) binds the socket to that interface for good, and a later probe
// of ::1 through it would fail (ENETUNREACH) although ::1 listens. The engine resolves the scope's
// interface name in its own namespace, so the probes run in a node child inside a namespace of
// the test's, with a veth pair carrying fe80::1. Needs root (CI runs as root).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/daemon-process.js';
import { inNetns, NetnsJanitor, sweepStaleNamespaces } from '../helpers/netns.js';
import { needsRoot } from '../helpers/requirements.js';

const run = promisify(execFile);

/** Probes fe80::1%d0 and then ::1, half-open, twice over; prints the outcomes as JSON. */
const PROBES = `
import net from 'node:net';
import { EngineFlag, EngineKind, ProbeEngine } from './src/probe/index.ts';
const server = net.createServer().listen(0, '::');
await new Promise((resolve) => server.once('listening', resolve));
const port = server.address().port;
const engine = new ProbeEngine({ batchMs: 1 });
const once = (address) => new Promise((resolve) => {
  engine.start({ kind: EngineKind.tcp, family: 6, address, port, source: undefined, netns: undefined,
    request: undefined, timeoutMs: 2000, flags: EngineFlag.halfOpen }, 0, { onRecord: (r) => {
    resolve(r.outcome === 0 ? 'connected' : 'outcome ' + r.outcome + ' errno ' + r.value);
    return undefined;
  } });
});
const seen = [];
for (const address of ['fe80::1%d0', '::1', 'fe80::1%d0', '::1']) seen.push(await once(address));
console.log(JSON.stringify(seen));
engine.close();
server.close();
`;

void describe(
  'the engine’s kept sockets and IPv6 link-local targets',
  { skip: needsRoot('network namespaces') },
  () => {
    const janitor = new NetnsJanitor();
    let ns: string;

    before(() => {
      sweepStaleNamespaces();
      ns = janitor.add('ll');
      inNetns(ns, 'ip', 'link', 'set', 'lo', 'up');
      inNetns(ns, 'ip', 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
      inNetns(ns, 'ip', 'link', 'set', 'd0', 'up');
      inNetns(ns, 'ip', 'link', 'set', 'd1', 'up');
      inNetns(ns, 'ip', '-6', 'addr', 'add', 'fe80::1/64', 'dev', 'd0', 'nodad');
    });

    after(() => janitor.cleanup());

    void test('a probe of fe80::1%d0 leaves no interface binding to the next probe of ::1', async () => {
      const { stdout } = await run(
        'ip',
        ['netns', 'exec', ns, process.execPath, '--import', 'tsx', '--input-type=module', '-e', PROBES],
        { cwd: repoRoot },
      );
      assert.deepEqual(JSON.parse(stdout.trim()), ['connected', 'connected', 'connected', 'connected']);
    });
  },
);
