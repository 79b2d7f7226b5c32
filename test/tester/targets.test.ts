import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig, type MaglevConfig } from '../../src/config/index.js';
import { classifyVip, planTargets, targetAddress } from '../../src/tester/index.js';

function config(yaml: string, file = 'test.yaml'): MaglevConfig {
  const r = parseConfig(yaml, file);
  assert.ok(r.ok, JSON.stringify(r));
  return r.config;
}

const checks = `
  healthchecks:
    http: { type: http, port: 80 }
    https: { type: https, port: 443 }
    ssh: { type: tcp, port: 22 }
    ping: { type: icmp }
    alt: { type: http, port: 8081 }
`;

const lb1 = config(`
maglev:
${checks}
  backends:
    web1: { address: 192.0.2.11, healthcheck: http }
    web6: { address: 2001:db8::11, healthcheck: https }
    bastion: { address: 192.0.2.41, healthcheck: ssh }
    ns1: { address: 192.0.2.21, healthcheck: ping }
    plain: { address: 192.0.2.22 }
    app: { address: 192.0.2.23, healthcheck: alt }
  frontends:
    web-v4: { address: 198.51.100.10, port: 80, pools: [{ name: p, backends: { web1: {} } }] }
    web-v6: { address: 2001:db8:100::10, port: 443, pools: [{ name: p, backends: { web6: {} } }] }
    api: { address: 198.51.100.11, port: 9443, pools: [{ name: p, backends: { web6: {} } }] }
    app: { address: 198.51.100.12, port: 8081, pools: [{ name: p, backends: { app: {} } }] }
    ssh: { address: 198.51.100.40, port: 22, pools: [{ name: p, backends: { bastion: {} } }] }
    dns-udp: { address: 198.51.100.53, protocol: udp, port: 53, pools: [{ name: p, backends: { ns1: {} } }] }
    dns-any: { address: 198.51.100.54, protocol: any, pools: [{ name: p, backends: { ns1: {}, plain: {} } }] }
    all-web: { address: 198.51.100.55, protocol: any, pools: [{ name: p, backends: { ns1: {}, app: {} } }] }
`);

describe('classifyVip', () => {
  test('a well-known port decides first', () => {
    assert.deepEqual(classifyVip(443, ['http']), { kind: 'https', reason: 'port 443' });
    assert.deepEqual(classifyVip(80, ['https']), { kind: 'http', reason: 'port 80' });
    assert.deepEqual(classifyVip(8080, []), { kind: 'http', reason: 'port 8080' });
  });

  test('then the health checks of the backends, https before http', () => {
    assert.equal(classifyVip(9443, ['tcp', 'https']).kind, 'https');
    assert.equal(classifyVip(9000, ['http', 'https']).kind, 'https');
    assert.equal(classifyVip(9000, ['icmp', 'http']).kind, 'http');
  });

  test('and otherwise a TCP connect', () => {
    assert.deepEqual(classifyVip(22, ['tcp', 'icmp']), { kind: 'tcp', reason: 'no http hint' });
    assert.equal(classifyVip(25, []).kind, 'tcp');
  });
});

describe('planTargets', () => {
  test('every frontend, classed, in file order; udp and port-less all-ports VIPs skipped', () => {
    const plan = planTargets([lb1]);
    assert.deepEqual(
      plan.targets.map((t) => [t.name, t.kind, t.port]),
      [
        ['web-v4', 'http', 80],
        ['web-v6', 'https', 443],
        ['api', 'https', 9443],
        ['app', 'http', 8081],
        ['ssh', 'tcp', 22],
        ['all-web', 'http', 8081],
      ],
    );
    assert.match(plan.targets.at(-1)!.reason, /port 8081 from the backends' health check/);
    assert.deepEqual(
      plan.skipped.map((s) => s.name),
      ['dns-udp', 'dns-any'],
    );
    assert.match(plan.skipped[0]!.reason, /udp/);
  });

  test('configs merge; a VIP in several files is probed once and keeps every name', () => {
    const lb2 = config(`
maglev:
${checks}
  backends:
    web2: { address: 192.0.2.12, healthcheck: http }
  frontends:
    www: { address: 198.51.100.10, port: 80, pools: [{ name: p, backends: { web2: {} } }] }
    web-v4: { address: 198.51.100.10, port: 8080, pools: [{ name: p, backends: { web2: {} } }] }
    web-tcp: { address: 198.51.100.56, protocol: any, pools: [{ name: p, backends: { web2: {} } }] }
`);
    const plan = planTargets([lb1, lb2]);
    const added = plan.targets.filter((t) => t.address === '198.51.100.10' || t.address === '198.51.100.56');
    assert.deepEqual(
      added.map((t) => [t.key, t.names, t.port]),
      [
        ['198.51.100.10 tcp 80', ['web-v4', 'www'], 80],
        ['198.51.100.10 tcp 8080', ['web-v4'], 8080],
        ['198.51.100.56 any 0', ['web-tcp'], 80],
      ],
    );
    // Merging the same file twice changes nothing.
    assert.deepEqual(planTargets([lb1, lb1]).targets, planTargets([lb1]).targets);
  });

  test('--filter matches any name or the address', () => {
    const names = (re: RegExp) => planTargets([lb1], re).targets.map((t) => t.name);
    assert.deepEqual(names(/^web/), ['web-v4', 'web-v6']);
    assert.deepEqual(names(/^2001:db8:100::/), ['web-v6']);
    assert.deepEqual(names(/^nothing$/), []);
    assert.deepEqual(
      planTargets([lb1], /^dns/).skipped.map((s) => s.name),
      ['dns-udp', 'dns-any'],
    );
  });

  test('addresses print with brackets for IPv6', () => {
    const [v4, v6] = planTargets([lb1]).targets;
    assert.equal(targetAddress(v4!), '198.51.100.10:80');
    assert.equal(targetAddress(v6!), '[2001:db8:100::10]:443');
  });
});
