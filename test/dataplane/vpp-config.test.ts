// What the VPP integration needs from the config (vpp-config.ts): both GRE source addresses, and
// lb_conf with the optional values only when configured.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { vppConfigProblems, wantedLbConf } from '../../src/dataplane/index.js';
import { twoFrontends } from './fixtures.js';

void describe('VPP config', () => {
  void test('VPP integration needs both source addresses, each named on its own', () => {
    assert.deepEqual(vppConfigProblems(twoFrontends()), []);
    assert.deepEqual(
      vppConfigProblems(twoFrontends({ ipv4SrcAddress: undefined, ipv6SrcAddress: undefined })),
      [
        'maglev.vpp.lb.ipv4-src-address is required when VPP integration is on (--vpp-api-addr)',
        'maglev.vpp.lb.ipv6-src-address is required when VPP integration is on (--vpp-api-addr)',
      ],
    );
    assert.deepEqual(vppConfigProblems(twoFrontends({ ipv6SrcAddress: undefined })), [
      'maglev.vpp.lb.ipv6-src-address is required when VPP integration is on (--vpp-api-addr)',
    ]);
    assert.deepEqual(vppConfigProblems(twoFrontends({ ipv4SrcAddress: undefined })), [
      'maglev.vpp.lb.ipv4-src-address is required when VPP integration is on (--vpp-api-addr)',
    ]);
  });

  void test('lb_conf: the source addresses, sticky buckets and flow timeout only when configured', () => {
    assert.deepEqual(wantedLbConf(twoFrontends()), {
      ip4SrcAddress: '192.0.2.254',
      ip6SrcAddress: '2001:db8::fe',
    });
    assert.deepEqual(wantedLbConf(twoFrontends({ stickyBucketsPerCore: 1024, flowTimeoutS: 0 })), {
      ip4SrcAddress: '192.0.2.254',
      ip6SrcAddress: '2001:db8::fe',
      stickyBucketsPerCore: 1024,
      flowTimeout: 0,
    });
    assert.equal(wantedLbConf(twoFrontends({ ipv4SrcAddress: undefined })), undefined);
    assert.equal(wantedLbConf(twoFrontends({ ipv6SrcAddress: undefined })), undefined);
  });
});
