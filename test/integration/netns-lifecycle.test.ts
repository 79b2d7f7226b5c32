// A probe namespace that disappears and comes back while maglevd runs, and ICMP from maglevd's
// own namespace. Needs root (CI runs as root).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { ProbeResult } from '../../src/health/types.js';
import {
  checkNetns,
  createIcmpProbe,
  createProber,
  ensurePingGroupRange,
  nativeSocketFactory,
  PING_GROUP_RANGE_PATH,
  PingSocketPool,
  type ProbeFn,
} from '../../src/probe/index.js';
import { healthcheck, probeRequest, TestPki, type TestCert } from '../helpers/index.js';
import {
  addNetns,
  deleteNetns,
  killChild,
  NetnsJanitor,
  startServerInNetns,
  sweepStaleNamespaces,
} from '../helpers/netns.js';
import { RecordingLogger } from '../helpers/logger.js';
import { needsRoot } from '../helpers/requirements.js';

const needs = {
  namespaces: { skip: needsRoot('network namespaces') },
  pingGroupRange: { skip: needsRoot('widening ping_group_range') },
};

void describe('a probe namespace deleted and re-created while running', needs.namespaces, () => {
  const janitor = new NetnsJanitor();
  let pki: TestPki;
  let cert: TestCert;
  let name: string;
  let probe: ProbeFn;
  /** The same checks with tcp and http on the probe engine. */
  let engineProbe: ProbeFn;
  let pool: PingSocketPool;
  const log = new RecordingLogger();

  before(async () => {
    sweepStaleNamespaces();
    pki = await TestPki.create();
    cert = await pki.issue(['127.0.0.1', '::1']);
    name = janitor.add('life');
    pool = new PingSocketPool({ logger: log });
    probe = createProber({
      sockets: nativeSocketFactory,
      icmp: createIcmpProbe({ pool }),
      tlsCa: pki.caCert,
    });
    engineProbe = createProber({ icmp: createIcmpProbe({ pool }), tlsCa: pki.caCert });
  });

  after(async () => {
    pool.close();
    await janitor.cleanup();
    await pki?.dispose();
  });

  const checks = () => [
    probeRequest(healthcheck({ type: 'icmp', port: undefined, timeoutMs: 2000 }), '127.0.0.1', {
      netns: name,
    }),
    probeRequest(healthcheck({ type: 'icmp', port: undefined, timeoutMs: 2000 }), '::1', { netns: name }),
    probeRequest(healthcheck({ type: 'tcp', port: 80, timeoutMs: 2000 }), '127.0.0.1', { netns: name }),
    probeRequest(healthcheck({ type: 'http', port: 80, timeoutMs: 2000 }), '::1', { netns: name }),
    probeRequest(healthcheck({ type: 'https', port: 443, timeoutMs: 2000 }), '127.0.0.1', { netns: name }),
  ];
  /** Every check through Node's sockets, then again with tcp and http on the probe engine. */
  const runAll = async (): Promise<ProbeResult[]> => [
    ...(await Promise.all(checks().map((r) => probe(r)))),
    ...(await Promise.all(checks().map((r) => engineProbe(r)))),
  ];
  const allPass = ['L4OK', 'L4OK', 'L4OK', 'L7OK', 'L7OK', 'L4OK', 'L4OK', 'L4OK', 'L7OK', 'L7OK'];

  void test('probes pass, fail with a clear detail once it is gone, and recover when it is back', async () => {
    assert.equal(ensurePingGroupRange({ netns: name, logger: log }).ok, true);
    const first = await startServerInNetns(janitor, name, { cert: cert.certPath, key: cert.keyPath });
    assert.deepEqual(
      (await runAll()).map((r) => r.code),
      allPass,
    );

    await killChild(first);
    deleteNetns(name);
    const gone = await runAll();
    // The checker's own fault, not the backends': nothing was sent.
    for (const r of gone) {
      assert.deepEqual([r.code, r.ok ? '' : 'reason' in r ? r.reason : ''], ['checker-fault', 'netns']);
      assert.equal(r.detail, `netns "${name}" not found (no /run/netns/${name})`);
    }
    const before = log.records.length;
    const status = checkNetns(name, { logger: log });
    assert.equal(status.ok, false);
    const errors = log.records.slice(before).filter((r) => r.level === 'error');
    assert.equal(errors.length, 1, 'one error line per check, not one per probe');
    assert.equal(errors[0]!.event, 'netns-error');

    // Re-created: a new namespace with ping sockets closed again; the pool widens it once.
    addNetns(name);
    await startServerInNetns(janitor, name, { cert: cert.certPath, key: cert.keyPath });
    assert.equal(checkNetns(name).ok, true);
    assert.deepEqual(
      (await runAll()).map((r) => `${r.code} ${r.code.endsWith('OK') ? '' : r.detail}`.trim()),
      allPass,
    );
    assert.ok(log.records.some((r) => r.event === 'ping-group-range-widened' && r.attrs.netns === name));
  });

  void test('sockets the engine keeps for half-open probes do not outlive their namespace', async () => {
    // The engine keeps a passed half-open probe's socket for the next one; a socket stays in the
    // namespace it was made in. Replaced without a probe in between (no "not found" seen), the
    // namespace's kept sockets must be dropped: the old namespace has no listener any more, so a
    // kept socket would be refused there while the new one answers.
    const ns = janitor.add('reuse');
    const halfOpen = (address: string) =>
      probeRequest(
        healthcheck({ type: 'tcp', port: 80, timeoutMs: 2000, params: { halfOpen: true } }),
        address,
        {
          netns: ns,
        },
      );
    const both = async () =>
      (await Promise.all([engineProbe(halfOpen('127.0.0.1')), engineProbe(halfOpen('::1'))])).map((r) =>
        `${r.code} ${r.code.endsWith('OK') ? '' : r.detail}`.trim(),
      );
    const first = await startServerInNetns(janitor, ns, { cert: cert.certPath, key: cert.keyPath });
    assert.deepEqual(await both(), ['L4OK', 'L4OK']);
    await killChild(first);
    deleteNetns(ns);
    addNetns(ns);
    await startServerInNetns(janitor, ns, { cert: cert.certPath, key: cert.keyPath });
    assert.deepEqual(await both(), ['L4OK', 'L4OK']);
  });
});

void describe("icmp from maglevd's own namespace", needs.pingGroupRange, () => {
  let saved: string;

  before(() => {
    saved = fs.readFileSync(PING_GROUP_RANGE_PATH, 'utf8').trim().replace(/\s+/, ' ');
  });

  after(() => {
    fs.writeFileSync(PING_GROUP_RANGE_PATH, saved);
  });

  void test('echo to 127.0.0.1 and ::1 once ping_group_range lets us in', async () => {
    fs.writeFileSync(PING_GROUP_RANGE_PATH, '1 0');
    const log = new RecordingLogger();
    const status = ensurePingGroupRange({ netns: undefined, logger: log });
    assert.equal(status.ok, true);
    assert.ok(log.records.some((r) => r.event === 'ping-group-range-widened'));
    const pool = new PingSocketPool();
    try {
      const icmp = createIcmpProbe({ pool });
      const hc = healthcheck({ type: 'icmp', port: undefined, timeoutMs: 2000 });
      const results = await Promise.all([
        icmp(probeRequest(hc, '127.0.0.1')),
        icmp(probeRequest(hc, '::1')),
        icmp(probeRequest({ ...hc, probeIpv4Src: '127.0.0.2' }, '127.0.0.1')),
        icmp(probeRequest({ ...hc, probeIpv4Src: '192.0.2.1' }, '127.0.0.1')),
      ]);
      assert.deepEqual(
        results.map((r) => [r.code, r.detail]),
        [
          ['L4OK', 'echo reply from 127.0.0.1'],
          ['L4OK', 'echo reply from ::1'],
          ['L4OK', 'echo reply from 127.0.0.1'],
          ['checker-fault', "source address 192.0.2.1 is not configured in maglevd's own namespace"],
        ],
      );
    } finally {
      pool.close();
    }
  });
});
