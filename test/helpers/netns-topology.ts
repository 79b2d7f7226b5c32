// The two-namespace test network: maglevd's "dataplane" namespace probes a "backends" namespace
// over a veth pair. Every address has a job, for IPv4 and IPv6 alike:
//
//   backend        answers ping, HTTP :80, HTTPS :443 (server started separately)
//   sourceOnly     answers only probes from `source`: backends prohibits replies to the
//                  dataplane's own veth address, so a probe that ignores the source times out
//   blackhole      on-link, but its neighbour entry is a MAC nobody has: silently dropped
//   remoteUnreach  routed to backends, which answers with ICMP destination unreachable
//   localUnreach   an `unreachable` route in the dataplane namespace: sendto fails at once
//   noRoute        no route at all in the dataplane namespace (it has no default route): the
//                  probe fails on our side (ENETUNREACH), a checker fault
//   many(i)        1..100: more backends on the backends namespace's lo (ping only; this
//                  kernel has no dummy interfaces)
//   manyBlackhole(i) 1..100: more black holes (bogus neighbour entries)
//
// Backends rate-limits the ICMP errors it sends for forwarded packets (net.ipv4.route.error_cost
// and error_burst: 5 at once, then 1/s per sender; global sysctls, left alone), so tests send
// only a few probes to remoteUnreach.

import { execFileSync } from 'node:child_process';
import { type NetnsJanitor, sysctl } from './netns.js';

export interface FamilyAddresses {
  dataplane: string;
  backend: string;
  source: string;
  sourceOnly: string;
  blackhole: string;
  remoteUnreach: string;
  localUnreach: string;
  noRoute: string;
  many(i: number): string;
  manyBlackhole(i: number): string;
}

export interface Topology {
  dataplane: string;
  backends: string;
  v4: FamilyAddresses;
  v6: FamilyAddresses;
}

export const MANY = 100;

const V4: FamilyAddresses = {
  dataplane: '10.255.1.1',
  backend: '10.255.1.10',
  source: '10.255.6.1',
  sourceOnly: '10.255.7.10',
  blackhole: '10.255.1.99',
  remoteUnreach: '10.255.2.1',
  localUnreach: '10.255.3.1',
  noRoute: '10.254.0.1',
  many: (i) => `10.255.8.${i}`,
  manyBlackhole: (i) => `10.255.1.${100 + i}`,
};

const V6: FamilyAddresses = {
  dataplane: 'fd00:255:1::1',
  backend: 'fd00:255:1::10',
  source: 'fd00:255:6::1',
  sourceOnly: 'fd00:255:7::10',
  blackhole: 'fd00:255:1::99',
  remoteUnreach: 'fd00:255:2::1',
  localUnreach: 'fd00:255:3::1',
  noRoute: 'fd00:254::1',
  many: (i) => `fd00:255:8::${i.toString(16)}`,
  manyBlackhole: (i) => `fd00:255:1::1:${i.toString(16)}`,
};

/** Feeds commands to `ip -batch -` (much faster than one process per command). */
function ipBatch(netns: string, lines: string[]): void {
  execFileSync('ip', ['-n', netns, '-batch', '-'], {
    input: lines.join('\n') + '\n',
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

export function buildTopology(janitor: NetnsJanitor): Topology {
  const dp = janitor.add('dp');
  const be = janitor.add('be');
  execFileSync('ip', ['link', 'add', 'dp0', 'netns', dp, 'type', 'veth', 'peer', 'name', 'be0', 'netns', be]);

  const holes: string[] = [];
  for (let i = 1; i <= MANY; i++) {
    for (const a of [V4.manyBlackhole(i), V6.manyBlackhole(i)])
      holes.push(`neigh add ${a} lladdr 02:00:00:00:00:99 dev dp0 nud permanent`);
  }
  ipBatch(dp, [
    `addr add ${V4.dataplane}/24 dev dp0`,
    `addr add ${V6.dataplane}/64 dev dp0 nodad`,
    `addr add ${V4.source}/32 dev lo`,
    `addr add ${V6.source}/128 dev lo`,
    'link set dp0 up',
    `route add 10.255.7.0/24 via ${V4.backend}`,
    `route add 10.255.2.0/24 via ${V4.backend}`,
    `route add 10.255.8.0/24 via ${V4.backend}`,
    'route add unreachable 10.255.3.0/24',
    `route add fd00:255:7::/64 via ${V6.backend}`,
    `route add fd00:255:2::/64 via ${V6.backend}`,
    `route add fd00:255:8::/64 via ${V6.backend}`,
    'route add unreachable fd00:255:3::/64',
    `neigh add ${V4.blackhole} lladdr 02:00:00:00:00:99 dev dp0 nud permanent`,
    `neigh add ${V6.blackhole} lladdr 02:00:00:00:00:99 dev dp0 nud permanent`,
    ...holes,
  ]);

  const many: string[] = [];
  for (let i = 1; i <= MANY; i++)
    many.push(`addr add ${V4.many(i)}/32 dev lo`, `addr add ${V6.many(i)}/128 dev lo nodad`);
  ipBatch(be, [
    `addr add ${V4.backend}/24 dev be0`,
    `addr add ${V6.backend}/64 dev be0 nodad`,
    `addr add ${V4.sourceOnly}/32 dev lo`,
    `addr add ${V6.sourceOnly}/128 dev lo`,
    'link set be0 up',
    ...many,
    `route add 10.255.6.0/24 via ${V4.dataplane}`,
    `route add fd00:255:6::/64 via ${V6.dataplane}`,
    'route add unreachable 10.255.2.0/24',
    'route add unreachable fd00:255:2::/64',
    `rule add from ${V4.sourceOnly} to 10.255.1.0/24 prohibit`,
  ]);
  // ip -batch takes no per-line family, and `ip rule` does not infer it.
  execFileSync('ip', [
    '-n',
    be,
    '-6',
    'rule',
    'add',
    'from',
    V6.sourceOnly,
    'to',
    'fd00:255:1::/64',
    'prohibit',
  ]);
  // Forwarding makes backends answer for routes it cannot serve with ICMP errors; no rate limit
  // on those errors, since tests send many at once.
  sysctl(be, 'net.ipv4.ip_forward', '1');
  sysctl(be, 'net.ipv6.conf.all.forwarding', '1');
  sysctl(be, 'net.ipv4.icmp_ratelimit', '0');
  sysctl(be, 'net.ipv6.icmp.ratelimit', '0');
  // Backends answers pings itself through the kernel; only dataplane needs ping sockets.
  return { dataplane: dp, backends: be, v4: V4, v6: V6 };
}
