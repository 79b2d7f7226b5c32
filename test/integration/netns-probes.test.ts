// Every probe type from inside healthchecker.netns, with and without a probe source address,
// IPv4 and IPv6, against real servers in a second namespace (see helpers/netns-topology.ts).
// Needs root (CI runs as root).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HealthCheckConfig } from '../../src/config/types.js';
import type { IpFamily } from '../../src/net/ip-address.js';
import type { ProbeResult } from '../../src/health/types.js';
import { silentLogger } from '../../src/log/index.js';
import {
  createProber,
  ensurePingGroupRange,
  nativeSocketFactory,
  type ProbeFn,
} from '../../src/probe/index.js';
import { healthcheck, probeRequest, TestPki } from '../helpers/index.js';
import { NetnsJanitor, startServerInNetns, sweepStaleNamespaces } from '../helpers/netns.js';
import { buildTopology, MANY, type Topology } from '../helpers/netns-topology.js';
import { needsRoot } from '../helpers/requirements.js';

void describe('probes from inside a netns', { skip: needsRoot('network namespaces') }, () => {
  const janitor = new NetnsJanitor();
  let pki: TestPki;
  let topo: Topology;
  let probe: ProbeFn;
  /** The same probes on the probe engine (tcp, http and https without a response-regexp). */
  let engineProbe: ProbeFn;

  before(async () => {
    sweepStaleNamespaces();
    topo = buildTopology(janitor);
    pki = await TestPki.create();
    const ips = [topo.v4.backend, topo.v6.backend, topo.v4.sourceOnly, topo.v6.sourceOnly];
    const cert = await pki.issue(ips);
    await startServerInNetns(janitor, topo.backends, { cert: cert.certPath, key: cert.keyPath });
    assert.equal(ensurePingGroupRange({ netns: topo.dataplane, logger: silentLogger }).ok, true);
    probe = createProber({ sockets: nativeSocketFactory, tlsCa: pki.caCert });
    engineProbe = createProber({ tlsCa: pki.caCert });
  });

  after(async () => {
    await janitor.cleanup();
    await pki?.dispose();
  });

  type Case = [label: string, hc: HealthCheckConfig, address: string, code: string, detail?: RegExp];

  /** Runs all cases at once (timeouts overlap) and reports every mismatch together. */
  async function expectAll(cases: Case[], run: ProbeFn = probe): Promise<ProbeResult[]> {
    const results: ProbeResult[] = await Promise.all(
      cases.map(([, hc, address]) => run(probeRequest(hc, address, { netns: topo.dataplane }))),
    );
    const wrong = cases.flatMap(([label, , address, code, detail], i) => {
      const r = results[i]!;
      const fine = r.code === code && (detail === undefined || detail.test(r.detail));
      return fine ? [] : [`${label} ${address}: got ${r.code} "${r.detail}", want ${code} ${detail ?? ''}`];
    });
    assert.deepEqual(wrong, []);
    return results;
  }

  /**
   * The cases through Node's sockets, then through the probe engine (one after the other: the
   * backends namespace rate-limits its ICMP errors): the same expectations, and the very same
   * code and detail from both.
   */
  async function expectAllBothWays(cases: Case[]): Promise<void> {
    const js = await expectAll(cases, probe);
    const engine = await expectAll(cases, engineProbe);
    const differ = cases.flatMap(([label, , address], i) => {
      const [a, b] = [js[i]!, engine[i]!];
      return a.code === b.code && a.detail === b.detail
        ? []
        : [`${label} ${address}: node ${a.code} "${a.detail}", engine ${b.code} "${b.detail}"`];
    });
    assert.deepEqual(differ, []);
  }

  function src(hc: HealthCheckConfig, family: IpFamily, source: string): HealthCheckConfig {
    return family === 4 ? { ...hc, probeIpv4Src: source } : { ...hc, probeIpv6Src: source };
  }

  for (const family of [4, 6] as const) {
    const a = () => (family === 4 ? topo.v4 : topo.v6);

    void describe(`probes from inside a netns, IPv${family}`, () => {
      void test('icmp', async () => {
        const hc = healthcheck({ type: 'icmp', port: undefined, timeoutMs: 1500 });
        await expectAll([
          ['reachable', hc, a().backend, 'L4OK', /echo reply from/],
          ['reachable, with source', src(hc, family, a().source), a().backend, 'L4OK'],
          ['source-only, no source', hc, a().sourceOnly, 'L4TOUT'],
          ['source-only, with source', src(hc, family, a().source), a().sourceOnly, 'L4OK'],
          ['black hole', hc, a().blackhole, 'L4TOUT', /no echo reply within 1500ms/],
          ['black hole, with source', src(hc, family, a().source), a().blackhole, 'L4TOUT'],
          ['remote unreachable', hc, a().remoteUnreach, 'L4CON', /^icmp(v6)? .* from /],
          [
            'remote unreachable, with source',
            src(hc, family, a().source),
            a().remoteUnreach,
            'L4CON',
            /^icmp/,
          ],
          ['local unreachable route', hc, a().localUnreach, 'L4CON', /^send E/],
          ['no route from our side', hc, a().noRoute, 'checker-fault', /^send ENETUNREACH/],
          [
            'source not configured',
            src(hc, family, a().remoteUnreach),
            a().backend,
            'checker-fault',
            /^source address .* is not configured in netns/,
          ],
        ]);
      });

      void test('tcp', async () => {
        const hc = healthcheck({ type: 'tcp', port: 80, timeoutMs: 1500 });
        await expectAllBothWays([
          ['open port', hc, a().backend, 'L4OK'],
          ['open port, with source', src(hc, family, a().source), a().backend, 'L4OK'],
          ['closed port', { ...hc, port: 81 }, a().backend, 'L4CON', /ECONNREFUSED/],
          ['source-only, no source', hc, a().sourceOnly, 'L4TOUT'],
          ['source-only, with source', src(hc, family, a().source), a().sourceOnly, 'L4OK'],
          ['black hole', hc, a().blackhole, 'L4TOUT'],
          ['remote unreachable', hc, a().remoteUnreach, 'L4CON', /EHOSTUNREACH|ENETUNREACH/],
          ['local unreachable route', hc, a().localUnreach, 'L4CON'],
          [
            'source not configured',
            src(hc, family, a().remoteUnreach),
            a().backend,
            'checker-fault',
            /^source address .* is not configured in netns/,
          ],
          ['no route from our side', hc, a().noRoute, 'checker-fault', /^connect ENETUNREACH: no route to /],
        ]);
      });

      void test('tcp with ssl', async () => {
        const hc = healthcheck({ type: 'tcp', port: 443, timeoutMs: 1500, params: { ssl: true } });
        await expectAllBothWays([
          ['tls', hc, a().backend, 'L6OK'],
          ['tls, with source', src(hc, family, a().source), a().sourceOnly, 'L6OK'],
          ['tls on a plain port', { ...hc, port: 80 }, a().backend, 'L6RSP'],
          ['black hole', hc, a().blackhole, 'L4TOUT'],
          ['no route from our side', hc, a().noRoute, 'checker-fault', /ENETUNREACH: no route/],
        ]);
      });

      void test('http', async () => {
        const remoteIs = (addr: string) => ({ responseRegexp: `remote=${addr.replace(/\./g, '\\.')}\\b` });
        const hc = healthcheck({ type: 'http', port: 80, timeoutMs: 1500 });
        await expectAllBothWays([
          ['ok', hc, a().backend, 'L7OK'],
          [
            'own address as source',
            { ...hc, params: { ...hc.params, ...remoteIs(a().dataplane) } },
            a().backend,
            'L7OK',
          ],
          [
            'configured source',
            src({ ...hc, params: { ...hc.params, ...remoteIs(a().source) } }, family, a().source),
            a().backend,
            'L7OK',
          ],
          [
            'source-only, with source',
            src({ ...hc, params: { ...hc.params, ...remoteIs(a().source) } }, family, a().source),
            a().sourceOnly,
            'L7OK',
          ],
          ['source-only, no source', hc, a().sourceOnly, 'L4TOUT'],
          ['bad status', { ...hc, params: { ...hc.params, path: '/status/503' } }, a().backend, 'L7STS'],
          ['black hole', hc, a().blackhole, 'L4TOUT'],
          ['no route from our side', hc, a().noRoute, 'checker-fault', /ENETUNREACH: no route/],
        ]);
      });

      void test('https', async () => {
        const hc = healthcheck({ type: 'https', port: 443, timeoutMs: 1500 });
        await expectAllBothWays([
          ['ok', hc, a().backend, 'L7OK'],
          [
            'source-only, with source',
            src({ ...hc, params: { ...hc.params, responseRegexp: 'remote=' } }, family, a().source),
            a().sourceOnly,
            'L7OK',
          ],
          ['source-only, no source', hc, a().sourceOnly, 'L4TOUT'],
          ['bad status', { ...hc, params: { ...hc.params, path: '/status/500' } }, a().backend, 'L7STS'],
          ['source-only, with source, on the engine', src(hc, family, a().source), a().sourceOnly, 'L7OK'],
        ]);
      });

      void test('many concurrent icmp probes on one socket each get their own answer', async () => {
        const hc = healthcheck({ type: 'icmp', port: undefined, timeoutMs: 1500 });
        for (let round = 0; round < 2; round++) {
          const cases: Case[] = [];
          for (let i = 1; i <= MANY; i++) {
            const ok = a().many(i);
            cases.push([
              `many ${i}`,
              hc,
              ok,
              'L4OK',
              new RegExp(`^echo reply from ${ok.replace(/\./g, '\\.')}$`),
            ]);
            cases.push([`black hole ${i}`, hc, a().manyBlackhole(i), 'L4TOUT']);
          }
          // Within backends' ICMP error budget: one error among the hundreds of replies.
          cases.push(['unreachable', hc, a().remoteUnreach, 'L4CON', /unreachable|no route/]);
          await expectAll(cases);
        }
      });
    });
  }
});
