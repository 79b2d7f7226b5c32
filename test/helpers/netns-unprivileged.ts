// Run by netns tests without CAP_SYS_ADMIN (under setpriv): tries what maglevd would do with
// healthchecker.netns set and prints what it got as one JSON line.
// Usage: node --import tsx netns-unprivileged.ts NETNS

import { checkNetns, createProber } from '../../src/probe/index.js';
import { healthcheck, probeRequest } from './config.js';

const netns = process.argv[2];
if (netns === undefined) throw new Error('usage: netns-unprivileged.ts NETNS');

const probe = createProber({});
const tcpCheck = probeRequest(healthcheck({ type: 'tcp', port: 80, timeoutMs: 2000 }), '127.0.0.1', {
  netns,
});
const [tcp, tcpNode, icmp] = await Promise.all([
  probe(tcpCheck),
  createProber({ engine: false })(tcpCheck),
  probe(
    probeRequest(healthcheck({ type: 'icmp', port: undefined, timeoutMs: 2000 }), '127.0.0.1', { netns }),
  ),
]);
process.stdout.write(JSON.stringify({ check: checkNetns(netns), tcp, tcpNode, icmp }) + '\n');
