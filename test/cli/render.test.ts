// Renderers, plain style, at a fixed "now": what an operator sees for each kind of answer.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BackendInfo,
  CheckConfigResponse,
  Event,
  FrontendInfo,
  HealthCheckInfo,
  ReloadConfigResponse,
  VPPInfo,
  VPPLBCounters,
  VPPLBState,
  durationFromMs,
} from '../../src/api/index.js';
import {
  makeStyle,
  plainStyle,
  renderBackend,
  renderBackendList,
  renderConfigResult,
  renderEventJson,
  renderEventLine,
  renderFrontend,
  renderFrontendList,
  renderHealthCheck,
  renderHealthCheckList,
  renderSyncSummary,
  renderVppInfo,
  renderVppLbCounters,
  renderVppLbState,
  stripAnsi,
  type RenderContext,
} from '../../src/cli/index.js';

// Timestamps are shown in local time; pin it.
process.env.TZ = 'UTC';

const T0 = Date.UTC(2026, 3, 15, 12, 0, 0);
const ctx: RenderContext = { style: plainStyle, now: T0 + 10 * 60_000 + 30_000 };
const at = (msBeforeNow: number) => new Date(ctx.now - msBeforeNow);

const web = FrontendInfo.fromPartial({
  name: 'web',
  address: '198.51.100.1',
  protocol: 'tcp',
  port: 443,
  description: 'the website',
  srcIpSticky: true,
  flushOnDown: true,
  flowTableLength: 1024,
  state: 'up',
  stateSince: new Date(T0),
  activePool: 0,
  addressFamily: 4,
  vppBucketsKnown: true,
  pools: [
    {
      name: 'primary',
      active: true,
      backends: [
        {
          name: 'a',
          address: '192.0.2.1',
          weight: 100,
          effectiveWeight: 100,
          state: 'up',
          enabled: true,
          lastTransition: at(3_600_000 + 12 * 60_000),
          predictedBuckets: 683,
          vppBuckets: 683,
        },
        {
          name: 'b',
          address: '192.0.2.2',
          weight: 50,
          effectiveWeight: 50,
          state: 'up',
          enabled: true,
          predictedBuckets: 341,
          vppBuckets: 341,
        },
        {
          name: 'c',
          address: '192.0.2.3',
          weight: 100,
          effectiveWeight: 0,
          flush: true,
          state: 'disabled',
          enabled: false,
          lastTransition: at(45_000),
          predictedBuckets: 0,
        },
      ],
    },
    {
      name: 'spare',
      backends: [{ name: 'd', address: '192.0.2.4', weight: 100, state: 'up', enabled: true }],
    },
  ],
});

describe('frontends', () => {
  test('list', () => {
    const v6 = FrontendInfo.fromPartial({
      name: 'dns',
      address: '2001:db8::53',
      protocol: 'any',
      state: 'down',
    });
    assert.deepEqual(renderFrontendList([web, v6], ctx), [
      'FRONTEND  ADDRESS       SERVICE  STATE  SINCE   ACTIVE   SERVING  DESCRIPTION',
      'web       198.51.100.1  tcp/443  up     10m30s  primary  2/4      the website',
      'dns       2001:db8::53  any      down   -       -        0/0',
    ]);
  });

  test('one frontend: pools, configured and effective weights, buckets, [disabled], flags', () => {
    assert.deepEqual(renderFrontend(web, ctx), [
      'frontend       web',
      'address        198.51.100.1 tcp/443',
      'description    the website',
      'state          up for 10m30s',
      'src-ip-sticky  yes',
      'flush-on-down  yes',
      'flow-table     1024',
      '',
      'pool primary (active)',
      '  BACKEND       ADDRESS    STATE     WEIGHT  EFFECTIVE  BUCKETS  VPP  FLUSH  SINCE',
      '  a             192.0.2.1  up           100        100      683  683  no     1h12m',
      '  b             192.0.2.2  up            50         50      341  341  no     -',
      '  c [disabled]  192.0.2.3  disabled     100          0        0    -  yes    45s',
      '',
      'pool spare',
      '  BACKEND       ADDRESS    STATE     WEIGHT  EFFECTIVE  BUCKETS  VPP  FLUSH  SINCE',
      '  d             192.0.2.4  up           100          0        -    -  no     -',
    ]);
  });

  test('without predictions or VPP buckets those columns are left out', () => {
    const bare = FrontendInfo.fromPartial({
      name: 'x',
      address: '192.0.2.9',
      protocol: 'udp',
      port: 53,
      state: 'unknown',
      pools: [
        {
          name: 'p',
          backends: [{ name: 'a', address: '192.0.2.1', weight: 7, state: 'unknown', enabled: true }],
        },
      ],
    });
    const out = renderFrontend(bare, ctx);
    assert.equal(out.at(-2), '  BACKEND  ADDRESS    STATE    WEIGHT  EFFECTIVE  FLUSH  SINCE');
    assert.equal(out.at(-1), '  a        192.0.2.1  unknown       7          0  no     -');
  });

  test('in panic: marked in the list, with its pool and count in the view (docs/safety.md)', () => {
    const panicking = FrontendInfo.fromPartial({
      name: 'api',
      address: '198.51.100.2',
      protocol: 'tcp',
      port: 80,
      state: 'up',
      flushOnDown: true,
      flowTableLength: 1024,
      panicThreshold: 50,
      panic: { pool: 'only', up: 1, eligible: 3 },
      activePool: 0,
      pools: [
        {
          name: 'only',
          active: true,
          backends: [
            {
              name: 'a',
              address: '192.0.2.1',
              weight: 100,
              effectiveWeight: 100,
              state: 'up',
              enabled: true,
            },
            {
              name: 'b',
              address: '192.0.2.2',
              weight: 100,
              effectiveWeight: 100,
              state: 'down',
              enabled: true,
              checkerFault: 'netns',
            },
          ],
        },
      ],
    });
    assert.equal(
      renderFrontendList([panicking], ctx)[1],
      'api       198.51.100.2  tcp/80   up [PANIC]  -      only    2/2',
    );
    const view = renderFrontend(panicking, ctx);
    assert.deepEqual(view.slice(3, 5), [
      'panic            yes: pool only serves on all enabled backends (1/3 up, below 50%)',
      'panic-threshold  50%',
    ]);
    assert.equal(view.at(-1), '  b [checker fault: netns]  192.0.2.2  down      100        100  no     -');
  });

  test('colour does not move columns', () => {
    const coloured = renderFrontend(web, { ...ctx, style: makeStyle(true) });
    assert.deepEqual(coloured.map(stripAnsi), renderFrontend(web, ctx));
    assert.ok(coloured.some((l) => l.includes('\x1b[32mup\x1b[39m')));
  });
});

const backendB = BackendInfo.fromPartial({
  name: 'b',
  address: '192.0.2.2',
  state: 'down',
  enabled: true,
  healthcheck: 'http',
  counter: 0,
  rise: 2,
  fall: 3,
  addressFamily: 4,
  frontends: ['web', 'web-v6'],
  transitions: [
    { from: 'up', to: 'down', time: at(95_000), code: 'L4CON', detail: 'connect ECONNREFUSED' },
    { from: 'unknown', to: 'up', time: at(2 * 86_400_000), code: 'L7OK', detail: 'status 200' },
  ],
});

describe('backends', () => {
  test('list', () => {
    const a = BackendInfo.fromPartial({
      name: 'a',
      address: '192.0.2.1',
      state: 'up',
      enabled: true,
      counter: 4,
      rise: 2,
      fall: 3,
      frontends: ['web'],
    });
    const p = BackendInfo.fromPartial({
      name: 'p',
      address: '2001:db8::1',
      state: 'paused',
      enabled: false,
      rise: 1,
      fall: 1,
    });
    assert.deepEqual(renderBackendList([a, backendB, p], ctx), [
      'BACKEND       ADDRESS      STATE   HEALTH  SINCE  LAST   HEALTHCHECK  FRONTENDS',
      'a             192.0.2.1    up      4/4     -      -      -            web',
      'b             192.0.2.2    down    0/4     1m35s  L4CON  http         web,web-v6',
      'p [disabled]  2001:db8::1  paused  0/1     -      -      -            -',
    ]);
  });

  test('one backend with its transition history, newest first', () => {
    assert.deepEqual(renderBackend(backendB, ctx), [
      'backend      b',
      'address      192.0.2.2',
      'state        down for 1m35s',
      'enabled      yes',
      'healthcheck  http',
      'health       0/4 (up at 2, rise 2, fall 3)',
      'frontends    web, web-v6',
      '',
      'transitions (newest first)',
      '  TIME                 AGE    TRANSITION     CODE   DETAIL',
      '  2026-04-15 12:08:55  1m35s  up -> down     L4CON  connect ECONNREFUSED',
      '  2026-04-13 12:10:30  2d0h   unknown -> up  L7OK   status 200',
    ]);
  });

  test('a checker fault is marked: the state shown is held, not judged', () => {
    const held = BackendInfo.fromPartial({
      ...backendB,
      state: 'up',
      counter: 4,
      checkerFault: {
        reason: 'source-address',
        detail: 'source address 10.0.0.9 is not configured',
        since: at(20_000),
      },
    });
    assert.equal(
      renderBackendList([held], ctx)[1],
      'b        192.0.2.2  up [checker fault: source-address]  4/4     1m35s  L4CON  http         web,web-v6',
    );
    assert.ok(
      renderBackend(held, ctx).includes(
        'checker fault  source-address for 20s: source address 10.0.0.9 is not configured (state held)',
      ),
    );
  });

  test('a backend without history or health check', () => {
    const out = renderBackend(
      BackendInfo.fromPartial({
        name: 'z',
        address: '192.0.2.9',
        state: 'unknown',
        enabled: true,
        rise: 1,
        fall: 1,
      }),
      ctx,
    );
    assert.ok(out.includes('healthcheck  none (always passes)'));
    assert.equal(out.at(-1), 'transitions  none yet');
  });
});

describe('health checks', () => {
  const hc = HealthCheckInfo.fromPartial({
    name: 'http',
    type: 'https',
    port: 443,
    interval: durationFromMs(2000),
    fastInterval: durationFromMs(500),
    downInterval: durationFromMs(30_000),
    timeout: durationFromMs(1500),
    rise: 2,
    fall: 3,
    probeIpv4Src: '192.0.2.254',
    params: {
      path: '/healthz',
      responseCodeMin: 200,
      responseCodeMax: 299,
      serverName: 'www.example',
      tlsSessionReuse: true,
    },
    backends: ['a', 'b'],
  });
  const icmp = HealthCheckInfo.fromPartial({
    name: 'ping',
    type: 'icmp',
    interval: durationFromMs(1000),
    rise: 1,
    fall: 1,
  });

  test('list', () => {
    assert.deepEqual(renderHealthCheckList([hc, icmp], ctx), [
      'HEALTHCHECK  TYPE   PORT  INTERVAL  FAST   DOWN  TIMEOUT  RISE  FALL  BACKENDS',
      'http         https   443  2s        500ms  30s   1.5s        2     3         2',
      'ping         icmp      -  1s        -      -     -           1     1         0',
    ]);
  });

  test('one, with the parameters of its type', () => {
    assert.deepEqual(renderHealthCheck(hc, ctx), [
      'healthcheck           http',
      'type                  https',
      'port                  443',
      'interval              2s',
      'fast-interval         500ms',
      'down-interval         30s',
      'timeout               1.5s',
      'rise                  2',
      'fall                  3',
      'probe-ipv4-src        192.0.2.254',
      'probe-ipv6-src        -',
      'path                  /healthz',
      'host                  (backend address)',
      'response-code         200-299',
      'response-regexp       -',
      'server-name           www.example',
      'insecure-skip-verify  no',
      'tls-session-reuse     yes',
      'backends              a, b',
    ]);
  });

  test('a plain http check shows how its probes end their connections', () => {
    const web = HealthCheckInfo.fromPartial({
      ...hc,
      type: 'http',
      params: { ...hc.params, resetClose: true },
    });
    const lines = renderHealthCheck(web, ctx);
    assert.ok(
      lines.some((line) => /^reset-close +yes$/.test(line)),
      lines.join('\n'),
    );
    assert.ok(!lines.some((line) => line.startsWith('tls-session-reuse')), lines.join('\n'));
  });
});

describe('vpp', () => {
  test('info with ages', () => {
    const out = renderVppInfo(
      VPPInfo.fromPartial({
        version: '24.10',
        buildDate: '2024-10-30',
        buildDirectory: '/w',
        pid: 42,
        bootTime: at(86_400_000 + 3_600_000),
        connectTime: at(30_000),
        lbApiVersion: '1.2.0',
        apiSocket: '/run/vpp/api.sock',
        statsSocket: '/run/vpp/stats.sock',
      }),
      ctx,
    );
    assert.deepEqual(out, [
      'version       24.10',
      'build-date    2024-10-30',
      'build-dir     /w',
      'vpp-pid       42',
      'vpp-boottime  2026-04-14 11:10:30 (1d1h ago)',
      'connected     2026-04-15 12:10:00 (30s ago)',
      'lb-api        1.2.0',
      'api-socket    /run/vpp/api.sock',
      'stats-socket  /run/vpp/stats.sock',
    ]);
  });

  test('lb state: conf, then each VIP with its ASes', () => {
    const out = renderVppLbState(
      VPPLBState.fromPartial({
        conf: {
          ipv4SrcAddress: '192.0.2.254',
          ipv6SrcAddress: '',
          stickyBucketsPerCore: 1024,
          flowTimeout: 40,
        },
        readAt: at(0),
        vips: [
          {
            prefix: '198.51.100.1/32',
            protocol: 'tcp',
            port: 443,
            encap: 'gre4',
            flowTableLength: 1024,
            srcIpSticky: true,
            frontend: 'web',
            index: 0,
            ases: [
              {
                address: '192.0.2.1',
                weight: 100,
                inUse: true,
                buckets: 683,
                backend: 'a',
                predictedBuckets: 683,
              },
              { address: '192.0.2.99', weight: 0, inUse: false },
            ],
          },
          { prefix: '203.0.113.5/32', protocol: 'udp', port: 53, encap: 'gre4', flowTableLength: 1024 },
        ],
      }),
      ctx,
    );
    assert.deepEqual(out, [
      'ipv4-src-address         192.0.2.254',
      'ipv6-src-address         -',
      'sticky-buckets-per-core  1024',
      'flow-timeout             40s',
      'read                     2026-04-15 12:10:30 (0s ago)',
      '',
      'vip 198.51.100.1/32 tcp/443 web  encap gre4  flow-table 1024  src-ip-sticky yes  index 0',
      '  ADDRESS     BACKEND  WEIGHT  BUCKETS  PREDICTED  IN-USE',
      '  192.0.2.1   a           100      683        683  yes',
      '  192.0.2.99  -             0        -          -  no',
      '',
      'vip 203.0.113.5/32 udp/53 (not managed by maglevd)  encap gre4  flow-table 1024  src-ip-sticky no',
      '  no application servers',
    ]);
  });

  test('counters and the sync summary', () => {
    assert.deepEqual(
      renderVppLbCounters(
        VPPLBCounters.fromPartial({
          updatedAt: at(4000),
          vips: [
            {
              frontend: 'web',
              prefix: '198.51.100.1/32',
              protocol: 'tcp',
              port: 443,
              firstPackets: 12n,
              nextPackets: 123456789012n,
            },
          ],
        }),
        ctx,
      ),
      [
        'FRONTEND  PREFIX           SERVICE  FIRST          NEXT  UNTRACKED  NO-SERVER  PKTS/S  BYTES/S',
        'web       198.51.100.1/32  tcp/443     12  123456789012          0          0       -        -',
        'snapshot 4s old',
      ],
    );
    assert.deepEqual(
      renderVppLbCounters(
        VPPLBCounters.fromPartial({
          updatedAt: at(4000),
          source: 'stats-segment',
          rateIntervalSeconds: 5,
          vips: [
            {
              frontend: 'web',
              prefix: '198.51.100.1/32',
              protocol: 'tcp',
              port: 443,
              firstPackets: 12n,
              nextPackets: 1200n,
              packetsPerSecond: 1520.4,
              routeBytesPerSecond: 1_250_000,
            },
            {
              frontend: 'web-http',
              prefix: '198.51.100.1/32',
              protocol: 'tcp',
              port: 80,
              firstPackets: 1n,
              packetsPerSecond: 0.2,
              routeBytesPerSecond: 1_250_000,
            },
            { frontend: 'new', prefix: '198.51.100.9/32', protocol: 'udp', port: 53 },
          ],
        }),
        ctx,
      ),
      [
        'FRONTEND  PREFIX           SERVICE  FIRST  NEXT  UNTRACKED  NO-SERVER  PKTS/S   BYTES/S',
        'web       198.51.100.1/32  tcp/443     12  1200          0          0    1.5k  1.3 MB/s',
        'web-http  198.51.100.1/32  tcp/80       1     0          0          0     0.2  1.3 MB/s',
        'new       198.51.100.9/32  udp/53       0     0          0          0       -         -',
        'total 1.5k packets/s, 1.3 MB/s',
        'snapshot 4s old, from the stats segment, rates over 5.0s',
      ],
    );
    assert.deepEqual(
      renderSyncSummary(
        { vipsAdded: 1, vipsRemoved: 0, asesAdded: 2, asesRemoved: 1, weightsUpdated: 1 },
        undefined,
      ),
      ['synced every VIP: 1 VIP added, 0 removed, 2 ASs added, 1 removed, 1 weight updated'],
    );
    assert.deepEqual(
      renderSyncSummary(
        { vipsAdded: 0, vipsRemoved: 0, asesAdded: 0, asesRemoved: 0, weightsUpdated: 0 },
        'web',
      ),
      ['synced frontend web: 0 VIPs added, 0 removed, 0 ASs added, 0 removed, 0 weights updated'],
    );
  });
});

describe('config results', () => {
  test('valid with a warning', () => {
    const r = renderConfigResult(
      CheckConfigResponse.fromPartial({ ok: true, warnings: ['flow-table-length is small'] }),
      'check',
      ctx,
    );
    assert.deepEqual(r, {
      ok: true,
      lines: ['configuration is valid', '  warning: flow-table-length is small'],
    });
  });

  test('every problem, one per line', () => {
    const r = renderConfigResult(
      ReloadConfigResponse.fromPartial({
        ok: false,
        semanticError: 'maglev.yaml:3:5: a\nmaglev.yaml:9:1: b\n',
      }),
      'reload',
      ctx,
    );
    assert.deepEqual(r, {
      ok: false,
      lines: [
        'configuration not reloaded; the running one stays in force',
        '  semantic error: maglev.yaml:3:5: a',
        '  semantic error: maglev.yaml:9:1: b',
      ],
    });
  });
});

describe('event lines', () => {
  const t = new Date(Date.UTC(2026, 3, 15, 12, 0, 5, 123));
  const backend = Event.fromPartial({
    event: {
      $case: 'backend',
      value: {
        frontend: 'web',
        backend: 'b',
        address: '192.0.2.2',
        transition: { from: 'up', to: 'down', time: t, code: 'L4CON', detail: 'connect ECONNREFUSED' },
      },
    },
  });
  const frontend = Event.fromPartial({
    event: { $case: 'frontend', value: { frontend: 'web', from: 'up', to: 'down', time: t } },
  });
  const replay = Event.fromPartial({
    event: { $case: 'frontend', value: { frontend: 'web', from: 'up', to: 'up', time: t } },
  });
  const log = Event.fromPartial({
    event: {
      $case: 'log',
      value: {
        time: t,
        level: 'info',
        msg: 'lb-sync',
        attrs: { vip: '198.51.100.1/32', added: 2, note: 'two words' },
      },
    },
  });

  test('readable', () => {
    assert.equal(
      renderEventLine(backend, plainStyle),
      '12:00:05.123 backend b 192.0.2.2 (frontend web) up -> down [L4CON] connect ECONNREFUSED',
    );
    assert.equal(renderEventLine(frontend, plainStyle), '12:00:05.123 frontend web up -> down');
    assert.equal(renderEventLine(replay, plainStyle), '12:00:05.123 frontend web is up');
    assert.equal(
      renderEventLine(log, plainStyle),
      '12:00:05.123 log info  lb-sync vip=198.51.100.1/32 added=2 note="two words"',
    );
  });

  test('checker faults and panics, readable', () => {
    const fault = Event.fromPartial({
      event: {
        $case: 'checkerFault',
        value: {
          frontend: 'web',
          backend: 'b',
          address: '192.0.2.2',
          healthcheck: 'http',
          active: true,
          reason: 'netns',
          detail: 'netns "dp" not found',
          time: t,
        },
      },
    });
    const cleared = Event.fromPartial({
      event: {
        $case: 'checkerFault',
        value: {
          frontend: 'web',
          backend: 'b',
          address: '192.0.2.2',
          reason: 'netns',
          detail: 'status 200',
          time: t,
        },
      },
    });
    const panic = Event.fromPartial({
      event: {
        $case: 'panic',
        value: { frontend: 'web', active: true, pool: 'primary', up: 1, eligible: 4, threshold: 50, time: t },
      },
    });
    assert.equal(
      renderEventLine(fault, plainStyle),
      '12:00:05.123 backend b 192.0.2.2 (frontend web) checker fault [netns] netns "dp" not found; state held',
    );
    assert.equal(
      renderEventLine(cleared, plainStyle),
      '12:00:05.123 backend b 192.0.2.2 (frontend web) checker fault [netns] cleared: status 200',
    );
    assert.equal(
      renderEventLine(panic, plainStyle),
      '12:00:05.123 frontend web PANIC: pool primary serves on all enabled backends (1/4 up, threshold 50%)',
    );
  });

  test('compact JSON, protojson names', () => {
    assert.equal(
      renderEventJson(backend),
      '{"backend":{"frontend":"web","backend":"b","address":"192.0.2.2","transition":{"from":"up","to":"down","time":"2026-04-15T12:00:05.123Z","code":"L4CON","detail":"connect ECONNREFUSED"}}}',
    );
  });
});
