// Valid configs: every default, canonical addresses, durations in ms, maps in file order.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MaglevConfig } from '../../src/config/index.js';
import { assertProblem, lines, mustFail, mustParse, variant } from './fixtures.js';

describe('valid configs and defaults', () => {
  test('an empty maglev map gets every global default', () => {
    const { config, warnings } = mustParse('maglev: {}\n');
    const expected: MaglevConfig = {
      healthchecker: { transitionHistory: 5, netns: undefined },
      vpp: {
        lb: {
          ipv4SrcAddress: undefined,
          ipv6SrcAddress: undefined,
          syncIntervalMs: 30_000,
          startupMinDelayMs: 5_000,
          startupMaxDelayMs: 30_000,
          stickyBucketsPerCore: undefined,
          flowTimeoutS: undefined,
        },
      },
      healthchecks: new Map(),
      backends: new Map(),
      frontends: new Map(),
    };
    assert.deepEqual(config, expected);
    assert.deepEqual(warnings, []);
  });

  test('sections left empty (everything under them commented out) are empty, not errors', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecker:',
        '  vpp:',
        '    lb:',
        '  healthchecks:',
        '  backends:',
        '  # none yet',
        '  frontends:',
      ),
    );
    assert.equal(config.frontends.size, 0);
    assert.equal(config.healthchecker.transitionHistory, 5);
    assert.equal(config.vpp.lb.syncIntervalMs, 30_000);
  });

  test('every default of health checks, backends, frontends and pools', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecks:',
        '    web: {type: http, port: 80}',
        '    ping: {type: icmp}',
        '  backends:',
        '    b1: {address: 192.0.2.1, healthcheck: web}',
        '    b2: {address: 192.0.2.2}',
        '  frontends:',
        '    f1:',
        '      address: 198.51.100.1',
        '      port: 80',
        '      pools:',
        '        - name: primary',
        '          backends:',
        '            b1: {}',
        '            b2:',
      ),
    );
    assert.deepEqual(config.healthchecks.get('web'), {
      name: 'web',
      type: 'http',
      port: 80,
      intervalMs: 2_000,
      fastIntervalMs: 2_000,
      downIntervalMs: 2_000,
      timeoutMs: 1_000,
      rise: 2,
      fall: 3,
      probeIpv4Src: undefined,
      probeIpv6Src: undefined,
      params: {
        path: '/',
        host: undefined,
        responseCode: { min: 200, max: 399 },
        responseRegexp: undefined,
        serverName: undefined,
        insecureSkipVerify: false,
        ssl: false,
        halfOpen: false,
        tlsSessionReuse: false,
        resetClose: true,
      },
    });
    assert.equal(config.healthchecks.get('ping')?.port, undefined);
    assert.deepEqual(config.backends.get('b1'), {
      name: 'b1',
      address: '192.0.2.1',
      family: 4,
      healthcheck: 'web',
      enabled: true,
    });
    assert.equal(config.backends.get('b2')?.healthcheck, undefined);
    const f1 = config.frontends.get('f1');
    assert.ok(f1);
    assert.deepEqual(
      { ...f1, pools: undefined },
      {
        name: 'f1',
        address: '198.51.100.1',
        family: 4,
        protocol: 'tcp',
        port: 80,
        description: '',
        pools: undefined,
        srcIpSticky: false,
        flushOnDown: true,
        flowTableLength: 1024,
        panicThreshold: undefined,
        announce: false,
      },
    );
    assert.equal(f1.pools.length, 1);
    assert.equal(f1.pools[0]?.name, 'primary');
    // `b1: {}` and a bare `b2:` both mean weight 100.
    assert.deepEqual(
      [...(f1.pools[0]?.backends ?? [])],
      [
        ['b1', { weight: 100 }],
        ['b2', { weight: 100 }],
      ],
    );
  });

  test('panic-threshold is a percent, 0% to 100%, decimals allowed', () => {
    for (const [text, want] of [
      ['50%', 50],
      ['0%', 0],
      ['100%', 100],
      ['12.5%', 12.5],
    ] as const) {
      const { config } = mustParse(variant({}, [`      panic-threshold: ${text}`]));
      assert.equal(config.frontends.get('f1')?.panicThreshold, want, text);
    }
  });

  test('fast-interval and down-interval follow interval unless set', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecks:',
        '    a: {type: tcp, port: 22, interval: 5s}',
        '    b: {type: tcp, port: 22, interval: 1m30s, fast-interval: 500ms, down-interval: 1h, timeout: 1.5s}',
      ),
    );
    const a = config.healthchecks.get('a');
    assert.deepEqual([a?.intervalMs, a?.fastIntervalMs, a?.downIntervalMs], [5_000, 5_000, 5_000]);
    const b = config.healthchecks.get('b');
    assert.deepEqual(
      [b?.intervalMs, b?.fastIntervalMs, b?.downIntervalMs, b?.timeoutMs],
      [90_000, 500, 3_600_000, 1_500],
    );
  });

  test('every explicit value is carried through', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecker: {transition-history: 10, netns: dataplane}',
        '  vpp:',
        '    lb:',
        '      ipv4-src-address: 192.0.2.254',
        '      ipv6-src-address: 2001:DB8:0:0::FE',
        '      sync-interval: 1m',
        '      startup-min-delay: 0',
        '      startup-max-delay: 0s',
        '      sticky-buckets-per-core: 2048',
        '      flow-timeout: 40s',
        '  healthchecks:',
        '    h:',
        '      type: https',
        '      port: 443',
        '      rise: 4',
        '      fall: 1',
        '      probe-ipv4-src: 192.0.2.100',
        '      probe-ipv6-src: "2001:db8:0::100"',
        '      params:',
        '        path: /healthz?full=1',
        '        host: www.example.com',
        '        response-code: 204',
        '        response-regexp: "^ok$"',
        '        insecure-skip-verify: true',
        '        tls-session-reuse: false',
        '  backends:',
        '    b1: {address: "2001:0db8::0001", healthcheck: h, enabled: false}',
        '  frontends:',
        '    f1:',
        '      address: 2001:db8:1::1',
        '      protocol: udp',
        '      port: 53',
        '      description: "DNS, v6"',
        '      src-ip-sticky: true',
        '      flush-on-down: false',
        '      flow-table-length: 4096',
        '      pools: [{name: only, backends: {b1: {weight: 0}}}]',
      ),
    );
    assert.deepEqual(config.healthchecker, { transitionHistory: 10, netns: 'dataplane' });
    assert.deepEqual(config.vpp.lb, {
      ipv4SrcAddress: '192.0.2.254',
      ipv6SrcAddress: '2001:db8::fe',
      syncIntervalMs: 60_000,
      startupMinDelayMs: 0,
      startupMaxDelayMs: 0,
      stickyBucketsPerCore: 2048,
      flowTimeoutS: 40,
    });
    const h = config.healthchecks.get('h');
    assert.equal(h?.rise, 4);
    assert.equal(h?.fall, 1);
    assert.equal(h?.probeIpv4Src, '192.0.2.100');
    assert.equal(h?.probeIpv6Src, '2001:db8::100');
    assert.deepEqual(h?.params, {
      path: '/healthz?full=1',
      host: 'www.example.com',
      responseCode: { min: 204, max: 204 },
      responseRegexp: '^ok$',
      serverName: 'www.example.com',
      insecureSkipVerify: true,
      ssl: false,
      halfOpen: false,
      tlsSessionReuse: false,
      resetClose: false,
    });
    assert.deepEqual(config.backends.get('b1'), {
      name: 'b1',
      address: '2001:db8::1',
      family: 6,
      healthcheck: 'h',
      enabled: false,
    });
    const f1 = config.frontends.get('f1');
    assert.equal(f1?.address, '2001:db8:1::1');
    assert.equal(f1?.family, 6);
    assert.equal(f1?.protocol, 'udp');
    assert.equal(f1?.port, 53);
    assert.equal(f1?.description, 'DNS, v6');
    assert.equal(f1?.srcIpSticky, true);
    assert.equal(f1?.flushOnDown, false);
    assert.equal(f1?.flowTableLength, 4096);
    assert.equal(f1?.pools[0]?.backends.get('b1')?.weight, 0);
  });

  test("an empty netns is maglevd's own namespace, like none", () => {
    const { config } = mustParse(lines('maglev:', '  healthchecker: {netns: ""}'));
    assert.deepEqual(config.healthchecker, { transitionHistory: 5, netns: undefined });
  });

  test('TLS server name: explicit, from the Host header, never an IP, only for TLS checks', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecks:',
        '    explicit: {type: https, port: 443, params: {host: a.example, server-name: b.example}}',
        '    from-host: {type: https, port: 443, params: {host: "a.example:8443"}}',
        '    ip-host: {type: https, port: 443, params: {host: 192.0.2.1}}',
        '    no-host: {type: https, port: 443}',
        '    plain-http: {type: http, port: 80, params: {host: a.example}}',
        '    tcp-tls: {type: tcp, port: 993, params: {ssl: true, server-name: imap.example}}',
        '    tcp-tls-default: {type: tcp, port: 993, params: {ssl: true}}',
        '    v6-port-host: {type: https, port: 443, params: {host: "[2001:db8::1]:8443"}}',
        '    v6-host: {type: https, port: 443, params: {host: "2001:db8::1"}}',
        '    v4-port-host: {type: https, port: 443, params: {host: "192.0.2.1:8443"}}',
      ),
    );
    const sni = (name: string) => config.healthchecks.get(name)?.params.serverName;
    assert.equal(sni('explicit'), 'b.example');
    assert.equal(sni('from-host'), 'a.example');
    assert.equal(sni('ip-host'), undefined);
    assert.equal(sni('no-host'), undefined);
    assert.equal(sni('plain-http'), undefined);
    assert.equal(sni('tcp-tls'), 'imap.example');
    assert.equal(sni('tcp-tls-default'), undefined);
    assert.equal(sni('v6-port-host'), undefined);
    assert.equal(sni('v6-host'), undefined);
    assert.equal(sni('v4-port-host'), undefined);
    assert.equal(config.healthchecks.get('tcp-tls')?.params.ssl, true);
  });

  test('half-open: on for plain tcp by default, off when asked, never with TLS or for other types', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecks:',
        '    plain: {type: tcp, port: 80}',
        '    full: {type: tcp, port: 80, params: {half-open: false}}',
        '    tls: {type: tcp, port: 993, params: {ssl: true}}',
        '    web: {type: http, port: 80}',
      ),
    );
    const halfOpen = (name: string) => config.healthchecks.get(name)?.params.halfOpen;
    assert.deepEqual(['plain', 'full', 'tls', 'web'].map(halfOpen), [true, false, false, false]);
  });

  test('reset-close: on for plain http by default, off when asked, never for https or tcp', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecks:',
        '    web: {type: http, port: 80}',
        '    fin: {type: http, port: 80, params: {reset-close: false}}',
        '    tls: {type: https, port: 443}',
        '    plain: {type: tcp, port: 80}',
      ),
    );
    const resetClose = (name: string) => config.healthchecks.get(name)?.params.resetClose;
    assert.deepEqual(['web', 'fin', 'tls', 'plain'].map(resetClose), [true, false, false, false]);
  });

  test('tls-session-reuse: on for https and tcp with ssl by default, off when asked, never without TLS', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecks:',
        '    web: {type: https, port: 443}',
        '    full: {type: https, port: 443, params: {tls-session-reuse: false}}',
        '    tls: {type: tcp, port: 993, params: {ssl: true}}',
        '    plain: {type: tcp, port: 80}',
        '    http: {type: http, port: 80}',
      ),
    );
    const reuse = (name: string) => config.healthchecks.get(name)?.params.tlsSessionReuse;
    assert.deepEqual(['web', 'full', 'tls', 'plain', 'http'].map(reuse), [true, false, true, false, false]);
  });

  test('protocol any is an all-ports VIP with port 0', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  backends: {b1: {address: 192.0.2.1}}',
        '  frontends:',
        '    all: {address: 198.51.100.9, protocol: any, pools: [{name: p, backends: {b1: {}}}]}',
        '    all0: {address: 198.51.100.10, protocol: any, port: 0, pools: [{name: p, backends: {b1: {}}}]}',
      ),
    );
    assert.equal(config.frontends.get('all')?.port, 0);
    assert.equal(config.frontends.get('all0')?.port, 0);
  });

  test('maps keep the file order, even for names made of digits', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  backends:',
        '    web: {address: 192.0.2.1}',
        '    "10": {address: 192.0.2.10}',
        '    "9": {address: 192.0.2.9}',
        '  frontends:',
        '    f1:',
        '      address: 198.51.100.1',
        '      port: 80',
        '      pools:',
        '        - name: b',
        '          backends: {web: {}, "10": {}}',
        '        - name: a',
        '          backends: {"9": {}}',
      ),
    );
    assert.deepEqual([...config.backends.keys()], ['web', '10', '9']);
    const pools = config.frontends.get('f1')?.pools ?? [];
    assert.deepEqual(
      pools.map((p) => [p.name, [...p.backends.keys()]]),
      [
        ['b', ['web', '10']],
        ['a', ['9']],
      ],
    );
  });

  test('two frontends on one address are fine with distinct ports or protocols and one family', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  backends: {b1: {address: 192.0.2.1}, b2: {address: 192.0.2.2}}',
        '  frontends:',
        '    http: {address: 198.51.100.1, port: 80, pools: [{name: p, backends: {b1: {}}}]}',
        '    https: {address: 198.51.100.1, port: 443, pools: [{name: p, backends: {b1: {}}}]}',
        '    dns: {address: 198.51.100.1, protocol: udp, port: 80, pools: [{name: p, backends: {b2: {}}}]}',
      ),
    );
    assert.equal(config.frontends.size, 3);
  });

  test('an IPv6 VIP may front IPv4 backends (encap follows the backends)', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  backends: {b1: {address: 192.0.2.1}}',
        '  frontends:',
        '    v6: {address: "2001:db8::80", port: 80, pools: [{name: p, backends: {b1: {}}}]}',
      ),
    );
    assert.equal(config.frontends.get('v6')?.family, 6);
  });

  test('anchors, aliases and merge keys work for shared settings', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecks:',
        '    base: &base {type: http, port: 8080, interval: 3s}',
        '    web:',
        '      <<: *base',
        '      params: {path: /ready}',
      ),
    );
    const web = config.healthchecks.get('web');
    assert.equal(web?.port, 8080);
    assert.equal(web?.intervalMs, 3_000);
    assert.equal(web?.params.path, '/ready');
  });

  test('a bad value merged from an anchor is reported at the anchor and at the map that merges it', () => {
    const r = mustFail(
      lines(
        'maglev:',
        '  healthchecks:',
        '    base: &base {type: http, port: 0}',
        '    web:',
        '      <<: *base',
      ),
    );
    assertProblem(r.errors, { message: ['healthchecks.base.port'], line: 3, col: 36 });
    assertProblem(r.errors, { message: ['healthchecks.web.port'], line: 4, col: 5 });
    assert.equal(r.errors.length, 2);
  });

  test('the same name in two sections is allowed; names are case-sensitive', () => {
    const { config } = mustParse(
      lines(
        'maglev:',
        '  healthchecks: {web: {type: icmp}}',
        '  backends: {web: {address: 192.0.2.1, healthcheck: web}, Web: {address: 192.0.2.2}}',
      ),
    );
    assert.deepEqual([...config.backends.keys()], ['web', 'Web']);
  });

  test('a config at scale: 10 000 backends in 100 frontends', () => {
    const l = ['maglev:', '  healthchecks:', '    web: {type: http, port: 80}', '  backends:'];
    for (let i = 0; i < 10_000; i++)
      l.push(`    b${i}: {address: 10.0.${i >> 8}.${i & 255}, healthcheck: web}`);
    l.push('  frontends:');
    for (let f = 0; f < 100; f++) {
      l.push(
        `    f${f}:`,
        `      address: 198.51.100.${f}`,
        '      port: 80',
        '      flow-table-length: 16384',
      );
      l.push('      pools:', '        - name: p', '          backends:');
      for (let i = f * 100; i < f * 100 + 100; i++) l.push(`            b${i}: {}`);
    }
    const { config, warnings } = mustParse(lines(...l));
    assert.equal(config.backends.size, 10_000);
    assert.equal(config.frontends.size, 100);
    assert.equal(config.frontends.get('f99')?.pools[0]?.backends.size, 100);
    assert.deepEqual(warnings, []);
  });

  test('maglev.announce: absent means off; present, even empty, means every default and every frontend on', () => {
    const frontend = (extra = '') =>
      `    f1: {address: 198.51.100.1, port: 80${extra}, pools: [{name: p, backends: {b1: {}}}]}`;
    const body = ['  backends: {b1: {address: 192.0.2.1}}', '  frontends:'];
    const off = mustParse(lines('maglev:', ...body, frontend()));
    assert.equal(off.config.announce, undefined);
    assert.equal(off.config.frontends.get('f1')?.announce, false);

    const empty = mustParse(
      lines(
        'maglev:',
        '  announce:',
        ...body,
        frontend(),
        frontend().replace('f1', 'f2').replace('.1,', '.2,'),
      ),
    );
    assert.deepEqual(empty.config.announce, {
      bird: {
        socket: '/run/bird/bird.ctl',
        includeFile: '/etc/bird/maglev-vips.conf',
        protocol: 'maglev_vips',
        routeAttributes: '',
      },
    });
    assert.deepEqual(
      [...empty.config.frontends.values()].map((f) => f.announce),
      [true, true],
    );

    const set = mustParse(
      lines(
        'maglev:',
        '  announce:',
        '    bird:',
        '      socket: /run/bird2/ctl',
        '      include-file: /etc/bird/vips.conf',
        '      protocol: lb_vips',
        '      route-attributes: "bgp_community.add((65000,100));"',
        ...body,
        frontend(', announce: false'),
        frontend(', announce: true').replace('f1:', 'f2:').replace('.1,', '.2,'),
      ),
    );
    assert.deepEqual(set.config.announce?.bird, {
      socket: '/run/bird2/ctl',
      includeFile: '/etc/bird/vips.conf',
      protocol: 'lb_vips',
      routeAttributes: 'bgp_community.add((65000,100));',
    });
    assert.deepEqual(
      [...set.config.frontends.values()].map((f) => f.announce),
      [false, true],
    );
    assert.deepEqual(set.warnings, []);
  });
});
